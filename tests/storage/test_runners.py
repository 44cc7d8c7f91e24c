"""SQLite's group commit: writes that queue together share one transaction, yet each one
succeeds or fails on its own, and nobody hears back before the commit."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from sqlalchemy import Column, Connection, Integer, MetaData, Table, func, insert, select

from storage.database import create_sync_engine
from storage.runners import ThreadedSqlite

METADATA = MetaData()
ROWS = Table("rows", METADATA, Column("n", Integer, primary_key=True))


@pytest.fixture
async def runner(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'group.db'}"
    engine = create_sync_engine(url)
    METADATA.create_all(engine)
    engine.dispose()
    opened = ThreadedSqlite(url)
    yield opened
    await opened.close()


async def test_queued_writes_share_a_commit_and_a_failing_one_is_rolled_back_alone(
    runner: ThreadedSqlite,
) -> None:
    transactions: list[int] = []

    def write(n: int):
        def work(conn: Connection) -> int:
            if n == 0:
                time.sleep(0.05)  # the writer is busy: the other writes queue meanwhile
            transactions.append(id(conn.get_transaction()))
            conn.execute(insert(ROWS).values(n=n))
            if n == 7:
                raise ValueError("refused after writing")
            return n

        return work

    outcomes = await asyncio.gather(
        *(runner.run(write(n), write=True) for n in range(20)), return_exceptions=True
    )
    assert [o for o in outcomes if isinstance(o, Exception)] == [outcomes[7]]
    assert isinstance(outcomes[7], ValueError)
    assert [o for o in outcomes if not isinstance(o, Exception)] == [n for n in range(20) if n != 7]
    stored = await runner.run(lambda conn: sorted(conn.scalars(select(ROWS.c.n))), write=False)
    assert stored == [n for n in range(20) if n != 7]
    assert len(set(transactions)) < 20  # they did not each take a transaction


async def test_a_write_alone_that_fails_leaves_nothing_behind(runner: ThreadedSqlite) -> None:
    def fails(conn: Connection) -> None:
        conn.execute(insert(ROWS).values(n=1))
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        await runner.run(fails, write=True)
    count = await runner.run(lambda conn: conn.scalar(select(func.count(ROWS.c.n))), write=False)
    assert count == 0
    assert await runner.run(lambda conn: conn.execute(insert(ROWS).values(n=1)).rowcount, True) == 1
