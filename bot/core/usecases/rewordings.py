"""Duplicates by meaning: a new idea compared with the programme's newest ideas by a model that
reads meaning, after the word index found nothing (`duplicates`). The window is filled in the
background once per process, which takes a minute or more of CPU after a start-up: nobody's
idea waits for that. Ideas that arrive meanwhile are checked by their words only and posted,
and are checked by meaning as soon as the window is full; one found to reword an earlier idea
is flagged for the organisers (their channel, and `flags`), who alone can merge it now that it
is public."""

from __future__ import annotations

import asyncio
import logging

from bot.core.domain import Idea, Outcome
from bot.core.rewording import Rows, Window, WindowFactory
from bot.core.usecases import duplicates, moderation
from bot.core.usecases.theme_finding import BOT
from bot.core.workshop import Workshop

log = logging.getLogger(__name__)

# The newest ideas a check compares with: embedding one takes tens of milliseconds of CPU, so
# a process starting on a big programme fills its window in about a minute, in the background;
# a rewording of an older idea is left to the word index and the organisers.
WINDOW = 2000
# Ideas embedded per trip off the loop while filling: a stop (or a shutdown, which waits for
# worker threads) waits for one batch at most, never the whole window.
FILL_BATCH = 64


async def find(ws: Workshop, programme: str, text: str) -> Idea | None:
    """The live idea among the newest that `text` rewords, if any. Callers hold the
    programme's `idea_locks`, so one check at a time reads and moves the window."""
    window = ws.reworded.get(programme)
    if window is None:
        if ws.rewordings is not None:
            _start_filling(ws, programme, ws.rewordings)
            unchecked = ws.rewording_unchecked.setdefault(programme, [])
            unchecked[: max(len(unchecked) + 1 - WINDOW, 0)] = []  # older ones leave the window
            unchecked.append(text)
        return None
    fresh = await ws.ideas.idea_texts(programme, window.last_seen, newest=WINDOW)
    for number in await asyncio.to_thread(_caught_up_nearest, window, fresh, text):
        idea = await duplicates.live(ws, programme, number)
        if idea is not None:
            return idea
    return None


def _caught_up_nearest(window: Window, fresh: Rows, text: str) -> list[int]:
    """One trip off the loop: ideas other processes stored, then the check."""
    if fresh:
        window.add(fresh)
    return list(window.nearest(text))


async def warm(ws: Workshop, programme: str) -> None:
    """Fill the programme's window (run at start-up, in the background) when the model is
    there; cancelled, the fill stops."""
    if ws.rewordings is not None and programme not in ws.reworded:
        await _start_filling(ws, programme, ws.rewordings)


def _start_filling(ws: Workshop, programme: str, factory: WindowFactory) -> asyncio.Task[None]:
    if programme not in ws.rewording_fills:
        ws.rewording_fills[programme] = asyncio.create_task(_fill(ws, programme, factory))
    return ws.rewording_fills[programme]


async def _fill(ws: Workshop, programme: str, factory: WindowFactory) -> None:
    try:
        await ws.ready(programme)
        rows = await ws.ideas.idea_texts(programme, 0, newest=WINDOW)
        reference = [e for actor in ws.playbook.actors for e in actor.examples]
        reference += ws.playbook.sample_ideas
        window = await asyncio.to_thread(factory, reference, WINDOW)
        for start in range(0, len(rows), FILL_BATCH):
            await asyncio.to_thread(window.add, rows[start : start + FILL_BATCH])
        ws.reworded[programme] = window
        log.info("meaning window filled", extra={"programme": programme, "ideas": len(rows)})
        await _check_the_unchecked(ws, programme, window)
    except Exception:
        log.exception("meaning window fill failed", extra={"programme": programme})
    finally:
        ws.rewording_fills.pop(programme, None)


async def _check_the_unchecked(ws: Workshop, programme: str, window: Window) -> None:
    """The ideas let through by their words alone while the window filled, checked by meaning
    against the earlier ideas; a rewording found is flagged for the organisers."""
    texts = set(ws.rewording_unchecked.pop(programme, []))
    if not texts:
        return
    lock = ws.idea_locks.setdefault(programme, asyncio.Lock())
    async with lock:  # an idea checked without the window is stored by the time it is free
        stored = await ws.ideas.idea_texts(programme, 0, newest=WINDOW)
    # The newest idea with each text is the one let through (an older one would have been its
    # near-duplicate by words).
    numbers = {text: number for _, number, text in stored if text in texts}
    for text, number in sorted(numbers.items(), key=lambda item: item[1]):
        async with lock:  # one idea at a time, as `find`, which moves the window too
            fresh = await ws.ideas.idea_texts(programme, window.last_seen, newest=WINDOW)
            found = await asyncio.to_thread(_caught_up_nearest, window, fresh, text)
        for earlier in (n for n in found if n < number):
            if await duplicates.live(ws, programme, earlier) is not None:
                await _flag(ws, programme, number, earlier)
                break


async def _flag(ws: Workshop, programme: str, number: int, earlier: int) -> None:
    reason = (
        f"it may say #{earlier} again in other words (checked by meaning once the bot had read "
        f"the newest ideas after a restart); `merge {number} into {earlier}` joins them"
    )
    result = await ws.moderation.flag(programme, number, BOT, reason)
    if result.outcome is Outcome.DONE and result.idea is not None:
        await moderation.tell_organisers(ws, programme, result.idea, BOT, reason)
    log.info(
        "rewording found after the fill",
        extra={"programme": programme, "idea": number, "repeats": earlier},
    )
