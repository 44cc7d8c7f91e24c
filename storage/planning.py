"""The plan's bookkeeping: assignments, phases, actions and notes, the programme's figures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, insert, select, union, update

from bot.core import domain
from bot.core.action_sheet import ActionChange
from bot.core.participation import HourCount
from bot.core.suggestions import Confirmed
from storage import models as m
from storage import participation_queries as participation_sql
from storage import plan_ranks
from storage import tally_tables as tt
from storage.database import as_utc as _utc
from storage.digest_figures import theme_voters, votes_by_audience
from storage.store import Store


def theme_phases(conn: Connection, pid: int) -> dict[str, domain.Phase]:
    rows = conn.execute(
        select(m.ThemePhase.theme_key, m.ThemePhase.phase).where(m.ThemePhase.programme_id == pid)
    )
    return {row.theme_key: domain.Phase(row.phase) for row in rows}


def programme_stats(conn: Connection, pid: int) -> domain.ProgrammeStats:
    """Ideas, votes and participants (authors and voters) of the programme, from indexes and the
    kept tallies (`storage.tallies`): the votes on ideas not hidden are their theme voters', and
    only the hidden ideas' own are read, as their voters (who count for no theme, but took part)."""
    ideas = conn.scalar(select(func.count()).select_from(m.Idea).where(m.Idea.programme_id == pid))
    hidden = select(m.Idea.id).where(m.Idea.programme_id == pid, m.Idea.hidden.is_(True))
    shown = conn.scalar(
        select(func.sum(tt.ThemeVoter.votes)).where(tt.ThemeVoter.programme_id == pid)
    )
    held = conn.scalar(select(func.sum(tt.IdeaTally.votes)).where(tt.IdeaTally.idea_id.in_(hidden)))
    people = union(
        # each author once, from the index, before the union: far fewer rows for it to hash
        select(m.Idea.author_id.label("who")).where(m.Idea.programme_id == pid).distinct(),
        select(tt.ThemeVoter.participant_id).where(tt.ThemeVoter.programme_id == pid),
        select(m.Vote.participant_id).where(m.Vote.idea_id.in_(hidden)),
    ).subquery()
    participants = conn.scalar(select(func.count()).select_from(people))
    votes = int(shown or 0) + int(held or 0)
    return domain.ProgrammeStats(int(ideas or 0), votes, int(participants or 0))


