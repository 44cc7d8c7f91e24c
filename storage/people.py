"""Programmes, their channels and organisers, and how to reach a conversation later."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, delete, select, update

from bot.core import domain
from storage import models as m
from storage.store import Store


class SqlPeople(Store):
    """Implements `bot.core.ports.PeopleStore`."""

    async def ensure_programme(self, key: str, name: str, default_audience: str) -> None:
        def tx(conn: Connection) -> int:
            stmt = self._insert(m.Programme).values(
                key=key,
                name=name,
                default_audience=default_audience,
                last_number=0,
                created_at=self._clock.now(),
            )
            stmt = stmt.on_conflict_do_update(
                index_elements=["key"], set_={"name": name, "default_audience": default_audience}
            ).returning(m.Programme.id)
            return int(conn.execute(stmt).scalar_one())

        self._programmes[key] = (await self._write(tx), default_audience)

    async def channel(self, programme: str, where: domain.ConversationRef) -> domain.Channel:
        def tx(conn: Connection) -> domain.Channel:
            pid = self._programme_id(conn, programme)
            _, name, audience = self._channel_row(conn, pid, where)
            return domain.Channel(
                where.platform, where.workspace_id, where.channel_id, name, audience
            )

        return await self._write(tx)

    async def set_channel_audience(
        self, programme: str, where: domain.ConversationRef, audience: str, by: domain.Participant
    ) -> domain.Channel:
        def tx(conn: Connection) -> domain.Channel:
            pid = self._programme_id(conn, programme)
            channel_id, name, _ = self._channel_row(conn, pid, where)
            conn.execute(
                update(m.Channel).where(m.Channel.id == channel_id).values(audience=audience)
            )
            self._log(
                conn,
                pid,
                None,
                by.key,
                "channel.audience",
                channel=where.channel_id,
                audience=audience,
            )
            return domain.Channel(
                where.platform, where.workspace_id, where.channel_id, name, audience
            )

        return await self._write(tx)

    async def organisers(self, programme: str) -> set[str]:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            rows = conn.scalars(select(m.Organiser.user_key).where(m.Organiser.programme_id == pid))
            return set(rows)

        return await self._read(tx)

    async def set_organiser(
        self, programme: str, user_key: str, add: bool, by: domain.Participant
    ) -> bool:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            if add:
                stmt = self._insert(m.Organiser).values(
                    programme_id=pid, user_key=user_key, added_by=by.key, added_at=self._clock.now()
                )
                done = conn.scalar(stmt.on_conflict_do_nothing().returning(m.Organiser.user_key))
            else:
                done = conn.scalar(
                    delete(m.Organiser)
                    .where(m.Organiser.programme_id == pid, m.Organiser.user_key == user_key)
                    .returning(m.Organiser.user_key)
                )
            if done is not None:
                action = "organiser.added" if add else "organiser.removed"
                self._log(conn, pid, None, by.key, action, user=user_key)
            return done is not None

        return await self._write(tx)

    async def save_reference(
        self, programme: str, where: domain.ConversationRef, reference: Mapping[str, Any]
    ) -> None:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            channel_id, _, _ = self._channel_row(conn, pid, where)
            conn.execute(
                update(m.Channel)
                .where(m.Channel.id == channel_id)
                .values(reference=dict(reference))
            )

        return await self._write(tx)

    async def reference(
        self, programme: str, where: domain.ConversationRef
    ) -> dict[str, Any] | None:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            found = conn.scalar(
                select(m.Channel.reference).where(
                    m.Channel.programme_id == pid,
                    m.Channel.platform == where.platform,
                    m.Channel.workspace_id == where.workspace_id,
                    m.Channel.channel_id == where.channel_id,
                )
            )
            return dict(found) if found else None

        return await self._read(tx)

    async def set_organisers_channel(
        self, programme: str, where: domain.ConversationRef, by: domain.Participant
    ) -> None:
        def tx(conn: Connection) -> None:
            pid = self._programme_id(conn, programme)
            conn.execute(
                update(m.Programme)
                .where(m.Programme.id == pid)
                .values(
                    organisers_platform=where.platform,
                    organisers_workspace=where.workspace_id,
                    organisers_channel=where.channel_id,
                    organisers_channel_name=where.channel_name,
                )
            )
            self._log(conn, pid, None, by.key, "organisers.channel", channel=where.channel_id)

        return await self._write(tx)

    async def organisers_channel(self, programme: str) -> domain.ConversationRef | None:
        def tx(conn: Connection) -> domain.ConversationRef | None:
            row = conn.execute(
                select(
                    m.Programme.organisers_platform,
                    m.Programme.organisers_workspace,
                    m.Programme.organisers_channel,
                    m.Programme.organisers_channel_name,
                ).where(m.Programme.key == programme)
            ).first()
            if row is None or row.organisers_channel is None:
                return None
            return domain.ConversationRef(
                row.organisers_platform,
                row.organisers_workspace,
                row.organisers_channel,
                row.organisers_channel_name or "",
            )

        return await self._read(tx)
