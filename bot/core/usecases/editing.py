"""An idea follows its author's changes: edited while its theme collects ideas, withdrawn until
its plan is final — by the `edit` / `withdraw` commands, or by editing or deleting the message
that created it.

Withdrawing is hiding by the author: the idea leaves the plan, the listings and the
near-duplicate checks, its voters get their votes back, and organisers still see it in its
history and the records (and may `unhide` it, as any hidden idea)."""

from __future__ import annotations

import logging

from bot.core import cards
from bot.core.domain import Anchor, AnchorKind, Idea, Phase
from bot.core.interaction import Context, Refresh, Reply, note
from bot.core.usecases import ideas, phases
from bot.core.usecases.phases import DESCRIBED
from bot.core.workshop import Refusal, Workshop

log = logging.getLogger(__name__)


async def edit(ws: Workshop, ctx: Context, number: int, text: str) -> list[Reply]:
    """`edit <id> <text>`, for the idea's author."""
    idea = _own(await ws.idea(ctx, number), ctx)
    replies = await _edited(ws, ctx, idea, text)
    if not replies:
        return [note(f"#{number} already reads like that; nothing changed.")]
    return [*replies, note(f"#{number} now reads as you wrote it; its votes stay.")]


async def withdraw(ws: Workshop, ctx: Context, number: int) -> list[Reply]:
    """`withdraw <id>`, for the idea's author."""
    idea = _own(await ws.idea(ctx, number), ctx)
    if idea.hidden:
        raise Refusal(f"#{number} is already off the plan.")
    return await _withdrawn(ws, ctx, idea)


async def message_edited(ws: Workshop, ctx: Context, message_id: str, text: str) -> list[Reply]:
    """The author edited the message that created an idea: the idea follows. A message that
    created no idea, or an edit that leaves its text as it was (Slack also reports link
    previews as changes), changes nothing and says nothing."""
    idea = await _of_message(ws, ctx, message_id)
    if idea is None:
        return []
    return await _edited(ws, ctx, idea, text)


async def message_deleted(ws: Workshop, ctx: Context, message_id: str) -> list[Reply]:
    """The author deleted the message that created an idea: the idea is withdrawn."""
    idea = await _of_message(ws, ctx, message_id)
    if idea is None or idea.hidden:
        return []
    return await _withdrawn(ws, ctx, idea)


async def _of_message(ws: Workshop, ctx: Context, message_id: str) -> Idea | None:
    source = ideas.message_source(ctx, message_id)
    idea = await ws.ideas.idea_of_message(ctx.programme_key, ctx.where.platform, source)
    if idea is None or not _is_author(idea, ctx):
        return None
    return idea


async def _edited(ws: Workshop, ctx: Context, idea: Idea, text: str) -> list[Reply]:
    number = idea.number
    if not text.strip():
        raise Refusal(
            f"An idea can't be empty, so #{number} still reads as before. "
            f"`withdraw {number}` takes it back."
        )
    text = ideas.check_text(text)
    if text == idea.text:
        return []
    _editable(idea)
    phase = await phases.phase_of(ws, ctx.programme_key, idea.theme_key)
    if phase is not Phase.COLLECTING:
        title = ws.playbook.theme_title(idea.theme_key)
        raise Refusal(
            f"{title} is {DESCRIBED[phase]}, so ideas can't be edited any more: "
            f"#{number} still reads as before."
        )
    edited = await ws.ideas.edit_idea(ctx.programme_key, number, text, ctx.who)
    if edited is None:  # forgotten meanwhile
        return []
    log.info("idea edited", extra={"programme": ctx.programme_key, "idea": number})
    return [Refresh(_anchor(number), cards.idea_card(ws.playbook, edited))]


async def _withdrawn(ws: Workshop, ctx: Context, idea: Idea) -> list[Reply]:
    number = idea.number
    _editable(idea)
    if await phases.phase_of(ws, ctx.programme_key, idea.theme_key) is Phase.CLOSED:
        title = ws.playbook.theme_title(idea.theme_key)
        raise Refusal(
            f"{title} is closed and its plan is final, so #{number} stays on it. "
            "Ask an organiser if it must go."
        )
    budget = ws.playbook.votes_per_theme
    result = await ws.moderation.set_hidden(ctx.programme_key, number, True, ctx.who, budget)
    if result.idea is None or not result.idea.hidden:
        return []
    log.info("idea withdrawn", extra={"programme": ctx.programme_key, "idea": number})
    voters = cards.plural(result.voters, "voter")
    return [
        Refresh(_anchor(number), cards.idea_card(ws.playbook, result.idea)),
        note(
            f"#{number} is withdrawn: it left the plan and the listings, and its {voters} got "
            "their vote back. Organisers can still see it in its history."
        ),
    ]


def _own(idea: Idea, ctx: Context) -> Idea:
    if not _is_author(idea, ctx):
        raise Refusal(f"Only the person who wrote #{idea.number} can change or withdraw it.")
    return idea


def _is_author(idea: Idea, ctx: Context) -> bool:
    return (idea.author.platform, idea.author.user_id) == (ctx.who.platform, ctx.who.user_id)


def _editable(idea: Idea) -> None:
    if idea.merged_into is not None:
        raise Refusal(
            f"#{idea.number} is part of #{idea.merged_into} now, so it can't be changed on its own."
        )
    if idea.hidden:
        raise Refusal(f"#{idea.number} is off the plan, so it can't be changed.")


def _anchor(number: int) -> Anchor:
    return Anchor(AnchorKind.IDEA, number)
