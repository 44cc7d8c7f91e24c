"""The whole plan for a full export, in memory (`storage.plan_exports`): every listing picked
and ordered in Python, by `bot.core.plan.rank` for ideas on the plan, which is what the SQL's
ORDER BY is held to."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core import domain, export
from bot.core.engine import Engine
from bot.core.plan import ActionPlan, rank
from bot.core.plan_export import BATCH, ExportHead, Listing, Part, PlanStream
from bot.core.plan_views import UNASSIGNED, Grid
from bot.core.playbook import Playbook
from bot.documents import files
from tests.fakes.memory import Memory


def _part(idea: domain.Idea) -> Part:
    """As `build_plan` sorts an idea: merged first, then hidden, else on the plan."""
    if idea.merged_into is not None:
        return Part.MERGED
    return Part.HIDDEN if idea.hidden else Part.ON_PLAN


def _actor(idea: domain.Idea, grid: Grid) -> str:
    actor = idea.assignment.actor_key if idea.assignment else None
    return actor if actor in grid.actors else UNASSIGNED


@dataclass(frozen=True, slots=True)
class IdeasReader:
    """Implements `bot.core.ports.PlanReader` over every idea of a programme, held in memory."""

    every: Sequence[domain.Idea]
    stats: domain.ProgrammeStats
    phases: Mapping[str, domain.Phase]
    voters: Mapping[str, Mapping[str, int]]
    grid: Grid

    async def head(self) -> ExportHead:
        on_plan = [i for i in self.every if _part(i) is Part.ON_PLAN]
        counts: dict[tuple[str, str], int] = {}
        for idea in on_plan:
            cell = (idea.theme_key, _actor(idea, self.grid))
            counts[cell] = counts.get(cell, 0) + 1
        themes = frozenset(i.theme_key for i in on_plan)
        return ExportHead(self.stats, self.phases, self.voters, themes, counts)

    async def theme_votes(self) -> dict[tuple[str, str], int]:
        votes: dict[tuple[str, str], int] = {}
        for idea in self.every:
            if _part(idea) is Part.ON_PLAN:
                for audience, n in idea.votes_by_audience.items():
                    votes[(idea.theme_key, audience)] = votes.get((idea.theme_key, audience), 0) + n
        return votes

    async def ideas_of(self, listing: Listing) -> list[domain.Idea]:
        found = [
            i
            for i in self.every
            if _part(i) is listing.part
            and listing.theme in (None, i.theme_key)
            and listing.actor in (None, _actor(i, self.grid))
            and (listing.emerging is None or listing.emerging in i.emerging)
            and all(i.votes_by_audience.get(a, 0) >= n for a, n in listing.backers)
        ]
        if listing.part is Part.ON_PLAN:
            return list(rank(found))
        return sorted(found, key=lambda i: i.number)

    async def ideas(self, listing: Listing) -> AsyncIterator[Sequence[domain.Idea]]:
        found = await self.ideas_of(listing)
        for start in range(0, len(found), BATCH):
            yield found[start : start + BATCH]


class MemoryPlanExports(Memory):
    """Implements `bot.core.ports.ExportStore`."""

    @asynccontextmanager
    async def plan_export(self, programme: str, grid: Grid) -> AsyncIterator[IdeasReader]:
        ideas = [self._idea(r) for r in self._idea_rows(programme)]
        yield IdeasReader(
            ideas,
            await self.stats(programme),  # type: ignore[attr-defined]
            await self.phases(programme),  # type: ignore[attr-defined]
            await self.theme_voters(programme),  # type: ignore[attr-defined]
            grid,
        )


async def stream_of(playbook: Playbook, plan: ActionPlan) -> PlanStream:
    """An ActionPlan built in a test, as the exports read a plan."""
    ideas = [i for tp in plan.themes for i in tp.recorded]
    phases = {tp.theme.key: tp.phase for tp in plan.themes}
    voters = {tp.theme.key: tp.voters for tp in plan.themes}
    reader = IdeasReader(ideas, plan.stats, phases, voters, Grid.of(playbook))
    return PlanStream(playbook, await reader.head(), plan.emerging, reader)


async def text_of(pieces: AsyncIterator[str]) -> str:
    return "".join([piece async for piece in pieces])


async def rendered(fmt: str, playbook: Playbook, plan: ActionPlan, when: datetime) -> str:
    """An export of an ActionPlan built in a test, in one of `export.FORMATS`."""
    return await text_of(export.render(fmt, await stream_of(playbook, plan), when))


async def exported(engine: Engine, fmt: str = "json", programme: str = "default") -> Any:
    """What `howcanwe export` writes, read back: JSON as data, the other formats as text."""
    chunks = files.export_chunks(engine, programme, fmt, engine.now())
    text = b"".join([chunk async for chunk in chunks]).decode()
    return json.loads(text) if fmt == "json" else text
