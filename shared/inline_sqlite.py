"""SQLite for the embedded default, called in the event loop's own thread.

aiosqlite, the asyncio driver SQLAlchemy's SQLite dialect is built for, runs every call on
a thread of its own and hands each result back through the loop: a statement costs three
thread hops, about 150 µs of CPU, where SQLite itself answers a primary-key lookup from its
page cache in a few µs. `connect` gives that dialect a connection with aiosqlite's
interface that calls `sqlite3` directly, so a statement costs only what SQLAlchemy costs.

Calling SQLite in the loop's thread is safe as long as nothing waits there. Readers never
wait in WAL mode. Writers take turns here instead of in SQLite: a statement that may write,
on a connection with no transaction open, first waits (without blocking the loop) until the
process's transaction writing the same file has ended, and holds the turn until its own
transaction ends (commit, rollback or close). The wait is bounded as SQLite's busy timeout
bounds it, and ends the same way ("database is locked"). Another process's writes — a
migration, a tool — are still met by SQLite's busy timeout (`shared.db` sets it).

Python's `sqlite3` opens a transaction before INSERT, UPDATE, DELETE and REPLACE only, so a
SELECT outside a transaction is a read of its own; SQLAlchemy issues no BEGIN on SQLite.
"""

import asyncio
import re
import sqlite3
import weakref
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

# SQLite's busy timeout is as long (`shared.db`), and a turn not given in time is answered
# the same way. Generous: under many concurrent writes on a loaded machine a writer can
# wait seconds, and failing it after 5 s turned load into 500s (issue 11).
TURN_TIMEOUT_SECONDS = 30.0
# Statements that only read (or, for PRAGMAs, set up the connection); any other statement
# takes the writer's turn.
_READS = re.compile(r"\s*(?:SELECT|PRAGMA)\b", re.IGNORECASE)


class _Turns:
    """Whose turn it is to write each database file, in one event loop."""

    def __init__(self) -> None:
        self.locks: dict[str, asyncio.Lock] = {}

    def lock(self, path: str) -> asyncio.Lock:
        lock = self.locks.get(path)
        if lock is None:
            lock = self.locks[path] = asyncio.Lock()
        return lock


_turns: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Turns]" = weakref.WeakKeyDictionary()


def _writer_lock(path: str) -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    turns = _turns.get(loop)
    if turns is None:
        turns = _turns[loop] = _Turns()
    return turns.lock(path)


def _may_write(statement: str) -> bool:
    return _READS.match(statement) is None


class Connection:
    """The part of `aiosqlite.Connection` that SQLAlchemy's dialect uses."""

    def __init__(self, connection: sqlite3.Connection, path: str) -> None:
        # `_connection` is the name the dialect looks at to tell an open connection.
        self._connection: sqlite3.Connection | None = connection
        self._lock = _writer_lock(path)
        self._holding = False

    @property
    def _sqlite(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    async def _take_turn(self, statement: str) -> None:
        if self._holding or self._sqlite.in_transaction or not _may_write(statement):
            return
        if not self._lock.locked():
            await self._lock.acquire()  # free: taken at once, no wait to bound
            self._holding = True
            return
        try:
            # Not `wait_for`: on Python 3.11 it can swallow a cancellation that arrives as
            # the lock is acquired, and it makes a task of every acquisition.
            async with asyncio.timeout(TURN_TIMEOUT_SECONDS):
                await self._lock.acquire()
        except TimeoutError as exc:
            raise sqlite3.OperationalError("database is locked") from exc
        self._holding = True

    def _end_turn_unless_in_transaction(self) -> None:
        if self._holding and (self._connection is None or not self._connection.in_transaction):
            self._holding = False
            self._lock.release()

    def cursor(self) -> "Cursor":
        return Cursor(self, self._sqlite.cursor())

    async def commit(self) -> None:
        try:
            self._sqlite.commit()
        finally:
            self._end_turn_unless_in_transaction()

    async def rollback(self) -> None:
        try:
            self._sqlite.rollback()
        finally:
            self._end_turn_unless_in_transaction()

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        connection, self._connection = self._connection, None
        try:
            if connection is not None:
                connection.close()
        finally:
            self._end_turn_unless_in_transaction()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._sqlite.create_function(*args, **kwargs)


class Cursor:
    """The part of `aiosqlite.Cursor` that SQLAlchemy's dialect uses."""

    def __init__(self, connection: Connection, cursor: sqlite3.Cursor) -> None:
        self._owner = connection
        self._cursor = cursor

    async def __aenter__(self) -> "Cursor":
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def execute(self, statement: str, parameters: Any = ()) -> "Cursor":
        await self._owner._take_turn(statement)
        try:
            self._cursor.execute(statement, parameters)
        finally:
            self._owner._end_turn_unless_in_transaction()
        return self

    async def executemany(self, statement: str, parameters: Iterable[Any]) -> "Cursor":
        await self._owner._take_turn(statement)
        try:
            self._cursor.executemany(statement, parameters)
        finally:
            self._owner._end_turn_unless_in_transaction()
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    async def nextset(self) -> None:
        return None

    async def setinputsizes(self, *_sizes: Any) -> None:
        return None

    def __aiter__(self) -> "Cursor":
        return self

    async def __anext__(self) -> Any:
        row = self._cursor.fetchone()
        if row is None:
            raise StopAsyncIteration
        return row

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cursor)

    @property
    def description(self) -> Sequence[Any] | None:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


def connector(database: str) -> Any:
    """The `async_creator` of an engine on the SQLite file `database`."""
    path = str(Path(database).resolve())

    async def connect() -> Connection:
        # Closed by the pool in the loop's thread, or by the garbage collector elsewhere.
        return Connection(sqlite3.connect(path, check_same_thread=False), path)

    return connect
