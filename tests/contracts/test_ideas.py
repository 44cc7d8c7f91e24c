"""The IdeaStore contract: numbering, replays and stale checks, reads, edits, drafts, merges."""

from __future__ import annotations

from datetime import timedelta

from bot.core.domain import (
    Assignment,
    ConversationRef,
    IdeaOutcome,
    Lookalikes,
    MergedIdea,
    MergeOutcome,
    NewIdea,
    Participant,
    VoteOutcome,
)
from bot.core.similarity import Fingerprint
from tests.conftest import in_channel, person
from tests.contracts.conftest import PROGRAMME
from tests.contracts.helpers import add, new_idea

ADA, BO, OLIVE = person("ada"), person("bo"), person("olive")


async def test_an_idea_is_stored_as_typed_with_its_context(store, clock) -> None:
    where = ConversationRef("slack", "T1", "C1", "ideas-lab", "1.0")
    await store.set_channel_audience(PROGRAMME, where, "experts", OLIVE)
    suggestion = Assignment("government", "regulate")
    added = await store.add_idea(
        new_idea("  Bike lanes\n*everywhere*  ", author=ADA, where=where, suggestion=suggestion)
    )
    assert added.outcome is IdeaOutcome.ADDED
    idea = added.idea
    assert idea is not None
    assert (idea.number, idea.text, idea.theme_key) == (1, "  Bike lanes\n*everywhere*  ", "health")
    assert (idea.author, idea.platform, idea.channel_name) == (ADA, "slack", "ideas-lab")
    assert (idea.audience, idea.created_at, idea.suggestion) == ("experts", clock.now(), suggestion)
    assert (idea.votes_by_audience, idea.merged, idea.merged_into, idea.hidden) == (
        {},
        (),
        None,
        False,
    )
    assert (idea.assignment, idea.status, idea.owner, idea.latest_note) == (None, None, None, None)
    assert await store.idea(PROGRAMME, 1) == idea


async def test_ideas_are_numbered_per_programme(store) -> None:
    await store.ensure_programme("q", "Another", "public")
    assert await add(store, "one") == 1
    assert await add(store, "two") == 2
    other = await store.add_idea(NewIdea("q", "x", "health", ADA, in_channel(), None))
    assert other.idea is not None and other.idea.number == 1
    assert await store.idea(PROGRAMME, 3) is None
    assert [i.text for i in await store.ideas("q")] == ["x"]


async def test_a_replayed_request_adds_nothing_and_returns_the_idea(store) -> None:
    first = await store.add_idea(new_idea("once", request_key="r1"))
    again = await store.add_idea(new_idea("once, replayed", request_key="r1"))
    assert again.outcome is IdeaOutcome.REPEATED and again.idea == first.idea
    assert await store.idea_of_request(PROGRAMME, "r1") == first.idea
    assert await store.idea_of_request(PROGRAMME, "r2") is None
    assert len(await store.ideas(PROGRAMME)) == 1


async def test_an_idea_stored_after_the_check_makes_the_new_one_stale(store) -> None:
    assert await store.lookalikes(PROGRAMME, {"one"}, 1) == Lookalikes((), 0)
    await add(store, "one")
    found = await store.lookalikes(PROGRAMME, {"one"}, 1)
    assert found == Lookalikes(((1, "one"),), 1)
    seen = found.checked_through
    assert (
        await store.add_idea(new_idea("two"), checked_through=seen)
    ).outcome is IdeaOutcome.ADDED
    stale = await store.add_idea(new_idea("three"), checked_through=seen)
    assert stale.outcome is IdeaOutcome.STALE and stale.idea is None
    assert (await store.lookalikes(PROGRAMME, {"two"}, 1)) == Lookalikes(((2, "two"),), 2)
    assert len(await store.ideas(PROGRAMME)) == 2


async def test_the_newest_ideas_texts_are_read_by_storage_id(store) -> None:
    assert await store.idea_texts(PROGRAMME, 0) == []
    for text in ("one", "two", "three"):
        await add(store, text)
    texts = await store.idea_texts(PROGRAMME, 0)
    assert [(n, t) for _, n, t in texts] == [(1, "one"), (2, "two"), (3, "three")]
    assert [t for _, _, t in await store.idea_texts(PROGRAMME, 0, newest=2)] == ["two", "three"]
    later = await store.idea_texts(PROGRAMME, texts[0][0])
    assert [(n, t) for _, n, t in later] == [(2, "two"), (3, "three")]


