"""Moderation: flags from anyone, hiding and unhiding by organisers, and an idea's history."""

from __future__ import annotations

import logging

from bot.core import cards, moderation_cards
from bot.core.domain import Anchor, AnchorKind, Idea, ModerationResult, Outcome, Participant
from bot.core.interaction import Context, Delivery, Refresh, Reply, Say, note
from bot.core.ports import Sent
from bot.core.workshop import Refusal, Workshop, no_such_idea

log = logging.getLogger(__name__)


async def organisers_here(ws: Workshop, ctx: Context) -> list[Reply]:
    await ws.people.set_organisers_channel(ctx.programme_key, ctx.where, ctx.who)
    return [
        note(
            "This is now the organisers' channel: flags on ideas will be posted here.",
            Delivery.CHANNEL,
        )
    ]


async def flag(ws: Workshop, ctx: Context, number: int, reason: str) -> list[Reply]:
    """Anyone may flag an idea once; organisers hear of it in their channel if they have one."""
    if "\x00" in reason:
        raise Refusal("Your reason contains a character that cannot be stored (NUL); retype it.")
    result = await ws.moderation.flag(ctx.programme_key, number, ctx.who, reason)
    if result.outcome is Outcome.NO_SUCH_IDEA:
        raise no_such_idea(number)
    if result.outcome is Outcome.ALREADY:
        raise Refusal(f"You have already flagged #{number}; organisers have it.")
    assert result.idea is not None  # DONE always carries the idea
    if await tell_organisers(ws, ctx.programme_key, result.idea, ctx.who, reason):
        return [note(f"Thank you: organisers have been told about #{number}.")]
    return [note(f"Thank you: organisers will see your flag on #{number} with `flags`.")]


async def tell_organisers(
    ws: Workshop, programme: str, idea: Idea, by: Participant, reason: str
) -> bool:
    """Post the flag to the organisers' channel; False when it waits for `flags` instead."""
    where = await ws.people.organisers_channel(programme)
    card = moderation_cards.flag_card(idea, by, reason)
    if where is not None and await ws.notifier.send(where, card) is Sent.POSTED:
        return True
    log.info("flag kept for `flags`", extra={"idea": idea.number, "programme": programme})
    return False


async def list_flags(ws: Workshop, ctx: Context) -> list[Reply]:
    flags = await ws.moderation.open_flags(ctx.programme_key)
    return [Say(moderation_cards.flags_card(flags), Delivery.PRIVATE)]


async def keep(ws: Workshop, ctx: Context, number: int) -> list[Reply]:
    """The Keep button on a flag: the idea stays, its flags are dismissed."""
    await ws.require_organiser(ctx, "dismiss flags")
    closed = await ws.moderation.keep(ctx.programme_key, number, ctx.who)
    if closed is None:
        raise Refusal(f"There is no idea #{number} any more.")
    return [
        note(
            f"#{number} kept by {ctx.who.name}: {cards.plural(closed, 'flag')} dismissed.",
            Delivery.REPLACE,
        )
    ]


async def hide(
    ws: Workshop, ctx: Context, number: int, hidden: bool, delivery: Delivery = Delivery.PRIVATE
) -> list[Reply]:
    """`hide` / `unhide` (and the Hide button, which replaces the flag's card)."""
    await ws.require_organiser(ctx, "hide or unhide ideas")
    budget = ws.playbook.votes_per_theme
    result = await ws.moderation.set_hidden(ctx.programme_key, number, hidden, ctx.who, budget)
    _refuse(result, number, hidden)
    assert result.idea is not None  # DONE always carries the idea
    refresh = Refresh(Anchor(AnchorKind.IDEA, number), cards.idea_card(ws.playbook, result.idea))
    voters = cards.plural(result.voters, "voter")
    if hidden:
        said = (
            f"#{number} is hidden by {ctx.who.name}: it left the plan and the listings, and "
            f"its {voters} got their vote back. `unhide {number}` brings it back."
        )
    else:
        said = f"#{number} is back: the votes of its {voters} count again."
        if result.uncharged:
            said += (
                f" {result.uncharged} of them had used all their votes for the theme "
                "meanwhile; those votes stay, without using their budget."
            )
    return [refresh, note(said, delivery)]


def refuse_missing_or_merged(result: ModerationResult, number: int, doing: str) -> None:
    """The refusals every change to one idea shares: no such idea, or one that became part of
    another (`doing` is what to do to that one instead, e.g. "hide or unhide")."""
    if result.outcome is Outcome.NO_SUCH_IDEA:
        raise no_such_idea(number)
    if result.outcome is Outcome.MERGED:
        into = result.idea.merged_into if result.idea else None
        raise Refusal(f"#{number} is part of #{into}; {doing} #{into} instead.")


def _refuse(result: ModerationResult, number: int, hidden: bool) -> None:
    refuse_missing_or_merged(result, number, "hide or unhide")
    if result.outcome is Outcome.ALREADY:
        raise Refusal(
            f"#{number} is already hidden. `unhide {number}` brings it back."
            if hidden
            else f"#{number} is not hidden, so there is nothing to unhide."
        )


async def history(ws: Workshop, ctx: Context, number: int) -> list[Reply]:
    entries = await ws.moderation.history(ctx.programme_key, number)
    if not entries:
        raise Refusal(f"Nothing is recorded about #{number}. `ideas` lists the ideas.")
    return [Say(moderation_cards.history_card(number, entries), Delivery.PRIVATE)]
