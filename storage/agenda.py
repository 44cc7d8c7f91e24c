"""The Lab day's steps in SQL: where the programme and its channels stand on the agenda, the
programme's close and its synthesis (`storage.contributions` keeps what participants add)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, select, update

from bot.core import domain
from bot.core.agenda import Standing, Synthesis
from storage import day_tables as d
from storage import models as m
from storage.database import as_utc as _utc
from storage.store import Store


class SqlAgenda(Store):
    """Implements `bot.core.agenda_store.AgendaStore`: its agenda, close and synthesis half."""

    def _day(self, conn: Connection, pid: int) -> None:
        """Make sure the programme's day row exists (an upsert: two processes may race)."""
        conn.execute(self._insert(d.ProgrammeDay).values(programme_id=pid).on_conflict_do_nothing())

    async def standing(self, programme: str) -> Standing:
        def tx(conn: Connection) -> Standing:
            pid = self._programme_id(conn, programme)
            day = conn.execute(
                select(d.ProgrammeDay.step_key, d.ProgrammeDay.closed_at).where(
                    d.ProgrammeDay.programme_id == pid
                )
            ).first()
            rows = conn.execute(
                select(
                    m.Channel.platform,
                    m.Channel.workspace_id,
                    m.Channel.channel_id,
                    m.Channel.name,
                    d.ChannelStep.step_key,
                )
                .join(d.ChannelStep, d.ChannelStep.channel_id == m.Channel.id)
                .where(m.Channel.programme_id == pid)
                .order_by(m.Channel.id)
            )
            channels = {
                (r.platform, r.workspace_id, r.channel_id): (r.step_key, r.name or r.channel_id)
                for r in rows
            }
            if day is None:
                return Standing(channels=channels)
            closed = _utc(day.closed_at) if day.closed_at else None
            return Standing(day.step_key, channels, closed)

        return await self._read(tx)

    async def move_to(
        self,
        programme: str,
        where: domain.ConversationRef | None,
        step: str,
        by: domain.Participant,
    ) -> None:
        def tx(conn: Connection) -> None:
            pid = self._programme_id(conn, programme)
            now = self._clock.now()
            if where is None:
                self._day(conn, pid)
                conn.execute(
                    update(d.ProgrammeDay)
                    .where(d.ProgrammeDay.programme_id == pid)
                    .values(step_key=step)
                )
                channels = select(m.Channel.id).where(m.Channel.programme_id == pid)
                conn.execute(delete(d.ChannelStep).where(d.ChannelStep.channel_id.in_(channels)))
                self._log(conn, pid, None, by.key, "agenda.moved", step=step, scope="programme")
                return
            channel_id = self._channel_row(conn, pid, where)[0]
            stmt = self._insert(d.ChannelStep).values(
                channel_id=channel_id, step_key=step, moved_at=now
            )
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["channel_id"], set_={"step_key": step, "moved_at": now}
                )
            )
            self._log(conn, pid, None, by.key, "agenda.moved", step=step, channel=where.channel_id)

        await self._write(tx)

    async def programme_channels(self, programme: str) -> Sequence[domain.ConversationRef]:
        def tx(conn: Connection) -> list[domain.ConversationRef]:
            pid = self._programme_id(conn, programme)
            rows = conn.execute(
                select(
                    m.Channel.platform, m.Channel.workspace_id, m.Channel.channel_id, m.Channel.name
                )
                .where(m.Channel.programme_id == pid)
                .order_by(m.Channel.id)
            )
            return [
                domain.ConversationRef(r.platform, r.workspace_id, r.channel_id, r.name or "")
                for r in rows
            ]

        return await self._read(tx)

    async def set_closed(self, programme: str, closed: bool, by: domain.Participant) -> bool:
        def tx(conn: Connection) -> bool:
            pid = self._programme_id(conn, programme)
            self._day(conn, pid)
            is_closed = d.ProgrammeDay.closed_at.is_(None)
            done = conn.execute(
                update(d.ProgrammeDay)
                .where(
                    d.ProgrammeDay.programme_id == pid,
                    is_closed if closed else d.ProgrammeDay.closed_at.is_not(None),
                )
                .values(closed_at=self._clock.now() if closed else None)
            )
            if not done.rowcount:
                return False
            action = "programme.closed" if closed else "programme.reopened"
            self._log(conn, pid, None, by.key, action)
            return True

        return await self._write(tx)

    async def save_synthesis(
        self, programme: str, text: str, by: domain.Participant, publish: bool
    ) -> Synthesis:
        def tx(conn: Connection) -> Synthesis:
            pid = self._programme_id(conn, programme)
            self._day(conn, pid)
            now = self._clock.now()
            values: dict[str, Any] = {
                "synthesis": text,
                "synthesis_by": by.key,
                "synthesis_at": now,
            }
            if publish:
                values |= {"published": text, "published_at": now}
            conn.execute(
                update(d.ProgrammeDay).where(d.ProgrammeDay.programme_id == pid).values(**values)
            )
            if publish:
                self._log(conn, pid, None, by.key, "synthesis.published")
            row = conn.execute(
                select(d.ProgrammeDay.published, d.ProgrammeDay.published_at).where(
                    d.ProgrammeDay.programme_id == pid
                )
            ).one()
            at = _utc(row.published_at) if row.published_at else None
            return Synthesis(text, by.key, now, at, row.published)

        return await self._write(tx)

    async def synthesis(self, programme: str) -> Synthesis | None:
        def tx(conn: Connection) -> Synthesis | None:
            pid = self._programme_id(conn, programme)
            row = conn.execute(
                select(
                    d.ProgrammeDay.synthesis,
                    d.ProgrammeDay.synthesis_by,
                    d.ProgrammeDay.synthesis_at,
                    d.ProgrammeDay.published_at,
                    d.ProgrammeDay.published,
                ).where(d.ProgrammeDay.programme_id == pid)
            ).first()
            if row is None or row.synthesis is None:
                return None
            published = _utc(row.published_at) if row.published_at else None
            return Synthesis(
                row.synthesis,
                row.synthesis_by or "",
                _utc(row.synthesis_at),
                published,
                row.published,
            )

        return await self._read(tx)
