"""The `python -m services` command line, the parts that need no running suite."""

import socket
import sqlite3
from pathlib import Path

import pytest

from services.__main__ import PART_VARIABLE, main
from services.datadir import DataDir
from services.registry import PARTS, RISK
from services.runner import up
from tests.support.processes import HOST, free_base_port


def test_migrate_brings_every_parts_database_to_its_latest_schema(tmp_path: Path) -> None:
    assert main(["migrate", "--data-dir", str(tmp_path)]) == 0
    for part in PARTS:
        with sqlite3.connect(tmp_path / f"{part.name}.db") as connection:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        assert f"alembic_version_{part.name}" in tables


def test_serve_needs_a_part(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PART_VARIABLE, raising=False)
    with pytest.raises(SystemExit) as refused:
        main(["serve"])
    assert refused.value.code == 2


def test_up_refuses_a_busy_port_before_starting_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base_port = free_base_port()
    with socket.socket() as squatter:
        squatter.bind((HOST, RISK.port(base_port)))
        squatter.listen()
        status = up(DataDir(tmp_path / "data"), host=HOST, base_port=base_port, parts=[RISK])
    assert status == 1
    assert str(RISK.port(base_port)) in capsys.readouterr().err
    assert not (tmp_path / "data").exists()
