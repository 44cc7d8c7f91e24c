"""Inbound events claimed, handled or released: each platform turn handled once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, delete, select, update

from bot.core import domain
from storage import models as m
from storage import vote_queries as votes_sql
from storage.store import Store

# A turn being handled is a processed_events row of its own, under the platform name with this
# suffix, until the turn is handled (its row then moves to the platform's name) or released.
CLAIMED = ":claim"


def _event_is(key: Mapping[str, str]) -> tuple[Any, ...]:
    return (
        m.ProcessedEvent.platform == key["platform"],
        m.ProcessedEvent.event_id == key["event_id"],
    )


class SqlTurns(Store):
    """Implements `bot.core.ports.TurnStore`."""

    async def claim(self, platform: str, event_id: str, lease: timedelta) -> domain.Claim:
        def tx(conn: Connection) -> domain.Claim:
            now = self._clock.now()
            held = {"platform": platform + CLAIMED, "event_id": event_id}
            done = select(m.ProcessedEvent.event_id).where(
                *_event_is({"platform": platform, "event_id": event_id})
            )
            taken = (
                conn.scalar(votes_sql.record_event(self._dialect), {**held, "seen_at": now})
                is not None
            )
            if not taken:  # a claim whose holder died or hangs lapses with its lease
                lapsed = conn.execute(
                    update(m.ProcessedEvent)
                    .where(*_event_is(held), m.ProcessedEvent.seen_at < now - lease)
                    .values(seen_at=now)
                )
                taken = lapsed.rowcount == 1
            if conn.scalar(done) is not None:
                if taken:
                    conn.execute(delete(m.ProcessedEvent).where(*_event_is(held)))
                return domain.Claim.DONE
            return domain.Claim.NEW if taken else domain.Claim.HELD

        return await self._write(tx)

    async def handled(self, platform: str, event_id: str) -> None:
        def tx(conn: Connection) -> None:
            done = {"platform": platform, "event_id": event_id, "seen_at": self._clock.now()}
            conn.execute(votes_sql.record_event(self._dialect), done)
            held = {"platform": platform + CLAIMED, "event_id": event_id}
            conn.execute(delete(m.ProcessedEvent).where(*_event_is(held)))

        await self._write(tx)

    async def release(self, platform: str, event_id: str) -> None:
        def tx(conn: Connection) -> None:
            held = {"platform": platform + CLAIMED, "event_id": event_id}
            conn.execute(delete(m.ProcessedEvent).where(*_event_is(held)))

        await self._write(tx)
