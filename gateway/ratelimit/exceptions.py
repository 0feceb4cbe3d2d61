"""The named problem of rate limits."""

from shared.errors import Problem


class RateLimited(Problem):
    slug = "rate-limited"

    def __init__(self, limit: int, retry_after: int) -> None:
        super().__init__(
            f"More than {limit} requests in a minute.",
            headers={"Retry-After": str(retry_after)},
        )
