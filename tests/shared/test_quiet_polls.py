"""The access log leaves out the revocation polls that succeed, and keeps everything else."""

import logging

from shared.auth.revocations import REVOCATIONS_PATH
from shared.logs import configure_logging


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_successful_revocation_polls_are_not_logged() -> None:
    configure_logging()
    access = logging.getLogger("uvicorn.access")
    kept = Kept()
    access.addHandler(kept)
    line = '%s - "%s %s HTTP/%s" %d'
    try:
        access.info(line, "127.0.0.1:1", "GET", REVOCATIONS_PATH, "1.1", 200)
        access.info(line, "127.0.0.1:1", "GET", REVOCATIONS_PATH, "1.1", 401)
        access.info(line, "127.0.0.1:1", "GET", "/api/v1/cases", "1.1", 200)
    finally:
        access.removeHandler(kept)
    assert [r.getMessage() for r in kept.records] == [
        f'127.0.0.1:1 - "GET {REVOCATIONS_PATH} HTTP/1.1" 401',
        '127.0.0.1:1 - "GET /api/v1/cases HTTP/1.1" 200',
    ]
