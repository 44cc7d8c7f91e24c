"""Where the repository's transactions run: SQLite on worker threads with group commit, or a
server database through its async driver.

Every transaction is written once as synchronous SQLAlchemy code (a function of a Connection);
a runner decides how it gets a connection and when it commits.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.core.ports import StoreUnavailable
from storage import transient
from storage.database import READ_ONLY, create_sync_engine

log = logging.getLogger(__name__)

T = TypeVar("T")
READ_THREADS = 4  # SQLite readers run in parallel (WAL); the one writer has its own thread
SAVEPOINT = "howcanwe_write"


class Snapshot(Protocol):
    """One read-only transaction held open across several steps: what each step reads is the
    database as it stood when the first read began (a long export reads one plan, not a plan
    that moves under it)."""

    async def run(self, work: Callable[[Connection], T]) -> T: ...


class Runner(Protocol):
    async def run(self, work: Callable[[Connection], T], write: bool) -> T: ...

    def snapshot(self) -> AbstractAsyncContextManager[Snapshot]: ...

    async def close(self) -> None: ...

    async def checkpoint(self) -> bool:
        """Leave no committed data in the database's own log; False if that has to wait."""


@dataclass(slots=True)
class _Write:
    """One transaction waiting for the writer, and the future its caller awaits."""

    work: Callable[[Connection], Any]
    future: asyncio.Future[Any]
    result: Any = None
    error: BaseException | None = field(default=None)


