"""The named problems of forwarding: a path no part serves, a part that cannot answer."""

from collections.abc import Mapping

from shared.errors import NotFound, ServiceUnavailable


class NoSuchPath(NotFound):
    def __init__(self) -> None:
        super().__init__("No such path.")


class PartUnavailable(ServiceUnavailable):
    def __init__(self, part: str) -> None:
        super().__init__(
            f"The {part} service is unavailable; retry later.", headers={"Retry-After": "5"}
        )


class PartsNotReady(ServiceUnavailable):
    """The gateway's readiness: `parts` says of each part whether it is ready."""

    def __init__(self, parts: Mapping[str, bool]) -> None:
        down = [part for part, ready in parts.items() if not ready]
        super().__init__(
            f"Not ready: {', '.join(down)}.",
            extra={
                "parts": {part: "ok" if ready else "unavailable" for part, ready in parts.items()}
            },
        )
