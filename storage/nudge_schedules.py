"""Phase changes set for later, scheduled offers and follow-ups (and who answered): the
schedules the clock claims once each (`storage.nudges` holds the queue they feed)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, and_, delete, func, or_, select, update

from bot.core import domain
from bot.core.nudges import (
    AskKind,
    AskSchedule,
    FollowUp,
    PhaseSchedule,
)
from bot.core.schedule import Schedule
from storage import models as m
from storage import nudge_tables as t
from storage.database import as_utc as utc
from storage.store import Store

SCHEDULE_COLUMNS = (
    t.PhaseSchedule.id,
    t.PhaseSchedule.theme_key,
    t.PhaseSchedule.phase,
    t.PhaseSchedule.due_at,
    t.PhaseSchedule.remind_at,
    t.PhaseSchedule.by_key,
    t.PhaseSchedule.reminded_at,
    t.PhaseSchedule.applied_at,
    m.Programme.key.label("programme"),
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


class SqlNudgeSchedules(Store):
    """Implements the schedule half of `bot.core.ports.NudgeStore`."""

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
                delete(t.PhaseSchedule).where(
                    t.PhaseSchedule.programme_id == pid,
                    t.PhaseSchedule.theme_key == theme_key,
                    t.PhaseSchedule.applied_at.is_(None),
                )
            )
            new_id = conn.execute(
                self._insert(t.PhaseSchedule)
                .values(
                    programme_id=pid,
                    theme_key=theme_key,
                    phase=phase.value,
                    due_at=due_at,
                    remind_at=remind_at,
                    by_key=by.key,
                    created_at=self._clock.now(),
                )
                .returning(t.PhaseSchedule.id)
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
                .join(m.Programme, m.Programme.id == t.PhaseSchedule.programme_id)
                .where(
                    t.PhaseSchedule.applied_at.is_(None),
                    or_(
                        t.PhaseSchedule.due_at <= now,
                        and_(
                            t.PhaseSchedule.reminded_at.is_(None),
                            t.PhaseSchedule.remind_at <= now,
                        ),
                    ),
                )
                .order_by(t.PhaseSchedule.due_at, t.PhaseSchedule.id)
            )
            return [_schedule(row) for row in rows]

        return await self._read(tx)

    async def claim_phase_step(self, schedule_id: int, step: Literal["remind", "apply"]) -> bool:
        def tx(conn: Connection) -> bool:
            now = self._clock.now()
            mine = [t.PhaseSchedule.id == schedule_id]
            if step == "remind":
                column, values = t.PhaseSchedule.reminded_at, {"reminded_at": now}
            else:
                column, values = t.PhaseSchedule.applied_at, {"applied_at": now}
                conn.execute(  # a reminder after the change would come too late
                    update(t.PhaseSchedule)
                    .where(*mine, t.PhaseSchedule.reminded_at.is_(None))
                    .values(reminded_at=now)
                )
            moved = conn.execute(
                update(t.PhaseSchedule).where(*mine, column.is_(None)).values(values)
            )
            return moved.rowcount == 1

        return await self._write(tx)

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
            mine = [t.NudgeSchedule.channel_id == channel, t.NudgeSchedule.kind == kind.value]
            if schedule is None:
                if conn.execute(delete(t.NudgeSchedule).where(*mine)).rowcount != 1:
                    return False
                self._log(conn, pid, None, by.key, f"{kind}.off", channel=where.channel_id)
                return True
            plan = {**schedule.columns(), "next_run_at": next_run_at}
            stmt = self._insert(t.NudgeSchedule).values(
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
                t.NudgeSchedule.programme_id == self._programme_id(conn, programme),
                t.NudgeSchedule.kind == kind.value,
            ]
            if where is not None:
                narrow += [
                    m.Channel.platform == where.platform,
                    m.Channel.workspace_id == where.workspace_id,
                    m.Channel.channel_id == where.channel_id,
                ]
            rows = conn.execute(_asks().where(*narrow).order_by(t.NudgeSchedule.id))
            return [_ask(row) for row in rows]

        return await self._read(tx)

    async def due_asks(self, now: datetime) -> Sequence[AskSchedule]:
        def tx(conn: Connection) -> list[AskSchedule]:
            rows = conn.execute(
                _asks()
                .where(t.NudgeSchedule.next_run_at <= now)
                .order_by(t.NudgeSchedule.next_run_at, t.NudgeSchedule.id)
            )
            return [_ask(row) for row in rows]

        return await self._read(tx)

    async def claim_ask(self, ask: AskSchedule, next_run_at: datetime) -> bool:
        def tx(conn: Connection) -> bool:
            moved = conn.execute(
                update(t.NudgeSchedule)
                .where(t.NudgeSchedule.id == ask.id, t.NudgeSchedule.next_run_at == ask.next_run_at)
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
            stmt = self._insert(t.FollowUpAsk).values(rows).on_conflict_do_nothing()
            conn.execute(stmt)

        await self._write(tx)

    async def answer_follow_up(self, programme: str, number: int, at: datetime) -> bool:
        def tx(conn: Connection) -> bool:
            answered = conn.execute(
                update(t.FollowUpAsk)
                .where(
                    t.FollowUpAsk.programme_id == self._programme_id(conn, programme),
                    t.FollowUpAsk.idea_number == number,
                    t.FollowUpAsk.answered_at.is_(None),
                )
                .values(answered_at=at)
            )
            return bool(answered.rowcount)

        return await self._write(tx)

    async def unanswered(self, programme: str) -> tuple[datetime, Sequence[FollowUp]] | None:
        def tx(conn: Connection) -> tuple[datetime, list[FollowUp]] | None:
            pid = self._programme_id(conn, programme)
            latest = conn.execute(
                select(func.max(t.FollowUpAsk.round_at)).where(t.FollowUpAsk.programme_id == pid)
            ).scalar()
            if latest is None:
                return None
            rows = conn.execute(
                select(t.FollowUpAsk.owner_key, t.FollowUpAsk.idea_number)
                .where(
                    t.FollowUpAsk.programme_id == pid,
                    t.FollowUpAsk.round_at == latest,
                    t.FollowUpAsk.answered_at.is_(None),
                )
                .order_by(t.FollowUpAsk.owner_key, t.FollowUpAsk.idea_number)
            )
            return utc(latest), [FollowUp(r.owner_key, r.idea_number) for r in rows]

        return await self._read(tx)


def _asks() -> Any:
    """Schedules with their programme and channel, for `where` clauses to narrow."""
    return (
        select(
            t.NudgeSchedule.id,
            t.NudgeSchedule.kind,
            t.NudgeSchedule.cadence,
            t.NudgeSchedule.day,
            t.NudgeSchedule.at,
            t.NudgeSchedule.timezone,
            t.NudgeSchedule.next_run_at,
            m.Programme.key.label("programme"),
            m.Channel.platform,
            m.Channel.workspace_id,
            m.Channel.channel_id.label("channel_key"),
            m.Channel.name.label("channel_name"),
        )
        .join(m.Programme, m.Programme.id == t.NudgeSchedule.programme_id)
        .join(m.Channel, m.Channel.id == t.NudgeSchedule.channel_id)
    )


def _ask(row: Any) -> AskSchedule:
    return AskSchedule(
        id=row.id,
        programme=row.programme,
        kind=AskKind(row.kind),
        where=domain.ConversationRef(
            row.platform, row.workspace_id, row.channel_key, row.channel_name or ""
        ),
        schedule=Schedule.stored(row.cadence, row.day, row.at, row.timezone),
        next_run_at=utc(row.next_run_at),
    )
