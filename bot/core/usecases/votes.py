"""Voting and unvoting, within each participant's per-theme budget."""

from __future__ import annotations

from datetime import timedelta

from bot.core import cards
from bot.core.domain import Anchor, AnchorKind, VoteOutcome, VoteResult
from bot.core.interaction import Context, Refresh, Reply, note
from bot.core.workshop import Refusal, Workshop, no_such_idea

# A second click on Vote this soon after the first is a double-click, not a change of mind.
DOUBLE_CLICK = timedelta(seconds=2)


async def vote(ws: Workshop, ctx: Context, number: int) -> list[Reply]:
    result = await _cast(ws, ctx, number, tally=True)
    if result.outcome is VoteOutcome.ALREADY:
        voted = _number(result, number)
        raise Refusal(f"You have already voted for #{voted}. `unvote {voted}` takes it back.")
    return _confirm(ws, result, "in")


async def vote_for(ws: Workshop, ctx: Context, number: int) -> list[Reply]:
    """ "Vote for #7 instead": a vote already cast stays cast (no toggling)."""
    result = await _cast(ws, ctx, number, tally=True)
    state = "already in" if result.outcome is VoteOutcome.ALREADY else "in"
    return _confirm(ws, result, state)


async def unvote(ws: Workshop, ctx: Context, number: int) -> list[Reply]:
    result = await ws.votes.unvote(ctx.programme_key, number, ctx.who, tally=True)
    _refuse(ws, result, number)
    if result.outcome is VoteOutcome.NOT_VOTED:
        raise Refusal(f"You haven't voted for #{number}, so there is nothing to take back.")
    return _confirm(ws, result, "taken back")


async def toggle(ws: Workshop, ctx: Context, number: int) -> list[Reply]:
    """The Vote button: votes, or takes the vote back when pressed again (not on a double-click).
    A vote cast shows on the card itself, whose count goes up in place: a note to the voter on
    every click would bury the thread in notes at a live workshop, and overrun the platforms'
    rate limits for them. Taking a vote back, the surprising outcome, and every refusal are
    told to the voter."""
    budget = ws.playbook.votes_per_theme
    result = await ws.votes.toggle(
        ctx.programme_key, number, ctx.who, ctx.where, budget, ws.clock.now(), DOUBLE_CLICK
    )
    _refuse(ws, result, number)
    if result.outcome is VoteOutcome.RETRACTED:
        return _confirm(ws, result, "taken back")
    return [_refresh(result)]


async def _cast(ws: Workshop, ctx: Context, number: int, tally: bool = False) -> VoteResult:
    budget = ws.playbook.votes_per_theme
    result = await ws.votes.vote(ctx.programme_key, number, ctx.who, ctx.where, budget, tally)
    _refuse(ws, result, number)
    return result


def _refuse(ws: Workshop, result: VoteResult, number: int) -> None:
    """No such idea, a closed theme, a hidden idea or a spent budget: told, nothing changed."""
    if result.outcome is VoteOutcome.NO_SUCH_IDEA:
        raise no_such_idea(number)
    _refuse_closed(ws, result)
    if result.outcome is VoteOutcome.OVER_BUDGET:
        budget = ws.playbook.votes_per_theme
        raise Refusal(
            f"You have used all {budget} of your votes for {_theme_title(ws, result)}. "
            "Take one back with `unvote <id>` to vote for #"
            f"{number} instead."
        )


def _refuse_closed(ws: Workshop, result: VoteResult) -> None:
    if result.outcome is VoteOutcome.HIDDEN:
        raise Refusal(f"#{_number(result, 0)} was hidden by organisers, so it takes no votes.")
    if result.outcome is VoteOutcome.CLOSED:
        theme = _theme_title(ws, result)
        raise Refusal(f"{theme} is closed and its plan is final, so votes no longer change.")


def _number(result: VoteResult, typed: int) -> int:
    """The idea the vote went to: the one typed, or the one it was merged into."""
    return result.number if result.number is not None else typed


def _refresh(result: VoteResult) -> Refresh:
    """The card is left for the edge to read when it updates (see `Refresh`)."""
    return Refresh(Anchor(AnchorKind.IDEA, _number(result, 0)))


def _confirm(ws: Workshop, result: VoteResult, state: str) -> list[Reply]:
    number, idea = _number(result, 0), result.idea
    tally = f"#{number} has {cards.votes_text(ws.playbook, idea)}. " if idea else ""
    left = ws.playbook.votes_per_theme - result.used
    text = (
        f"Your vote for #{number} is {state}. {tally}"
        f"You have {left} of {ws.playbook.votes_per_theme} votes left for "
        f"{_theme_title(ws, result)}."
    )
    return [_refresh(result), note(text)]


def _theme_title(ws: Workshop, result: VoteResult) -> str:
    if result.theme_key is None:
        return "this theme"
    return ws.playbook.theme_title(result.theme_key)
