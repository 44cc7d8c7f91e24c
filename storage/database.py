"""Engines and migrations: one async engine per process, SQLite tuned for a single busy writer."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, event, inspect, text
from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000
READ_ONLY = "howcanwe_read_only"  # execution option: a transaction that never writes


class SchemaOutOfDate(RuntimeError):
    """The database is behind the code; `howcanwe db upgrade` fixes it."""


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def normalise_url(url: str) -> str:
    """Accept the URLs hosting platforms hand out (`postgres://` too) and pick async drivers."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    url = normalise_url(url)
    if not is_sqlite(url):
        # JIT compiling pays off for long analytical queries, never for ours: it cost a digest
        # 0.1-0.25 s and adds nothing to a vote.
        settings = {"server_settings": {"jit": "off"}}
        return create_async_engine(url, pool_pre_ping=True, connect_args=settings, **kwargs)
    _make_parent_folder(url)
    engine = create_async_engine(url, **kwargs)
    _tune_sqlite(engine.sync_engine)
    return engine


def create_sync_engine(url: str) -> Engine:
    """A synchronous engine on the same SQLite file (pysqlite), tuned like the async one."""
    parsed = make_url(normalise_url(url)).set(drivername="sqlite")
    engine = sa_create_engine(parsed)
    _tune_sqlite(engine)
    return engine


def _make_parent_folder(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)


def _tune_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, a busy timeout, BEGIN IMMEDIATE so that a transaction that reads then
    writes takes the write lock up front instead of failing with "database is locked", and
    secure_delete so that deleted content is overwritten with zeros, not left in free space."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


_MIGRATIONS = resources.files("storage") / "migrations"


def alembic_config() -> Config:
    """Alembic settings from the installed package, so migrations run from any directory."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest revision this code ships, from the migrations' file names (`NNNN_what.py`,
    revision "NNNN", each revising the one before: tests/storage/test_migrations.py holds them
    to it). Read without Alembic, which imports every migration to find it: a few hundred
    milliseconds of every start-up when there is nothing to migrate."""
    names = (p.name for p in (_MIGRATIONS / "versions").iterdir())
    return max(n[:4] for n in names if n[:4].isdigit() and n.endswith(".py"))


async def upgrade(engine: AsyncEngine) -> None:
    """Bring the schema to the newest revision (creating the database file if needed); Alembic
    is loaded only when there is something to do."""
    head = head_revision()
    if await current_revision(engine) != head:
        from alembic import command

        config = alembic_config()

        def run(connection: Connection) -> None:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

        async with engine.begin() as connection:
            await connection.run_sync(run)
    log.info("database schema is up to date", extra={"revision": head})


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at (Alembic's `alembic_version` row), None when new."""

    def current(connection: Connection) -> str | None:
        if not inspect(connection).has_table("alembic_version"):
            return None
        found = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        return next(iter(found), None)

    async with engine.connect() as connection:
        return await connection.run_sync(current)


async def check_current(engine: AsyncEngine) -> None:
    """Refuse to run on a schema older (or newer) than this code's."""
    revision, head = await current_revision(engine), head_revision()
    if revision != head:
        raise SchemaOutOfDate(
            f"The database schema is at revision {revision or 'none'}, this code needs {head}. "
            "Run `howcanwe db upgrade` (the Procfile's release phase does it on deploy)."
        )
