"""Votes that arrive together are decided together, in arrival order, as if one after another."""

from __future__ import annotations

import asyncio

import pytest

from bot.core.domain import NewIdea, Phase, VoteOutcome
from storage.batcher import Batcher
from tests.conftest import in_channel, person

BUDGET = 5
P = "default"


async def _ideas(repo, themes: list[str]) -> None:
    await repo.ensure_programme(P, "Test", "community")
    for n, theme in enumerate(themes):
        await repo.add_idea(NewIdea(P, f"Idea {n}", theme, person("author"), in_channel(), None))


async def test_a_batch_is_decided_in_arrival_order(services) -> None:
    repo = services.repo
    await _ideas(repo, ["inclusive-growth"] * 7)
    bob, ann = person("bob"), person("ann")
    calls = [  # all started before any is written, so they form one batch
        repo.vote(P, 1, bob, in_channel(), BUDGET),
        repo.unvote(P, 1, bob),
        repo.vote(P, 1, bob, in_channel(), BUDGET),  # cast, taken back and cast again
        repo.vote(P, 1, bob, in_channel(), BUDGET),  # already
        *(repo.vote(P, n, bob, in_channel(), BUDGET) for n in range(2, 7)),  # 4 fit, 1 over
        repo.unvote(P, 7, ann),  # never voted
        repo.vote(P, 99, ann, in_channel("town"), BUDGET),  # no such idea
        repo.vote(P, 7, ann, in_channel("town"), BUDGET),  # a new voter, a new channel
    ]
    results = await asyncio.gather(*calls)

    assert [r.outcome for r in results] == [
        VoteOutcome.CAST,
        VoteOutcome.RETRACTED,
        VoteOutcome.CAST,
        VoteOutcome.ALREADY,
        *[VoteOutcome.CAST] * 4,
        VoteOutcome.OVER_BUDGET,
        VoteOutcome.NOT_VOTED,
        VoteOutcome.NO_SUCH_IDEA,
        VoteOutcome.CAST,
    ]
    assert [r.used for r in results[:9]] == [1, 0, 1, 1, 2, 3, 4, 5, 5]
    assert results[3].cast_at is not None
    assert results[10].number is None and results[0].theme_key == "inclusive-growth"
    votes = {i.number: i.votes for i in await repo.ideas(P)}
    assert votes == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 0, 7: 1}
    again = await repo.unvote(P, 2, bob)  # the budget written by the batch is the one read next
    assert again.outcome is VoteOutcome.RETRACTED and again.used == 4


async def test_a_batch_refuses_closed_themes_and_hidden_ideas_and_follows_merges(services) -> None:
    repo = services.repo
    olive = person("olive")
    await _ideas(repo, ["inclusive-growth", "inclusive-growth", "innovation", "inclusive-growth"])
    await repo.set_phase(P, "innovation", Phase.CLOSED, olive)
    await repo.set_hidden(P, 4, True, olive, BUDGET)
    await repo.merge(P, 2, 1, olive)
    bob = person("bob")

    results = await asyncio.gather(
        repo.vote(P, 3, bob, in_channel(), BUDGET),
        repo.vote(P, 4, bob, in_channel(), BUDGET),
        repo.vote(P, 2, bob, in_channel(), BUDGET),  # counts for #1, which #2 became part of
        repo.vote(P, 1, bob, in_channel(), BUDGET),
    )

    assert [(r.outcome, r.number) for r in results] == [
        (VoteOutcome.CLOSED, 3),
        (VoteOutcome.HIDDEN, 4),
        (VoteOutcome.CAST, 1),
        (VoteOutcome.ALREADY, 1),
    ]
    assert results[0].theme_key == "innovation"
    votes = {i.number: i.votes for i in await repo.ideas(P)}
    assert votes[1] == 1 and votes[2] == 0 and votes[3] == 0


async def test_a_failed_batch_fails_each_of_its_callers_and_the_next_batch_runs() -> None:
    failing = True

    async def handle(key: str, items: list[int]) -> list[int]:
        if failing:
            raise RuntimeError("database unavailable")
        return [item * 2 for item in items]

    batcher: Batcher[str, int, int] = Batcher(handle)
    results = await asyncio.gather(
        *(batcher.submit("k", n) for n in range(3)), return_exceptions=True
    )
    assert all(isinstance(r, RuntimeError) for r in results)

    failing = False
    assert await asyncio.gather(*(batcher.submit("k", n) for n in range(3))) == [0, 2, 4]
    await batcher.idle()


@pytest.mark.parametrize("callers", [1, 40])
async def test_calls_submitted_together_share_one_batch(callers: int) -> None:
    batches: list[list[int]] = []

    async def handle(key: str, items: list[int]) -> list[int]:
        batches.append(items)
        await asyncio.sleep(0)
        return items

    batcher: Batcher[str, int, int] = Batcher(handle)
    assert await asyncio.gather(*(batcher.submit("k", n) for n in range(callers))) == list(
        range(callers)
    )
    assert batches == [list(range(callers))]


async def test_the_cache_of_participant_ids_stays_bounded_when_voters_arrive_in_batches(
    services, monkeypatch
) -> None:
    import storage.store

    monkeypatch.setattr(storage.store, "PARTICIPANT_CACHE", 10)
    repo = services.repo
    await _ideas(repo, ["inclusive-growth"])
    for start in range(0, 40, 8):  # batches of new voters, never one alone
        voters = [person(f"v{n}") for n in range(start, start + 8)]
        await asyncio.gather(*(repo.vote(P, 1, v, in_channel(), BUDGET) for v in voters))
        assert len(repo._participants) <= 10
    assert (await repo.idea(P, 1)).votes == 40