async def test_ideas_are_read_by_the_numbers_asked_for_merged_ones_too(store, monkeypatch):
    monkeypatch.setattr("storage.ideas.NUMBERS_PER_READ", 2)  # several reads of a long list
    for text in ("one", "two", "three", "four", "five"):
        await add(store, text)
    await store.merge(PROGRAMME, 2, 1, OLIVE)
    found = await store.ideas_numbered(PROGRAMME, [5, 2, 1, 9, 4, 2])
    assert sorted((i.number, i.text, i.merged_into) for i in found) == [
        (1, "one", None),
        (2, "two", 1),
        (4, "four", None),
        (5, "five", None),
    ]
    assert await store.ideas_numbered(PROGRAMME, []) == []


async def test_an_idea_is_found_by_the_message_it_came_from(store) -> None:
    slack = ConversationRef("slack", "T1", "C1", "c")
    await add(store, "from slack", where=slack, source="C1/1.1")
    found = await store.idea_of_message(PROGRAMME, "slack", "C1/1.1")
    assert found is not None and found.text == "from slack"
    assert await store.idea_of_message(PROGRAMME, "teams", "C1/1.1") is None
    assert await store.idea_of_message(PROGRAMME, "slack", "C1/1.2") is None


async def test_an_edit_replaces_the_text_and_records_the_old_one(store, clock) -> None:
    await add(store, "old text")
    clock.advance(minutes=1)
    edited = await store.edit_idea(PROGRAMME, 1, "new text", ADA)
    assert edited is not None and edited.text == "new text"
    assert (await store.idea(PROGRAMME, 1)) == edited
    assert await store.edit_idea(PROGRAMME, 9, "nothing", ADA) is None
    entries = await store.history(PROGRAMME, 1)
    assert [(e.action, e.who, e.detail) for e in entries] == [
        ("idea.added", ADA.key, {"theme": "health"}),
        ("idea.edited", ADA.key, {"was": "old text"}),
    ]
    assert entries[1].at == clock.now()


async def test_ideas_are_listed_by_votes_then_oldest_first_optionally_by_theme(store) -> None:
    for text, theme in (("a", "health"), ("b", "transport"), ("c", "health")):
        await add(store, text, theme=theme)
    await store.vote(PROGRAMME, 3, BO, in_channel(), 3)
    assert [i.number for i in await store.ideas(PROGRAMME)] == [3, 1, 2]
    assert [i.number for i in await store.ideas(PROGRAMME, "health")] == [3, 1]
    assert await store.ideas(PROGRAMME, "nothing") == []


async def test_the_author_and_channel_read_as_they_are_named_now(store) -> None:
    await add(store, "idea", author=Participant("console", "ada", "Ada"), where=in_channel("old"))
    await store.channel(PROGRAMME, ConversationRef("console", "local", "old", "renamed"))
    await store.vote(PROGRAMME, 1, Participant("console", "ada", "Ada Lovelace"), in_channel(), 3)
    idea = await store.idea(PROGRAMME, 1)
    assert idea is not None
    assert (idea.author.display_name, idea.channel_name) == ("Ada Lovelace", "renamed")


async def test_a_draft_is_taken_once_by_its_author_only(store) -> None:
    draft = new_idea("held back", author=ADA, where=in_channel("lab", thread="t1"))
    draft_id = await store.save_draft(draft)
    assert await store.take_draft(PROGRAMME, draft_id, BO) is None
    taken = await store.take_draft(PROGRAMME, draft_id, ADA)
    assert taken == new_idea("held back", author=ADA, where=in_channel("lab", thread="t1"))
    assert await store.take_draft(PROGRAMME, draft_id, ADA) is None
    assert await store.ideas(PROGRAMME) == []


async def test_drafts_saved_before_the_cut_are_dropped(store, clock) -> None:
    old = await store.save_draft(new_idea("old", author=ADA))
    clock.advance(hours=1)
    cut = clock.now()
    kept = await store.save_draft(new_idea("new", author=ADA))
    assert await store.forget_drafts(cut) == 1
    assert await store.take_draft(PROGRAMME, old, ADA) is None
    assert (await store.take_draft(PROGRAMME, kept, ADA)) is not None
    assert await store.forget_drafts(cut + timedelta(days=1)) == 0


