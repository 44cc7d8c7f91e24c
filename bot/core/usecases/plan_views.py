"""The plan at a glance, kept per programme while its revision stands, and a cell's pages."""

from __future__ import annotations

import asyncio

from bot.core.domain import Emerging, Idea
from bot.core.emerging import of_playbook
from bot.core.plan_views import (
    PAGE,
    TOP,
    CellKey,
    CellPage,
    Cursor,
    Grid,
    PlanSummary,
    ThemePage,
    summarise,
)
from bot.core.workshop import Workshop


async def emerging_themes(ws: Workshop, programme: str) -> tuple[Emerging, ...]:
    """The playbook's emerging themes, then those organisers added, in the order added."""
    return (*of_playbook(ws.playbook), *await ws.emerging.added_emerging(programme))


async def plan_summary(ws: Workshop, programme: str, backed: bool = False) -> PlanSummary:
    """The summary read at the plan's current revision: one small read when nothing changed
    since the last one, in this process or any other sharing the database. `backed` (the
    chat card's "Backed across audiences", only chat asks for it) adds each theme's ideas
    backed across audiences, measured from the kept vote tallies.

    Readers arriving while the summary is being read at the revision they see share that
    read (a digest's link opened by a room of stakeholders at once costs one), and a reader
    leaving early never cancels it for the others."""
    await ws.ready(programme)
    revision = await ws.plan_views.plan_revision(programme)
    kept = ws.summaries.get(programme)
    if kept is not None and (kept.with_backed or not backed) and kept.revision == revision:
        return kept
    key = (programme, backed)
    under_way = ws.summarising.get(key)
    if under_way is None or under_way[0] != revision:
        read = asyncio.ensure_future(_summarise(ws, programme, backed))
        ws.summarising[key] = under_way = (revision, read)
        read.add_done_callback(lambda done: _finished(ws, key, done))
    return await asyncio.shield(under_way[1])


def _finished(ws: Workshop, key: tuple[str, bool], done: asyncio.Future[PlanSummary]) -> None:
    """Forget a finished read, unless a newer one has taken its place. Its failure is its
    readers' to report (each gets it); with none left, the next reader reads again."""
    if not done.cancelled():
        done.exception()  # retrieved: not reported again as never retrieved
    if ws.summarising.get(key, (0, None))[1] is done:
        del ws.summarising[key]


async def _summarise(ws: Workshop, programme: str, backed: bool) -> PlanSummary:
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


async def theme_page(
    ws: Workshop, programme: str, key: str, after: Cursor | None
) -> ThemePage | None:
    """A page of the theme's ideas, `PAGE` at a time after the cursor's idea, and what the
    page states about the theme; None for a theme the plan does not have."""
    summary = await plan_summary(ws, programme)
    row = next((r for r in summary.themes if r.theme.key == key), None)
    if row is None:
        return None
    page = await plan_cell(ws, programme, CellKey(theme=key), after)
    merged: dict[int, list[Idea]] = {}
    into = [i.number for i in page.ideas]
    for idea in sorted(await ws.plan_views.merged_into(programme, key, into), key=_number):
        if idea.merged_into is not None:  # always, for what `merged_into` returns
            merged.setdefault(idea.merged_into, []).append(idea)
    elsewhere = (
        () if after else sorted(await ws.plan_views.merged_away(programme, key), key=_number)
    )
    votes = await ws.plan.theme_votes(programme)
    return ThemePage(
        row,
        page,
        merged,
        tuple(elsewhere),
        (await ws.plan.theme_voters(programme)).get(key, {}),
        {audience: n for (theme, audience), n in votes.items() if theme == key},
        after,
    )


def _number(idea: Idea) -> int:
    return idea.number
