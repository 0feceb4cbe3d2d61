"""The named problems of idempotency keys."""

from shared.errors import Conflict, FieldError, Problem, ValidationProblem

KEY_HEADER = "Idempotency-Key"


class MalformedIdempotencyKey(ValidationProblem):
    def __init__(self, message: str) -> None:
        super().__init__(KEY_HEADER, message)


class IdempotencyKeyReused(Problem):
    slug = "idempotency-key-reused"

    def __init__(self) -> None:
        message = "This Idempotency-Key was sent with another request (method, path or body)."
        super().__init__(message, errors=[FieldError(KEY_HEADER, message)])


class IdempotencyKeyInUse(Problem):
    slug = "idempotency-key-in-use"

    def __init__(self) -> None:
        super().__init__(
            "A request with this Idempotency-Key is in progress.", headers={"Retry-After": "1"}
        )


class AnswerNotKept(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "The request with this Idempotency-Key was done; its answer showed a secret once "
            "and was not kept, so it cannot be replayed."
        )
