"""The PersonalDataStore contract: what is stored of a person in a programme, and forgetting
them there (their ideas deleted and their voters refunded, their votes kept anonymously, their
flags' reasons erased, their organiser role ended) or everywhere."""

from __future__ import annotations

from datetime import timedelta

from bot.core.domain import (
    FORGOTTEN,
    Assignment,
    ConversationRef,
    Forgotten,
    NewIdea,
    Participant,
    Phase,
    VoteOutcome,
)
from bot.core.nudges import FollowUp
from tests.conftest import in_channel, person
from tests.contracts.conftest import PROGRAMME
from tests.contracts.helpers import add, new_idea

ANN, BOB, OLIVE = person("ann"), person("bob"), person("olive")


async def _workshop(store, clock) -> None:
    """Ann adds #1 and #2 and votes for Bob's #3; Bob votes for #1; Ann flags #3."""
    await add(store, "Trams along the river", author=ANN)
    await add(store, "Bike lanes to every school", author=ANN)
    await add(store, "Night buses at weekends", author=BOB)
    clock.advance(minutes=1)
    await store.vote(PROGRAMME, 3, ANN, in_channel(), 3)
    clock.advance(minutes=1)
    await store.vote(PROGRAMME, 1, BOB, in_channel(), 3)
    await store.flag(PROGRAMME, 3, ANN, "too vague")


async def test_personal_data_lists_ideas_votes_and_flags(store, clock) -> None:
    assert await store.personal_data(PROGRAMME, "console", "ann") is None
    start = clock.now()
    await _workshop(store, clock)
    data = await store.personal_data(PROGRAMME, "console", "ann")
    assert data is not None and data.participant == ANN
    assert data.ideas == (
        {
            "id": 1,
            "text": "Trams along the river",
            "theme": "health",
            "created_at": start.isoformat(),
        },
        {
            "id": 2,
            "text": "Bike lanes to every school",
            "theme": "health",
            "created_at": start.isoformat(),
        },
    )
    voted = (start + timedelta(minutes=1)).isoformat()
    assert data.votes == ({"idea": 3, "cast_at": voted, "audience": "public"},)
    assert data.flags == (
        {"idea": 3, "reason": "too vague", "flagged_at": clock.now().isoformat()},
    )
    await store.ensure_programme("q", "Another", "public")
    elsewhere = await store.personal_data("q", "console", "ann")
    assert elsewhere is not None and (elsewhere.ideas, elsewhere.votes, elsewhere.flags) == (
        (),
        (),
        (),
    )


async def test_forgetting_deletes_ideas_refunds_their_voters_and_keeps_votes(store, clock) -> None:
    await _workshop(store, clock)
    await store.merge(PROGRAMME, 2, 1, OLIVE)
    await store.assign(PROGRAMME, 1, Assignment("government"), OLIVE)
    await store.set_organiser(PROGRAMME, ANN.key, True, OLIVE)
    draft = await store.save_draft(new_idea("held back", author=ANN))
    done = await store.forget(PROGRAMME, "console", "ann", ANN, "anon-1")
    assert done == Forgotten(
        deleted=(1, 2), merged_or_assigned=2, votes_removed=1, votes_kept=1, flags_erased=1
    )
    assert [i.number for i in await store.ideas(PROGRAMME)] == [3]
    (left,) = await store.ideas(PROGRAMME)
    assert left.votes == 1  # Ann's vote, kept as an anonymous total
    assert await store.personal_data(PROGRAMME, "console", "ann") is None  # nothing left anywhere
    assert await store.organisers(PROGRAMME) == set()
    assert await store.take_draft(PROGRAMME, draft, ANN) is None
    (flag,) = await store.open_flags(PROGRAMME)
    assert (flag.reason, flag.by) == ("", Participant("console", "anon-1", FORGOTTEN))
    refunded = await store.vote(PROGRAMME, 3, BOB, in_channel(), 1)
    assert (refunded.outcome, refunded.used) == (VoteOutcome.CAST, 1)  # Bob's vote on #1 refunded
    anonymous = await store.personal_data(PROGRAMME, "console", "anon-1")
    assert anonymous is not None and anonymous.flags == (
        {"idea": 3, "reason": None, "flagged_at": clock.now().isoformat()},
    )
    assert await store.forget(PROGRAMME, "console", "ann", ANN, "anon-2") is None


