"""The data folder makes its secrets once, private, and the environment's password wins."""

import base64
import stat
from pathlib import Path

import pytest

from services.datadir import ADMIN_PASSWORD_VARIABLE, DataDir, Origin


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DataDir:
    monkeypatch.delenv(ADMIN_PASSWORD_VARIABLE, raising=False)
    folder = DataDir(tmp_path / "data")
    folder.create()
    return folder


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_folder_is_private(data_dir: DataDir) -> None:
    assert mode(data_dir.path) == 0o700


def test_a_key_is_32_random_bytes_made_once_and_kept_private(data_dir: DataDir) -> None:
    key = data_dir.key("some_key")
    assert len(base64.b64decode(key, validate=True)) == 32
    assert DataDir(data_dir.path).key("some_key") == key
    assert data_dir.key("another_key") != key
    assert mode(data_dir.path / "some_key") == 0o600


def test_the_admin_password_is_new_once_then_stored(data_dir: DataDir) -> None:
    assert data_dir.known_admin_password() is None
    first = data_dir.admin_password()
    assert first.origin is Origin.NEW
    assert mode(data_dir.admin_password_file) == 0o600
    again = data_dir.admin_password()
    assert (again.value, again.origin) == (first.value, Origin.STORED)


def test_the_environments_admin_password_wins_and_is_not_stored(
    data_dir: DataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ADMIN_PASSWORD_VARIABLE, "from-the-environment")
    password = data_dir.admin_password()
    assert (password.value, password.origin) == ("from-the-environment", Origin.ENVIRONMENT)
    assert not data_dir.admin_password_file.exists()


def test_each_part_has_its_own_sqlite_file(data_dir: DataDir) -> None:
    assert data_dir.database_url("risk") == f"sqlite+aiosqlite:///{data_dir.path}/risk.db"
