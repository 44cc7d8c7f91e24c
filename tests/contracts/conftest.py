"""Each storage role's contract runs on the in-memory stand-in and on the SQL implementation,
on SQLite and PostgreSQL: the same assertions, so the stand-in cannot drift from storage."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.database import create_engine
from storage.repository import SqlRepository
from tests.conftest import BACKENDS, FakeClock, empty_migrated_database
from tests.fakes.repository import MemoryRepository

PROGRAMME = "p"
MEMORY = "memory"


@pytest.fixture(params=(MEMORY, *BACKENDS))
def store_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    postgres_available: bool,
    sqlite_template: Path,
    postgres_session_database: str | None,
) -> str | None:
    """None for the in-memory stand-in, else an empty, migrated database."""
    if request.param == MEMORY:
        return None
    return empty_migrated_database(
        request.param, tmp_path, postgres_available, sqlite_template, postgres_session_database
    )


@pytest.fixture
async def store(
    store_url: str | None, clock: FakeClock
) -> AsyncIterator[MemoryRepository | SqlRepository]:
    """Every role at once, with the programme `PROGRAMME` in place (public by default)."""
    if store_url is None:
        opened: MemoryRepository | SqlRepository = MemoryRepository(clock)
        await opened.ensure_programme(PROGRAMME, "Programme", "public")
        yield opened
        return
    engine = create_engine(store_url)
    opened = SqlRepository(engine, clock)
    try:
        await opened.ensure_programme(PROGRAMME, "Programme", "public")
        yield opened
    finally:
        await opened.close()
        await engine.dispose()
