"""Near-duplicates: spotting them as ideas arrive, and merging them on an organiser's word."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from bot.core import cards
from bot.core.domain import Anchor, AnchorKind, Idea, MergeOutcome, Participant
from bot.core.interaction import Context, Delivery, Refresh, Reply, note
from bot.core.similarity import IdeaIndex
from bot.core.usecases import moderation
from bot.core.workshop import Refusal, Workshop

log = logging.getLogger(__name__)

# Catching up with more ideas than this fingerprints them off the event loop.
BULK = 500
# While the index is being built, a check compares with this many of the newest ideas (a
# programme no bigger is indexed at once); ideas added meanwhile are checked again after.
RECENT = 1000
# Who flags an idea found to repeat another once the index is built.
WATCH = Participant("howcanwe", "duplicate-check", "the duplicate check")

Rows = Sequence[tuple[int, int, str]]


async def find(ws: Workshop, programme: str, text: str) -> tuple[Idea | None, int]:
    """The programme's idea that `text` nearly repeats, if any (never a merged or hidden one),
    and the storage id of the newest idea the check has seen. Never waits for the index to
    be built: meanwhile it checks the newest ideas and the rest is checked after the build."""
    index = (
        await _current(ws, programme) if programme in ws.indexes else await _early(ws, programme)
    )
    checked_through = index.last_seen
    for match in index.nearest(text):
        idea = await live(ws, programme, match.number)
        if idea is not None:
            return idea, checked_through
    return None, checked_through


async def live(ws: Workshop, programme: str, number: int) -> Idea | None:
    """The idea, unless merged into another or hidden: only those are held up as repeated."""
    idea = await ws.ideas.idea(programme, number)
    return idea if idea is not None and idea.merged_into is None and not idea.hidden else None


async def warm(ws: Workshop, programme: str) -> None:
    """Fingerprint the programme's ideas ahead of the first submission (run at start-up):
    with 100,000 ideas that takes seconds, during which checks go on (`_early`)."""
    this = asyncio.current_task()
    if ws.index_builds.setdefault(programme, this) is not this:
        return  # already being built
    try:
        await ws.ready(programme)
        await _build(ws, programme)
    except Exception:
        log.exception("near-duplicate index warm-up failed", extra={"programme": programme})
    finally:
        ws.index_builds.pop(programme, None)


async def _early(ws: Workshop, programme: str) -> IdeaIndex:
    """The index for a check before the programme's own is built: the whole programme when it
    is small (then kept), else its newest ideas, the build started and this check noted."""
    async with ws.index_locks.setdefault(programme, asyncio.Lock()):
        if programme in ws.indexes:  # built while this check waited for the lock
            await _caught_up(ws, programme, ws.indexes[programme])
            return ws.indexes[programme]
        rows = await ws.ideas.idea_texts(programme, 0, newest=RECENT + 1)
        recent = rows[-RECENT:]
        newest = (
            await asyncio.to_thread(_indexed, recent) if len(recent) > BULK else _indexed(recent)
        )
        if len(rows) <= RECENT:  # the whole programme
            if programme not in ws.index_builds:
                ws.indexes[programme] = newest
            return newest
        if programme not in ws.index_builds:
            ws.index_builds[programme] = asyncio.create_task(warm(ws, programme))
        ws.partly_checked.setdefault(programme, newest.last_seen)
        log.warning(
            "near-duplicate index still building: checked the newest ideas only",
            extra={"programme": programme, "ideas_checked": len(newest)},
        )
        return newest


async def _build(ws: Workshop, programme: str) -> None:
    """Build the index off the event loop, then put it in place and catch it up, with no idea
    being added in this process (`idea_locks`); ideas a check saw only partly are checked
    again, and the organisers hear of any that repeats an older one."""
    rows = await ws.ideas.idea_texts(programme, 0)
    index = await asyncio.to_thread(_indexed, rows)
    async with (
        ws.idea_locks.setdefault(programme, asyncio.Lock()),
        ws.index_locks.setdefault(programme, asyncio.Lock()),
    ):
        fresh = await _caught_up(ws, programme, index)
        ws.indexes[programme] = index
        since = ws.partly_checked.pop(programme, None)
        if since is not None:
            await _check_again(ws, programme, index, [row for row in fresh if row[0] > since])


def _indexed(rows: Rows) -> IdeaIndex:
    index = IdeaIndex()
    index.add_all((number, text) for _, number, text in rows)
    index.last_seen = rows[-1][0] if rows else 0
    return index


async def _current(ws: Workshop, programme: str) -> IdeaIndex:
    """This process's index of the programme, caught up with ideas stored since (by any
    process): one cheap query per check."""
    index = ws.indexes[programme]
    async with ws.index_locks.setdefault(programme, asyncio.Lock()):
        await _caught_up(ws, programme, index)
    return index


async def _caught_up(ws: Workshop, programme: str, index: IdeaIndex) -> Rows:
    """Add the ideas stored after the index's newest; returns them."""
    fresh = await ws.ideas.idea_texts(programme, index.last_seen)
    if not fresh:
        return fresh
    pairs = [(number, text) for _, number, text in fresh]
    if len(pairs) > BULK:
        await asyncio.to_thread(index.add_all, pairs)
    else:
        index.add_all(pairs)
    index.last_seen = fresh[-1][0]
    return fresh


async def _check_again(ws: Workshop, programme: str, index: IdeaIndex, rows: Rows) -> None:
    """Each idea added while checks saw only the newest ideas, against every older idea."""
    for _, number, text in rows:
        for match in index.nearest(text, limit=4):
            older = await live(ws, programme, match.number) if match.number < number else None
            if older is not None:
                reason = f"it may repeat {older.label} (checked once the duplicate index was built)"
                await moderation.tell_organisers(ws, programme, number, WATCH, reason)
                log.warning(
                    "near-duplicate found after the build",
                    extra={"programme": programme, "idea": number, "repeats": older.number},
                )
                break


async def merge(ws: Workshop, ctx: Context, source: int, target: int) -> list[Reply]:
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
