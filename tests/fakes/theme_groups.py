"""Emerging themes `themes emerging` proposed, in memory (`storage.theme_groups`)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core import domain
from tests.fakes.emerging import MemoryEmerging
from tests.fakes.memory import ProposedThemeRow

OPEN = domain.ThemeState.OPEN


class MemoryThemeGroups(MemoryEmerging):
    """Implements `bot.core.ports.ThemeGroupStore`."""

    def _rows(self, programme: str) -> list[ProposedThemeRow]:
        self._programme(programme)
        return self._proposed_themes.setdefault(programme, [])

    @staticmethod
    def _theme(row: ProposedThemeRow) -> domain.ProposedTheme:
        numbers = tuple(sorted(row.numbers))
        return domain.ProposedTheme(row.number, row.label, numbers, row.emerging_key, row.state)

    def _open_row(self, programme: str, number: int) -> ProposedThemeRow | None:
        return next(
            (r for r in self._rows(programme) if r.number == number and r.state is OPEN), None
        )

    async def replace_proposed_themes(
        self, programme: str, drafts: Sequence[domain.ThemeDraft], by: domain.Participant
    ) -> Sequence[domain.ProposedTheme]:
        rows = self._rows(programme)
        used = max((r.number for r in rows), default=0)
        rows[:] = [r for r in rows if r.state is domain.ThemeState.CONFIRMED]
        self._person(by)
        for n, draft in enumerate(drafts, start=used + 1):
            rows.append(
                ProposedThemeRow(n, draft.label, list(draft.numbers), draft.emerging_key, OPEN)
            )
        return await self.proposed_themes(programme)

    async def proposed_themes(self, programme: str) -> Sequence[domain.ProposedTheme]:
        return [self._theme(r) for r in self._rows(programme) if r.state is OPEN]

    async def proposed_theme(self, programme: str, number: int) -> domain.ProposedTheme | None:
        found = next((r for r in self._rows(programme) if r.number == number), None)
        return self._theme(found) if found else None

    async def confirmed_theme_keys(self, programme: str) -> Sequence[str]:
        confirmed = [r for r in self._rows(programme) if r.state is domain.ThemeState.CONFIRMED]
        return list(dict.fromkeys(r.emerging_key or "" for r in confirmed))

    def _settled(self, programme: str, number: int, by: domain.Participant, **values: str) -> None:
        self._log(programme, None, by.key, "theme.proposal", proposal=f"t{number}", **values)

    async def rename_proposed_theme(
        self, programme: str, number: int, label: str, by: domain.Participant
    ) -> bool:
        row = self._open_row(programme, number)
        if row is None:
            return False
        row.label = label
        self._settled(programme, number, by, label=label)
        return True

    async def drop_proposed_theme(
        self, programme: str, number: int, by: domain.Participant
    ) -> bool:
        row = self._open_row(programme, number)
        if row is None:
            return False
        row.state = domain.ThemeState.DROPPED
        self._settled(programme, number, by, state=row.state.value)
        return True

    async def merge_proposed_themes(
        self, programme: str, source: int, target: int, by: domain.Participant
    ) -> bool:
        moved, into = self._open_row(programme, source), self._open_row(programme, target)
        if moved is None or into is None or moved is into:
            return False
        moved.state = domain.ThemeState.MERGED
        into.numbers.extend(n for n in moved.numbers if n not in into.numbers)
        self._settled(programme, source, by, state=moved.state.value)
        return True

    async def confirm_proposed_theme(
        self,
        programme: str,
        number: int,
        key: str,
        added: domain.Emerging | None,
        by: domain.Participant,
    ) -> Sequence[int] | None:
        row = self._open_row(programme, number)
        if row is None:
            return None
        row.state, row.emerging_key = domain.ThemeState.CONFIRMED, key
        self._settled(programme, number, by, state=row.state.value, emerging_key=key)
        if added is not None:
            await self.add_emerging(programme, added, by)
        tagged = []
        for n in sorted(row.numbers):
            idea = self._idea_row(programme, n)
            if idea is None or idea.hidden:
                continue
            done = await self.tag(programme, n, key, True, by)
            if done.outcome is domain.Outcome.DONE:
                tagged.append(n)
        return tagged
