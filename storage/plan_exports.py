"""The whole plan for a full export, from one read-only snapshot: the figures first, then each
listing's ideas from a cursor, a batch at a time, each batch read whole by the same indexed
queries as a card. Memory holds one batch, whatever the programme's size."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Result, and_, case, func, literal, or_, select

from bot.core import domain
from bot.core.plan_export import BATCH, ExportHead, Listing, Part
from bot.core.plan_views import UNASSIGNED, Grid
from storage import models as m
from storage import tally_tables as tt
from storage.digest_figures import theme_voters
from storage.planning import programme_stats, theme_phases
from storage.runners import Snapshot
from storage.store import Store


def _on_plan(pid: int) -> Any:
    return and_(m.Idea.programme_id == pid, m.Idea.merged_into.is_(None), m.Idea.hidden.is_(False))


def _part(pid: int, part: Part) -> Any:
    if part is Part.ON_PLAN:
        return _on_plan(pid)
    if part is Part.MERGED:
        return and_(m.Idea.programme_id == pid, m.Idea.merged_into.is_not(None))
    return and_(m.Idea.programme_id == pid, m.Idea.merged_into.is_(None), m.Idea.hidden.is_(True))


def _listed(pid: int, grid: Grid, listing: Listing) -> Any:
    """The listing's idea numbers in its order: ideas on the plan by `bot.core.plan.rank`
    (most votes, then the earlier idea), those kept for the record by number."""
    where = [_part(pid, listing.part)]
    if listing.theme is not None:
        where.append(m.Idea.theme_key == listing.theme)
    if listing.actor == UNASSIGNED:
        where.append(or_(m.Idea.actor_key.is_(None), m.Idea.actor_key.not_in(grid.actors)))
    elif listing.actor is not None:
        where.append(m.Idea.actor_key == listing.actor)
    for audience, least in listing.backers:  # kept by the writes (`storage.tallies`)
        votes = select(tt.IdeaTally.votes).where(
            tt.IdeaTally.idea_id == m.Idea.id, tt.IdeaTally.audience == audience
        )
        where.append(votes.correlate(m.Idea).scalar_subquery() >= least)
    query = select(m.Idea.number).where(*where)
    if listing.emerging is not None:
        query = query.join(m.IdeaTag, m.IdeaTag.idea_id == m.Idea.id).where(
            m.IdeaTag.emerging_key == listing.emerging
        )
    if listing.part is not Part.ON_PLAN:
        return query.order_by(m.Idea.number)
    votes = select(func.coalesce(func.sum(tt.IdeaTally.votes), 0)).where(
        tt.IdeaTally.idea_id == m.Idea.id
    )
    return query.order_by(votes.correlate(m.Idea).scalar_subquery().desc(), m.Idea.number)


def _cell(grid: Grid) -> Any:
    return case((m.Idea.actor_key.in_(grid.actors), m.Idea.actor_key), else_=literal(UNASSIGNED))


@dataclass(frozen=True, slots=True)
class _Reader:
    """Implements `bot.core.ports.PlanReader` over one snapshot."""

    store: SqlPlanExports
    snapshot: Snapshot
    programme: str
    grid: Grid

    async def head(self) -> ExportHead:
        def read(conn: Connection) -> ExportHead:
            pid = self.store._programme_id(conn, self.programme)
            counted = select(m.Idea.theme_key, _cell(self.grid).label("cell"), func.count())
            counts = {
                (theme, cell): int(n)
                for theme, cell, n in conn.execute(
                    counted.where(_on_plan(pid)).group_by(m.Idea.theme_key, "cell")
                )
            }
            themes = conn.scalars(select(m.Idea.theme_key).where(_on_plan(pid)).distinct())
            return ExportHead(
                programme_stats(conn, pid),
                theme_phases(conn, pid),
                theme_voters(conn, pid),
                frozenset(themes),
                counts,
            )

        return await self.snapshot.run(read)

    async def theme_votes(self) -> dict[tuple[str, str], int]:
        def read(conn: Connection) -> dict[tuple[str, str], int]:
            pid = self.store._programme_id(conn, self.programme)
            return {
                (theme, audience): int(n)
                for theme, audience, n in conn.execute(
                    select(m.Idea.theme_key, tt.IdeaTally.audience, func.sum(tt.IdeaTally.votes))
                    .join(m.Idea, m.Idea.id == tt.IdeaTally.idea_id)
                    .where(_on_plan(pid))
                    .group_by(m.Idea.theme_key, tt.IdeaTally.audience)
                )
            }

        return await self.snapshot.run(read)

    async def ideas(self, listing: Listing) -> AsyncIterator[Sequence[domain.Idea]]:
        def start(conn: Connection) -> tuple[int, Result[Any]]:
            pid = self.store._programme_id(conn, self.programme)
            streamed = conn.execution_options(stream_results=True, yield_per=BATCH)
            return pid, streamed.execute(_listed(pid, self.grid, listing))

        pid, cursor = await self.snapshot.run(start)

        def batch(conn: Connection) -> list[domain.Idea]:
            numbers = [row.number for row in cursor.fetchmany(BATCH)]
            if not numbers:
                return []
            whole = {i.number: i for i in self.store._ideas(conn, pid, numbers=numbers)}
            return [whole[n] for n in numbers]

        try:
            while found := await self.snapshot.run(batch):
                yield found
        finally:
            await self.snapshot.run(lambda _: cursor.close())


class SqlPlanExports(Store):
    """Implements `bot.core.ports.ExportStore`."""

    @asynccontextmanager
    async def plan_export(self, programme: str, grid: Grid) -> AsyncIterator[_Reader]:
        async with self._runner.snapshot() as snapshot:
            yield _Reader(self, snapshot, programme, grid)
