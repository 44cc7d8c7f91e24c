"""Collecting ideas (thread replies, forms, the `idea` command) and listing them."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import timedelta

from bot.core import cards
from bot.core.chatter import is_chatter
from bot.core.domain import Anchor, AnchorKind, Idea, IdeaOutcome, NewIdea, PostedPrompt
from bot.core.interaction import Context, Delivery, Reply, Say, note
from bot.core.plan_views import CellKey
from bot.core.usecases import duplicates, phases, plan_views, rewordings, suggesting, theme_finding
from bot.core.workshop import MAX_IDEA_CHARS, Refusal, Workshop

log = logging.getLogger(__name__)

POSTING = timedelta(seconds=10)  # a stored idea's card is out within this, unless its process died
ATTEMPTS = 5  # rounds of check-then-insert before giving up under a storm of ideas
CHATTER = (
    "I didn't add “{text}” as an idea: it reads like a reply to the conversation. "
    "To add it as an idea, type `idea <your idea>`."
)
BUSY = (
    "Lots of ideas are arriving at once and yours was not saved yet. "
    "Please send it again in a moment."
)


def check_text(text: str) -> str:
    """Refuse what cannot be an idea; otherwise keep it exactly as typed (bar outer spaces)."""
    stripped = text.strip()
    if not stripped:
        raise Refusal("Your idea is empty. Type it after the command, e.g. `idea More bike lanes`.")
    if len(stripped) > MAX_IDEA_CHARS:
        raise Refusal(
            f"Your idea is {len(stripped):,} characters long; please keep it within "
            f"{MAX_IDEA_CHARS:,} (perhaps as two ideas). Nothing was saved."
        )
    if "\x00" in stripped:
        raise Refusal(
            "Your idea contains a character that cannot be stored (NUL); please retype it."
        )
    return stripped


async def idea_command(
    ws: Workshop, ctx: Context, typed: str, tag: str | None, body: str
) -> list[Reply]:
    """`idea [<theme>:] <text>`: to the thread's prompt, the tagged theme, or the latest prompt.
    The grammar splits off the tag (`body` is the rest); whether it names a theme is ours."""
    theme_key = None
    if tag is not None:
        try:
            theme_key = ws.theme(tag).key
        except Refusal:
            body = typed  # "Note: …" is part of the idea, not a theme
    prompt = await ws.prompts.prompt_in_thread(ctx.programme_key, ctx.where)
    if prompt is None:
        prompt = await ws.prompts.latest_prompt(ctx.programme_key, ctx.where)
    if theme_key is not None and (prompt is None or prompt.theme_key != theme_key):
        return await record(ws, ctx, body, theme_key, None)
    if prompt is None:
        keys = ", ".join(f"`{t.key}`" for t in ws.playbook.themes)
        raise Refusal(
            "No prompt has been posted in this channel yet, so I can't tell the theme. "
            f"Start with the theme, e.g. `idea {ws.playbook.themes[0].key}: <your idea>` ({keys})."
        )
    return await record(ws, ctx, body, prompt.theme_key, prompt)


async def thread_reply(
    ws: Workshop, ctx: Context, text: str, message_id: str | None = None
) -> list[Reply]:
    """A plain message: an idea when it replies to a prompt, otherwise none of our business.
    The idea remembers its message, so that the message's edits and deletion follow. A reply
    with no text (a file shared alone) is none either; one that reads as conversation (a thanks,
    a greeting) is not added, and its author is told how to add it if it was meant as one."""
    if not text.strip():
        return []
    prompt = await ws.prompts.prompt_in_thread(ctx.programme_key, ctx.where)
    if prompt is None:
        return []
    if is_chatter(text):
        return [note(CHATTER.format(text=text.strip()))]
    source = message_source(ctx, message_id) if message_id else None
    return await record(ws, ctx, text, prompt.theme_key, prompt, source)


def message_source(ctx: Context, message_id: str) -> str:
    """How an idea names the platform message it came from: unique per platform."""
    return f"{ctx.where.channel_id}/{message_id}"


async def form_submitted(ws: Workshop, ctx: Context, prompt_ref: str, text: str) -> list[Reply]:
    prompt = (
        await ws.prompts.prompt(ctx.programme_key, int(prompt_ref))
        if prompt_ref.isdigit()
        else None
    )
    if prompt is None:
        raise Refusal(
            "That prompt is no longer available; your idea was not saved. Try `idea <text>`."
        )
    return await record(ws, ctx, text, prompt.theme_key, prompt)


async def record(
    ws: Workshop,
    ctx: Context,
    text: str,
    theme_key: str,
    prompt: PostedPrompt | None,
    source: str | None = None,
) -> list[Reply]:
    text = check_text(text)
    await phases.require_collecting(ws, ctx.programme_key, ws.playbook.theme(theme_key))
    new = NewIdea(
        programme_key=ctx.programme_key,
        text=text,
        theme_key=theme_key,
        author=ctx.who,
        where=ctx.where,
        prompt_id=prompt.id if prompt else None,
        request_key=ctx.request_key,
        source_message=source,
    )
    async with ws.idea_locks.setdefault(new.programme_key, asyncio.Lock()):
        for _ in range(ATTEMPTS):
            replies = await _check_and_add(ws, new)
            if replies is not None:
                return replies
    log.warning("idea checks kept going stale", extra={"programme": new.programme_key})
    raise Refusal(BUSY)


async def _check_and_add(ws: Workshop, new: NewIdea) -> list[Reply] | None:
    """One round of the near-duplicate check and the insert; None when ideas stored meanwhile
    by another process made the check stale (the insert then stored nothing).

    A request seen before is answered with the idea it stored, not held back as a near-
    duplicate of itself. Ideas are added one at a time per process (`idea_locks`), so only
    other processes can make a check stale."""
    if new.request_key is not None:
        earlier = await ws.ideas.idea_of_request(new.programme_key, new.request_key)
        if earlier is not None:
            return await _repeated(ws, new.programme_key, earlier)
    similar, checked_through = await duplicates.find(ws, new.programme_key, new.text)
    if similar is None:
        similar = await rewordings.find(ws, new.programme_key, new.text)
    if similar is not None:
        return await _hold_back(ws, new, similar)
    added = await ws.ideas.add_idea(await _suggested(ws, new), checked_through)
    if added.outcome is IdeaOutcome.STALE:
        return None
    assert added.idea is not None  # ADDED and REPEATED carry the idea
    if added.outcome is IdeaOutcome.REPEATED:
        return await _repeated(ws, new.programme_key, added.idea)
    return await _joined(ws, new.programme_key, added.idea)


async def _hold_back(ws: Workshop, new: NewIdea, similar: Idea) -> list[Reply]:
    draft = await ws.ideas.save_draft(new)
    held = cards.duplicate_card(ws.playbook, similar, new.text, draft)
    return [Say(held, Delivery.PRIVATE)]


async def _repeated(ws: Workshop, programme: str, idea: Idea) -> list[Reply]:
    """A platform's re-send or a replay adds nothing and says nothing: the person saw the card
    the first time, or will in a moment (the process that stored the idea is posting it). Only
    when a card never went out for a while (that process stopped first) is it posted now."""
    if ws.clock.now() - idea.created_at < POSTING:
        return []
    if await ws.prompts.posts(programme, Anchor(AnchorKind.IDEA, idea.number)):
        return []
    return _posted(ws, idea)


async def _suggested(ws: Workshop, new: NewIdea) -> NewIdea:
    """The idea with the actor the bot suggests for it (held-back ideas get theirs when added)."""
    suggested = await suggesting.suggest(ws, new.programme_key, new.text)
    if suggested is None:
        return new
    return replace(new, suggestion=suggested.assignment, suggested_because=suggested.because)


def _posted(ws: Workshop, idea: Idea) -> list[Reply]:
    card = cards.idea_card(ws.playbook, idea)
    return [Say(card, Delivery.THREAD, Anchor(AnchorKind.IDEA, idea.number))]


async def _joined(ws: Workshop, programme: str, idea: Idea) -> list[Reply]:
    """The new idea's card, once it has joined the confirmed emerging theme it is close to."""
    joined = await theme_finding.join_nearest(ws, programme, idea)
    if joined is None:
        return _posted(ws, idea)
    tagged, theme = joined
    said = (
        f"#{idea.number} joined emerging theme “{theme.name}” — "
        f"`untag {idea.number} {theme.key}` if not."
    )
    return [*_posted(ws, tagged), note(said, Delivery.THREAD)]


