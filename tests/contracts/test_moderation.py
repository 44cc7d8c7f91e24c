"""The ModerationStore contract: flags once per person, kept or closed by hiding; hiding
refunds voters and unhiding charges them again within the budget; an idea's history."""

from __future__ import annotations

from bot.core.domain import Flag, Outcome, VoteOutcome
from tests.conftest import in_channel, person
from tests.contracts.conftest import PROGRAMME
from tests.contracts.helpers import add

ADA, BO, OLIVE = person("ada"), person("bo"), person("olive")


async def test_an_idea_is_flagged_once_per_person_and_listed_oldest_first(store, clock) -> None:
    await add(store, "a")
    await add(store, "b")
    assert (await store.flag(PROGRAMME, 9, BO, "spam")).outcome is Outcome.NO_SUCH_IDEA
    flagged = await store.flag(PROGRAMME, 2, BO, "rude")
    assert flagged.outcome is Outcome.DONE and flagged.idea is not None and flagged.idea.number == 2
    first = clock.now()
    clock.advance(minutes=1)
    assert (await store.flag(PROGRAMME, 2, BO, "again")).outcome is Outcome.ALREADY
    await store.flag(PROGRAMME, 1, ADA, "")
    assert await store.open_flags(PROGRAMME) == [
        Flag(2, "rude", BO, first),
        Flag(1, "", ADA, clock.now()),
    ]
    assert await store.keep(PROGRAMME, 2, OLIVE) == 1
    assert await store.keep(PROGRAMME, 2, OLIVE) == 0
    assert await store.keep(PROGRAMME, 9, OLIVE) is None
    assert [f.number for f in await store.open_flags(PROGRAMME)] == [1]
    assert (await store.flag(PROGRAMME, 2, BO, "still rude")).outcome is Outcome.ALREADY
    actions = [(e.who, e.action, e.detail) for e in await store.history(PROGRAMME, 2)]
    assert actions[1:] == [
        (BO.key, "idea.flagged", {}),
        (OLIVE.key, "idea.kept", {"flags": 1}),
        (OLIVE.key, "idea.kept", {"flags": 0}),
    ]


async def test_hiding_refunds_voters_and_closes_flags(store) -> None:
    await add(store, "a")
    await add(store, "b")
    await store.vote(PROGRAMME, 1, BO, in_channel(), 1)
    await store.flag(PROGRAMME, 1, ADA, "off topic")
    hidden = await store.set_hidden(PROGRAMME, 1, True, OLIVE, 1)
    assert (hidden.outcome, hidden.voters, hidden.uncharged) == (Outcome.DONE, 1, 0)
    assert hidden.idea is not None and hidden.idea.hidden and hidden.idea.votes == 1
    assert await store.open_flags(PROGRAMME) == []
    assert (await store.set_hidden(PROGRAMME, 1, True, OLIVE, 1)).outcome is Outcome.ALREADY
    assert (await store.vote(PROGRAMME, 2, BO, in_channel(), 1)).outcome is VoteOutcome.CAST


async def test_unhiding_charges_voters_again_up_to_the_budget(store) -> None:
    for text in ("a", "b", "c"):
        await add(store, text)
    await store.vote(PROGRAMME, 1, BO, in_channel(), 1)
    await store.vote(PROGRAMME, 1, ADA, in_channel(), 1)
    await store.set_hidden(PROGRAMME, 1, True, OLIVE, 1)
    await store.vote(PROGRAMME, 2, BO, in_channel(), 1)  # BO's one vote, spent elsewhere
    shown = await store.set_hidden(PROGRAMME, 1, False, OLIVE, 1)
    assert (shown.outcome, shown.voters, shown.uncharged) == (Outcome.DONE, 2, 1)
    assert shown.idea is not None and not shown.idea.hidden
    assert (await store.vote(PROGRAMME, 3, ADA, in_channel(), 1)).outcome is VoteOutcome.OVER_BUDGET
    back = await store.unvote(PROGRAMME, 1, BO)
    assert (back.outcome, back.used) == (VoteOutcome.RETRACTED, 0)  # the uncharged vote
    assert (await store.set_hidden(PROGRAMME, 1, False, OLIVE, 1)).outcome is Outcome.ALREADY
    actions = [(e.action, e.detail) for e in await store.history(PROGRAMME, 1)][1:]
    assert actions == [
        ("idea.hidden", {"voters": 2, "uncharged": 0}),
        ("idea.unhidden", {"voters": 2, "uncharged": 1}),
    ]


async def test_a_merged_or_missing_idea_is_not_hidden(store) -> None:
    await add(store, "a")
    await add(store, "b")
    await store.merge(PROGRAMME, 2, 1, OLIVE)
    merged = await store.set_hidden(PROGRAMME, 2, True, OLIVE, 3)
    assert merged.outcome is Outcome.MERGED and merged.idea is not None
    assert (await store.set_hidden(PROGRAMME, 9, True, OLIVE, 3)).outcome is Outcome.NO_SUCH_IDEA
    assert await store.history(PROGRAMME, 9) == []
