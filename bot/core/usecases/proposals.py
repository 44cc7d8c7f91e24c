"""Participants say who should act on an idea: one proposal per person per idea, tallied on
the card, until an organiser confirms one as the assignment."""

from __future__ import annotations

from bot.core import cards, proposed
from bot.core.domain import Anchor, AnchorKind, Assignment, Idea, Phase, ProposalOutcome
from bot.core.interaction import Context, Delivery, Refresh, Reply, note
from bot.core.usecases.actors import chosen
from bot.core.workshop import Refusal, Workshop, no_such_idea


async def propose_typed(
    ws: Workshop, ctx: Context, number: int, actor: str, style: str | None, stage: str | None
) -> list[Reply]:
    """`propose <id> <actor> [style] [stage]`."""
    return await record(ws, ctx, number, chosen(ws, number, actor, style, stage))


async def propose_button(ws: Workshop, ctx: Context, value: str) -> list[Reply]:
    """The card's Propose button: the actor it names (the bot's suggestion, pre-filled)."""
    decoded = proposed.decode(value)
    if decoded is None:
        raise Refusal("That button is out of date; type `propose <id> <actor>` instead.")
    number, said = decoded
    return await propose_typed(ws, ctx, number, said.actor_key, said.style_key, said.stage_key)


async def record(ws: Workshop, ctx: Context, number: int, said: Assignment) -> list[Reply]:
    idea = await ws.idea(ctx, number)
    if idea.merged_into is not None:
        raise Refusal(f"#{number} is part of #{idea.merged_into}; propose for #{idea.merged_into}.")
    if idea.hidden:
        raise Refusal(f"#{number} is off the plan, so it takes no proposals. Nothing was saved.")
    phases = await ws.plan.phases(ctx.programme_key)
    if phases.get(idea.theme_key) is Phase.CLOSED:
        title = ws.playbook.theme_title(idea.theme_key)
        raise Refusal(f"{title} is closed and its plan is final. Nothing was saved.")
    result = await ws.proposals.propose(ctx.programme_key, number, ctx.who, ctx.where, said)
    if result.outcome is ProposalOutcome.NO_SUCH_IDEA:
        raise no_such_idea(number)
    if result.outcome in (ProposalOutcome.MERGED, ProposalOutcome.HIDDEN):
        raise Refusal(f"#{number} has just left the plan (merged or hidden). Nothing was saved.")
    assert result.idea is not None  # every other outcome carries the idea
    what = cards.assignment_text(ws.playbook, said)
    if result.outcome is ProposalOutcome.SAME:
        return [note(f"You had already proposed {what} for #{number}; nothing changed.")]
    message = f"Your proposal for #{number} is in: {what}."
    if result.earlier is not None:
        earlier = cards.assignment_text(ws.playbook, result.earlier)
        message += f" It replaces your earlier one ({earlier})."
    message += f" Proposals so far: {cards.proposals_text(ws.playbook, result.idea)}."
    message += _why(ws, result.idea)
    card = cards.idea_card(ws.playbook, result.idea)
    return [Refresh(Anchor(AnchorKind.IDEA, number), card), note(message, Delivery.PRIVATE)]


def _why(ws: Workshop, idea: Idea) -> str:
    """The bot's suggestion for the idea and the write-up's examples it came from."""
    if idea.suggestion is None or not idea.suggested_because:
        return ""
    suggested = cards.assignment_text(ws.playbook, idea.suggestion)
    because = cards.because_text(idea.suggested_because)
    return f" The bot suggested {suggested}, as #{idea.number} reads like {because}."
