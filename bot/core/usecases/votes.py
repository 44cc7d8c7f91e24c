"""Voting and unvoting, within each participant's per-theme budget."""

from __future__ import annotations

from datetime import timedelta

from bot.core import cards
from bot.core.domain import Anchor, AnchorKind, Idea, VoteOutcome, VoteResult
from bot.core.interaction import Context, Refresh, Reply, note
from bot.core.workshop import Refusal, Workshop, no_such_idea

# A second click on Vote this soon after the first is a double-click, not a change of mind.
DOUBLE_CLICK = timedelta(seconds=2)


async def vote(ws: Workshop, ctx: Context, number: int) -> list[Reply]:
    result = await _cast(ws, ctx, number)
    if result.outcome is VoteOutcome.ALREADY:
        voted = _number(result, number)
        raise Refusal(f"You have already voted for #{voted}. `unvote {voted}` takes it back.")
    return _confirm(ws, result, "in")


async def vote_for(ws: Workshop, ctx: Context, number: int) -> list[Reply]:
    """ "Vote for #7 instead": a vote already cast stays cast (no toggling)."""
    result = await _cast(ws, ctx, number)
    return _confirm(ws, result, "already in" if result.outcome is VoteOutcome.ALREADY else "in")


async def unvote(ws: Workshop, ctx: Context, number: int) -> list[Reply]:
    result = await ws.repo.unvote(ctx.programme_key, number, ctx.who)
    if result.outcome is VoteOutcome.NO_SUCH_IDEA:
        raise no_such_idea(number)
    _refuse_closed(ws, result)
    if result.outcome is VoteOutcome.NOT_VOTED:
        raise Refusal(f"You haven't voted for #{number}, so there is nothing to take back.")
    return _confirm(ws, result, "taken back")


async def toggle(ws: Workshop, ctx: Context, number: int) -> list[Reply]:
    """The Vote button: votes, or takes the vote back when pressed again (not on a double-click)."""
    result = await _cast(ws, ctx, number)
    if result.outcome is VoteOutcome.ALREADY:
        if result.cast_at and ws.clock.now() - result.cast_at < DOUBLE_CLICK:
            return _confirm(ws, result, "in")
        return await unvote(ws, ctx, number)
    return _confirm(ws, result, "in")


async def _cast(ws: Workshop, ctx: Context, number: int) -> VoteResult:
    budget = ws.playbook.votes_per_theme
    result = await ws.repo.vote(ctx.programme_key, number, ctx.who, ctx.where, budget)
    if result.outcome is VoteOutcome.NO_SUCH_IDEA:
        raise no_such_idea(number)
    _refuse_closed(ws, result)
    if result.outcome is VoteOutcome.OVER_BUDGET:
        theme = _theme_title(ws, result.idea)
        raise Refusal(
            f"You have used all {budget} of your votes for {theme}. "
            "Take one back with `unvote <id>` to vote for #"
            f"{number} instead."
        )
    return result


def _refuse_closed(ws: Workshop, result: VoteResult) -> None:
    if result.outcome is VoteOutcome.HIDDEN:
        number = _number(result, 0)
        raise Refusal(f"#{number} was hidden by organisers, so it takes no votes.")
    if result.outcome is VoteOutcome.CLOSED:
        theme = _theme_title(ws, result.idea)
        raise Refusal(f"{theme} is closed and its plan is final, so votes no longer change.")


def _number(result: VoteResult, typed: int) -> int:
    """The idea the vote went to: the one typed, or the one it was merged into."""
    return result.idea.number if result.idea else typed


def _confirm(ws: Workshop, result: VoteResult, state: str) -> list[Reply]:
    idea = result.idea
    assert idea is not None  # storage returns the idea with every outcome but NO_SUCH_IDEA
    left = ws.playbook.votes_per_theme - result.used
    card = cards.idea_card(ws.playbook, idea)
    text = (
        f"Your vote for #{idea.number} is {state}. "
        f"#{idea.number} has {cards.votes_text(ws.playbook, idea)}. "
        f"You have {left} of {ws.playbook.votes_per_theme} votes left for {_theme_title(ws, idea)}."
    )
    return [
        Refresh(Anchor(AnchorKind.IDEA, idea.number), card),
        note(text),
    ]


def _theme_title(ws: Workshop, idea: Idea | None) -> str:
    if idea is None:
        return "this theme"
    return ws.playbook.theme_title(idea.theme_key)
