"""Transient database failures on a server database: a deadlock between processes is retried,
never shown; a server that goes away is told as "try again in a moment" and recovered from."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import replace

import asyncpg
import pytest
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.core.engine import UNAVAILABLE
from bot.core.interaction import Command, Rejected
from bot.services import Services, open_services
from storage.database import create_engine
from storage.runners import AsyncServer
from tests.conftest import FakeClock, ctx
from tests.storage.tcp_proxy import Proxy

# A server database's failures: these run on PostgreSQL only.
pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture
def postgres_url(database_url: str) -> str:
    return database_url


async def test_a_deadlock_with_another_process_is_retried_not_refused(postgres_url: str) -> None:
    """Another process locks row 2 then row 1; our transaction locks 1 then 2. PostgreSQL breaks
    the cycle by failing ours (its deadlock check runs first), and the runner runs it again."""
    setup = await asyncpg.connect(postgres_url.replace("+asyncpg", ""))
    await setup.execute("CREATE TABLE IF NOT EXISTS cells (id int PRIMARY KEY, n int)")
    await setup.execute("TRUNCATE cells; INSERT INTO cells VALUES (1, 0), (2, 0)")
    other = await asyncpg.connect(postgres_url.replace("+asyncpg", ""))
    await other.execute("SET deadlock_timeout = '10s'")  # ours detects the cycle first
    engine = create_engine(postgres_url)
    attempts = 0

    def work(conn: Connection) -> int:
        nonlocal attempts
        attempts += 1
        conn.execute(text("SET LOCAL deadlock_timeout = '100ms'"))
        conn.execute(text("UPDATE cells SET n = n + 1 WHERE id = 1"))
        conn.execute(text("SELECT pg_sleep(0.3)"))  # meanwhile the other takes 2 and waits on 1
        conn.execute(text("UPDATE cells SET n = n + 1 WHERE id = 2"))
        return attempts

    async def the_other_process() -> None:
        async with other.transaction():
            await other.execute("UPDATE cells SET n = n + 10 WHERE id = 2")
            await asyncio.sleep(0.1)
            await other.execute("UPDATE cells SET n = n + 10 WHERE id = 1")

    try:
        runner = AsyncServer(engine)
        ours, _ = await asyncio.gather(runner.run(work, write=True), the_other_process())
        assert ours == 2  # failed once with a deadlock, then committed
        assert await setup.fetch("SELECT n FROM cells ORDER BY id") == [(11,), (11,)]
    finally:
        await setup.execute("DROP TABLE cells")
        await asyncio.gather(setup.close(), other.close())
        await engine.dispose()


@pytest.fixture
async def proxy(postgres_url: str) -> AsyncIterator[Proxy]:
    url = make_url(postgres_url)
    opened = Proxy(url.host or "127.0.0.1", url.port or 5432)
    await opened.start()
    yield opened
    await opened.cut()


@pytest.fixture
async def behind_proxy(
    settings: Settings, proxy: Proxy, clock: FakeClock
) -> AsyncIterator[Services]:
    url = make_url(settings.database_url).set(port=proxy.port)
    proxied = replace(settings, database_url=url.render_as_string(hide_password=False))
    async with open_services(proxied, clock=clock) as services:
        yield services


async def test_a_database_that_goes_away_is_told_as_try_again_and_recovered_from(
    behind_proxy: Services, proxy: Proxy, caplog: pytest.LogCaptureFixture
) -> None:
    engine = behind_proxy.engine
    olive = ctx("olive")
    assert not _refusals(await engine.handle(olive, Command("prompt inclusive")))

    await proxy.cut()
    with caplog.at_level(logging.INFO):
        replies = await engine.handle(olive, Command("idea Night buses to the harbour"))
    assert _refusals(replies) == [UNAVAILABLE]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]

    await proxy.restore()
    assert not _refusals(await engine.handle(olive, Command("idea Night buses to the harbour")))
    assert [i.text for i in await behind_proxy.repo.ideas("default")] == [
        "Night buses to the harbour"
    ]


def _refusals(replies: list[object]) -> list[str]:
    return [r.reason for r in replies if isinstance(r, Rejected)]
