"""Shared fixtures: every storage-backed test runs on SQLite and on PostgreSQL.

PostgreSQL comes from HOWCANWE_TEST_POSTGRES_URL (default: the local server, database `test`);
each test run creates its own database there, empties it before every test, and drops it at the end.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from bot.config import Settings
from bot.core.domain import ConversationRef, Participant
from bot.core.interaction import Context
from bot.services import Services, open_services
from storage.database import create_engine, upgrade

POSTGRES_URL = os.environ.get(
    "HOWCANWE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgresql")


OUR_LOGGERS = ("bot", "handlers", "storage")


@pytest.fixture(autouse=True, scope="session")
def our_logs_at_debug() -> Iterator[None]:
    """The whole suite runs our loggers at DEBUG, as an operator chasing a problem does: a log
    call that breaks only at DEBUG (a LogRecord attribute in its `extra`) fails the Slack or
    Teams test whose turn reaches it."""
    loggers = [logging.getLogger(name) for name in OUR_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.moment = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


async def create_postgres_database() -> str:
    """A new, empty database on the test server; returns its URL."""
    name = f"howcanwe_test_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(POSTGRES_URL)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return POSTGRES_URL.rsplit("/", 1)[0] + "/" + name


async def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(POSTGRES_URL)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


def _postgres_reachable() -> bool:
    async def probe() -> None:
        conn = await asyncpg.connect(POSTGRES_URL, timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    return True


def _require_postgres(available: bool) -> None:
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL}; .ci/run starts it")
    pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} (start it to run these tests)")


@pytest.fixture(scope="session")
def postgres_available() -> bool:
    return _postgres_reachable()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test: migrating once keeps the suite quick."""
    path = tmp_path_factory.mktemp("template") / "howcanwe.db"
    asyncio.run(migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_session_database(postgres_available: bool) -> Iterator[str | None]:
    """One migrated PostgreSQL database for the whole run; each test starts it empty."""
    if not postgres_available:
        yield None
        return
    url = asyncio.run(create_postgres_database())
    asyncio.run(migrate(url))
    try:
        yield url
    finally:
        asyncio.run(drop_postgres_database(url))


async def _empty_every_table(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version'"
        )
        names = ", ".join(f'"{t["tablename"]}"' for t in tables)
        await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    postgres_available: bool,
    sqlite_template: Path,
    postgres_session_database: str | None,
) -> str:
    """An empty, migrated database per test: a fresh SQLite file, or the emptied PostgreSQL one."""
    return empty_migrated_database(
        request.param, tmp_path, postgres_available, sqlite_template, postgres_session_database
    )


def empty_migrated_database(
    backend: str,
    tmp_path: Path,
    postgres_available: bool,
    sqlite_template: Path,
    postgres_session_database: str | None,
) -> str:
    """The URL of an empty, migrated database of the `backend` kind, for one test."""
    if backend == "sqlite":
        path = tmp_path / "howcanwe.db"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"
    _require_postgres(postgres_available)
    assert postgres_session_database is not None
    asyncio.run(_empty_every_table(postgres_session_database))
    return postgres_session_database


@pytest.fixture(scope="session")
def postgres_bare_database(postgres_available: bool) -> Iterator[str | None]:
    """One unmigrated PostgreSQL database for the run, emptied for each test that wants no tables.
    Created once because DROP DATABASE waits for a checkpoint: seconds, tens of them on a busy
    server, for every test that dropped its own."""
    if not postgres_available:
        yield None
        return
    url = asyncio.run(create_postgres_database())
    try:
        yield url
    finally:
        asyncio.run(drop_postgres_database(url))


async def _drop_every_table(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await conn.close()


@pytest.fixture(params=BACKENDS)
def empty_database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    postgres_available: bool,
    postgres_bare_database: str | None,
) -> str:
    """A database with no tables at all, for migration tests."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    _require_postgres(postgres_available)
    assert postgres_bare_database is not None
    asyncio.run(_drop_every_table(postgres_bare_database))
    return postgres_bare_database


def process_environment() -> dict[str, str]:
    """The environment of a `howcanwe` process a test starts: this one's, with the word-overlap
    suggester, so the process starts without loading the meaning model (tests of suggestions
    load it in-process)."""
    return {**os.environ, "HOWCANWE_SUGGESTER": "words"}


@pytest.fixture
def env(database_url: str) -> dict[str, str]:
    """The environment of a `howcanwe` process run by a test, on the test's database."""
    return {
        "DATABASE_URL": database_url,
        "HOWCANWE_ORGANISERS": "",
        "HOWCANWE_AUTO_MIGRATE": "true",
    }


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


ORGANISERS = frozenset({"console:olive", "slack:UORG", "teams:29:org"})


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, organisers=ORGANISERS, auto_migrate=True)


@pytest.fixture
async def database_services(settings: Settings, clock: FakeClock) -> AsyncIterator[Services]:
    """The process's services on a real database (SQLite, then PostgreSQL)."""
    async with open_services(settings, clock=clock) as opened:
        yield opened


@pytest.fixture
def services(database_services: Services) -> Services:
    """On a real database, unless a directory's conftest stands storage in (tests/bot)."""
    return database_services


def person(user: str, platform: str = "console") -> Participant:
    return Participant(platform, user, user.title())


def in_channel(
    channel: str = "general", platform: str = "console", thread: str | None = None
) -> ConversationRef:
    return ConversationRef(platform, "local", channel, channel, thread)


def ctx(user: str, channel: str = "general", thread: str | None = None) -> Context:
    return Context(person(user), in_channel(channel, thread=thread))
