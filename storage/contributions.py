"""What participants add through the day, in SQL: hopes, risks and proposed challenges with
their backings, and evidence reactions. Unique keys count a backing or a reaction once, however
many processes take the clicks; the programme's row lock hands out contribution numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, func, select, update

from bot.core import domain
from bot.core.agenda import Backed, Contribution, Kind, Reaction, Tally, promotion_order
from storage import day_tables as d
from storage import models as m
from storage.database import as_utc as _utc
from storage.store import Store


class SqlContributions(Store):
    """Implements `bot.core.agenda_store.AgendaStore`: its contributions and reactions half."""

    async def contribute(
        self,
        programme: str,
        kind: Kind,
        text: str,
        theme_key: str | None,
        who: domain.Participant,
        where: domain.ConversationRef,
    ) -> Contribution:
        def tx(conn: Connection) -> Contribution:
            pid = self._programme_id(conn, programme)
            person = self._participant_id(conn, who)
            audience = self._channel_row(conn, pid, where)[2]
            # One number at a time per programme: the programme's row is locked on PostgreSQL
            # (as a new idea's number locks it); SQLite has one writer.
            conn.execute(select(m.Programme.id).where(m.Programme.id == pid).with_for_update())
            number = conn.scalar(
                select(func.coalesce(func.max(d.Contribution.number), 0) + 1).where(
                    d.Contribution.programme_id == pid, d.Contribution.kind == kind.value
                )
            )
            now = self._clock.now()
            conn.execute(
                self._insert(d.Contribution).values(
                    programme_id=pid,
                    kind=kind.value,
                    number=number,
                    theme_key=theme_key,
                    text=text,
                    participant_id=person,
                    audience=audience,
                    created_at=now,
                )
            )
            return Contribution(kind, int(number or 0), text, theme_key, who, audience, now)

        return await self._write(tx)

    def _contributions(
        self, conn: Connection, pid: int, kind: Kind | None, number: int | None = None
    ) -> list[Contribution]:
        query = (
            select(
                d.Contribution.id,
                d.Contribution.kind,
                d.Contribution.number,
                d.Contribution.text,
                d.Contribution.theme_key,
                d.Contribution.audience,
                d.Contribution.created_at,
                d.Contribution.challenge_index,
                m.Participant.platform,
                m.Participant.user_id,
                m.Participant.display_name,
            )
            .join(m.Participant, m.Participant.id == d.Contribution.participant_id)
            .where(d.Contribution.programme_id == pid)
            .order_by(d.Contribution.kind, d.Contribution.number)
        )
        if kind is not None:
            query = query.where(d.Contribution.kind == kind.value)
        if number is not None:
            query = query.where(d.Contribution.number == number)
        rows = conn.execute(query).all()
        backers: dict[int, dict[str, int]] = {}
        ids = [r.id for r in rows]
        if ids:
            counted = conn.execute(
                select(d.Backing.contribution_id, d.Backing.audience, func.count())
                .where(d.Backing.contribution_id.in_(ids))
                .group_by(d.Backing.contribution_id, d.Backing.audience)
            )
            for contribution_id, audience, count in counted:
                backers.setdefault(contribution_id, {})[audience] = int(count)
        return [
            Contribution(
                kind=Kind(r.kind),
                number=r.number,
                text=r.text,
                theme_key=r.theme_key,
                author=domain.Participant(r.platform, r.user_id, r.display_name),
                audience=r.audience,
                created_at=_utc(r.created_at),
                backers=backers.get(r.id, {}),
                challenge_index=r.challenge_index,
            )
            for r in rows
        ]

    async def contribution(self, programme: str, kind: Kind, number: int) -> Contribution | None:
        def tx(conn: Connection) -> Contribution | None:
            found = self._contributions(conn, self._programme_id(conn, programme), kind, number)
            return found[0] if found else None

        return await self._read(tx)

    async def contributions(self, programme: str, kind: Kind) -> Sequence[Contribution]:
        def tx(conn: Connection) -> list[Contribution]:
            return self._contributions(conn, self._programme_id(conn, programme), kind)

        return await self._read(tx)

    async def back(
        self,
        programme: str,
        kind: Kind,
        number: int,
        who: domain.Participant,
        where: domain.ConversationRef,
    ) -> Backed:
        def tx(conn: Connection) -> Backed:
            pid = self._programme_id(conn, programme)
            found = conn.scalar(
                select(d.Contribution.id).where(
                    d.Contribution.programme_id == pid,
                    d.Contribution.kind == kind.value,
                    d.Contribution.number == number,
                )
            )
            if found is None:
                return Backed.MISSING
            person = self._participant_id(conn, who)
            audience = self._channel_row(conn, pid, where)[2]
            added = conn.execute(
                self._insert(d.Backing)
                .values(
                    programme_id=pid,
                    contribution_id=found,
                    participant_id=person,
                    audience=audience,
                    backed_at=self._clock.now(),
                )
                .on_conflict_do_nothing()
            )
            return Backed.COUNTED if added.rowcount == 1 else Backed.ALREADY

        return await self._write(tx)

    async def promote(
        self, programme: str, number: int, by: domain.Participant, first_index: int
    ) -> int | None:
        def tx(conn: Connection) -> int | None:
            pid = self._programme_id(conn, programme)
            # One place at a time per programme, as numbers are handed out (`contribute`).
            conn.execute(select(m.Programme.id).where(m.Programme.id == pid).with_for_update())
            theme = conn.scalar(
                select(d.Contribution.theme_key).where(
                    d.Contribution.programme_id == pid,
                    d.Contribution.kind == Kind.CHALLENGE.value,
                    d.Contribution.number == number,
                    d.Contribution.challenge_index.is_(None),
                )
            )
            if theme is None:
                return None
            taken = conn.scalar(
                select(func.max(d.Contribution.challenge_index)).where(
                    d.Contribution.programme_id == pid, d.Contribution.theme_key == theme
                )
            )
            index = first_index if taken is None else max(first_index, taken + 1)
            conn.execute(
                update(d.Contribution)
                .where(
                    d.Contribution.programme_id == pid,
                    d.Contribution.kind == Kind.CHALLENGE.value,
                    d.Contribution.number == number,
                )
                .values(promoted_at=self._clock.now(), challenge_index=index)
            )
            self._log(conn, pid, None, by.key, "challenge.promoted", challenge=f"c{number}")
            return index

        return await self._write(tx)

    async def promoted(self, programme: str) -> Sequence[Contribution]:
        def tx(conn: Connection) -> list[Contribution]:
            pid = self._programme_id(conn, programme)
            found = self._contributions(conn, pid, Kind.CHALLENGE)
            return sorted((c for c in found if c.promoted), key=promotion_order)

        return await self._read(tx)

    async def react(
        self,
        programme: str,
        evidence: str,
        reaction: Reaction,
        who: domain.Participant,
        where: domain.ConversationRef,
        comment: str | None,
    ) -> bool:
        def tx(conn: Connection) -> bool:
            pid = self._programme_id(conn, programme)
            person = self._participant_id(conn, who)
            audience = self._channel_row(conn, pid, where)[2]
            key: dict[str, Any] = {
                "programme_id": pid,
                "evidence_key": evidence,
                "reaction": reaction.value,
                "participant_id": person,
            }
            added = conn.execute(
                self._insert(d.EvidenceReaction)
                .values(**key, audience=audience, comment=comment, reacted_at=self._clock.now())
                .on_conflict_do_nothing()
            )
            if added.rowcount != 1 and comment:
                conn.execute(
                    update(d.EvidenceReaction)
                    .where(*(getattr(d.EvidenceReaction, k) == v for k, v in key.items()))
                    .values(comment=comment)
                )
            return added.rowcount == 1

        return await self._write(tx)

    async def tallies(self, programme: str) -> Mapping[str, Tally]:
        def tx(conn: Connection) -> dict[str, Tally]:
            pid = self._programme_id(conn, programme)
            counts: dict[str, dict[str, dict[str, int]]] = {}
            for key, reaction, audience, count in conn.execute(
                select(
                    d.EvidenceReaction.evidence_key,
                    d.EvidenceReaction.reaction,
                    d.EvidenceReaction.audience,
                    func.count(),
                )
                .where(d.EvidenceReaction.programme_id == pid)
                .group_by(
                    d.EvidenceReaction.evidence_key,
                    d.EvidenceReaction.reaction,
                    d.EvidenceReaction.audience,
                )
            ):
                counts.setdefault(key, {}).setdefault(reaction, {})[audience] = int(count)
            comments: dict[str, list[tuple[str, str]]] = {}
            for key, audience, comment in conn.execute(
                select(
                    d.EvidenceReaction.evidence_key,
                    d.EvidenceReaction.audience,
                    d.EvidenceReaction.comment,
                )
                .where(
                    d.EvidenceReaction.programme_id == pid,
                    d.EvidenceReaction.comment.is_not(None),
                )
                .order_by(d.EvidenceReaction.reacted_at)
            ):
                comments.setdefault(key, []).append((audience, comment or ""))
            return {
                key: Tally(counts.get(key, {}), tuple(comments.get(key, ())))
                for key in counts.keys() | comments.keys()
            }

        return await self._read(tx)
