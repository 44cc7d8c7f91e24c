"""The Lab day's steps in SQL: agenda positions, contributions and their backings, evidence
reactions and the synthesis. Unique keys count a backing or a reaction once, however many
processes take the clicks; an upsert hands out contribution numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from bot.core import domain
from bot.core.agenda import Backed, Contribution, Kind, Reaction, Standing, Synthesis, Tally
from storage import models as m
from storage.database import as_utc as _utc
from storage.store import Store


class SqlAgenda(Store):
    """Implements `bot.core.agenda_store.AgendaStore`."""

    def _day(self, conn: Connection, pid: int) -> None:
        """Make sure the programme's day row exists (an upsert: two processes may race)."""
        conn.execute(self._insert(m.ProgrammeDay).values(programme_id=pid).on_conflict_do_nothing())

    async def standing(self, programme: str) -> Standing:
        def tx(conn: Connection) -> Standing:
            pid = self._programme_id(conn, programme)
            day = conn.execute(
                select(m.ProgrammeDay.step_key, m.ProgrammeDay.closed_at).where(
                    m.ProgrammeDay.programme_id == pid
                )
            ).first()
            rows = conn.execute(
                select(
                    m.Channel.platform,
                    m.Channel.workspace_id,
                    m.Channel.channel_id,
                    m.Channel.name,
                    m.ChannelStep.step_key,
                )
                .join(m.ChannelStep, m.ChannelStep.channel_id == m.Channel.id)
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
                    update(m.ProgrammeDay)
                    .where(m.ProgrammeDay.programme_id == pid)
                    .values(step_key=step)
                )
                channels = select(m.Channel.id).where(m.Channel.programme_id == pid)
                conn.execute(delete(m.ChannelStep).where(m.ChannelStep.channel_id.in_(channels)))
                self._log(conn, pid, None, by.key, "agenda.moved", step=step, scope="programme")
                return
            channel_id = self._channel_row(conn, pid, where)[0]
            stmt = self._insert(m.ChannelStep).values(
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
            is_closed = m.ProgrammeDay.closed_at.is_(None)
            done = conn.execute(
                update(m.ProgrammeDay)
                .where(
                    m.ProgrammeDay.programme_id == pid,
                    is_closed if closed else m.ProgrammeDay.closed_at.is_not(None),
                )
                .values(closed_at=self._clock.now() if closed else None)
            )
            if not done.rowcount:
                return False
            action = "programme.closed" if closed else "programme.reopened"
            self._log(conn, pid, None, by.key, action)
            return True

        return await self._write(tx)

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
            counter = self._insert(m.ContributionCounter).values(
                programme_id=pid, kind=kind.value, last=1
            )
            number = conn.scalar(
                counter.on_conflict_do_update(
                    index_elements=["programme_id", "kind"],
                    set_={"last": m.ContributionCounter.last + 1},
                ).returning(m.ContributionCounter.last)
            )
            now = self._clock.now()
            conn.execute(
                self._insert(m.Contribution).values(
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
                m.Contribution.id,
                m.Contribution.kind,
                m.Contribution.number,
                m.Contribution.text,
                m.Contribution.theme_key,
                m.Contribution.audience,
                m.Contribution.created_at,
                m.Contribution.promoted_at,
                m.Participant.platform,
                m.Participant.user_id,
                m.Participant.display_name,
            )
            .join(m.Participant, m.Participant.id == m.Contribution.participant_id)
            .where(m.Contribution.programme_id == pid)
            .order_by(m.Contribution.kind, m.Contribution.number)
        )
        if kind is not None:
            query = query.where(m.Contribution.kind == kind.value)
        if number is not None:
            query = query.where(m.Contribution.number == number)
        rows = conn.execute(query).all()
        backers: dict[int, dict[str, int]] = {}
        ids = [r.id for r in rows]
        if ids:
            counted = conn.execute(
                select(m.Backing.contribution_id, m.Backing.audience, func.count())
                .where(m.Backing.contribution_id.in_(ids))
                .group_by(m.Backing.contribution_id, m.Backing.audience)
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
                promoted=r.promoted_at is not None,
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
                select(m.Contribution.id).where(
                    m.Contribution.programme_id == pid,
                    m.Contribution.kind == kind.value,
                    m.Contribution.number == number,
                )
            )
            if found is None:
                return Backed.MISSING
            person = self._participant_id(conn, who)
            audience = self._channel_row(conn, pid, where)[2]
            added = conn.execute(
                self._insert(m.Backing)
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

    async def promote(self, programme: str, number: int, by: domain.Participant) -> int | None:
        def tx(conn: Connection) -> int | None:
            pid = self._programme_id(conn, programme)
            done = conn.execute(
                update(m.Contribution)
                .where(
                    m.Contribution.programme_id == pid,
                    m.Contribution.kind == Kind.CHALLENGE.value,
                    m.Contribution.number == number,
                    m.Contribution.promoted_at.is_(None),
                )
                .values(promoted_at=self._clock.now())
            )
            if not done.rowcount:
                return None
            self._log(conn, pid, None, by.key, "challenge.promoted", challenge=f"c{number}")
            before = conn.scalar(
                select(func.count()).where(
                    m.Contribution.programme_id == pid,
                    m.Contribution.kind == Kind.CHALLENGE.value,
                    m.Contribution.promoted_at.is_not(None),
                    m.Contribution.number != number,
                )
            )
            return int(before or 0)

        return await self._write(tx)

    async def promoted(self, programme: str) -> Sequence[Contribution]:
        def tx(conn: Connection) -> list[Contribution]:
            pid = self._programme_id(conn, programme)
            order = {
                n: i
                for i, n in enumerate(
                    conn.scalars(
                        select(m.Contribution.number)
                        .where(
                            m.Contribution.programme_id == pid,
                            m.Contribution.kind == Kind.CHALLENGE.value,
                            m.Contribution.promoted_at.is_not(None),
                        )
                        .order_by(m.Contribution.promoted_at, m.Contribution.number)
                    )
                )
            }
            found = self._contributions(conn, pid, Kind.CHALLENGE)
            return sorted((c for c in found if c.number in order), key=lambda c: order[c.number])

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
                self._insert(m.EvidenceReaction)
                .values(**key, audience=audience, comment=comment, reacted_at=self._clock.now())
                .on_conflict_do_nothing()
            )
            if added.rowcount != 1 and comment:
                conn.execute(
                    update(m.EvidenceReaction)
                    .where(*(getattr(m.EvidenceReaction, k) == v for k, v in key.items()))
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
                    m.EvidenceReaction.evidence_key,
                    m.EvidenceReaction.reaction,
                    m.EvidenceReaction.audience,
                    func.count(),
                )
                .where(m.EvidenceReaction.programme_id == pid)
                .group_by(
                    m.EvidenceReaction.evidence_key,
                    m.EvidenceReaction.reaction,
                    m.EvidenceReaction.audience,
                )
            ):
                counts.setdefault(key, {}).setdefault(reaction, {})[audience] = int(count)
            comments: dict[str, list[tuple[str, str]]] = {}
            for key, audience, comment in conn.execute(
                select(
                    m.EvidenceReaction.evidence_key,
                    m.EvidenceReaction.audience,
                    m.EvidenceReaction.comment,
                )
                .where(
                    m.EvidenceReaction.programme_id == pid,
                    m.EvidenceReaction.comment.is_not(None),
                )
                .order_by(m.EvidenceReaction.reacted_at)
            ):
                comments.setdefault(key, []).append((audience, comment or ""))
            return {
                key: Tally(counts.get(key, {}), tuple(comments.get(key, ())))
                for key in counts.keys() | comments.keys()
            }

        return await self._read(tx)

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
                update(m.ProgrammeDay).where(m.ProgrammeDay.programme_id == pid).values(**values)
            )
            if publish:
                self._log(conn, pid, None, by.key, "synthesis.published")
            row = conn.execute(
                select(m.ProgrammeDay.published, m.ProgrammeDay.published_at).where(
                    m.ProgrammeDay.programme_id == pid
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
                    m.ProgrammeDay.synthesis,
                    m.ProgrammeDay.synthesis_by,
                    m.ProgrammeDay.synthesis_at,
                    m.ProgrammeDay.published_at,
                    m.ProgrammeDay.published,
                ).where(m.ProgrammeDay.programme_id == pid)
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


# ---- a participant's part in the day, for `my data` and `forget` (storage.personal) ----------


def own_entries(conn: Connection, pid: int, person_id: int) -> tuple[dict[str, object], ...]:
    """What the person wrote (hopes, risks, challenges), backed and reacted in the programme."""
    written = conn.execute(
        select(
            m.Contribution.kind,
            m.Contribution.number,
            m.Contribution.text,
            m.Contribution.theme_key,
            m.Contribution.created_at,
        )
        .where(m.Contribution.programme_id == pid, m.Contribution.participant_id == person_id)
        .order_by(m.Contribution.created_at, m.Contribution.id)
    )
    backed = conn.execute(
        select(m.Contribution.kind, m.Contribution.number, m.Backing.backed_at)
        .join(m.Contribution, m.Contribution.id == m.Backing.contribution_id)
        .where(m.Backing.programme_id == pid, m.Backing.participant_id == person_id)
        .order_by(m.Backing.backed_at, m.Contribution.id)
    )
    reacted = conn.execute(
        select(
            m.EvidenceReaction.evidence_key,
            m.EvidenceReaction.reaction,
            m.EvidenceReaction.comment,
            m.EvidenceReaction.reacted_at,
        )
        .where(
            m.EvidenceReaction.programme_id == pid,
            m.EvidenceReaction.participant_id == person_id,
        )
        .order_by(m.EvidenceReaction.reacted_at, m.EvidenceReaction.evidence_key)
    )
    return (
        *(
            {
                "kind": r.kind,
                "id": f"{Kind(r.kind).prefix}{r.number}",
                "text": r.text,
                "theme": r.theme_key,
                "at": _utc(r.created_at).isoformat(),
            }
            for r in written
        ),
        *(
            {
                "kind": "backing",
                "of": f"{Kind(r.kind).prefix}{r.number}",
                "at": _utc(r.backed_at).isoformat(),
            }
            for r in backed
        ),
        *(
            {
                "kind": "reaction",
                "evidence": r.evidence_key,
                "reaction": r.reaction,
                "comment": r.comment,
                "at": _utc(r.reacted_at).isoformat(),
            }
            for r in reacted
        ),
    )


def erase_own(conn: Connection, pid: int, person_id: int) -> tuple[int, int]:
    """Delete what the person wrote in the programme — a challenge already promoted to a prompt
    stays, as the programme's own — and erase their evidence comments; their backings and
    reactions stay, moved with the rest to the forgotten participant. (deleted, rows touched)"""
    mine = select(m.Contribution.id).where(
        m.Contribution.programme_id == pid,
        m.Contribution.participant_id == person_id,
        m.Contribution.promoted_at.is_(None),
    )
    conn.execute(delete(m.Backing).where(m.Backing.contribution_id.in_(mine)))
    deleted = conn.execute(delete(m.Contribution).where(m.Contribution.id.in_(mine)))
    comments = conn.execute(
        update(m.EvidenceReaction)
        .where(
            m.EvidenceReaction.programme_id == pid,
            m.EvidenceReaction.participant_id == person_id,
            m.EvidenceReaction.comment.is_not(None),
        )
        .values(comment=None)
    )
    count = deleted.rowcount or 0
    return count, count + (comments.rowcount or 0)
