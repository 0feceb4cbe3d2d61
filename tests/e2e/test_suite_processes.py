"""The whole suite as real processes, through the gateway, as a client sees it.

`python -m services up` on free ports: the bootstrap admin sets up an organisation and a
police officer who logs in; seed-demo works against it; a killed service makes the gateway
answer 503 problem+json for its routes at once while the other parts go on; and Ctrl-C
stops every process.
"""

import os
import signal
import stat
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from services.demo import USERS
from services.registry import RISK
from tests.support.processes import RunningSuite, gone, start_suite, wait_until

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSuite]:
    running = start_suite(tmp_path_factory.mktemp("suite") / "data")
    yield running
    running.kill_all()


@pytest.fixture(scope="module")
def api(suite: RunningSuite) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=suite.url("gateway"), timeout=10, trust_env=False) as client:
        yield client


def token(api: httpx.Client, username: str, password: str) -> str:
    response = api.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": password},
    )
    assert response.status_code == 200, response.text
    assert response.json()["token_type"].lower() == "bearer"
    access_token: str = response.json()["access_token"]
    return access_token


def bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


@pytest.fixture(scope="module")
def admin_token(suite: RunningSuite, api: httpx.Client) -> str:
    password = (suite.data_dir / "admin_password").read_text().strip()
    return token(api, "admin", password)


@pytest.fixture(scope="module")
def police(api: httpx.Client, admin_token: str) -> dict[str, str]:
    """A police organisation and officer made by the admin; the officer's token."""
    organisation = api.post(
        "/api/v1/organisations",
        json={"name": "IPJ Iași", "kind": "police", "county": "RO-IS"},
        headers=bearer(admin_token),
    )
    assert organisation.status_code == 201, organisation.text
    username = f"officer.{uuid.uuid4().hex[:8]}"
    user = api.post(
        "/api/v1/users",
        json={
            "username": username,
            "password": PASSWORD,
            "full_name": "Ana Pop",
            "organisation_id": organisation.json()["id"],
            "roles": ["police"],
        },
        headers=bearer(admin_token),
    )
    assert user.status_code == 201, user.text
    return {
        "username": username,
        "organisation_id": organisation.json()["id"],
        "token": token(api, username, PASSWORD),
    }


def test_the_gateway_is_ready_once_the_runner_says_so(suite: RunningSuite) -> None:
    assert httpx.get(f"{suite.url('gateway')}/health/ready", timeout=5).status_code == 200


def test_the_bootstrap_password_is_shown_once_and_kept_private(suite: RunningSuite) -> None:
    password_file = suite.data_dir / "admin_password"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert password_file.read_text().strip() in suite.output()


def test_a_police_officer_made_by_the_admin_logs_in_and_sees_itself(
    api: httpx.Client, police: dict[str, str]
) -> None:
    me = api.get("/api/v1/me", headers=bearer(police["token"]))
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["username"] == police["username"]
    assert body["roles"] == ["police"]
    assert body["organisation"] == {
        "id": police["organisation_id"],
        "name": "IPJ Iași",
        "kind": "police",
        "county": "RO-IS",
    }


def test_seed_demo_makes_users_who_can_log_in_and_makes_nothing_twice(
    suite: RunningSuite, api: httpx.Client
) -> None:
    command = [sys.executable, "-m", "services", "seed-demo"]
    command += ["--data-dir", str(suite.data_dir), "--base-port", str(suite.base_port)]
    first = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert first.returncode == 0, first.stderr
    line = next(line for line in first.stdout.splitlines() if "demo.police" in line)
    password = line.split("password ", 1)[1].strip()
    me = api.get("/api/v1/me", headers=bearer(token(api, "demo.police", password)))
    assert me.json()["roles"] == ["police"]

    again = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("already there") == len(USERS)


def test_a_dead_service_is_503_on_its_routes_at_once_while_the_others_serve(
    suite: RunningSuite, api: httpx.Client, police: dict[str, str]
) -> None:
    os.kill(suite.pids()[RISK.name], signal.SIGKILL)
    wait_until(lambda: gone(suite.pids()[RISK.name]), 5, "the risk service is gone")

    started = time.monotonic()
    answer = api.get("/api/v1/risk-instruments", headers=bearer(police["token"]))
    assert time.monotonic() - started < 2
    assert answer.status_code == 503
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["status"] == 503

    # The identification and referral services still answer their routes through the gateway.
    catalogues = api.get("/api/v1/indicator-catalogues", headers=bearer(police["token"]))
    assert catalogues.status_code == 200, catalogues.text
    assert catalogues.json()["items"][0]["version"] == 1
    referrals = api.get("/api/v1/referrals", headers=bearer(police["token"]))
    assert referrals.status_code == 200, referrals.text
    assert httpx.get(f"{suite.url('identification')}/health/ready").status_code == 200
    assert api.get("/api/v1/me", headers=bearer(police["token"])).status_code == 200
    assert api.get("/health/ready").status_code == 503
    assert suite.process.poll() is None


def test_ctrl_c_stops_the_runner_and_every_part(suite: RunningSuite) -> None:
    pids = suite.pids()
    assert suite.interrupt() == 0
    assert all(gone(pid) for pid in pids.values())
