"""Emerging themes organisers add, and ideas tagged to emerging themes."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import Connection, delete, func, select

from bot.core import domain
from storage import models as m
from storage import plan_ranks
from storage.store import Store


class SqlEmerging(Store):
    """Implements `bot.core.ports.EmergingStore`."""

    async def added_emerging(self, programme: str) -> Sequence[domain.Emerging]:
        def tx(conn: Connection) -> list[domain.Emerging]:
            pid = self._programme_id(conn, programme)
            rows = conn.execute(
                select(m.EmergingTheme.key, m.EmergingTheme.title, m.EmergingTheme.text)
                .where(m.EmergingTheme.programme_id == pid)
                .order_by(m.EmergingTheme.id)
            )
            return [domain.Emerging(r.key, r.title, r.text, added=True) for r in rows]

        return await self._read(tx)

    async def add_emerging(
        self, programme: str, emerging: domain.Emerging, by: domain.Participant
    ) -> bool:
        def tx(conn: Connection) -> bool:
            return self._add_emerging(conn, self._programme_id(conn, programme), emerging, by)

        return await self._write(tx)

    def _add_emerging(
        self, conn: Connection, pid: int, emerging: domain.Emerging, by: domain.Participant
    ) -> bool:
        """Add the theme, in the history; False when its key is taken. Shared with the
        confirming of a proposed theme (`storage.theme_groups`)."""
        stmt = self._insert(m.EmergingTheme).values(
            programme_id=pid,
            key=emerging.key,
            title=emerging.name,
            text=emerging.text,
            added_by=self._participant_id(conn, by),
            added_at=self._clock.now(),
        )
        added = conn.execute(stmt.on_conflict_do_nothing().returning(m.EmergingTheme.id))
        if added.first() is None:
            return False
        self._log(conn, pid, None, by.key, "emerging.added", key=emerging.key)
        return True

    def _tag_idea(
        self,
        conn: Connection,
        pid: int,
        idea_id: int,
        number: int,
        key: str,
        by: domain.Participant,
    ) -> bool:
        """Tag one idea, in its history; False when it was tagged already."""
        stmt = self._insert(m.IdeaTag).values(
            idea_id=idea_id,
            emerging_key=key,
            tagged_by=self._participant_id(conn, by),
            tagged_at=self._clock.now(),
        )
        if not conn.execute(stmt.on_conflict_do_nothing()).rowcount:
            return False
        self._log(conn, pid, number, by.key, "idea.tagged", emerging=key)
        return True

    async def tag(
        self, programme: str, number: int, key: str, tagged: bool, by: domain.Participant
    ) -> domain.ModerationResult:
        def tx(conn: Connection) -> domain.ModerationResult:
            pid = self._programme_id(conn, programme)
            row, refused = self._changeable(conn, pid, number, shared=True)
            if refused is not None:
                return refused
            if tagged:
                changed = self._tag_idea(conn, pid, row.id, number, key, by)
            else:
                changed = bool(
                    conn.execute(
                        delete(m.IdeaTag).where(
                            m.IdeaTag.idea_id == row.id, m.IdeaTag.emerging_key == key
                        )
                    ).rowcount
                )
                if changed:
                    self._log(conn, pid, number, by.key, "idea.untagged", emerging=key)
            if not changed:
                return domain.ModerationResult(
                    domain.Outcome.ALREADY, self._one_idea(conn, pid, number)
                )
            plan_ranks.follow(conn, self._dialect, (row.id,))
            idea = self._one_idea(conn, pid, number)
            return domain.ModerationResult(domain.Outcome.DONE, idea)

        return await self._write(tx)

    async def tag_counts(self, programme: str) -> dict[str, int]:
        def tx(conn: Connection) -> dict[str, int]:
            pid = self._programme_id(conn, programme)
            rows = conn.execute(
                select(m.IdeaTag.emerging_key, func.count())
                .join(m.Idea, m.Idea.id == m.IdeaTag.idea_id)
                .where(
                    m.Idea.programme_id == pid,
                    m.Idea.merged_into.is_(None),
                    m.Idea.hidden.is_(False),
                )
                .group_by(m.IdeaTag.emerging_key)
            )
            return {key: int(count) for key, count in rows}

        return await self._read(tx)

    async def tagged_texts(
        self, programme: str, keys: Collection[str], newest: int
    ) -> dict[str, list[str]]:
        def tx(conn: Connection) -> dict[str, list[str]]:
            pid = self._programme_id(conn, programme)
            rank = (
                func.row_number()
                .over(partition_by=m.IdeaTag.emerging_key, order_by=m.Idea.number.desc())
                .label("rank")
            )
            tagged = (
                select(m.IdeaTag.emerging_key, m.Idea.text, rank)
                .join(m.Idea, m.Idea.id == m.IdeaTag.idea_id)
                .where(
                    m.Idea.programme_id == pid,
                    m.Idea.merged_into.is_(None),
                    m.Idea.hidden.is_(False),
                    m.IdeaTag.emerging_key.in_(sorted(keys)),
                )
                .subquery()
            )
            found: dict[str, list[str]] = {}
            for key, text in conn.execute(
                select(tagged.c.emerging_key, tagged.c.text)
                .where(tagged.c.rank <= newest)
                .order_by(tagged.c.emerging_key, tagged.c.rank)
            ):
                found.setdefault(key, []).append(text)
            return found

        return await self._read(tx)
