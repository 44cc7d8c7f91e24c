"""The queue of nudges, each claimed once by one clock process, and channels that muted them
(`storage.nudge_schedules` holds what feeds the queue)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, or_, select, update

from bot.core import domain
from bot.core.nudges import (
    Finished,
    NewNudge,
    Nudge,
    NudgeKind,
)
from bot.metrics import NUDGES
from storage import models as m
from storage import nudge_tables as t
from storage.database import as_utc as utc
from storage.store import Store

QUEUED, CLAIMED, DONE = "queued", "claimed", "done"
QUEUE_CHUNK = 500  # rows per INSERT: well within SQLite's limit on bound parameters
NUDGE_COLUMNS = (
    t.Nudge.id,
    t.Nudge.kind,
    t.Nudge.title,
    t.Nudge.text,
    t.Nudge.expires_at,
    t.Nudge.attempts,
    t.Nudge.person_key,
    m.Programme.key.label("programme"),
    m.Channel.platform,
    m.Channel.workspace_id,
    m.Channel.channel_id.label("channel_key"),
    m.Channel.name.label("channel_name"),
)


def _nudge(row: Any) -> Nudge:
    return Nudge(
        id=row.id,
        programme=row.programme,
        kind=NudgeKind(row.kind),
        where=domain.ConversationRef(
            row.platform, row.workspace_id, row.channel_key, row.channel_name or ""
        ),
        title=row.title,
        text=row.text,
        expires_at=utc(row.expires_at) if row.expires_at is not None else None,
        attempts=row.attempts,
        to=row.person_key,
    )


class SqlNudges(Store):
    """Implements the queue half of `bot.core.ports.NudgeStore`."""

    async def queue_nudges(self, nudges: Sequence[NewNudge]) -> int:
        if not nudges:
            return 0

        def tx(conn: Connection) -> int:
            now = self._clock.now()
            rows = []
            channels: dict[tuple[int, str, str, str], int] = {}  # many nudges, few channels
            for nudge in nudges:
                pid = self._programme_id(conn, nudge.programme)
                where = nudge.where
                spot = (pid, where.platform, where.workspace_id, where.channel_id)
                if spot not in channels:
                    channels[spot] = self._channel_row(conn, pid, where)[0]
                rows.append(
                    {
                        "programme_id": pid,
                        "channel_id": channels[spot],
                        "key": nudge.key,
                        "kind": nudge.kind.value,
                        "person_key": nudge.to,
                        "title": nudge.title,
                        "text": nudge.text,
                        "not_before": nudge.not_before,
                        "expires_at": nudge.expires_at,
                        "state": QUEUED,
                        "attempts": 0,
                        "created_at": now,
                    }
                )
            added = 0
            for start in range(0, len(rows), QUEUE_CHUNK):
                stmt = (
                    self._insert(t.Nudge)
                    .values(rows[start : start + QUEUE_CHUNK])
                    .on_conflict_do_nothing(index_elements=["programme_id", "key"])
                    .returning(t.Nudge.id)
                )
                added += len(conn.execute(stmt).all())
            return added

        return await self._write(tx)

    async def claim_nudges(
        self,
        now: datetime,
        limit: int,
        platforms: frozenset[str] | None = None,
        lapsed: domain.Lapse | None = None,
    ) -> Sequence[Nudge]:
        def tx(conn: Connection) -> list[Nudge]:
            free = and_(t.Nudge.state == QUEUED, t.Nudge.not_before <= now)
            if lapsed is not None:
                free = or_(
                    free,
                    and_(
                        t.Nudge.state == CLAIMED,
                        t.Nudge.claimed_at >= lapsed.since,
                        t.Nudge.claimed_at < lapsed.before,
                    ),
                )
            due_now = [free]
            if platforms is not None:
                on = select(m.Channel.id).where(m.Channel.platform.in_(sorted(platforms)))
                due_now.append(t.Nudge.channel_id.in_(on.scalar_subquery()))
            due = conn.execute(
                select(t.Nudge.id).where(*due_now).order_by(t.Nudge.id).limit(limit)
            ).scalars()
            taken = conn.execute(
                update(t.Nudge)  # the same test again: one of two racing claims takes each
                .where(t.Nudge.id.in_(list(due)), free)
                .values(state=CLAIMED, attempts=t.Nudge.attempts + 1, claimed_at=now)
                .returning(t.Nudge.id)
            ).scalars()
            ids = list(taken)
            if not ids:
                return []
            rows = conn.execute(
                select(*NUDGE_COLUMNS)
                .join(m.Programme, m.Programme.id == t.Nudge.programme_id)
                .join(m.Channel, m.Channel.id == t.Nudge.channel_id)
                .where(t.Nudge.id.in_(ids))
                .order_by(t.Nudge.id)
            )
            return [_nudge(row) for row in rows]

        return await self._write(tx)

    async def finish_nudges(self, finished: Sequence[Finished]) -> None:
        if not finished:
            return

        def tx(conn: Connection) -> None:
            now = self._clock.now()
            alike: dict[tuple[str, datetime | None], list[int]] = defaultdict(list)
            for done in finished:
                alike[(done.outcome.value, done.retry_at)].append(done.nudge.id)
            for (outcome, retry_at), ids in alike.items():
                again = {"state": QUEUED, "not_before": retry_at}
                ending = again if retry_at is not None else {"state": DONE}
                for start in range(0, len(ids), QUEUE_CHUNK):
                    conn.execute(
                        update(t.Nudge)
                        .where(t.Nudge.id.in_(ids[start : start + QUEUE_CHUNK]))
                        .values(outcome=outcome, finished_at=now, **ending)
                    )

        await self._write(tx)
        for done in finished:
            NUDGES.labels(done.nudge.kind.value, done.outcome.value).inc()

    async def set_muted(
        self, programme: str, where: domain.ConversationRef, muted: bool, by: domain.Participant
    ) -> bool:
        def tx(conn: Connection) -> bool:
            pid = self._programme_id(conn, programme)
            channel = self._channel_row(conn, pid, where)[0]
            if not muted:
                gone = conn.execute(delete(t.NudgeMute).where(t.NudgeMute.channel_id == channel))
                changed = gone.rowcount == 1
            else:
                stmt = self._insert(t.NudgeMute).values(
                    programme_id=pid,
                    channel_id=channel,
                    muted_by=by.key,
                    muted_at=self._clock.now(),
                )
                changed = conn.execute(stmt.on_conflict_do_nothing()).rowcount == 1
            if changed:
                action = "nudges.muted" if muted else "nudges.unmuted"
                self._log(conn, pid, None, by.key, action, channel=where.channel_id)
            return changed

        return await self._write(tx)

    async def muted_channels(self, programme: str) -> frozenset[tuple[str, str, str]]:
        def tx(conn: Connection) -> frozenset[tuple[str, str, str]]:
            rows = conn.execute(
                select(m.Channel.platform, m.Channel.workspace_id, m.Channel.channel_id)
                .join(t.NudgeMute, t.NudgeMute.channel_id == m.Channel.id)
                .where(m.Channel.programme_id == self._programme_id(conn, programme))
            )
            return frozenset((r.platform, r.workspace_id, r.channel_id) for r in rows)

        return await self._read(tx)
