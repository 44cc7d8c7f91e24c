"""Near-duplicates: spotting them as ideas arrive, and merging them on an organiser's word."""

from __future__ import annotations

import asyncio

from bot.core import cards, similarity, sketches
from bot.core.domain import Anchor, AnchorKind, Idea, MergeOutcome
from bot.core.interaction import Context, Delivery, Refresh, Reply, note
from bot.core.similarity import Fingerprint
from bot.core.workshop import Refusal, Workshop

# Scoring more candidates than this runs off the event loop (a few milliseconds of work).
THREADED = 200


async def find(ws: Workshop, programme: str, text: str) -> tuple[Idea | None, int]:
    """The programme's idea that `text` nearly repeats, if any (never a merged or hidden one),
    and the number of the newest idea the check has seen. The candidates come from the index
    storage keeps with the ideas: whichever process stored an idea, every check sees it."""
    probe = Fingerprint.of(text)
    found = await ws.ideas.lookalikes(
        programme, probe.stems, similarity.needed(probe), sketches.Screen(probe)
    )
    if len(found.ideas) > THREADED:
        matches = await asyncio.to_thread(similarity.nearest, probe, found.ideas)
    else:
        matches = similarity.nearest(probe, found.ideas)
    for match in matches:
        idea = await live(ws, programme, match.number)
        if idea is not None:
            return idea, found.checked_through
    return None, found.checked_through


async def live(ws: Workshop, programme: str, number: int) -> Idea | None:
    """The idea, unless merged into another or hidden: only those are held up as repeated."""
    idea = await ws.ideas.idea(programme, number)
    return idea if idea is not None and idea.merged_into is None and not idea.hidden else None


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
