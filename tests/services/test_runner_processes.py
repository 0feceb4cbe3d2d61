"""The runner with real processes: each service its own uvicorn process, one dying while
the others serve, and Ctrl-C leaving no child behind. (The gateway's part is in
tests/e2e/test_suite_processes.py.)"""

import os
import signal
import stat
from collections.abc import Iterator

import httpx
import pytest

from services.registry import SERVICES
from tests.support.processes import RunningSuite, gone, start_suite, wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSuite]:
    running = start_suite(
        tmp_path_factory.mktemp("runner") / "data", only=[p.name for p in SERVICES]
    )
    yield running
    running.kill_all()


def ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health/ready", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_each_service_is_migrated_and_serves_in_its_own_process(suite: RunningSuite) -> None:
    pids = suite.pids()
    assert set(pids) == {p.name for p in SERVICES}
    assert len(set(pids.values())) == len(SERVICES)
    for service in SERVICES:
        assert (suite.data_dir / f"{service.name}.db").exists()
        assert ready(suite.url(service.name))
        assert f"pid {pids[service.name]}" in suite.output()


def test_the_internal_secret_is_kept_private(suite: RunningSuite) -> None:
    mode = stat.S_IMODE((suite.data_dir / "internal_secret").stat().st_mode)
    assert mode == 0o600


def test_a_dead_service_leaves_the_others_serving(suite: RunningSuite) -> None:
    victim, *others = SERVICES
    pid = suite.pids()[victim.name]
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: not ready(suite.url(victim.name)), 5, f"{victim.name} stops answering")
    wait_until(
        lambda: f"{victim.name} (pid {pid}) exited" in suite.output(), 5, "the runner notices"
    )
    assert suite.process.poll() is None
    assert all(ready(suite.url(p.name)) for p in others)


def test_ctrl_c_stops_the_runner_and_every_child(suite: RunningSuite) -> None:
    pids = suite.pids()
    assert suite.interrupt() == 0
    assert all(gone(pid) for pid in pids.values())
    assert not (suite.data_dir / "pids.json").exists()
