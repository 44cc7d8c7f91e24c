"""The plan at a glance, in memory (`storage.plan_views`): every idea laid out and ranked in
Python by `bot.core.plan.rank`, which is what the SQL's kept ranks are held to; and the
government actor's styles grid laid out from the whole plan (`styles_grid`), the contract
tests' oracle for the database's squares."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from bot.core import domain
from bot.core.domain import Idea
from bot.core.plan import ActionPlan, ThemePlan, rank
from bot.core.plan_views import BACKED, UNASSIGNED, UNPLACED, CellKey, Cursor, Grid, Top, Tops
from bot.core.playbook import Actor, Playbook, Stage, Style, StyleCell, Theme
from tests.fakes.memory import Memory


def cells_of(idea: domain.Idea, grid: Grid) -> list[CellKey]:
    """Every cell an idea on the plan shows in: its theme's actor, its emerging themes, its
    actor across themes and, for the government actor, its style × stage."""
    actor = idea.assignment.actor_key if idea.assignment else None
    keys = [CellKey(idea.theme_key, actor if actor in grid.actors else UNASSIGNED)]
    keys += [CellKey(emerging=e) for e in idea.emerging]
    if actor in grid.actors:
        keys.append(CellKey("", str(actor)))
    if grid.government and grid.styles and idea.assignment and actor == grid.government:
        style, stage = idea.assignment.style_key, idea.assignment.stage_key
        placed = style in grid.styles and stage in grid.stages
        keys.append(CellKey("", str(style), str(stage)) if placed else CellKey("", UNPLACED))
    return keys


def _pages_of(idea: domain.Idea, grid: Grid) -> list[CellKey]:
    """Every cell an idea is listed in a page at a time: its cells, its theme's every idea and
    the plan's every idea."""
    return [*cells_of(idea, grid), CellKey(idea.theme_key), CellKey()]


class MemoryPlanViews(Memory):
    """Implements `bot.core.ports.PlanViewStore`. Its revision is a fingerprint of every table:
    it stands while nothing is written and moves with any write, as the SQL counter does."""

    def _on_plan(self, programme: str) -> list[domain.Idea]:
        ideas = (self._idea(r) for r in self._idea_rows(programme))
        return [i for i in ideas if i.merged_into is None and not i.hidden]

    async def plan_revision(self, programme: str) -> int:
        self._programme(programme)
        tables = [v for k, v in sorted(vars(self).items()) if k not in ("_ids", "_clock")]
        return hash(repr(tables))

    async def plan_tops(
        self, programme: str, grid: Grid, top: int, backed: bool = False
    ) -> tuple[Tops, frozenset[str], int]:
        ideas = self._on_plan(programme)
        cells: dict[CellKey, list[domain.Idea]] = {}
        for idea in ideas:
            for key in cells_of(idea, grid):
                cells.setdefault(key, []).append(idea)
        tops = {key: Top(rank(found)[:top], len(found)) for key, found in cells.items()}
        voters = await self.theme_voters(programme)
        most = {}
        for key in {i.theme_key for i in ideas} if backed else ():
            of_theme = rank(i for i in ideas if i.theme_key == key)
            theme = ThemePlan(Theme(key, key, "", (), ()), (), of_theme, voters=voters.get(key, {}))
            found = theme.broadly_backed(BACKED)
            if found:
                most[key] = tuple((i, theme.consensus(i) or 0.0) for i in found)
        themes = frozenset(i.theme_key for i in ideas)
        return Tops(tops, most), themes, await self.plan_revision(programme)

    async def plan_cell(
        self, programme: str, cell: CellKey, grid: Grid, after: Cursor | None, limit: int
    ) -> Sequence[domain.Idea]:
        found = rank(i for i in self._on_plan(programme) if cell in _pages_of(i, grid))
        if after is not None:
            found = tuple(i for i in found if (-i.votes, i.number) > (-after.votes, after.number))
        return found[:limit]

    def _merged_of(self, programme: str, theme: str) -> list[domain.Idea]:
        ideas = (self._idea(r) for r in self._idea_rows(programme))
        return [i for i in ideas if i.theme_key == theme and i.merged_into is not None]

    async def merged_into(
        self, programme: str, theme: str, numbers: Collection[int]
    ) -> Sequence[domain.Idea]:
        return [i for i in self._merged_of(programme, theme) if i.merged_into in numbers]

    async def merged_away(self, programme: str, theme: str) -> Sequence[domain.Idea]:
        shown = {i.number for i in self._on_plan(programme) if i.theme_key == theme}
        return [i for i in self._merged_of(programme, theme) if i.merged_into not in shown]

    async def owned_actions(
        self, programme: str, statuses: Collection[domain.Status]
    ) -> Sequence[domain.Idea]:
        found = [i for i in self._on_plan(programme) if i.owner and i.status in statuses]
        return sorted(found, key=lambda i: i.number)

    async def unheard(
        self, programme: str, audience: str, closed: Collection[str], limit: int
    ) -> Sequence[domain.Idea]:
        return rank(
            i
            for i in self._on_plan(programme)
            if i.votes and not i.votes_by_audience.get(audience) and i.theme_key not in closed
        )[:limit]


@dataclass(frozen=True, slots=True)
class StyleSquare:
    """One cell of the styles grid (Funder × Scaling = Grants and subsidies) and its ideas."""

    stage: Stage
    cell: StyleCell | None
    ideas: tuple[Idea, ...]


@dataclass(frozen=True, slots=True)
class StylesGrid:
    actor: Actor | None  # the government actor; None when the playbook has no styles
    stages: tuple[Stage, ...]
    rows: tuple[tuple[Style, tuple[StyleSquare, ...]], ...]
    unplaced: tuple[Idea, ...]  # the actor's ideas without a style or stage yet


def styles_grid(playbook: Playbook, plan: ActionPlan) -> StylesGrid:
    """The government actor's ideas from every theme, laid on styles × stages."""
    actor = next((a for a in playbook.actors if a.government), None)
    if actor is None or not playbook.styles:
        return StylesGrid(None, (), (), ())
    ideas = rank(
        i
        for tp in plan.themes
        for cell in tp.cells
        if cell.actor.key == actor.key
        for i in cell.ideas
    )
    placed: dict[tuple[str, str], list[Idea]] = {}
    unplaced = []
    stage_keys = {s.key for s in playbook.stages}
    style_keys = {s.key for s in playbook.styles}
    for idea in ideas:
        assigned = idea.assignment
        style = assigned.style_key if assigned else None
        stage = assigned.stage_key if assigned else None
        if style in style_keys and stage in stage_keys:
            placed.setdefault((str(style), str(stage)), []).append(idea)
        else:
            unplaced.append(idea)
    rows = tuple(
        (
            style,
            tuple(
                StyleSquare(
                    stage, style.cell(stage.key), tuple(placed.get((style.key, stage.key), ()))
                )
                for stage in playbook.stages
            ),
        )
        for style in playbook.styles
    )
    return StylesGrid(actor, playbook.stages, rows, tuple(unplaced))
