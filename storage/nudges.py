"""Nudges queued and claimed once, phase changes set for later, and channels that muted nudges."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from typing import Any, Literal

from sqlalchemy import Connection, and_, delete, func, or_, select, update

from bot.core import domain
from bot.core.nudges import (
    AskKind,
    AskSchedule,
    FollowUp,
    NewNudge,
    Nudge,
    NudgeKind,
    NudgeOutcome,
    PhaseSchedule,
)
from bot.core.schedule import Cadence, Schedule
from bot.metrics import NUDGES
from storage import models as m
from storage.database import as_utc as utc
from storage.store import Store

QUEUED, CLAIMED, DONE = "queued", "claimed", "done"
QUEUE_CHUNK = 500  # rows per INSERT: well within SQLite's limit on bound parameters
SCHEDULE_COLUMNS = (
    m.PhaseSchedule.id,
    m.PhaseSchedule.theme_key,
    m.PhaseSchedule.phase,
    m.PhaseSchedule.due_at,
    m.PhaseSchedule.remind_at,
    m.PhaseSchedule.by_key,
    m.PhaseSchedule.reminded_at,
    m.PhaseSchedule.applied_at,
    m.Programme.key.label("programme"),
)
NUDGE_COLUMNS = (
    m.Nudge.id,
    m.Nudge.kind,
    m.Nudge.title,
    m.Nudge.text,
    m.Nudge.expires_at,
    m.Nudge.attempts,
    m.Programme.key.label("programme"),
    m.Channel.platform,
    m.Channel.workspace_id,
    m.Channel.channel_id.label("channel_key"),
    m.Channel.name.label("channel_name"),
)


def _schedule(s: Any) -> PhaseSchedule:
    return PhaseSchedule(
        id=s.id,
        programme=s.programme,
        theme_key=s.theme_key,
        phase=domain.Phase(s.phase),
        due_at=utc(s.due_at),
        remind_at=utc(s.remind_at),
        by=domain.Participant(*s.by_key.split(":", 1)),
        reminded=s.reminded_at is not None,
        applied=s.applied_at is not None,
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
    )


class SqlNudges(Store):
    """Implements `bot.core.ports.NudgeStore`."""

    async def schedule_phase(
        self,
        programme: str,
        theme_key: str,
        phase: domain.Phase,
        due_at: datetime,
        remind_at: datetime,
        by: domain.Participant,
    ) -> PhaseSchedule:
        def tx(conn: Connection) -> PhaseSchedule:
            pid = self._programme_id(conn, programme)
            conn.execute(
                delete(m.PhaseSchedule).where(
                    m.PhaseSchedule.programme_id == pid,
                    m.PhaseSchedule.theme_key == theme_key,
                    m.PhaseSchedule.applied_at.is_(None),
                )
            )
            new_id = conn.execute(
                self._insert(m.PhaseSchedule)
                .values(
                    programme_id=pid,
                    theme_key=theme_key,
                    phase=phase.value,
                    due_at=due_at,
                    remind_at=remind_at,
                    by_key=by.key,
                    created_at=self._clock.now(),
                )
                .returning(m.PhaseSchedule.id)
            ).scalar_one()
            self._log(
                conn,
                pid,
                None,
                by.key,
                "phase.scheduled",
                theme=theme_key,
                phase=phase.value,
                due_at=due_at.isoformat(),
            )
            who = domain.Participant(by.platform, by.user_id)  # the id is kept, not the name
            return PhaseSchedule(
                new_id, programme, theme_key, phase, due_at, remind_at, who, False, False
            )

        return await self._write(tx)

    async def due_phase_steps(self, now: datetime) -> Sequence[PhaseSchedule]:
        def tx(conn: Connection) -> list[PhaseSchedule]:
            rows = conn.execute(
                select(*SCHEDULE_COLUMNS)
                .join(m.Programme, m.Programme.id == m.PhaseSchedule.programme_id)
                .where(
                    m.PhaseSchedule.applied_at.is_(None),
                    or_(
                        m.PhaseSchedule.due_at <= now,
                        and_(
                            m.PhaseSchedule.reminded_at.is_(None),
                            m.PhaseSchedule.remind_at <= now,
                        ),
                    ),
                )
                .order_by(m.PhaseSchedule.due_at, m.PhaseSchedule.id)
            )
            return [_schedule(row) for row in rows]

        return await self._read(tx)

    async def claim_phase_step(self, schedule_id: int, step: Literal["remind", "apply"]) -> bool:
        def tx(conn: Connection) -> bool:
            now = self._clock.now()
            mine = [m.PhaseSchedule.id == schedule_id]
            if step == "remind":
                column, values = m.PhaseSchedule.reminded_at, {"reminded_at": now}
            else:
                column, values = m.PhaseSchedule.applied_at, {"applied_at": now}
                conn.execute(  # a reminder after the change would come too late
                    update(m.PhaseSchedule)
                    .where(*mine, m.PhaseSchedule.reminded_at.is_(None))
                    .values(reminded_at=now)
                )
            moved = conn.execute(
                update(m.PhaseSchedule).where(*mine, column.is_(None)).values(values)
            )
            return moved.rowcount == 1

        return await self._write(tx)

    async def queue_nudges(self, nudges: Sequence[NewNudge]) -> int:
        if not nudges:
            return 0

        def tx(conn: Connection) -> int:
            now = self._clock.now()
            rows = []
            for nudge in nudges:
                pid = self._programme_id(conn, nudge.programme)
                rows.append(
                    {
                        "programme_id": pid,
                        "channel_id": self._channel_row(conn, pid, nudge.where)[0],
                        "key": nudge.key,
                        "kind": nudge.kind.value,
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
                    self._insert(m.Nudge)
                    .values(rows[start : start + QUEUE_CHUNK])
                    .on_conflict_do_nothing(index_elements=["programme_id", "key"])
                    .returning(m.Nudge.id)
                )
                added += len(conn.execute(stmt).all())
            return added

        return await self._write(tx)

    async def claim_nudges(
        self, now: datetime, limit: int, platforms: frozenset[str] | None = None
    ) -> Sequence[Nudge]:
        def tx(conn: Connection) -> list[Nudge]:
            due_now = [m.Nudge.state == QUEUED, m.Nudge.not_before <= now]
            if platforms is not None:
                on = select(m.Channel.id).where(m.Channel.platform.in_(sorted(platforms)))
                due_now.append(m.Nudge.channel_id.in_(on.scalar_subquery()))
            due = conn.execute(
                select(m.Nudge.id).where(*due_now).order_by(m.Nudge.id).limit(limit)
            ).scalars()
            taken = conn.execute(
                update(m.Nudge)
                .where(m.Nudge.id.in_(list(due)), m.Nudge.state == QUEUED)
                .values(state=CLAIMED, attempts=m.Nudge.attempts + 1)
                .returning(m.Nudge.id)
            ).scalars()
            ids = list(taken)
            if not ids:
                return []
            rows = conn.execute(
                select(*NUDGE_COLUMNS)
                .join(m.Programme, m.Programme.id == m.Nudge.programme_id)
                .join(m.Channel, m.Channel.id == m.Nudge.channel_id)
                .where(m.Nudge.id.in_(ids))
                .order_by(m.Nudge.id)
            )
            return [_nudge(row) for row in rows]

        return await self._write(tx)

    async def finish_nudge(
        self, nudge: Nudge, outcome: NudgeOutcome, retry_at: datetime | None = None
    ) -> None:
        def tx(conn: Connection) -> None:
            again = {"state": QUEUED, "not_before": retry_at}
            conn.execute(
                update(m.Nudge)
                .where(m.Nudge.id == nudge.id)
                .values(
                    outcome=outcome.value,
                    finished_at=self._clock.now(),
                    **(again if retry_at is not None else {"state": DONE}),
                )
            )

        await self._write(tx)
        NUDGES.labels(nudge.kind.value, outcome.value).inc()

    async def set_muted(
        self, programme: str, where: domain.ConversationRef, muted: bool, by: domain.Participant
    ) -> bool:
        def tx(conn: Connection) -> bool:
            pid = self._programme_id(conn, programme)
            channel = self._channel_row(conn, pid, where)[0]
            if not muted:
                gone = conn.execute(delete(m.NudgeMute).where(m.NudgeMute.channel_id == channel))
                changed = gone.rowcount == 1
            else:
                stmt = self._insert(m.NudgeMute).values(
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
                .join(m.NudgeMute, m.NudgeMute.channel_id == m.Channel.id)
                .where(m.Channel.programme_id == self._programme_id(conn, programme))
            )
            return frozenset((r.platform, r.workspace_id, r.channel_id) for r in rows)

        return await self._read(tx)

    async def set_asks(
        self,
        programme: str,
        where: domain.ConversationRef,
        kind: AskKind,
        schedule: Schedule | None,
        next_run_at: datetime,
        by: domain.Participant,
    ) -> bool:
        def tx(conn: Connection) -> bool:
            pid = self._programme_id(conn, programme)
            channel = self._channel_row(conn, pid, where)[0]
            mine = [m.NudgeSchedule.channel_id == channel, m.NudgeSchedule.kind == kind.value]
            if schedule is None:
                if conn.execute(delete(m.NudgeSchedule).where(*mine)).rowcount != 1:
                    return False
                self._log(conn, pid, None, by.key, f"{kind}.off", channel=where.channel_id)
                return True
            plan = {
                "cadence": schedule.cadence.value,
                "day": schedule.day,
                "at": f"{schedule.at:%H:%M}",
                "timezone": schedule.timezone,
                "next_run_at": next_run_at,
            }
            stmt = self._insert(m.NudgeSchedule).values(
                programme_id=pid,
                channel_id=channel,
                kind=kind.value,
                created_by=by.key,
                created_at=self._clock.now(),
                **plan,
            )
            conflict = ["channel_id", "kind"]
            conn.execute(stmt.on_conflict_do_update(index_elements=conflict, set_=plan))
            self._log(
                conn,
                pid,
                None,
                by.key,
                f"{kind}.scheduled",
                channel=where.channel_id,
                schedule=schedule.describe(),
            )
            return True

        return await self._write(tx)

    async def asks(
        self, programme: str, kind: AskKind, where: domain.ConversationRef | None = None
    ) -> Sequence[AskSchedule]:
        def tx(conn: Connection) -> list[AskSchedule]:
            narrow = [
                m.NudgeSchedule.programme_id == self._programme_id(conn, programme),
                m.NudgeSchedule.kind == kind.value,
            ]
            if where is not None:
                narrow += [
                    m.Channel.platform == where.platform,
                    m.Channel.workspace_id == where.workspace_id,
                    m.Channel.channel_id == where.channel_id,
                ]
            rows = conn.execute(_asks().where(*narrow).order_by(m.NudgeSchedule.id))
            return [_ask(row) for row in rows]

        return await self._read(tx)

    async def due_asks(self, now: datetime) -> Sequence[AskSchedule]:
        def tx(conn: Connection) -> list[AskSchedule]:
            rows = conn.execute(
                _asks()
                .where(m.NudgeSchedule.next_run_at <= now)
                .order_by(m.NudgeSchedule.next_run_at, m.NudgeSchedule.id)
            )
            return [_ask(row) for row in rows]

        return await self._read(tx)

    async def claim_ask(self, ask: AskSchedule, next_run_at: datetime) -> bool:
        def tx(conn: Connection) -> bool:
            moved = conn.execute(
                update(m.NudgeSchedule)
                .where(m.NudgeSchedule.id == ask.id, m.NudgeSchedule.next_run_at == ask.next_run_at)
                .values(next_run_at=next_run_at)
            )
            return moved.rowcount == 1

        return await self._write(tx)

    async def record_follow_ups(
        self, programme: str, round_at: datetime, asked: Sequence[FollowUp]
    ) -> None:
        if not asked:
            return

        def tx(conn: Connection) -> None:
            pid = self._programme_id(conn, programme)
            rows = [
                {"programme_id": pid, "round_at": round_at, "idea_number": f.number,
                 "owner_key": f.owner}
                for f in asked
            ]  # fmt: skip
            stmt = self._insert(m.FollowUpAsk).values(rows).on_conflict_do_nothing()
            conn.execute(stmt)

        await self._write(tx)

    async def answer_follow_up(self, programme: str, number: int, at: datetime) -> bool:
        def tx(conn: Connection) -> bool:
            answered = conn.execute(
                update(m.FollowUpAsk)
                .where(
                    m.FollowUpAsk.programme_id == self._programme_id(conn, programme),
                    m.FollowUpAsk.idea_number == number,
                    m.FollowUpAsk.answered_at.is_(None),
                )
                .values(answered_at=at)
            )
            return bool(answered.rowcount)

        return await self._write(tx)

    async def unanswered(self, programme: str) -> tuple[datetime, Sequence[FollowUp]] | None:
        def tx(conn: Connection) -> tuple[datetime, list[FollowUp]] | None:
            pid = self._programme_id(conn, programme)
            latest = conn.execute(
                select(func.max(m.FollowUpAsk.round_at)).where(m.FollowUpAsk.programme_id == pid)
            ).scalar()
            if latest is None:
                return None
            rows = conn.execute(
                select(m.FollowUpAsk.owner_key, m.FollowUpAsk.idea_number)
                .where(
                    m.FollowUpAsk.programme_id == pid,
                    m.FollowUpAsk.round_at == latest,
                    m.FollowUpAsk.answered_at.is_(None),
                )
                .order_by(m.FollowUpAsk.owner_key, m.FollowUpAsk.idea_number)
            )
            return utc(latest), [FollowUp(r.owner_key, r.idea_number) for r in rows]

        return await self._read(tx)


def _asks() -> Any:
    """Schedules with their programme and channel, for `where` clauses to narrow."""
    return (
        select(
            m.NudgeSchedule.id,
            m.NudgeSchedule.kind,
            m.NudgeSchedule.cadence,
            m.NudgeSchedule.day,
            m.NudgeSchedule.at,
            m.NudgeSchedule.timezone,
            m.NudgeSchedule.next_run_at,
            m.Programme.key.label("programme"),
            m.Channel.platform,
            m.Channel.workspace_id,
            m.Channel.channel_id.label("channel_key"),
            m.Channel.name.label("channel_name"),
        )
        .join(m.Programme, m.Programme.id == m.NudgeSchedule.programme_id)
        .join(m.Channel, m.Channel.id == m.NudgeSchedule.channel_id)
    )


def _ask(row: Any) -> AskSchedule:
    hours, minutes = row.at.split(":")
    return AskSchedule(
        id=row.id,
        programme=row.programme,
        kind=AskKind(row.kind),
        where=domain.ConversationRef(
            row.platform, row.workspace_id, row.channel_key, row.channel_name or ""
        ),
        schedule=Schedule(
            Cadence(row.cadence), time(int(hours), int(minutes)), row.timezone, row.day
        ),
        next_run_at=utc(row.next_run_at),
    )
