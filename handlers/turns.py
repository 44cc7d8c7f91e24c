"""Inbound turns handled once: claimed before, recorded as handled after, released on failure.

A platform re-sends a turn it got no answer to (Slack after 3 s, then 1 and 5 min; Teams after
about 15 s). The turn's claim is stored, so a re-send is ignored only once the turn has been
handled; a turn whose handling failed is released and handled again on the re-send, and the
claim of a process that died lapses after LEASE, before Teams' re-send and Slack's 1-minute
retry arrive. A live turn takes milliseconds to a few seconds (Slack wants its ack within 3 s).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from bot.core.domain import Claim
from bot.core.ports import TurnStore

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=10)


@asynccontextmanager
async def handling(repo: TurnStore, platform: str, key: str | None) -> AsyncIterator[Claim]:
    """Yields NEW when the body is to handle the turn (no key: always), else HELD or DONE; a
    NEW turn is recorded as handled when the body returns, released when it raises."""
    if not key:
        yield Claim.NEW
        return
    claim = await repo.claim(platform, key, LEASE)
    if claim is not Claim.NEW:
        log.info(
            "repeated turn not handled again",
            extra={"platform": platform, "request": key, "claim": claim.value},
        )
        yield claim
        return
    try:
        yield claim
    except BaseException:
        await repo.release(platform, key)
        raise
    await repo.handled(platform, key)
