"""The day's races settled by the database, as between separate web processes (one engine
each): a backing or a reaction counted once, contribution numbers never handed out twice."""

from __future__ import annotations

import asyncio

import pytest

from bot.core.agenda import Backed, Kind, Reaction
from storage.database import create_engine
from storage.repository import SqlRepository
from tests.conftest import in_channel, person


@pytest.fixture
async def repos(database_url, clock):
    engines = [create_engine(database_url) for _ in range(4)]
    repos = [SqlRepository(engine, clock) for engine in engines]
    await repos[0].ensure_programme("default", "Test", "community")
    yield repos
    for repo, engine in zip(repos, engines, strict=True):
        await repo.close()
        await engine.dispose()


async def test_the_same_backing_from_four_processes_counts_once(repos) -> None:
    await repos[0].contribute("default", Kind.HOPE, "a brand", None, person("ann"), in_channel())
    bob = person("bob")
    outcomes = await asyncio.gather(
        *(repo.back("default", Kind.HOPE, 1, bob, in_channel()) for repo in repos)
    )
    assert sorted(outcomes) == [Backed.ALREADY] * 3 + [Backed.COUNTED]
    found = await repos[0].contribution("default", Kind.HOPE, 1)
    assert found is not None and found.total == 1


async def test_the_same_reaction_from_four_processes_counts_once(repos) -> None:
    bob = person("bob")
    counted = await asyncio.gather(
        *(
            repo.react("default", "uni", Reaction.INSPIRES, bob, in_channel(), None)
            for repo in repos
        )
    )
    assert counted.count(True) == 1
    assert (await repos[0].tallies("default"))["uni"].total(Reaction.INSPIRES) == 1


async def test_hopes_written_at_once_get_distinct_numbers(repos) -> None:
    added = await asyncio.gather(
        *(
            repo.contribute("default", Kind.HOPE, f"hope {n}", None, person(f"p{n}"), in_channel())
            for n, repo in enumerate(repos * 3)
        )
    )
    assert sorted(c.number for c in added) == list(range(1, 13))
