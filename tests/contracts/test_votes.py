"""The VoteStore contract: one vote per idea, a budget per theme, closed themes and hidden
ideas refused, take-backs refunded, a double-click folded into one vote."""

from __future__ import annotations

from datetime import timedelta

from bot.core.domain import ConversationRef, Phase, VoteOutcome
from tests.conftest import in_channel, person
from tests.contracts.conftest import PROGRAMME
from tests.contracts.helpers import add

BO, OLIVE = person("bo"), person("olive")
CLICK = timedelta(seconds=1)


async def test_a_vote_is_cast_once_and_counted_for_the_channel_audience(store, clock) -> None:
    await add(store, "a")
    lab = in_channel("lab")
    await store.set_channel_audience(PROGRAMME, lab, "experts", OLIVE)
    cast = await store.vote(PROGRAMME, 1, BO, lab, 3)
    assert (cast.outcome, cast.number, cast.theme_key, cast.used) == (
        VoteOutcome.CAST,
        1,
        "health",
        1,
    )
    assert cast.idea is None  # not asked for
    clock.advance(minutes=1)
    again = await store.vote(PROGRAMME, 1, BO, in_channel(), 3, tally=True)
    assert (again.outcome, again.used, again.cast_at) == (
        VoteOutcome.ALREADY,
        1,
        clock.now() - timedelta(minutes=1),
    )
    assert again.idea is not None and again.idea.votes_by_audience == {"experts": 1}
    await store.vote(PROGRAMME, 1, person("cy"), in_channel(), 3)
    idea = await store.idea(PROGRAMME, 1)
    assert idea is not None and idea.votes_by_audience == {"experts": 1, "public": 1}


async def test_the_budget_is_per_theme_and_a_take_back_refunds(store) -> None:
    for text, theme in (("a", "health"), ("b", "health"), ("c", "transport")):
        await add(store, text, theme=theme)
    assert (await store.vote(PROGRAMME, 1, BO, in_channel(), 1)).outcome is VoteOutcome.CAST
    over = await store.vote(PROGRAMME, 2, BO, in_channel(), 1)
    assert (over.outcome, over.used, over.theme_key) == (VoteOutcome.OVER_BUDGET, 1, "health")
    assert (await store.vote(PROGRAMME, 3, BO, in_channel(), 1)).outcome is VoteOutcome.CAST
    back = await store.unvote(PROGRAMME, 1, BO, tally=True)
    assert (back.outcome, back.used) == (VoteOutcome.RETRACTED, 0)
    assert back.idea is not None and back.idea.votes == 0
    not_voted = await store.unvote(PROGRAMME, 1, BO)
    assert (not_voted.outcome, not_voted.used) == (VoteOutcome.NOT_VOTED, 0)
    assert (await store.vote(PROGRAMME, 2, BO, in_channel(), 1)).outcome is VoteOutcome.CAST


async def test_votes_on_what_is_not_there_closed_or_hidden_are_refused(store) -> None:
    await add(store, "a", theme="health")
    await add(store, "b", theme="transport")
    missing = await store.vote(PROGRAMME, 9, BO, in_channel(), 3)
    assert (missing.outcome, missing.number) == (VoteOutcome.NO_SUCH_IDEA, None)
    assert (await store.unvote(PROGRAMME, 9, BO)).outcome is VoteOutcome.NO_SUCH_IDEA
    await store.vote(PROGRAMME, 1, BO, in_channel(), 3)
    await store.set_phase(PROGRAMME, "health", Phase.CLOSED, OLIVE)
    closed = await store.vote(PROGRAMME, 1, person("cy"), in_channel(), 3)
    assert (closed.outcome, closed.theme_key) == (VoteOutcome.CLOSED, "health")
    assert (await store.unvote(PROGRAMME, 1, BO)).outcome is VoteOutcome.CLOSED
    await store.set_phase(PROGRAMME, "health", Phase.VOTING, OLIVE)
    assert (await store.unvote(PROGRAMME, 1, BO)).outcome is VoteOutcome.RETRACTED
    await store.set_hidden(PROGRAMME, 2, True, OLIVE, 3)
    assert (await store.vote(PROGRAMME, 2, BO, in_channel(), 3)).outcome is VoteOutcome.HIDDEN


async def test_the_button_toggles_but_folds_a_double_click(store, clock) -> None:
    await add(store, "a")
    first = clock.now()
    cast = await store.toggle(PROGRAMME, 1, BO, in_channel(), 3, first, CLICK)
    assert (cast.outcome, cast.idea) == (VoteOutcome.CAST, None)
    second = await store.toggle(PROGRAMME, 1, BO, in_channel(), 3, first + CLICK / 2, CLICK)
    assert (second.outcome, second.cast_at) == (VoteOutcome.ALREADY, first)
    early = await store.toggle(PROGRAMME, 1, BO, in_channel(), 3, first - CLICK / 2, CLICK)
    assert early.outcome is VoteOutcome.ALREADY  # the pair's other click, reaching us later
    clock.advance(seconds=5)
    back = await store.toggle(PROGRAMME, 1, BO, in_channel(), 3, clock.now(), CLICK)
    assert (back.outcome, back.used) == (VoteOutcome.RETRACTED, 0)
    assert back.idea is not None and back.idea.votes == 0  # a click that took a vote back is told
    recast = await store.toggle(PROGRAMME, 1, BO, in_channel(), 3, clock.now(), CLICK)
    assert recast.outcome is VoteOutcome.CAST
    assert (await store.idea(PROGRAMME, 1)).votes == 1


async def test_a_toggle_over_budget_is_refused(store, clock) -> None:
    await add(store, "a")
    await add(store, "b")
    await store.toggle(PROGRAMME, 1, BO, in_channel(), 1, clock.now(), CLICK)
    over = await store.toggle(PROGRAMME, 2, BO, in_channel(), 1, clock.now(), CLICK)
    assert (over.outcome, over.used) == (VoteOutcome.OVER_BUDGET, 1)


async def test_a_vote_registers_its_channel(store) -> None:
    await add(store, "a")
    where = ConversationRef("slack", "T1", "C7", "new-channel")
    await store.vote(PROGRAMME, 1, BO, where, 3)
    assert (
        await store.channel(PROGRAMME, ConversationRef("slack", "T1", "C7"))
    ).name == "new-channel"
