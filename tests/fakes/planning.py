"""The plan's bookkeeping, in memory (`storage.planning`): assignments, phases, actions and
notes, the programme's figures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from bot.core import domain
from bot.core.action_sheet import ActionChange
from bot.core.participation import HourCount
from bot.core.suggestions import Confirmed
from tests.fakes.memory import IdeaRow, Memory, NoteRow, PhaseRow


class MemoryPlanning(Memory):
    """Implements `bot.core.ports.PlanStore`."""

    async def confirmed(self, programme: str, limit: int) -> Sequence[Confirmed]:
        assigned = [r for r in self._idea_rows(programme) if r.assignment and r.assigned_at]
        assigned.sort(key=lambda r: r.assigned_at or r.created_at, reverse=True)
        return [
            Confirmed(r.text, r.assignment.actor_key, r.assignment.style_key)
            for r in assigned[:limit]
            if r.assignment
        ]

    async def update_action(
        self,
        programme: str,
        number: int,
        status: domain.Status | None,
        owner: str | None,
        by: domain.Participant,
    ) -> domain.Idea | None:
        self._person(by)
        row = self._set_action(programme, number, status, owner, by)
        return None if row is None else self._idea(row)

    async def add_note(
        self, programme: str, number: int, text: str, by: domain.Participant
    ) -> domain.Idea | None:
        row = self._add_note(programme, number, text, by)
        return None if row is None else self._idea(row)

    async def apply_actions(
        self, programme: str, changes: Sequence[ActionChange], by: domain.Participant
    ) -> int:
        self._person(by)
        applied = 0
        for change in changes:
            found = True
            if change.status is not None or change.owner is not None:
                found = (
                    self._set_action(programme, change.number, change.status, change.owner, by)
                    is not None
                )
            if found and change.note is not None:
                found = self._add_note(programme, change.number, change.note, by) is not None
            applied += found
        return applied

    def _set_action(
        self,
        programme: str,
        number: int,
        status: domain.Status | None,
        owner: str | None,
        by: domain.Participant,
    ) -> IdeaRow | None:
        row = self._idea_row(programme, number)
        if row is None:
            return None
        if status is not None:
            row.status = status
        if owner is not None:
            row.owner = owner
        self._log(programme, number, by.key, "action.status", status=status, owner=owner)
        return row

    def _add_note(
        self, programme: str, number: int, text: str, by: domain.Participant
    ) -> IdeaRow | None:
        row = self._idea_row(programme, number)
        if row is None:
            return None
        self._notes.append(NoteRow(row.id, domain.ActionNote(text, by.key, self._clock.now())))
        self._log(programme, number, by.key, "action.note")
        return row

    async def notes(self, programme: str, number: int) -> Sequence[domain.ActionNote]:
        row = self._idea_row(programme, number)
        return [n.note for n in self._notes if row is not None and n.idea_id == row.id]

    async def assign(
        self,
        programme: str,
        number: int,
        assignment: domain.Assignment | None,
        by: domain.Participant,
    ) -> domain.Idea | None:
        row = self._idea_row(programme, number)
        by_id = self._person(by)
        if row is None:
            return None
        row.assignment, row.assigned_at, row.assigned_by = assignment, self._clock.now(), by_id
        # An assigned idea is an action, proposed until an organiser says more.
        row.status = (row.status or domain.Status.PROPOSED) if assignment else None
        if assignment:
            self._log(
                programme,
                number,
                by.key,
                "idea.assigned",
                actor=assignment.actor_key,
                style=assignment.style_key,
                stage=assignment.stage_key,
            )
        else:
            self._log(programme, number, by.key, "idea.unassigned")
        return self._idea(row)

    async def phases(self, programme: str) -> dict[str, domain.Phase]:
        self._programme(programme)
        return {theme: row.phase for theme, row in self._phases.get(programme, {}).items()}

    async def set_phase(
        self, programme: str, theme_key: str, phase: domain.Phase, by: domain.Participant
    ) -> None:
        self._programme(programme)
        self._phases.setdefault(programme, {})[theme_key] = PhaseRow(phase, by.key)
        self._log(programme, None, by.key, "phase.changed", theme=theme_key, phase=phase.value)

    def _votes_of(self, programme: str, shown_only: bool) -> list[tuple[int, int, str]]:
        """(idea id, voter id, audience) of every vote on the programme's ideas."""
        rows = {r.id: r for r in self._idea_rows(programme) if not (shown_only and r.hidden)}
        return [(i, v, vote.audience) for (i, v), vote in self._votes.items() if i in rows]

    async def stats(self, programme: str) -> domain.ProgrammeStats:
        rows = self._idea_rows(programme)
        votes = self._votes_of(programme, shown_only=False)
        people = {self._author_id(r) for r in rows} | {v for _, v, _ in votes}
        return domain.ProgrammeStats(len(rows), len(votes), len(people))

    async def theme_voters(self, programme: str) -> dict[str, dict[str, int]]:
        themes = {r.id: r.new.theme_key for r in self._idea_rows(programme)}
        seen: dict[str, dict[str, set[int]]] = {}
        for idea_id, voter, audience in self._votes_of(programme, shown_only=True):
            seen.setdefault(themes[idea_id], {}).setdefault(audience, set()).add(voter)
        return {t: {a: len(v) for a, v in by.items()} for t, by in seen.items()}

    async def theme_votes(self, programme: str) -> dict[tuple[str, str], int]:
        themes = {r.id: r.new.theme_key for r in self._idea_rows(programme)}
        votes: dict[tuple[str, str], int] = {}
        for idea_id, _, audience in self._votes_of(programme, shown_only=True):
            key = (themes[idea_id], audience)
            votes[key] = votes.get(key, 0) + 1
        return votes

    async def participation(self, programme: str) -> Sequence[HourCount]:
        counts: dict[tuple[datetime, str], list[int]] = {}
        shown = {r.id: r for r in self._idea_rows(programme) if not r.hidden}
        for row in shown.values():
            counts.setdefault((_hour(row.created_at), row.audience), [0, 0])[0] += 1
        for (idea_id, _), vote in self._votes.items():
            if idea_id in shown:
                counts.setdefault((_hour(vote.cast_at), vote.audience), [0, 0])[1] += 1
        return [HourCount(d, a, i, v) for (d, a), (i, v) in sorted(counts.items())]


def _hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