async def test_forgetting_rekeys_what_the_person_did_and_frees_the_idea_merged_in(
    store, clock
) -> None:
    await add(store, "Bob's", author=BOB)
    await add(store, "Ann's", author=ANN)
    await store.merge(PROGRAMME, 1, 2, OLIVE)
    await store.set_organiser(PROGRAMME, ANN.key, True, OLIVE)
    await store.set_organiser(PROGRAMME, BOB.key, True, ANN)
    await store.add_note(PROGRAMME, 1, "on it", ANN)
    await store.edit_idea(PROGRAMME, 1, "Bob's, edited by Ann", ANN)
    await store.update_action(PROGRAMME, 1, None, ANN.key, OLIVE)
    done = await store.forget(PROGRAMME, "console", "ann", OLIVE, "anon-1")
    assert done is not None and done.deleted == (2,)
    freed = await store.idea(PROGRAMME, 1)
    assert freed is not None and freed.merged_into is None
    assert freed.latest_note is not None and freed.latest_note.author == "console:anon-1"
    assert freed.owner == "console:anon-1"  # the action Ann owned is owned by no one named
    assert [e.who for e in await store.history(PROGRAMME, 1)] == [
        BOB.key,
        OLIVE.key,
        "console:anon-1",
        "console:anon-1",
        OLIVE.key,
    ]
    assert [(e.who, e.action) for e in await store.history(PROGRAMME, 2)] == [
        ("console:anon-1", "idea.added"),  # the idea is gone; its record stays, rekeyed
        (OLIVE.key, "idea.merged"),
    ]
    assert await store.organisers(PROGRAMME) == {BOB.key}


async def test_someone_known_only_by_a_reference_or_a_role_is_forgotten_too(store) -> None:
    where = ConversationRef("teams", "tenant", "19:c", "c")
    await store.save_reference(PROGRAMME, where, {"user": {"id": "29:ann"}, "serviceUrl": "u"})
    assert await store.forget(PROGRAMME, "teams", "29:ann", OLIVE, "anon") == Forgotten(
        (), 0, 0, 0, 0
    )
    assert await store.reference(PROGRAMME, where) == {"serviceUrl": "u"}
    await store.set_organiser(PROGRAMME, "teams:29:bo", True, OLIVE)
    assert await store.forget(PROGRAMME, "teams", "29:bo", OLIVE, "anon-2") is not None
    assert await store.organisers(PROGRAMME) == set()
    assert await store.forget(PROGRAMME, "teams", "29:nobody", OLIVE, "anon-3") is None


async def test_forgetting_in_one_programme_leaves_another_untouched(store, clock) -> None:
    await store.ensure_programme("q", "Another", "public")
    await add(store, "here", author=ANN)
    other = await store.add_idea(NewIdea("q", "there", "health", ANN, in_channel(), None))
    assert other.idea is not None
    await store.forget(PROGRAMME, "console", "ann", ANN, "anon")
    there = await store.personal_data("q", "console", "ann")
    assert there is not None and there.participant == ANN and len(there.ideas) == 1
    everywhere = await store.forget_everywhere("console", "ann", OLIVE)
    assert list(everywhere) == ["q"] and everywhere["q"].deleted == (1,)
    assert await store.personal_data("q", "console", "ann") is None
    assert await store.ideas("q") == []


async def test_forgetting_rekeys_who_set_a_phase_change_muted_or_owns_a_follow_up(
    store, clock
) -> None:
    await add(store, "Ann's", author=ANN)
    now = clock.now()
    await store.schedule_phase(PROGRAMME, "infra", Phase.CLOSED, now, now, ANN)
    await store.set_muted(PROGRAMME, ConversationRef("console", "local", "town"), True, ANN)
    await store.record_follow_ups(PROGRAMME, now, [FollowUp(ANN.key, 1), FollowUp(BOB.key, 2)])
    assert await store.forget(PROGRAMME, "console", "ann", OLIVE, "anon-1") is not None
    [step] = await store.due_phase_steps(now)
    assert step.by == Participant("console", "anon-1")
    assert await store.unanswered(PROGRAMME) == (
        now,
        [FollowUp("console:anon-1", 1), FollowUp(BOB.key, 2)],
    )
