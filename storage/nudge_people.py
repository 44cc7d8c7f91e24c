"""People's own nudge settings (`mute me`, `notify me`), the 1:1 chats that reach them, and who
a direct nudge goes to (`storage.nudges` holds the queue it goes through)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, literal, select, union, update

from bot.core import domain
from bot.core.nudges import PersonNudges, Recipient
from storage import models as m
from storage import nudge_tables as t
from storage.store import Store

PERSON_KEY = m.Participant.platform + literal(":") + m.Participant.user_id


class SqlNudgePeople(Store):
    """Implements the per-person half of `bot.core.ports.NudgeStore`."""

    async def set_person_nudges(
        self,
        programme: str,
        person: domain.Participant,
        *,
        muted: bool | None = None,
        notified: bool | None = None,
    ) -> bool:
        def tx(conn: Connection) -> bool:
            pid = self._programme_id(conn, programme)
            row = self._row(conn, pid, person.key)
            now = self._clock.now()
            was_muted, was_notified = row.muted_at is not None, row.notified_at is not None
            values: dict[str, datetime | None] = {}
            if muted is not None and muted != was_muted:
                values["muted_at"] = now if muted else None
            if notified is not None and notified != was_notified:
                values["notified_at"] = now if notified else None
            if not values:
                return False
            conn.execute(_update(pid, person.key).values(values))
            for column, on in values.items():
                what = "muted" if column == "muted_at" else "notified"
                self._log(conn, pid, None, person.key, f"nudges.person.{what}", on=on is not None)
            return True

        return await self._write(tx)

    async def person_nudges(self, programme: str, person_key: str) -> PersonNudges:
        def tx(conn: Connection) -> PersonNudges:
            row = conn.execute(
                select(t.NudgePerson).where(
                    t.NudgePerson.programme_id == self._programme_id(conn, programme),
                    t.NudgePerson.person_key == person_key,
                )
            ).first()
            if row is None:
                return PersonNudges()
            return PersonNudges(
                muted=row.muted_at is not None,
                notified=row.notified_at is not None,
                personal=row.personal_channel_id is not None,
            )

        return await self._read(tx)

    async def keep_personal(
        self, programme: str, person: domain.Participant, where: domain.ConversationRef
    ) -> None:
        def tx(conn: Connection) -> None:
            pid = self._programme_id(conn, programme)
            channel = self._channel_row(conn, pid, where)[0]
            if self._row(conn, pid, person.key).personal_channel_id != channel:
                conn.execute(_update(pid, person.key).values(personal_channel_id=channel))

        await self._write(tx)

    async def muted_people(self, programme: str) -> frozenset[str]:
        def tx(conn: Connection) -> frozenset[str]:
            rows = conn.execute(
                select(t.NudgePerson.person_key).where(
                    t.NudgePerson.programme_id == self._programme_id(conn, programme),
                    t.NudgePerson.muted_at.is_not(None),
                )
            )
            return frozenset(rows.scalars())

        return await self._read(tx)

    async def with_votes_left(
        self, programme: str, theme_key: str, budget: int
    ) -> Sequence[Recipient]:
        def tx(conn: Connection) -> list[Recipient]:
            pid = self._programme_id(conn, programme)
            taking_part = union(
                select(m.VoteBudget.participant_id).where(m.VoteBudget.programme_id == pid),
                select(m.Idea.author_id).where(m.Idea.programme_id == pid),
            ).subquery()
            used = (
                select(m.VoteBudget.used)
                .where(
                    m.VoteBudget.programme_id == pid,
                    m.VoteBudget.theme_key == theme_key,
                    m.VoteBudget.participant_id == m.Participant.id,
                )
                .scalar_subquery()
            )
            people = select(m.Participant.id).where(
                m.Participant.id.in_(select(taking_part.c[0])),
                func.coalesce(used, 0) < budget,
            )
            return self._recipients(conn, pid, m.Participant.id.in_(people))

        return await self._read(tx)

    async def opted_in_backers(self, programme: str, number: int) -> Sequence[Recipient]:
        def tx(conn: Connection) -> list[Recipient]:
            pid = self._programme_id(conn, programme)
            backers = (
                select(m.Vote.participant_id)
                .join(m.Idea, m.Idea.id == m.Vote.idea_id)
                .where(m.Idea.programme_id == pid, m.Idea.number == number)
            )
            return self._recipients(
                conn, pid, m.Participant.id.in_(backers), t.NudgePerson.notified_at.is_not(None)
            )

        return await self._read(tx)

    async def recipient(self, programme: str, person_key: str) -> Recipient | None:
        def tx(conn: Connection) -> Recipient | None:
            row = conn.execute(
                select(
                    t.NudgePerson.muted_at,
                    t.NudgePerson.person_key.label("key"),
                    m.Channel.platform,
                    m.Channel.workspace_id,
                    m.Channel.channel_id,
                    m.Channel.name,
                )
                .outerjoin(m.Channel, m.Channel.id == t.NudgePerson.personal_channel_id)
                .where(
                    t.NudgePerson.programme_id == self._programme_id(conn, programme),
                    t.NudgePerson.person_key == person_key,
                )
            ).first()
            if row is None:  # never set anything: reachable as their platform allows
                return Recipient(person_key)
            return None if row.muted_at is not None else _recipient(row)

        return await self._read(tx)

    def _recipients(
        self, conn: Connection, pid: int, *where: ColumnElement[bool]
    ) -> list[Recipient]:
        """Participants matching `where` who have not muted nudges, with their 1:1 chat."""
        kept = and_(t.NudgePerson.programme_id == pid, t.NudgePerson.person_key == PERSON_KEY)
        rows = conn.execute(
            select(
                PERSON_KEY.label("key"),
                m.Channel.platform,
                m.Channel.workspace_id,
                m.Channel.channel_id,
                m.Channel.name,
            )
            .select_from(m.Participant)
            .outerjoin(t.NudgePerson, kept)
            .outerjoin(m.Channel, m.Channel.id == t.NudgePerson.personal_channel_id)
            .where(
                *where,
                t.NudgePerson.muted_at.is_(None),
                m.Participant.display_name != domain.FORGOTTEN,  # nobody to reach any more
            )
            .order_by(m.Participant.id)
        )
        return [_recipient(row) for row in rows]

    def _row(self, conn: Connection, pid: int, person_key: str) -> Any:
        """The person's settings row, added (all off) on first use."""
        stmt = self._insert(t.NudgePerson).values(programme_id=pid, person_key=person_key)
        conn.execute(stmt.on_conflict_do_nothing())
        return conn.execute(
            select(t.NudgePerson).where(
                t.NudgePerson.programme_id == pid, t.NudgePerson.person_key == person_key
            )
        ).one()


def _update(pid: int, person_key: str) -> Any:
    return update(t.NudgePerson).where(
        t.NudgePerson.programme_id == pid, t.NudgePerson.person_key == person_key
    )


def _recipient(row: Any) -> Recipient:
    personal = None
    if row.channel_id is not None:
        personal = domain.ConversationRef(
            row.platform, row.workspace_id, row.channel_id, row.name or ""
        )
    return Recipient(row.key, personal)