class SqlPlanning(Store):
    """Implements `bot.core.ports.PlanStore`."""

    async def confirmed(self, programme: str, limit: int) -> Sequence[Confirmed]:
        def tx(conn: Connection) -> list[Confirmed]:
            pid = self._programme_id(conn, programme)
            rows = conn.execute(
                select(m.Idea.text, m.Idea.actor_key, m.Idea.style_key)
                .where(m.Idea.programme_id == pid, m.Idea.actor_key.is_not(None))
                .order_by(m.Idea.assigned_at.desc())
                .limit(limit)
            )
            return [Confirmed(r.text, r.actor_key, r.style_key) for r in rows]

        return await self._read(tx)

    async def update_action(
        self,
        programme: str,
        number: int,
        status: domain.Status | None,
        owner: str | None,
        by: domain.Participant,
    ) -> domain.Idea | None:
        def tx(conn: Connection) -> domain.Idea | None:
            pid = self._programme_id(conn, programme)
            self._participant_id(conn, by)
            if not self._set_action(conn, pid, number, status, owner, by):
                return None
            return self._one_idea(conn, pid, number)

        return await self._write(tx)

    async def add_note(
        self, programme: str, number: int, text: str, by: domain.Participant
    ) -> domain.Idea | None:
        def tx(conn: Connection) -> domain.Idea | None:
            pid = self._programme_id(conn, programme)
            if not self._add_note(conn, pid, number, text, by):
                return None
            return self._one_idea(conn, pid, number)

        return await self._write(tx)

    async def apply_actions(
        self, programme: str, changes: Sequence[ActionChange], by: domain.Participant
    ) -> int:
        def tx(conn: Connection) -> int:
            pid = self._programme_id(conn, programme)
            self._participant_id(conn, by)
            applied = 0
            for change in changes:
                found = True
                if change.status is not None or change.owner is not None:
                    found = self._set_action(
                        conn, pid, change.number, change.status, change.owner, by
                    )
                if found and change.note is not None:
                    found = self._add_note(conn, pid, change.number, change.note, by)
                applied += found
            return applied

        return await self._write(tx)

    def _set_action(
        self,
        conn: Connection,
        pid: int,
        number: int,
        status: domain.Status | None,
        owner: str | None,
        by: domain.Participant,
    ) -> bool:
        changes: dict[str, Any] = {}
        if status is not None:
            changes["status"] = status.value
        if owner is not None:
            changes["owner"] = owner
        changed = conn.scalar(
            update(m.Idea)
            .where(m.Idea.programme_id == pid, m.Idea.number == number)
            .values(**changes)
            .returning(m.Idea.id)
        )
        if changed:
            self._log(conn, pid, number, by.key, "action.status", status=status, owner=owner)
        return bool(changed)

    def _add_note(
        self, conn: Connection, pid: int, number: int, text: str, by: domain.Participant
    ) -> bool:
        idea_id = conn.scalar(
            select(m.Idea.id).where(m.Idea.programme_id == pid, m.Idea.number == number)
        )
        if idea_id is None:
            return False
        conn.execute(
            insert(m.ActionNote).values(
                idea_id=idea_id, text=text, author=by.key, created_at=self._clock.now()
            )
        )
        self._log(conn, pid, number, by.key, "action.note")
        return True

    async def notes(self, programme: str, number: int) -> Sequence[domain.ActionNote]:
        def tx(conn: Connection) -> list[domain.ActionNote]:
            pid = self._programme_id(conn, programme)
            rows = conn.execute(
                select(m.ActionNote.text, m.ActionNote.author, m.ActionNote.created_at)
                .join(m.Idea, m.Idea.id == m.ActionNote.idea_id)
                .where(m.Idea.programme_id == pid, m.Idea.number == number)
                .order_by(m.ActionNote.id)
            )
            return [domain.ActionNote(r.text, r.author, _utc(r.created_at)) for r in rows]

        return await self._read(tx)

    async def assign(
        self,
        programme: str,
        number: int,
        assignment: domain.Assignment | None,
        by: domain.Participant,
    ) -> domain.Idea | None:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            changed = conn.scalar(
                update(m.Idea)
                .where(m.Idea.programme_id == pid, m.Idea.number == number)
                .values(
                    actor_key=assignment.actor_key if assignment else None,
                    style_key=assignment.style_key if assignment else None,
                    stage_key=assignment.stage_key if assignment else None,
                    assigned_by=self._participant_id(conn, by),
                    assigned_at=self._clock.now(),
                    # An assigned idea is an action, proposed until an organiser says more.
                    status=(
                        func.coalesce(m.Idea.status, domain.Status.PROPOSED.value)
                        if assignment
                        else None
                    ),
                )
                .returning(m.Idea.id)
            )
            if not changed:
                return None
            plan_ranks.follow(conn, self._dialect, (changed,))
            if assignment:
                self._log(
                    conn,
                    pid,
                    number,
                    by.key,
                    "idea.assigned",
                    actor=assignment.actor_key,
                    style=assignment.style_key,
                    stage=assignment.stage_key,
                )
            else:
                self._log(conn, pid, number, by.key, "idea.unassigned")
            return self._one_idea(conn, pid, number)

        return await self._write(tx)

    async def phases(self, programme: str) -> dict[str, domain.Phase]:
        def tx(conn: Connection) -> dict[str, domain.Phase]:
            return theme_phases(conn, self._programme_id(conn, programme))

        return await self._read(tx)

    async def set_phase(
        self, programme: str, theme_key: str, phase: domain.Phase, by: domain.Participant
    ) -> None:
        def tx(conn: Connection) -> None:
            pid = self._programme_id(conn, programme)
            values = {"phase": phase.value, "changed_by": by.key, "changed_at": self._clock.now()}
            conn.execute(
                self._insert(m.ThemePhase)
                .values(programme_id=pid, theme_key=theme_key, **values)
                .on_conflict_do_update(index_elements=["programme_id", "theme_key"], set_=values)
            )
            self._log(conn, pid, None, by.key, "phase.changed", theme=theme_key, phase=phase.value)

        return await self._write(tx)

    async def stats(self, programme: str) -> domain.ProgrammeStats:
        def tx(conn: Connection) -> domain.ProgrammeStats:
            return programme_stats(conn, self._programme_id(conn, programme))

        return await self._read(tx)

    async def theme_voters(self, programme: str) -> dict[str, dict[str, int]]:
        def tx(conn: Connection) -> dict[str, dict[str, int]]:
            return theme_voters(conn, self._programme_id(conn, programme))

        return await self._read(tx)

    async def theme_votes(self, programme: str) -> dict[tuple[str, str], int]:
        def tx(conn: Connection) -> dict[tuple[str, str], int]:
            return votes_by_audience(conn, self._programme_id(conn, programme))

        return await self._read(tx)

    async def participation(self, programme: str) -> Sequence[HourCount]:
        def tx(conn: Connection) -> list[HourCount]:
            pid = self._programme_id(conn, programme)
            return participation_sql.hourly_counts(conn, pid, self._dialect)

        return await self._read(tx)
