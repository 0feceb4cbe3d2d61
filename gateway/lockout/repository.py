"""Every query on failed sign-in counts; each is one statement, atomic on both backends."""

from datetime import datetime

from sqlalchemy import CursorResult, case, delete, literal, or_, update

from gateway.lockout.models import SignInFailures
from shared.db import UTCDateTime, dialect_insert
from shared.repository import Repository


class SignInFailureRepository(Repository[SignInFailures]):
    model = SignInFailures

    async def count_attempt(
        self, scope: str, subject: str, now: datetime, window_opened_after: datetime
    ) -> tuple[int, datetime | None]:
        """Count one attempt against `subject`; its attempts in the window (this one
        included) and the end of its lockout, if any.

        While locked nothing is counted; a window older than `window_opened_after` starts
        over at this attempt.
        """
        table = SignInFailures
        locked = table.locked_until > now
        stale = table.window_start <= window_opened_after
        statement = (
            dialect_insert(self.session)(table)
            .values(scope=scope, subject=subject, failures=1, window_start=now)
            .on_conflict_do_update(
                index_elements=[table.scope, table.subject],
                set_={
                    "failures": case(
                        (locked, table.failures), (stale, 1), else_=table.failures + 1
                    ),
                    "window_start": case(
                        (locked, table.window_start),
                        (stale, literal(now, UTCDateTime())),
                        else_=table.window_start,
                    ),
                },
            )
            .returning(table.failures, table.locked_until)
        )
        row = (await self.session.execute(statement)).one()
        return int(row.failures), row.locked_until

    async def lock(self, scope: str, subject: str, until: datetime) -> None:
        """Lock `subject` until `until`; its count starts again when the lock ends."""
        await self.session.execute(
            update(SignInFailures)
            .where(SignInFailures.scope == scope, SignInFailures.subject == subject)
            .values(locked_until=until, failures=0, window_start=until)
        )

    async def give_back(self, scope: str, subject: str) -> None:
        """Take back one counted attempt (it succeeded)."""
        await self.session.execute(
            update(SignInFailures)
            .where(SignInFailures.scope == scope, SignInFailures.subject == subject)
            .values(
                failures=case((SignInFailures.failures > 0, SignInFailures.failures - 1), else_=0)
            )
        )

    async def clear(self, scope: str, subject: str) -> None:
        await self.session.execute(
            delete(SignInFailures).where(
                SignInFailures.scope == scope, SignInFailures.subject == subject
            )
        )

    async def purge(self, window_opened_before: datetime, now: datetime) -> int:
        """Delete the counts whose window and lockout are both over."""
        result = await self.session.execute(
            delete(SignInFailures).where(
                SignInFailures.window_start <= window_opened_before,
                or_(SignInFailures.locked_until.is_(None), SignInFailures.locked_until <= now),
            )
        )
        assert isinstance(result, CursorResult)
        return result.rowcount
