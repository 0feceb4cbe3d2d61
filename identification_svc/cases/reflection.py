"""The recovery and reflection period of a foreign presumed victim (identification.md).

A person who is not a Romanian citizen gets the period once there are reasonable grounds
to believe they are a victim: when the case is presumed (or formally identified without
having been presumed first). It starts at that moment, and its length is configuration
(`reflection_period_days`), not code. Once given it stays as it was: a later decision,
closing or reopening neither moves nor withdraws it.

Pure: the caller passes the clock.
"""

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Final, NamedTuple

HOME_COUNTRY: Final = "RO"
_ENTITLING_STATUSES: Final = frozenset({"presumed", "identified"})


class Period(NamedTuple):
    start: datetime
    end: datetime


def is_foreign(citizenships: Collection[str]) -> bool:
    """Known citizenships none of which is Romanian (unknown is not foreign)."""
    return bool(citizenships) and HOME_COUNTRY not in citizenships


def reflection_period(
    *, status: str, foreign: bool, granted: Period | None, now: datetime, days: int
) -> Period | None:
    if granted is not None:
        return granted
    if foreign and status in _ENTITLING_STATUSES:
        return Period(now, now + timedelta(days=days))
    return None
