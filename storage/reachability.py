"""Reaching the database at start-up: what went wrong, in one line that names the host and never
the password, and waiting for a server database that is still coming up (with backoff), since a
process manager would otherwise restart a long-running process in a loop."""

from __future__ import annotations

import asyncio
import logging
import socket
import sqlite3
import time
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import transient
from storage.database import create_engine, normalise_url

log = logging.getLogger(__name__)

FIRST_PAUSE = 0.5  # seconds before the second attempt; doubled after each failure
LONGEST_PAUSE = 8.0
ATTEMPT_SECONDS = 10.0  # an attempt the network never answers counts as failed after this
# A server's answers worth another try are `storage.transient`'s: starting, shutting down, out
# of connections, class 08. Any other answer (no such database, a refused user or password) is a
# setting to fix, so waiting would only delay saying so.
EXAMPLE = "postgresql://user:password@host:5432/db or sqlite+aiosqlite:///howcanwe.db"


class DatabaseUnavailable(RuntimeError):
    """The database cannot be used; the message is one line, names where the database was
    looked for and never holds a password."""


async def reach(url: str, patience: float) -> AsyncEngine:
    """An engine on the database at `url` once it answers, trying again for up to `patience`
    seconds while a server database is unreachable; raises DatabaseUnavailable otherwise."""
    engine = _engine(url)
    try:
        await wait_for(lambda: _probe(engine), engine.url, patience)
    except BaseException:
        await engine.dispose()
        raise
    return engine


async def wait_for(
    connect: Callable[[], Awaitable[None]],
    url: URL,
    patience: float,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Call `connect` until it succeeds, pausing 0.5, 1, 2… (at most 8) seconds between
    attempts, one WARNING each, for up to `patience` seconds in all."""
    place = where(url)
    started, pause, attempt = clock(), FIRST_PAUSE, 0
    while True:
        attempt += 1
        try:
            async with asyncio.timeout(ATTEMPT_SECONDS):
                await connect()
            return
        except Exception as error:  # why is decided below, from the whole chain of causes
            reason, again = explain(error, url)
            spent = clock() - started
            if not again or spent >= patience:
                doing = "reach" if again else "use"
                tries = f" (gave up after {attempt} attempts in {spent:.1f} s)"
                raise DatabaseUnavailable(
                    f"cannot {doing} {place}: {reason}{tries if attempt > 1 else ''}"
                ) from error
            wait = min(pause, patience - spent)
            log.warning(
                "database not reachable yet, trying again",
                extra={
                    "database": place,
                    "reason": reason,
                    "attempt": attempt,
                    "retry_in": round(wait, 2),
                },
            )
            await sleep(wait)
            pause = min(pause * 2, LONGEST_PAUSE)


def where(url: URL) -> str:
    """The SQLite file, or the server's user@host:port/database: never the password."""
    if url.get_backend_name() == "sqlite":
        return f"the SQLite file {url.database}"
    user = f"{url.username}@" if url.username else ""
    port = f":{url.port}" if url.port else ""
    return f"the database at {user}{url.host or 'localhost'}{port}/{url.database or ''}"


def explain(error: BaseException, url: URL) -> tuple[str, bool]:
    """Why an attempt failed, in a few words, and whether another attempt may succeed."""
    causes = _causes(error)
    coded = [c for c in causes if isinstance(getattr(c, "sqlstate", None), str)]
    if coded:  # the server answered: its own one-line message says why
        state = str(getattr(coded[-1], "sqlstate", ""))
        again = state.startswith("08") or state in transient.UNAVAILABLE_STATES
        return _without_password(_first_line(coded[-1]), url), again
    for cause in causes:
        if isinstance(cause, TimeoutError):
            return f"no answer within {ATTEMPT_SECONDS:.0f} s", True
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused; is the server running, on that port?", True
        if isinstance(cause, socket.gaierror):  # DNS may know the name a little later
            return f"unknown host ({cause.strerror or cause})", True
        if isinstance(cause, OSError) and url.host:
            return _without_password(cause.strerror or str(cause), url), True
        if isinstance(cause, sqlite3.Error):
            return _first_line(cause), False
    return _without_password(_first_line(causes[-1]), url), False


def _engine(url: str) -> AsyncEngine:
    """create_engine, with an unusable URL or SQLite folder as DatabaseUnavailable."""
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError:
        raise DatabaseUnavailable(f"this is not a database URL; expected e.g. {EXAMPLE}") from None
    try:
        return create_engine(url)
    except (NoSuchModuleError, ImportError):
        raise DatabaseUnavailable(
            f"{parsed.drivername} databases are not supported; use PostgreSQL or SQLite"
        ) from None
    except OSError as error:  # the SQLite file's folder could not be made
        raise DatabaseUnavailable(
            f"cannot create the folder {error.filename} for {where(parsed)}: "
            f"{error.strerror or error}"
        ) from None


async def _probe(engine: AsyncEngine) -> None:
    """One round trip. On SQLite it also takes the write lock (BEGIN IMMEDIATE, see
    `storage.database`), so a file the process may not write fails here, not mid-migration."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


def _causes(error: BaseException) -> list[BaseException]:
    """The error, then what it wraps (a driver error's `orig`, its cause), innermost last."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        wrapped = getattr(current, "orig", None)
        current = (
            wrapped if isinstance(wrapped, BaseException) else current.__cause__
        ) or current.__context__
    return chain


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _without_password(message: str, url: URL) -> str:
    return message.replace(url.password, "***") if url.password else message
