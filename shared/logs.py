"""Structured JSON logs, one object a line, each with the request id it belongs to."""

import json
import logging
import sys
from datetime import UTC, datetime

from shared.auth.revocations import REVOCATIONS_PATH
from shared.requests import current_request_id


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": current_request_id(),
        }
        for key in ("service", "event_id", "topic", "status", "path", "method", "duration_ms"):
            if key in record.__dict__:
                entry[key] = record.__dict__[key]
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class _QuietPolls(logging.Filter):
    """Leaves out the access-log line of each successful poll of the revocation list,
    which every replica of every service makes twice a second; a refused one (a wrong
    signature) is still logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        return not (
            isinstance(args, tuple)
            and len(args) == 5
            and args[2] == REVOCATIONS_PATH
            and args[4] == 200
        )


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    # One line per request from our own access log is enough; the client library's is noise.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _QuietPolls) for f in access.filters):
        access.addFilter(_QuietPolls())
