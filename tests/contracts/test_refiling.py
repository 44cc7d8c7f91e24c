"""The ModerationStore's re-filing contract: an idea answers its prompt's challenge; moved, it
takes its votes (each charge moves to the new theme's budget, uncharged at the limit), its
merged ideas and a history entry along."""

from __future__ import annotations

from dataclasses import replace

from bot.core.domain import Outcome, VoteOutcome
from tests.conftest import in_channel, person
from tests.contracts.conftest import PROGRAMME
from tests.contracts.helpers import add, new_idea

ADA, BO, OLIVE = person("ada"), person("bo"), person("olive")


async def test_an_idea_answers_the_challenge_of_the_prompt_it_replied_to(store) -> None:
    prompt = await store.record_prompt(PROGRAMME, in_channel(), "health", 2, OLIVE)
    added = await store.add_idea(replace(new_idea("Walks"), prompt_id=prompt.id))
    assert added.idea is not None and added.idea.challenge == 2
    untagged = await store.idea(PROGRAMME, await add(store, "Runs"))
    assert untagged is not None and untagged.challenge is None


async def test_a_moved_idea_takes_its_votes_merged_ideas_and_history_along(store) -> None:
    prompt = await store.record_prompt(PROGRAMME, in_channel(), "health", 1, OLIVE)
    await store.add_idea(replace(new_idea("Walks"), prompt_id=prompt.id))  # 1
    await add(store, "Trams", theme="transport")  # 2
    await add(store, "Runs")  # 3
    await add(store, "Walks together")  # 4
    await store.merge(PROGRAMME, 4, 1, OLIVE)
    await store.vote(PROGRAMME, 1, BO, in_channel(), 1)
    await store.vote(PROGRAMME, 1, ADA, in_channel(), 1)
    await store.vote(PROGRAMME, 2, ADA, in_channel(), 1)  # ADA's one transport vote

    moved = await store.move(PROGRAMME, 1, "transport", 0, OLIVE, 1)

    assert (moved.outcome, moved.voters, moved.uncharged) == (Outcome.DONE, 2, 1)
    idea = moved.idea
    assert idea is not None
    assert (idea.theme_key, idea.challenge, idea.prompt_id, idea.votes) == ("transport", 0, None, 2)
    merged = await store.idea(PROGRAMME, 4)
    assert merged is not None and (merged.theme_key, merged.challenge) == ("transport", 0)
    # Both got their health vote back; BO's transport vote is spent on #1, ADA's stays uncharged.
    assert (await store.vote(PROGRAMME, 3, BO, in_channel(), 1)).outcome is VoteOutcome.CAST
    assert (await store.vote(PROGRAMME, 3, ADA, in_channel(), 1)).outcome is VoteOutcome.CAST
    over = await store.vote(PROGRAMME, 2, BO, in_channel(), 1)
    assert over.outcome is VoteOutcome.OVER_BUDGET
    (*_, entry) = await store.history(PROGRAMME, 1)
    assert (entry.who, entry.action, entry.detail) == (
        OLIVE.key,
        "idea.moved",
        {
            "from_theme": "health",
            "from_challenge": 2,
            "to_theme": "transport",
            "to_challenge": 1,
            "voters": 2,
            "uncharged": 1,
        },
    )


async def test_a_challenge_changes_within_a_theme_without_touching_budgets(store) -> None:
    await add(store, "Walks")
    await add(store, "Runs")
    await store.vote(PROGRAMME, 1, BO, in_channel(), 1)
    moved = await store.move(PROGRAMME, 1, "health", 3, OLIVE, 1)
    assert moved.outcome is Outcome.DONE and moved.idea is not None
    assert (moved.idea.theme_key, moved.idea.challenge, moved.uncharged) == ("health", 3, 0)
    assert (await store.vote(PROGRAMME, 2, BO, in_channel(), 1)).outcome is VoteOutcome.OVER_BUDGET


async def test_a_merged_or_missing_idea_is_not_moved(store) -> None:
    await add(store, "a")
    await add(store, "b")
    await store.merge(PROGRAMME, 2, 1, OLIVE)
    merged = await store.move(PROGRAMME, 2, "transport", None, OLIVE, 3)
    assert merged.outcome is Outcome.MERGED and merged.idea is not None
    assert merged.idea.theme_key == "health"
    missing = await store.move(PROGRAMME, 9, "transport", None, OLIVE, 3)
    assert missing.outcome is Outcome.NO_SUCH_IDEA
    assert [e.action for e in await store.history(PROGRAMME, 2)] == ["idea.added", "idea.merged"]
