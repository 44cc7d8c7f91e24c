"""Near-duplicates: spotting them as ideas arrive, and merging them on an organiser's word."""

from __future__ import annotations

import asyncio
import logging

from bot.core import cards
from bot.core.domain import Anchor, AnchorKind, Idea, MergeOutcome
from bot.core.interaction import Context, Delivery, Refresh, Reply, note
from bot.core.similarity import IdeaIndex
from bot.core.workshop import Refusal, Workshop

log = logging.getLogger(__name__)

# Catching up with more ideas than this fingerprints them off the event loop.
BULK = 500


async def find(ws: Workshop, programme: str, text: str) -> tuple[Idea | None, int]:
    """The programme's idea that `text` nearly repeats, if any (never a merged or hidden one),
    and the storage id of the newest idea the check has seen."""
    index = await _current(ws, programme)
    checked_through = index.last_seen
    for match in index.nearest(text):
        idea = await ws.ideas.idea(programme, match.number)
        if idea is not None and idea.merged_into is None and not idea.hidden:
            return idea, checked_through
    return None, checked_through


async def warm(ws: Workshop, programme: str) -> None:
    """Fingerprint the programme's ideas ahead of the first submission (run at start-up):
    with 100,000 ideas that takes seconds, which no participant should wait for."""
    try:
        await ws.ready(programme)
        await _current(ws, programme)
    except Exception:
        log.exception("near-duplicate index warm-up failed", extra={"programme": programme})


async def _current(ws: Workshop, programme: str) -> IdeaIndex:
    """This process's index of the programme, caught up with ideas stored since (by any
    process): one cheap query per check."""
    index = ws.indexes.setdefault(programme, IdeaIndex())
    lock = ws.index_locks.setdefault(programme, asyncio.Lock())
    async with lock:
        fresh = await ws.ideas.idea_texts(programme, index.last_seen)
        if not fresh:
            return index
        pairs = [(number, text) for _, number, text in fresh]
        if len(pairs) > BULK:
            await asyncio.to_thread(index.add_all, pairs)
        else:
            index.add_all(pairs)
        index.last_seen = fresh[-1][0]
    return index


async def merge(ws: Workshop, ctx: Context, source: int, target: int) -> list[Reply]:
    await ws.require_organiser(ctx, "merge ideas")
    if source == target:
        raise Refusal(f"#{source} can't be merged into itself; name two different ideas.")
    result = await ws.ideas.merge(ctx.programme_key, source, target, ctx.who)
    if result.outcome is MergeOutcome.NO_SUCH_IDEA:
        raise Refusal(f"There is no idea #{source} or #{target}. `ideas` lists them.")
    if result.outcome is MergeOutcome.ALREADY_MERGED:
        raise Refusal(
            f"#{source} or #{target} is already part of another idea; merge into that one."
        )
    if result.outcome is MergeOutcome.HIDDEN:
        raise Refusal(
            f"#{source} or #{target} is hidden by organisers; `unhide` it first to merge."
        )
    merged = result.idea
    assert merged is not None  # MERGED always carries the idea
    ws.indexes.get(ctx.programme_key, IdeaIndex()).remove(source)
    old = await ws.ideas.idea(ctx.programme_key, source)
    pooled = (
        f" {cards.plural(result.pooled_voters, 'voter')} who backed both counted once."
        if result.pooled_voters
        else ""
    )
    replies: list[Reply] = [
        Refresh(Anchor(AnchorKind.IDEA, target), cards.idea_card(ws.playbook, merged)),
        note(
            f"#{source} is now part of #{target}: {cards.plural(result.moved_votes, 'vote')} "
            f"moved.{pooled}",
            Delivery.THREAD,
        ),
    ]
    if old is not None:
        replies.insert(
            1, Refresh(Anchor(AnchorKind.IDEA, source), cards.idea_card(ws.playbook, old))
        )
    return replies
