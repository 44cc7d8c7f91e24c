"""Jobs the clock runs that no person asks for."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.core.workshop import Workshop

log = logging.getLogger(__name__)

# Slack retries for minutes and Teams for seconds; a week of event ids is ample.
EVENT_MEMORY = timedelta(days=7)
# An idea held back as a near-duplicate waits this long for "Add mine anyway".
DRAFT_MEMORY = timedelta(days=7)


async def forget_old_events(ws: Workshop) -> int:
    """Keep the dedupe table small: ids older than any retry or replay window go."""
    dropped = await ws.housekeeping.forget_events(ws.clock.now() - EVENT_MEMORY)
    log.info("forgot old event ids", extra={"dropped": dropped})
    return dropped


async def forget_old_drafts(ws: Workshop) -> int:
    """Held-back ideas nobody added within a week are dropped."""
    dropped = await ws.housekeeping.forget_drafts(ws.clock.now() - DRAFT_MEMORY)
    log.info("forgot old drafts", extra={"dropped": dropped})
    return dropped


async def tidy(ws: Workshop) -> None:
    """Everything the clock's housekeeping job does."""
    await forget_old_events(ws)
    await forget_old_drafts(ws)
