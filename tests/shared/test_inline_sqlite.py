"""SQLite called in the event loop's thread (`shared/inline_sqlite.py`): writers of one
process take turns without blocking the loop, readers never wait, and a turn always ends
with its transaction."""

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from shared import inline_sqlite
from shared.db import Database


@pytest.fixture
async def database(tmp_path: Path):
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}")
    async with database.sessions.begin() as session:
        await session.execute(text("CREATE TABLE t (x INTEGER PRIMARY KEY)"))
    yield database
    await database.dispose()


async def rows(database: Database) -> list[int]:
    async with database.sessions() as session:
        return list((await session.scalars(text("SELECT x FROM t ORDER BY x"))).all())


async def test_a_second_writer_waits_for_the_first_to_commit_while_the_loop_runs_on(
    database: Database,
) -> None:
    first = database.sessions()
    await first.execute(text("INSERT INTO t VALUES (1)"))  # its transaction holds the turn

    async def second() -> None:
        async with database.sessions.begin() as session:
            await session.execute(text("INSERT INTO t VALUES (2)"))

    waiting = asyncio.create_task(second())
    ticks = 0
    for _ in range(5):
        await asyncio.sleep(0.01)
        ticks += 1
    assert ticks == 5
    assert not waiting.done()
    assert await rows(database) == []  # a reader does not wait, and sees nothing uncommitted
    await first.commit()
    await first.close()
    await asyncio.wait_for(waiting, 2)
    assert await rows(database) == [1, 2]


async def test_a_rolled_back_or_failed_transaction_ends_its_turn(database: Database) -> None:
    async with database.sessions() as session:
        await session.execute(text("INSERT INTO t VALUES (1)"))
        await session.rollback()

    async def twice() -> None:
        async with database.sessions.begin() as session:
            await session.execute(text("INSERT INTO t VALUES (5)"))
            await session.execute(text("INSERT INTO t VALUES (5)"))

    with pytest.raises(IntegrityError):
        await twice()
    async with database.sessions.begin() as session:
        await session.execute(text("INSERT INTO t VALUES (7)"))
    assert await rows(database) == [7]


async def test_a_turn_never_given_up_fails_the_next_writer_as_a_locked_database_would(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inline_sqlite, "TURN_TIMEOUT_SECONDS", 0.2)
    holder = database.sessions()
    await holder.execute(text("INSERT INTO t VALUES (1)"))

    async def second() -> None:
        async with database.sessions.begin() as session:
            await session.execute(text("INSERT INTO t VALUES (2)"))

    with pytest.raises(OperationalError, match="database is locked"):
        await second()
    await holder.commit()
    await holder.close()
    assert await rows(database) == [1]


async def test_a_writer_cancelled_as_its_turn_comes_is_cancelled_and_holds_no_turn(
    database: Database,
) -> None:
    holder = database.sessions()
    await holder.execute(text("INSERT INTO t VALUES (1)"))

    async def second() -> None:
        async with database.sessions.begin() as session:
            await session.execute(text("INSERT INTO t VALUES (2)"))

    waiting = asyncio.create_task(second())
    await asyncio.sleep(0.01)
    await holder.commit()  # hands the turn to the waiting writer...
    waiting.cancel()  # ...which is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await holder.close()
    async with database.sessions.begin() as session:
        await session.execute(text("INSERT INTO t VALUES (3)"))
    assert await rows(database) == [1, 3]