async def test_a_merge_pools_votes_and_credits_the_author(store) -> None:
    await add(store, "target", author=ADA)
    await add(store, "source", author=BO)
    for voter in ("v1", "v2"):
        await store.vote(PROGRAMME, 2, person(voter), in_channel(), 3)
    await store.vote(PROGRAMME, 1, person("v1"), in_channel(), 3)
    result = await store.merge(PROGRAMME, 2, 1, OLIVE)
    assert (result.outcome, result.moved_votes, result.pooled_voters) == (MergeOutcome.MERGED, 1, 1)
    assert result.idea is not None
    assert result.idea.votes == 2 and result.idea.merged == (MergedIdea(2, BO),)
    source = await store.idea(PROGRAMME, 2)
    assert source is not None and source.merged_into == 1 and source.votes == 0
    assert [i.number for i in await store.ideas(PROGRAMME)] == [1, 2]
    again = await store.vote(PROGRAMME, 2, person("v2"), in_channel(), 3)
    assert (again.outcome, again.number) == (VoteOutcome.ALREADY, 1)  # counted for the target
    refund = await store.vote(PROGRAMME, 1, person("v1"), in_channel(), 1)
    assert (refund.outcome, refund.used) == (VoteOutcome.ALREADY, 1)  # one vote in use, not two
    assert [(e.action, e.detail) for e in await store.history(PROGRAMME, 2)][-1] == (
        "idea.merged",
        {"into": 1},
    )
    assert await texts_like(store, "source target") == ["target"]


async def texts_like(store, text: str, needed: int = 1) -> list[str]:
    """The texts of the ideas a near-duplicate check of `text` would compare with."""
    found = await store.lookalikes(PROGRAMME, Fingerprint.of(text).stems, needed)
    return [idea_text for _, idea_text in found.ideas]


async def test_a_merge_across_themes_moves_the_votes_budget(store) -> None:
    await add(store, "health", theme="health")
    await add(store, "transport", theme="transport")
    await store.vote(PROGRAMME, 2, BO, in_channel(), 1)
    merged = await store.merge(PROGRAMME, 2, 1, OLIVE)
    assert merged.moved_votes == 1 and merged.pooled_voters == 0
    await add(store, "more transport", theme="transport")
    assert (await store.vote(PROGRAMME, 3, BO, in_channel(), 1)).outcome is VoteOutcome.CAST
    await add(store, "more health", theme="health")
    over = await store.vote(PROGRAMME, 4, BO, in_channel(), 1)
    assert (over.outcome, over.used) == (VoteOutcome.OVER_BUDGET, 1)


async def test_merges_that_cannot_be_are_refused(store) -> None:
    for text in ("a", "b", "c", "d"):
        await add(store, text)
    assert (await store.merge(PROGRAMME, 1, 9, OLIVE)).outcome is MergeOutcome.NO_SUCH_IDEA
    await store.merge(PROGRAMME, 2, 1, OLIVE)
    assert (await store.merge(PROGRAMME, 2, 3, OLIVE)).outcome is MergeOutcome.ALREADY_MERGED
    assert (await store.merge(PROGRAMME, 3, 2, OLIVE)).outcome is MergeOutcome.ALREADY_MERGED
    await store.set_hidden(PROGRAMME, 4, True, OLIVE, 3)
    assert (await store.merge(PROGRAMME, 3, 4, OLIVE)).outcome is MergeOutcome.HIDDEN
    chain = await store.merge(PROGRAMME, 1, 3, OLIVE)  # 2 was merged into 1: both now in 3
    assert chain.idea is not None and [m.number for m in chain.idea.merged] == [1, 2]
    assert (await store.idea(PROGRAMME, 2)).merged_into == 3


async def test_an_author_renamed_and_renamed_back_reads_as_now(store) -> None:
    """A → B → A: each sighting's name is the one stored, whatever was seen before."""
    for name in ("Ada", "Ada Lovelace", "Ada"):
        await add(store, f"an idea as {name}", author=Participant("console", "ada", name))
    ideas = await store.ideas(PROGRAMME)
    assert {i.author.display_name for i in ideas} == {"Ada"}
