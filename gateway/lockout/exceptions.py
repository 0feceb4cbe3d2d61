"""The sign-in guard's refusal, which the token endpoint answers in the OAuth2 format."""


class Locked(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"locked for {retry_after} s")
        self.retry_after = retry_after
