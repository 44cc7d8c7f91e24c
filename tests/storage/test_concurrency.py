"""Races settled by the database: no lost, doubled or over-budget vote; unique idea numbers.

Each racer gets its own engine (its own connection pool), as separate web processes would.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.core.agenda import Backed, Kind, Reaction
from bot.core.domain import Assignment, Claim, NewIdea, Proposal, VoteOutcome
from handlers.turns import LEASE
from storage.database import create_engine
from storage.repository import SqlRepository
from tests.conftest import in_channel, person

BUDGET = 5


@pytest.fixture
async def repos(database_url, clock):
    """Four repositories on four engines, over one freshly migrated database."""
    engines = [create_engine(database_url) for _ in range(4)]
    repos = [SqlRepository(engine, clock) for engine in engines]
    await repos[0].ensure_programme("default", "Test", "community")
    yield repos
    for repo, engine in zip(repos, engines, strict=True):
        await repo.close()
        await engine.dispose()


async def _ideas(repo: SqlRepository, count: int, theme: str = "inclusive-growth") -> None:
    for n in range(count):
        await repo.add_idea(
            NewIdea("default", f"Idea {n}", theme, person("author"), in_channel(), None)
        )


async def test_one_participant_voting_for_many_ideas_at_once_stays_within_budget(repos) -> None:
    await _ideas(repos[0], 12)
    voter = person("bob")
    results = await asyncio.gather(
        *(
            repos[n % len(repos)].vote("default", n, voter, in_channel(), BUDGET)
            for n in range(1, 13)
        )
    )
    outcomes = [r.outcome for r in results]
    assert outcomes.count(VoteOutcome.CAST) == BUDGET
    assert outcomes.count(VoteOutcome.OVER_BUDGET) == 12 - BUDGET
    ideas = await repos[0].ideas("default")
    assert sum(i.votes for i in ideas) == BUDGET


async def test_a_double_click_counts_once(repos) -> None:
    await _ideas(repos[0], 1)
    voter = person("bob")
    results = await asyncio.gather(
        *(repos[n].vote("default", 1, voter, in_channel(), BUDGET) for n in range(4))
    )
    assert sorted(r.outcome for r in results) == sorted(
        [VoteOutcome.CAST] + [VoteOutcome.ALREADY] * 3
    )
    (idea,) = await repos[0].ideas("default")
    assert idea.votes == 1
    follow_up = await repos[0].vote("default", 1, voter, in_channel(), BUDGET)
    assert follow_up.used == 1  # the budget was charged once


async def test_many_participants_voting_at_once_lose_no_vote(repos) -> None:
    await _ideas(repos[0], 1)
    voters = [person(f"voter{n}") for n in range(24)]
    await asyncio.gather(
        *(
            repos[n % len(repos)].vote("default", 1, who, in_channel(), BUDGET)
            for n, who in enumerate(voters)
        )
    )
    (idea,) = await repos[0].ideas("default")
    assert idea.votes == 24


async def test_votes_and_unvotes_racing_keep_the_budget_honest(repos) -> None:
    await _ideas(repos[0], 6)
    voter = person("bob")
    for n in range(1, 6):
        await repos[0].vote("default", n, voter, in_channel(), BUDGET)
    # Take two back while trying to spend on the sixth from other processes.
    await asyncio.gather(
        repos[1].unvote("default", 1, voter),
        repos[2].unvote("default", 2, voter),
        repos[3].vote("default", 6, voter, in_channel(), BUDGET),
        repos[0].vote("default", 6, voter, in_channel(), BUDGET),
    )
    # Whichever order the database chose, a last vote for #6 lands and the budget matches.
    final = await repos[0].vote("default", 6, voter, in_channel(), BUDGET)
    assert final.outcome in (VoteOutcome.CAST, VoteOutcome.ALREADY)
    ideas = {i.number: i.votes for i in await repos[0].ideas("default")}
    assert ideas == {1: 0, 2: 0, 3: 1, 4: 1, 5: 1, 6: 1}
    assert final.used == sum(ideas.values()) == 4


async def test_ideas_added_at_once_get_distinct_consecutive_numbers(repos) -> None:
    await asyncio.gather(
        *(
            repos[n % len(repos)].add_idea(
                NewIdea(
                    "default", f"Idea {n}", "inclusive-growth", person(f"p{n}"), in_channel(), None
                )
            )
            for n in range(20)
        )
    )
    numbers = sorted(i.number for i in await repos[0].ideas("default"))
    assert numbers == list(range(1, 21))


async def test_a_replayed_event_is_claimed_once_even_when_racing(repos) -> None:
    claims = await asyncio.gather(*(r.claim("slack", "Ev123", LEASE) for r in repos))
    assert sorted(claims) == sorted([Claim.NEW] + [Claim.HELD] * (len(repos) - 1))
    assert await repos[0].claim("teams", "Ev123", LEASE) is Claim.NEW
    await repos[0].handled("slack", "Ev123")
    claims = await asyncio.gather(*(r.claim("slack", "Ev123", LEASE) for r in repos))
    assert set(claims) == {Claim.DONE}


async def test_a_merge_racing_with_votes_loses_none_and_doubles_none(repos) -> None:
    await _ideas(repos[0], 2)
    early = [person(f"early{n}") for n in range(12)]
    for n, who in enumerate(early):  # some voted for #1, some for #2, every third for both
        await repos[0].vote("default", 1 + n % 2, who, in_channel(), BUDGET)
        if n % 3 == 0:
            await repos[0].vote("default", 2 - n % 2, who, in_channel(), BUDGET)
    late = [person(f"late{n}") for n in range(12)]
    await asyncio.gather(
        repos[0].merge("default", 2, 1, person("olive")),
        *(
            repos[1 + n % 3].vote("default", 1 + n % 2, who, in_channel(), BUDGET)
            for n, who in enumerate(late)
        ),
    )
    ideas = {i.number: i for i in await repos[0].ideas("default")}
    assert ideas[2].merged_into == 1 and ideas[2].votes == 0
    assert ideas[1].votes == len(early) + len(late)  # every voter exactly once
    for who in early + late:  # and every budget matches the votes it paid for
        again = await repos[0].vote("default", 1, who, in_channel(), BUDGET)
        assert again.outcome is VoteOutcome.ALREADY and again.used == 1


# ---- the day's steps: a backing or a reaction counted once, numbers never handed out twice ----


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


async def test_one_persons_proposals_racing_from_four_processes_count_once(repos) -> None:
    await _ideas(repos[0], 1)
    said = [Assignment("authority"), Assignment("organisations")]
    people = [person("ann"), person("ben")]
    await asyncio.gather(
        *(
            repos[n % len(repos)].propose("default", 1, people[n % 2], in_channel(), said[n % 2])
            for n in range(16)
        )
    )
    idea = await repos[0].idea("default", 1)
    assert idea is not None
    assert sorted(idea.proposals, key=lambda p: p.assignment.actor_key) == [
        Proposal(Assignment("authority"), 1),
        Proposal(Assignment("organisations"), 1),
    ]
