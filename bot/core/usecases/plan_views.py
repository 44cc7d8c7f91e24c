"""The plan at a glance, kept per programme while its revision stands, and a cell's pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.domain import Emerging, Idea
from bot.core.emerging import of_playbook
from bot.core.plan_views import PAGE, TOP, CellKey, Cursor, Grid, PlanSummary, summarise
from bot.core.workshop import Workshop


@dataclass(frozen=True, slots=True)
class CellPage:
    """A page of one cell's ideas and the cursor of the next page (None on the last)."""

    ideas: Sequence[Idea]
    next: Cursor | None


async def emerging_themes(ws: Workshop, programme: str) -> tuple[Emerging, ...]:
    """The playbook's emerging themes, then those organisers added, in the order added."""
    return (*of_playbook(ws.playbook), *await ws.emerging.added_emerging(programme))


async def plan_summary(ws: Workshop, programme: str, backed: bool = False) -> PlanSummary:
    """The summary read at the plan's current revision: one small read when nothing changed
    since the last one, in this process or any other sharing the database. `backed` (the
    chat card's "Backed across audiences", only chat asks for it) adds each theme's ideas
    backed across audiences, measured from the kept vote tallies."""
    await ws.ready(programme)
    kept = ws.summaries.get(programme)
    if (
        kept is not None
        and (kept.with_backed or not backed)
        and kept.revision == await ws.plan_views.plan_revision(programme)
    ):
        return kept
    grid = Grid.of(ws.playbook)
    tops, themes, revision = await ws.plan_views.plan_tops(programme, grid, TOP, backed)
    summary = summarise(
        ws.playbook,
        tops,
        themes,
        await ws.plan.stats(programme),
        await ws.plan.phases(programme),
        await emerging_themes(ws, programme),
        revision,
        backed,
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
