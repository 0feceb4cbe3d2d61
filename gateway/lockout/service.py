"""The sign-in guard: every password or client-credentials attempt is counted before the
credentials are checked, against the username and against the client's address.

Counting first (one atomic upsert per counter, in a transaction of its own committed
before the password is checked) means concurrent guesses cannot slip past the limit, and
a locked username or address costs no password hash. A successful sign-in clears its
username's count and gives its attempt back to the address, so colleagues behind one
address are not locked out by their own sign-ins.

Past `max` attempts in the window of `lockout_seconds`, the username or address is
locked for `lockout_seconds`: every attempt, right password or not, is refused with 429
and `Retry-After`. While locked nothing more is counted, so the lock does not grow.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.lockout.exceptions import Locked
from gateway.lockout.repository import SignInFailureRepository
from shared.db import Database

USERNAME = "username"
ADDRESS = "address"


@dataclass(frozen=True)
class Counter:
    scope: str
    subject: str


class SignInGuard:
    def __init__(
        self,
        database: Database,
        *,
        max_per_username: int,
        max_per_address: int,
        lockout_seconds: int,
    ) -> None:
        self.database = database
        self.limits = {USERNAME: max_per_username, ADDRESS: max_per_address}
        self.lockout = timedelta(seconds=lockout_seconds)

    def counters(self, username: str | None, address: str | None) -> list[Counter]:
        """What an attempt counts against, the address first (a guess at many usernames
        from one address is stopped without touching the usernames' counts)."""
        counters = []
        if address and self.limits[ADDRESS]:
            counters.append(Counter(ADDRESS, address[:255]))
        if username and self.limits[USERNAME]:
            counters.append(Counter(USERNAME, username.lower()[:255]))
        return counters

    async def attempt(self, counters: Sequence[Counter], now: datetime) -> None:
        """Count an attempt, or raise `Locked` with the seconds to wait."""
        locked: Locked | None = None
        async with self.database.sessions() as session, session.begin():
            failures = SignInFailureRepository(session)
            for counter in counters:
                attempts, locked_until = await failures.count_attempt(
                    counter.scope, counter.subject, now, now - self.lockout
                )
                if locked_until is not None and locked_until > now:
                    # Rolled back: an attempt refused unseen counts nowhere.
                    raise Locked(_seconds(locked_until - now))
                if attempts > self.limits[counter.scope]:
                    await failures.lock(counter.scope, counter.subject, now + self.lockout)
                    locked = Locked(_seconds(self.lockout))
                    break
        if locked is not None:
            raise locked

    async def succeeded(self, session: AsyncSession, counters: Sequence[Counter]) -> None:
        """Clear the username's count and give the address its attempt back, in the
        sign-in's own transaction (which, on SQLite, already holds the write lock)."""
        failures = SignInFailureRepository(session)
        for counter in counters:
            if counter.scope == USERNAME:
                await failures.clear(counter.scope, counter.subject)
            else:
                await failures.give_back(counter.scope, counter.subject)

    async def purge(self, now: datetime) -> int:
        """Delete the counts whose window and lockout are over; how many."""
        async with self.database.sessions() as session, session.begin():
            return await SignInFailureRepository(session).purge(now - self.lockout, now)


def _seconds(wait: timedelta) -> int:
    return max(1, math.ceil(wait.total_seconds()))
