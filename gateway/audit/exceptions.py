"""The named problems of the audit log."""

from shared.errors import ServiceUnavailable, ValidationProblem

PURPOSE_HEADER = "X-Purpose"


class PeriodReversed(ValidationProblem):
    def __init__(self) -> None:
        super().__init__("to", "must not be earlier than 'from'")


class TimeOutOfRange(ValidationProblem):
    """A time that leaves the calendar in UTC (year 1 at +01:00)."""

    def __init__(self, field: str) -> None:
        super().__init__(field, "is out of range")


class BadPurpose(ValidationProblem):
    """A malformed `X-Purpose` header."""

    def __init__(self, message: str) -> None:
        super().__init__(PURPOSE_HEADER, message)


class AccessNotRecorded(ServiceUnavailable):
    """A read of personal data whose audit event could not be written: it fails closed."""

    def __init__(self) -> None:
        super().__init__(
            "The access could not be recorded in the audit log, so the data is not "
            "returned; retry later.",
            headers={"Retry-After": "5"},
        )
