"""The plan at a glance, kept per programme while its revision stands, and a cell's pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.domain import Idea
from bot.core.plan_views import PAGE, TOP, CellKey, Cursor, Grid, PlanSummary, summarise
from bot.core.usecases.planning import emerging_themes
from bot.core.workshop import Workshop


@dataclass(frozen=True, slots=True)
class CellPage:
    """A page of one cell's ideas and the cursor of the next page (None on the last)."""

    ideas: Sequence[Idea]
    next: Cursor | None


async def plan_summary(ws: Workshop, programme: str) -> PlanSummary:
    """The summary read at the plan's current revision: one small read when nothing changed
    since the last one, in this process or any other sharing the database."""
    await ws.ready(programme)
    kept = ws.summaries.get(programme)
    if kept is not None and kept.revision == await ws.plan_views.plan_revision(programme):
        return kept
    tops, themes, revision = await ws.plan_views.plan_tops(programme, Grid.of(ws.playbook), TOP)
    summary = summarise(
        ws.playbook,
        tops,
        themes,
        await ws.plan.stats(programme),
        await ws.plan.phases(programme),
        await emerging_themes(ws, programme),
        revision,
    )
    ws.summaries[programme] = summary
    return summary


async def plan_cell(ws: Workshop, programme: str, cell: CellKey, after: Cursor | None) -> CellPage:
    """One page of a cell's ideas, ranked as on the plan, after the cursor's idea."""
    await ws.ready(programme)
    grid = Grid.of(ws.playbook)
    found = await ws.plan_views.plan_cell(programme, cell, grid, after, PAGE + 1)
    shown = found[:PAGE]
    return CellPage(shown, Cursor.after(shown[-1]) if len(found) > PAGE else None)
