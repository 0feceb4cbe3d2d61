"""A short memory of account states, so that a busy caller's requests do not each cost the
gateway a database lookup.

An entry lives `ttl` seconds, at most one (the `account_cache_seconds` setting's bound).
An account disabled, given a new password or new roles is refused at once by the replica
that made the change (the account service forgets its entry) and within `ttl` by every
other replica — the same second as the whole-second `iat` the revocation rests on.
"""

import time
import uuid
from collections.abc import Awaitable, Callable

from gateway.identity.repository import AccountState

# Far more accounts than the mechanism has; past it, the memory starts over.
_MAX_ENTRIES = 10_000

Key = tuple[str, uuid.UUID]


class AccountStates:
    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        # Seconds, only ever compared with each other (a test gives its own).
        self.clock = clock
        self._entries: dict[Key, tuple[float, AccountState | None]] = {}

    async def get(
        self,
        kind: str,
        account_id: uuid.UUID,
        load: Callable[[], Awaitable[AccountState | None]],
    ) -> AccountState | None:
        """The account's state, remembered or else loaded (None: no such account)."""
        if self.ttl <= 0:
            return await load()
        key = (kind, account_id)
        now = self.clock()
        remembered = self._entries.get(key)
        if remembered is not None and remembered[0] > now:
            return remembered[1]
        account = await load()
        if len(self._entries) >= _MAX_ENTRIES:
            self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
            if len(self._entries) >= _MAX_ENTRIES:
                self._entries.clear()
        self._entries[key] = (now + self.ttl, account)
        return account

    def forget(self, kind: str, account_id: uuid.UUID) -> None:
        self._entries.pop((kind, account_id), None)