class ThreadedSqlite:
    """SQLite through its own synchronous driver on worker threads: one hop to a thread per
    transaction (aiosqlite makes several per statement), and one writer thread, because SQLite
    has one writer: writers queue here instead of sleeping in SQLite's busy handler.

    Writes that queue while the writer is busy are committed together (group commit): each runs
    in its own savepoint, so one that fails is rolled back alone and its caller gets its error,
    and every caller hears back only after the shared COMMIT. A burst of votes then pays for one
    BEGIN, one COMMIT and one round trip between the event loop and the writer thread.
    """

    def __init__(self, url: str) -> None:
        self._engine = create_sync_engine(url)
        self._reads = self._engine.execution_options(**{READ_ONLY: True})
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="howcanwe-sqlite-write")
        self._readers = ThreadPoolExecutor(READ_THREADS, thread_name_prefix="howcanwe-sqlite-read")
        self._lock = threading.Lock()  # guards the queue between the loop and the writer
        self._queue: list[_Write] = []
        self._draining = False

    async def run(self, work: Callable[[Connection], T], write: bool) -> T:
        loop = asyncio.get_running_loop()
        if not write:
            return await loop.run_in_executor(self._readers, self._read, work)
        entry = _Write(work, loop.create_future())
        with self._lock:
            self._queue.append(entry)
            start = not self._draining
            self._draining = True
        if start:
            self._writer.submit(self._drain, loop)
        result: T = await entry.future
        return result

    def _read(self, work: Callable[[Connection], T]) -> T:
        with self._reads.begin() as connection:
            return work(connection)

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Snapshot]:
        """A read transaction on a thread of its own, so a slow download holds none of the
        threads that serve other reads; WAL lets writers carry on meanwhile."""
        pinned = _PinnedSqlite()
        connection = await pinned.call(self._reads.connect)
        try:
            await pinned.call(connection.begin)
            yield _Steps(pinned, connection)
        finally:
            await pinned.call(connection.close)  # rolls the read transaction back
            pinned.close()

    def _drain(self, loop: asyncio.AbstractEventLoop) -> None:
        """The writer thread: commit what has queued, batch after batch, until none is left."""
        while True:
            with self._lock:
                batch, self._queue = self._queue, []
                if not batch:
                    self._draining = False
                    return
            self._commit(batch)
            loop.call_soon_threadsafe(_settle, batch)

    def _commit(self, batch: list[_Write]) -> None:
        try:
            with self._engine.begin() as connection:
                if len(batch) == 1:  # alone: the transaction itself is the savepoint
                    _run_alone(connection, batch[0])
                else:
                    for entry in batch:
                        _run_in_savepoint(connection, entry)
        except Exception as error:  # BEGIN or COMMIT failed: none of the batch was stored
            for entry in batch:
                entry.error = entry.error or error

    async def close(self) -> None:
        for pool in (self._writer, self._readers):
            await asyncio.to_thread(pool.shutdown)
        await asyncio.to_thread(self._engine.dispose)

    async def checkpoint(self) -> bool:
        """Copy the write-ahead log into the database file and truncate it, on the writer
        thread between two batches: after an erasure, the erased text is left in neither file
        (secure_delete has zeroed it in the database). False if readers kept it from finishing
        within the busy timeout; SQLite's own checkpoints finish the job later."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, self._truncate_log)

    def _truncate_log(self) -> bool:
        connection = self._engine.raw_connection()  # no BEGIN: a checkpoint runs outside one
        try:
            busy, _, _ = connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            connection.close()
        return not busy


class _PinnedSqlite:
    """One thread for one snapshot: an SQLite connection stays on the thread that opened it."""

    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="howcanwe-sqlite-snapshot")

    async def call(self, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, work)

    def close(self) -> None:
        self._thread.shutdown(wait=False)


@dataclass(frozen=True, slots=True)
class _Steps:
    pinned: _PinnedSqlite
    connection: Connection

    async def run(self, work: Callable[[Connection], T]) -> T:
        return await self.pinned.call(lambda: work(self.connection))


def _run_alone(connection: Connection, entry: _Write) -> None:
    """Raises, rolling the whole transaction back, when the work fails."""
    try:
        entry.result = entry.work(connection)
    except Exception as error:
        entry.error = error
        raise


def _run_in_savepoint(connection: Connection, entry: _Write) -> None:
    connection.exec_driver_sql(f"SAVEPOINT {SAVEPOINT}")
    try:
        entry.result = entry.work(connection)
    except Exception as error:
        entry.error = error
        connection.exec_driver_sql(f"ROLLBACK TO {SAVEPOINT}")
    connection.exec_driver_sql(f"RELEASE {SAVEPOINT}")


def _settle(batch: list[_Write]) -> None:
    """On the event loop: hand each caller its result or its error."""
    for entry in batch:
        if entry.future.cancelled():
            continue
        if entry.error is not None:
            entry.future.set_exception(entry.error)
        else:
            entry.future.set_result(entry.result)


class AsyncServer:
    """A server database through its async driver (asyncpg): the same transaction code runs
    on the event loop via `run_sync`; the server itself commits concurrent writers together.

    A transaction that failed for a reason another try may cure (`storage.transient`) is run
    again, a bounded number of times: callers never see a deadlock between processes, and see
    `StoreUnavailable` only when the server stayed out of reach."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def run(self, work: Callable[[Connection], T], write: bool) -> T:
        attempt = 1
        while True:
            try:
                async with self._engine.begin() as connection:
                    return await connection.run_sync(work)
            except Exception as error:
                failure = transient.classify(error)
                if failure is None:
                    raise
                if attempt >= transient.ATTEMPTS[failure]:
                    if failure is transient.Failure.UNAVAILABLE:
                        raise StoreUnavailable(_unavailable(error)) from error
                    raise
                cause = type(error).__name__
                log.info(
                    "transaction retried",
                    extra={"failure": failure.value, "attempt": attempt, "error": cause},
                )
            await asyncio.sleep(transient.delay(failure, attempt))
            attempt += 1

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Snapshot]:
        """A read-only REPEATABLE READ transaction: every step sees the same snapshot. Not
        retried: a step that fails after part of an export went out cannot be taken back."""
        async with self._engine.connect() as connection:
            pinned = await connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            async with pinned.begin():
                yield _ServerSteps(pinned)

    async def close(self) -> None:
        """The engine belongs to the caller, who disposes of it."""

    async def checkpoint(self) -> bool:
        """The server recycles its own log and reclaims deleted rows (autovacuum)."""
        return True


@dataclass(frozen=True, slots=True)
class _ServerSteps:
    connection: AsyncConnection

    async def run(self, work: Callable[[Connection], T]) -> T:
        return await self.connection.run_sync(work)


def _unavailable(error: BaseException) -> str:
    """What went wrong, in a line fit for the log: the driver's words, never the statement or
    its parameters (which hold what participants typed)."""
    original = getattr(error, "orig", None) or error
    words = str(original).splitlines()
    return f"{type(original).__name__}: {words[0] if words else ''}"