async def add_anyway(ws: Workshop, ctx: Context, draft_ref: str) -> list[Reply]:
    """The Add mine anyway button: the held-back idea goes in as written, where written."""
    draft = (
        await ws.ideas.take_draft(ctx.programme_key, int(draft_ref), ctx.who)
        if draft_ref.isdigit()
        else None
    )
    if draft is None:
        raise Refusal("That idea has already been added, or was someone else's to add.")
    # The theme may have moved on to voting while the idea was held back.
    await phases.require_collecting(ws, draft.programme_key, ws.playbook.theme(draft.theme_key))
    added = await ws.ideas.add_idea(await _suggested(ws, draft))
    assert added.idea is not None  # no request key and no check: always ADDED
    return await _joined(ws, draft.programme_key, added.idea)


async def list_ideas(ws: Workshop, ctx: Context, typed_theme: str | None) -> list[Reply]:
    """The leading ideas on the plan (a theme's, or every theme's) and how many there are,
    read by the database: the card costs the same at ten ideas or three hundred thousand."""
    theme = ws.theme(typed_theme) if typed_theme else None
    summary = await plan_views.plan_summary(ws, ctx.programme_key)
    count = sum(r.count for r in summary.themes if theme is None or r.theme.key == theme.key)
    page = await plan_views.plan_cell(
        ws, ctx.programme_key, CellKey(theme.key if theme else ""), None
    )
    card = cards.ideas_card(ws.playbook, page.ideas[: cards.LIST_LIMIT], count, theme)
    return [Say(card, Delivery.PRIVATE)]
