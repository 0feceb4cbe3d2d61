"""The embedded suite's data folder: a SQLite file per part, the secrets made on first run
(kept with mode 0600, so a restart keeps the same admin password, keys and event
signatures), and the pids of the running parts.

Containers use none of this: they get their secrets and databases from the environment.
"""

import base64
import os
import secrets
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

DEFAULT_DATA_DIR = Path(".nirm-data")
# The suite-wide name of the gateway's `bootstrap_admin_password` setting (API.md).
ADMIN_PASSWORD_VARIABLE = "NIRM_BOOTSTRAP_ADMIN_PASSWORD"
_ADMIN_PASSWORD_FILE = "admin_password"
# The size of every key the folder makes (the registry's `Part.keys` are such keys).
KEY_BYTES = 32


class Origin(Enum):
    ENVIRONMENT = "environment"
    STORED = "stored"
    NEW = "new"


@dataclass(frozen=True)
class AdminPassword:
    value: str
    origin: Origin


class DataDir:
    def __init__(self, path: Path) -> None:
        self.path = path.resolve()

    def create(self) -> None:
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)

    def database_url(self, part_name: str) -> str:
        return f"sqlite+aiosqlite:///{self.path / f'{part_name}.db'}"

    @property
    def pids_file(self) -> Path:
        return self.path / "pids.json"

    @property
    def admin_password_file(self) -> Path:
        return self.path / _ADMIN_PASSWORD_FILE

    def key(self, name: str) -> str:
        """The key kept under `name` (base64 of 32 random bytes), made on first use."""
        return self._read(name) or self._write_new(
            name, base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()
        )

    def known_admin_password(self) -> AdminPassword | None:
        """The bootstrap admin's password from the environment, else the stored one."""
        from_environment = os.environ.get(ADMIN_PASSWORD_VARIABLE)
        if from_environment:
            return AdminPassword(from_environment, Origin.ENVIRONMENT)
        stored = self._read(_ADMIN_PASSWORD_FILE)
        return AdminPassword(stored, Origin.STORED) if stored else None

    def admin_password(self) -> AdminPassword:
        """The known admin password, or a new one stored for the next runs."""
        return self.known_admin_password() or AdminPassword(
            self._write_new(_ADMIN_PASSWORD_FILE, secrets.token_urlsafe(18)), Origin.NEW
        )

    def _read(self, name: str) -> str | None:
        try:
            return (self.path / name).read_text().strip() or None
        except FileNotFoundError:
            return None

    def _write_new(self, name: str, value: str) -> str:
        # Created with 0600 from the start: there is no moment when others could read it.
        descriptor = os.open(self.path / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(value + "\n")
        return value
