"""The settled suppression pattern of each period asked for lately, kept by the app.

Settling one pattern over every grouping of a national caseload takes seconds of CPU
(`shared.statistics`), far more than a request may: so each period's pattern is kept with
the caseload version it was settled on (`StatisticsRepository.version`). A request whose
version matches is answered from it at once. When the caseload has changed, the pattern is
settled again. The request waits for it when the caseload is small enough to settle at once
(`COUNTED_AT_ONCE_UP_TO` cases: small caseloads are always current), or when there is none to
answer from (at most `WAIT_AT_MOST_SECONDS`, then a 503 with `Retry-After` while it goes
on); otherwise it is answered from the pattern it has, as of when that was settled
(`as_of`), while the new one is settled in the background — never from one older than
`MAX_AGE`. One settling per period at a time, off the event loop; the least recently asked
periods are forgotten.

A job settles the whole period (no dates) as the caseload changes — a slow settling at
most every `SLOW_REFRESH_EVERY`, so a busy national caseload costs a few percent of a core
— and the question most often asked is answered at once.
"""

import asyncio
import logging
import time
from collections import Counter, OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from fastapi import FastAPI

from identification_svc.statistics.repository import StatisticsRepository
from identification_svc.statistics.schemas import DIMENSIONS
from shared.db import Database, utcnow
from shared.errors import ServiceUnavailable
from shared.statistics import Period, Statistics
from shared.statistics_api import settle

UNSPECIFIED_FORM: Final = "unspecified"
UNKNOWN_COUNTY: Final = "unknown"
# Up to this many cases the caseload settles in well under a second (bench/RESULTS.md).
COUNTED_AT_ONCE_UP_TO = 20_000
MAX_AGE = timedelta(minutes=15)
SLOW_REFRESH_EVERY = timedelta(minutes=10)
# Less than the gateway waits for a service (`forward_timeout_seconds`, 5 by default).
WAIT_AT_MOST_SECONDS = 3.0
MAX_PERIODS = 32
# How often the job looks whether the whole period must be settled again.
REFRESH_INTERVAL_SECONDS = 60.0
logger = logging.getLogger("nirm.statistics")


@dataclass(frozen=True)
class Settled:
    version: tuple[int, int]
    statistics: Statistics
    as_of: datetime


class StillCounting(ServiceUnavailable):
    def __init__(self) -> None:
        super().__init__(
            "The cases of this period are being counted; ask again in a few seconds.",
            headers={"Retry-After": "10"},
        )


class SettledStatistics:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._settled: OrderedDict[Period, Settled] = OrderedDict()
        self._settling: dict[Period, asyncio.Task[Settled]] = {}

    async def of(self, period: Period, version: tuple[int, int]) -> Settled:
        """The period's pattern for the caseload at `version` (or later), or the last one
        settled while a new one is."""
        kept = self._settled.get(period)
        if kept is not None:
            self._settled.move_to_end(period)
            if _at_least(kept.version, version):
                return kept
        if kept is not None and not _small(version) and utcnow() - kept.as_of < MAX_AGE:
            self._settle_in_background(period)
            return kept
        settled = await self._wait_for(self._settle_in_background(period))
        if not _at_least(settled.version, version):
            # It was settling already, from before `version`: once more, from now.
            settled = await self._wait_for(self._settle_in_background(period))
        return settled

    @staticmethod
    async def _wait_for(settling: asyncio.Task[Settled]) -> Settled:
        """The settling's pattern, or `StillCounting` when it takes longer than a request
        may wait (it goes on, and its pattern is kept for the retry)."""
        done, _ = await asyncio.wait({settling}, timeout=WAIT_AT_MOST_SECONDS)
        if not done:
            raise StillCounting()
        return settling.result()

    def _settle_in_background(self, period: Period) -> asyncio.Task[Settled]:
        task = self._settling.get(period)
        if task is None:
            task = asyncio.create_task(self._settle(period))
            self._settling[period] = task
            task.add_done_callback(lambda _done: self._settling.pop(period, None))
        return task

    async def _settle(self, period: Period) -> Settled:
        async with self.database.sessions() as session:
            repository = StatisticsRepository(session)
            version = await repository.version()
            as_of = utcnow()
            rows = await repository.combinations(*period.moments())
        counted: Counter[tuple[Hashable, ...]] = Counter()
        for year, forms, gender, is_child, county, status, count in rows:
            counted[
                (
                    year,
                    frozenset(forms or [UNSPECIFIED_FORM]),
                    gender,
                    is_child,
                    county or UNKNOWN_COUNTY,
                    status,
                )
            ] += count
        started = time.perf_counter()
        statistics = await settle(counted, width=len(DIMENSIONS))
        logger.info(
            "statistics settled",
            extra={"cases": version[0], "seconds": round(time.perf_counter() - started, 3)},
        )
        settled = Settled(version, statistics, as_of)
        self._settled[period] = settled
        self._settled.move_to_end(period)
        while len(self._settled) > MAX_PERIODS:
            self._settled.popitem(last=False)
        return settled

    async def refresh_whole_period(self) -> None:
        """Settle the whole period again if the caseload has changed since — at once when
        settling is quick, at most every `SLOW_REFRESH_EVERY` otherwise (a national
        caseload changes all day; settling it costs seconds of CPU)."""
        async with self.database.sessions() as session:
            version = await StatisticsRepository(session).version()
        kept = self._settled.get(Period())
        if kept is None or (
            not _at_least(kept.version, version)
            and (_small(version) or utcnow() - kept.as_of >= SLOW_REFRESH_EVERY)
        ):
            await self._settle_in_background(Period())


def _small(version: tuple[int, int]) -> bool:
    """Whether the caseload at `version` is small enough to settle before an answer."""
    return version[0] <= COUNTED_AT_ONCE_UP_TO


def _at_least(settled: tuple[int, int], asked: tuple[int, int]) -> bool:
    """Whether a pattern settled at one version counts the caseload at another: versions
    only grow (cases are never deleted, row versions only go up)."""
    return settled[0] >= asked[0] and settled[1] >= asked[1]


async def refresh_job(app: FastAPI) -> None:
    settled: SettledStatistics = app.state.settled_statistics
    await settled.refresh_whole_period()
