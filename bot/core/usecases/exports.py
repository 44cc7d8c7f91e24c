"""The whole plan for a full export (CSV, JSON, Markdown, the workbook): one snapshot, read a
batch of ideas at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.core.plan_export import PlanStream
from bot.core.plan_views import Grid
from bot.core.usecases.plan_views import emerging_themes
from bot.core.workshop import Workshop


@asynccontextmanager
async def plan_stream(ws: Workshop, programme: str) -> AsyncIterator[PlanStream]:
    """The plan as it stands, open for reading until the block is left."""
    await ws.ready(programme)
    emerging = await emerging_themes(ws, programme)
    async with ws.exports.plan_export(programme, Grid.of(ws.playbook)) as reader:
        yield PlanStream(ws.playbook, await reader.head(), emerging, reader)
