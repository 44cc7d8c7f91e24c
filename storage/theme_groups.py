"""Emerging themes `themes emerging` proposed, and organisers' confirm, rename, merge, drop."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete, func, select, update

from bot.core import domain
from storage import models as m
from storage import plan_ranks
from storage import theme_tables as tt
from storage.emerging import SqlEmerging

OPEN = domain.ThemeState.OPEN.value


class SqlThemeGroups(SqlEmerging):
    """Implements `bot.core.ports.ThemeGroupStore` (over `SqlEmerging`, whose adding and
    tagging a confirm reuses in its own transaction)."""

    async def replace_proposed_themes(
        self, programme: str, drafts: Sequence[domain.ThemeDraft], by: domain.Participant
    ) -> Sequence[domain.ProposedTheme]:
        def tx(conn: Connection) -> list[domain.ProposedTheme]:
            pid = self._programme_id(conn, programme)
            used = conn.execute(
                select(func.max(tt.ProposedThemeRow.number)).where(
                    tt.ProposedThemeRow.programme_id == pid
                )
            ).scalar()
            conn.execute(
                delete(tt.ProposedThemeRow).where(
                    tt.ProposedThemeRow.programme_id == pid,
                    tt.ProposedThemeRow.state != domain.ThemeState.CONFIRMED.value,
                )
            )
            ids = {
                number: idea_id
                for number, idea_id in conn.execute(
                    select(m.Idea.number, m.Idea.id).where(m.Idea.programme_id == pid)
                )
            }
            who, now = self._participant_id(conn, by), self._clock.now()
            for n, draft in enumerate(drafts, start=(used or 0) + 1):
                row_id = conn.execute(
                    self._insert(tt.ProposedThemeRow)
                    .values(
                        programme_id=pid,
                        number=n,
                        label=draft.label,
                        emerging_key=draft.emerging_key,
                        state=OPEN,
                        proposed_by=who,
                        proposed_at=now,
                    )
                    .returning(tt.ProposedThemeRow.id)
                ).scalar_one()
                rows = [{"proposed_theme_id": row_id, "idea_id": ids[i]} for i in draft.numbers]
                if rows:
                    conn.execute(self._insert(tt.ProposedThemeIdea), rows)
            return self._proposed(conn, pid, tt.ProposedThemeRow.state == OPEN)

        return await self._write(tx)

    def _proposed(self, conn: Connection, pid: int, *where: object) -> list[domain.ProposedTheme]:
        t = tt.ProposedThemeRow
        found = conn.execute(
            select(t.id, t.number, t.label, t.emerging_key, t.state)
            .where(t.programme_id == pid, *where)  # type: ignore[arg-type]
            .order_by(t.number)
        ).all()
        numbers: dict[int, list[int]] = {row.id: [] for row in found}
        if found:
            members = conn.execute(
                select(tt.ProposedThemeIdea.proposed_theme_id, m.Idea.number)
                .join(m.Idea, m.Idea.id == tt.ProposedThemeIdea.idea_id)
                .where(tt.ProposedThemeIdea.proposed_theme_id.in_(numbers))
                .order_by(m.Idea.number)
            )
            for theme_id, number in members:
                numbers[theme_id].append(number)
        return [
            domain.ProposedTheme(
                row.number,
                row.label,
                tuple(numbers[row.id]),
                row.emerging_key,
                domain.ThemeState(row.state),
            )
            for row in found
        ]

    async def proposed_themes(self, programme: str) -> Sequence[domain.ProposedTheme]:
        def tx(conn: Connection) -> list[domain.ProposedTheme]:
            pid = self._programme_id(conn, programme)
            return self._proposed(conn, pid, tt.ProposedThemeRow.state == OPEN)

        return await self._read(tx)

    async def proposed_theme(self, programme: str, number: int) -> domain.ProposedTheme | None:
        def tx(conn: Connection) -> domain.ProposedTheme | None:
            pid = self._programme_id(conn, programme)
            found = self._proposed(conn, pid, tt.ProposedThemeRow.number == number)
            return found[0] if found else None

        return await self._read(tx)

    async def confirmed_theme_keys(self, programme: str) -> Sequence[str]:
        def tx(conn: Connection) -> list[str]:
            pid = self._programme_id(conn, programme)
            confirmed = [
                p for p in self._proposed(conn, pid) if p.state is domain.ThemeState.CONFIRMED
            ]
            return list(dict.fromkeys(p.emerging_key or "" for p in confirmed))

        return await self._read(tx)

    def _settle(
        self, conn: Connection, pid: int, number: int, by: domain.Participant, **values: object
    ) -> bool:
        """Change an open proposal (claimed by its state, so two organisers cannot both)."""
        changed = conn.execute(
            update(tt.ProposedThemeRow)
            .where(
                tt.ProposedThemeRow.programme_id == pid,
                tt.ProposedThemeRow.number == number,
                tt.ProposedThemeRow.state == OPEN,
            )
            .values(**values)
        ).rowcount
        if changed:
            self._log(conn, pid, None, by.key, "theme.proposal", proposal=f"t{number}", **values)
        return bool(changed)

    async def rename_proposed_theme(
        self, programme: str, number: int, label: str, by: domain.Participant
    ) -> bool:
        def tx(conn: Connection) -> bool:
            return self._settle(conn, self._programme_id(conn, programme), number, by, label=label)

        return await self._write(tx)

    async def drop_proposed_theme(
        self, programme: str, number: int, by: domain.Participant
    ) -> bool:
        def tx(conn: Connection) -> bool:
            pid = self._programme_id(conn, programme)
            return self._settle(conn, pid, number, by, state=domain.ThemeState.DROPPED.value)

        return await self._write(tx)

    async def merge_proposed_themes(
        self, programme: str, source: int, target: int, by: domain.Participant
    ) -> bool:
        def tx(conn: Connection) -> bool:
            pid = self._programme_id(conn, programme)
            rows = {
                number: row_id
                for number, row_id in conn.execute(
                    select(tt.ProposedThemeRow.number, tt.ProposedThemeRow.id).where(
                        tt.ProposedThemeRow.programme_id == pid,
                        tt.ProposedThemeRow.number.in_((source, target)),
                        tt.ProposedThemeRow.state == OPEN,
                    )
                )
            }
            if len(rows) != 2:
                return False
            if not self._settle(conn, pid, source, by, state=domain.ThemeState.MERGED.value):
                return False
            moved = select(tt.ProposedThemeIdea.idea_id).where(
                tt.ProposedThemeIdea.proposed_theme_id == rows[source]
            )
            kept = select(tt.ProposedThemeIdea.idea_id).where(
                tt.ProposedThemeIdea.proposed_theme_id == rows[target]
            )
            ideas = set(conn.execute(moved).scalars()) - set(conn.execute(kept).scalars())
            if ideas:
                conn.execute(
                    self._insert(tt.ProposedThemeIdea),
                    [{"proposed_theme_id": rows[target], "idea_id": i} for i in ideas],
                )
            return True

        return await self._write(tx)

    async def confirm_proposed_theme(
        self,
        programme: str,
        number: int,
        key: str,
        added: domain.Emerging | None,
        by: domain.Participant,
    ) -> Sequence[int] | None:
        def tx(conn: Connection) -> list[int] | None:
            pid = self._programme_id(conn, programme)
            found = self._proposed(conn, pid, tt.ProposedThemeRow.number == number)
            state = domain.ThemeState.CONFIRMED.value
            if not found or not self._settle(conn, pid, number, by, state=state, emerging_key=key):
                return None
            if added is not None:
                self._add_emerging(conn, pid, added, by)
            tagged = {}
            for idea_number in found[0].numbers:
                row, refused = self._changeable(conn, pid, idea_number, shared=True)
                if (
                    refused is None
                    and not row.hidden
                    and self._tag_idea(conn, pid, row.id, idea_number, key, by)
                ):
                    tagged[idea_number] = row.id
            plan_ranks.follow(conn, self._dialect, tagged.values())
            return list(tagged)

        return await self._write(tx)
