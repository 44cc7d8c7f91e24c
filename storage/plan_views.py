"""The plan at a glance, counted by the database from the kept vote tallies (`storage.tallies`):
each cell's top ideas by a window function, one cell a page at a time by keyset, and the plan's
revision. Never every idea, nor every vote, in memory."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from sqlalchemy import Connection, Float, and_, case, cast, func, literal, or_, select, true
from sqlalchemy.orm import aliased

from bot.core import domain
from bot.core.plan import BACKED_SHARE
from bot.core.plan_views import (
    BACKED,
    UNASSIGNED,
    UNPLACED,
    CellKey,
    Cursor,
    Grid,
    Top,
    Tops,
)
from storage import models as m
from storage import tallies
from storage import tally_tables as tt
from storage.store import Store


def _votes() -> Any:
    """An idea's votes, from its kept tallies: `Idea.votes`."""
    return tallies.idea_votes().label("votes")


def _on_plan(pid: int) -> Any:
    """The ideas the plan lays out: neither merged into another nor hidden."""
    return and_(m.Idea.programme_id == pid, m.Idea.merged_into.is_(None), m.Idea.hidden.is_(False))


def _placed(grid: Grid) -> Any:
    return and_(
        func.coalesce(m.Idea.style_key, "").in_(grid.styles),
        func.coalesce(m.Idea.stage_key, "").in_(grid.stages),
    )


def _groups(grid: Grid) -> list[tuple[Any, tuple[Any, Any, Any, Any]]]:
    """Each family of cells: the ideas it takes, and (theme, actor, stage, emerging) naming
    an idea's cell, as SQL."""
    empty = literal("")
    actor = case((m.Idea.actor_key.in_(grid.actors), m.Idea.actor_key), else_=literal(UNASSIGNED))
    families: list[tuple[Any, tuple[Any, Any, Any, Any]]] = [
        (true(), (m.Idea.theme_key, actor, empty, empty)),
        (true(), (empty, empty, empty, m.IdeaTag.emerging_key)),
    ]
    across = m.Idea.actor_key.in_(grid.actors)  # an actor's ideas from every theme
    families.append((across, (empty, m.Idea.actor_key, empty, empty)))
    if grid.government and grid.styles:
        placed = _placed(grid)
        style = case((placed, m.Idea.style_key), else_=literal(UNPLACED))
        stage = case((placed, m.Idea.stage_key), else_=empty)
        families.append((m.Idea.actor_key == grid.government, (empty, style, stage, empty)))
    return families


def _cell_filter(pid: int, cell: CellKey, grid: Grid) -> list[Any]:
    where = [_on_plan(pid)]
    if cell.emerging:
        return [*where, m.IdeaTag.emerging_key == cell.emerging]
    if cell.theme:
        where.append(m.Idea.theme_key == cell.theme)
        if not cell.actor:  # the theme's every idea (its page)
            return where
        if cell.actor == UNASSIGNED:
            return [*where, or_(m.Idea.actor_key.is_(None), m.Idea.actor_key.not_in(grid.actors))]
        return [*where, m.Idea.actor_key == cell.actor]
    if not (cell.actor or cell.stage):  # every idea on the plan
        return where
    if not cell.stage and cell.actor != UNPLACED:
        return [*where, m.Idea.actor_key == cell.actor]
    where.append(m.Idea.actor_key == grid.government)
    if cell.actor == UNPLACED:
        return [*where, ~_placed(grid)]
    return [*where, m.Idea.style_key == cell.actor, m.Idea.stage_key == cell.stage]


def _backed(pid: int) -> Any:
    """Each theme's BACKED ideas backed across audiences (`ThemePlan.backed_across`): every
    audience that voted in the theme gave the idea a vote, two audiences or more, and the
    lowest smoothed share (backers + 1) / (voters + 2) is at least BACKED_SHARE; highest first."""
    voters = (  # the kept rows per theme, audience and voter (`storage.tallies`)
        select(
            tt.ThemeVoter.theme_key.label("theme"), tt.ThemeVoter.audience, func.count().label("n")
        )
        .where(tt.ThemeVoter.programme_id == pid)
        .group_by(tt.ThemeVoter.theme_key, tt.ThemeVoter.audience)
        .subquery()
    )
    spread = select(voters.c.theme, func.count().label("k")).group_by(voters.c.theme).subquery()
    per = (
        select(
            m.Idea.theme_key.label("theme"),
            m.Idea.number,
            tt.IdeaTally.audience,
            tt.IdeaTally.votes.label("c"),
        )
        .join(m.Idea, m.Idea.id == tt.IdeaTally.idea_id)
        .where(_on_plan(pid))
        .subquery()
    )
    share = cast(per.c.c + 1, Float) / cast(voters.c.n + 2, Float)
    scored = (
        select(
            per.c.theme,
            per.c.number,
            func.min(share).label("consensus"),
            func.count().label("audiences"),
        )
        .join(voters, and_(voters.c.theme == per.c.theme, voters.c.audience == per.c.audience))
        .group_by(per.c.theme, per.c.number)
        .subquery()
    )
    ranked = (
        select(
            scored.c.theme,
            scored.c.number,
            scored.c.consensus,
            func.row_number()
            .over(
                partition_by=scored.c.theme,
                order_by=(scored.c.consensus.desc(), scored.c.number),
            )
            .label("rn"),
        )
        .join(spread, spread.c.theme == scored.c.theme)
        .where(
            scored.c.audiences == spread.c.k,
            spread.c.k >= 2,
            scored.c.consensus >= BACKED_SHARE - 1e-9,
        )
        .subquery()
    )
    return select(ranked).where(ranked.c.rn <= BACKED).order_by(ranked.c.theme, ranked.c.rn)


class SqlPlanViews(Store):
    """Implements `bot.core.ports.PlanViewStore`."""

    async def plan_revision(self, programme: str) -> int:
        def tx(conn: Connection) -> int:
            pid = self._programme_id(conn, programme)
            found = conn.scalar(select(m.Programme.plan_revision).where(m.Programme.id == pid))
            return int(found or 0)

        return await self._read(tx)

    async def plan_tops(
        self, programme: str, grid: Grid, top: int, backed: bool = False
    ) -> tuple[Tops, frozenset[str], int]:
        def tx(conn: Connection) -> tuple[Tops, frozenset[str], int]:
            pid = self._programme_id(conn, programme)
            revision = conn.scalar(select(m.Programme.plan_revision).where(m.Programme.id == pid))
            counted: dict[CellKey, tuple[list[int], int]] = {}
            for where, names in _groups(grid):
                for row in conn.execute(self._ranked(pid, where, names, top)):
                    key = CellKey(row.theme, row.actor, row.stage, row.emerging)
                    counted.setdefault(key, ([], int(row.n)))[0].append(row.number)
            shared = conn.execute(_backed(pid)).all() if backed else []
            numbers = {n for found, _ in counted.values() for n in found}
            ideas = self._by_number(conn, pid, numbers | {r.number for r in shared})
            tops = {
                key: Top(tuple(ideas[n] for n in found), n_all)
                for key, (found, n_all) in counted.items()
            }
            by_theme: dict[str, list[tuple[domain.Idea, float]]] = {}
            for row in shared:
                by_theme.setdefault(row.theme, []).append((ideas[row.number], row.consensus))
            themes = conn.scalars(select(m.Idea.theme_key).where(_on_plan(pid)).distinct())
            most = {k: tuple(v) for k, v in by_theme.items()}
            return Tops(tops, most), frozenset(themes), int(revision or 0)

        return await self._read(tx)

    def _by_number(self, conn: Connection, pid: int, numbers: Collection[int]) -> dict[int, Any]:
        """The few ideas a view shows, read whole (votes by audience, credits, notes)."""
        return {i.number: i for i in self._ideas(conn, pid, numbers=numbers)} if numbers else {}

    def _ranked(self, pid: int, where: Any, names: tuple[Any, Any, Any, Any], top: int) -> Any:
        """Each cell's `top` ideas by the plan's ranking rule, with the cell's count."""
        cell = ("theme", "actor", "stage", "emerging")
        inner = select(
            m.Idea.number, _votes(), *(c.label(n) for c, n in zip(names, cell, strict=True))
        ).where(_on_plan(pid), where)
        if names[3] is m.IdeaTag.emerging_key:  # one row per tag
            inner = inner.join(m.IdeaTag, m.IdeaTag.idea_id == m.Idea.id)
        ranked = inner.subquery()
        partition = [ranked.c[n] for n in cell]
        order = (ranked.c.votes.desc(), ranked.c.number)
        numbered = select(
            ranked,
            func.row_number().over(partition_by=partition, order_by=order).label("rn"),
            func.count().over(partition_by=partition).label("n"),
        ).subquery()
        return (
            select(numbered)
            .where(numbered.c.rn <= top)
            .order_by(*(numbered.c[n] for n in cell), numbered.c.rn)
        )

    async def plan_cell(
        self, programme: str, cell: CellKey, grid: Grid, after: Cursor | None, limit: int
    ) -> Sequence[domain.Idea]:
        def tx(conn: Connection) -> list[domain.Idea]:
            pid = self._programme_id(conn, programme)
            inner = select(m.Idea.number, _votes()).where(*_cell_filter(pid, cell, grid))
            if cell.emerging:
                inner = inner.join(m.IdeaTag, m.IdeaTag.idea_id == m.Idea.id)
            ranked = inner.subquery()
            page = select(ranked.c.number)
            if after is not None:
                page = page.where(
                    or_(
                        ranked.c.votes < after.votes,
                        and_(ranked.c.votes == after.votes, ranked.c.number > after.number),
                    )
                )
            numbers = list(
                conn.scalars(page.order_by(ranked.c.votes.desc(), ranked.c.number).limit(limit))
            )
            ideas = self._by_number(conn, pid, numbers)
            return [ideas[n] for n in numbers]

        return await self._read(tx)

    async def owned_actions(
        self, programme: str, statuses: Collection[domain.Status]
    ) -> Sequence[domain.Idea]:
        def tx(conn: Connection) -> list[domain.Idea]:
            pid = self._programme_id(conn, programme)
            found = conn.scalars(
                select(m.Idea.number).where(
                    _on_plan(pid),
                    m.Idea.owner.is_not(None),
                    m.Idea.status.in_([s.value for s in statuses]),
                )
            ).all()
            return sorted(self._by_number(conn, pid, found).values(), key=lambda i: i.number)

        return await self._read(tx)

    async def unheard(
        self, programme: str, audience: str, closed: Collection[str], limit: int
    ) -> Sequence[domain.Idea]:
        def tx(conn: Connection) -> list[domain.Idea]:
            pid = self._programme_id(conn, programme)
            heard = select(tt.IdeaTally.idea_id).where(
                tt.IdeaTally.idea_id == m.Idea.id, tt.IdeaTally.audience == audience
            )
            ranked = (
                select(m.Idea.number, _votes())
                .where(_on_plan(pid), m.Idea.theme_key.not_in(list(closed)), ~heard.exists())
                .subquery()
            )
            numbers = list(
                conn.scalars(
                    select(ranked.c.number)
                    .where(ranked.c.votes > 0)
                    .order_by(ranked.c.votes.desc(), ranked.c.number)
                    .limit(limit)
                )
            )
            ideas = self._by_number(conn, pid, numbers)
            return [ideas[n] for n in numbers]

        return await self._read(tx)

    async def merged_into(
        self, programme: str, theme: str, numbers: Collection[int]
    ) -> Sequence[domain.Idea]:
        return await self._merged(programme, theme, lambda target: target.number.in_(numbers))

    async def merged_away(self, programme: str, theme: str) -> Sequence[domain.Idea]:
        def elsewhere(target: Any) -> Any:
            return or_(
                target.theme_key != theme,
                target.hidden.is_(True),
                target.merged_into.is_not(None),
            )

        return await self._merged(programme, theme, elsewhere)

    async def _merged(
        self, programme: str, theme: str, into: Callable[[Any], Any]
    ) -> list[domain.Idea]:
        """The theme's ideas merged into an idea `into` holds of (given the idea, as SQL)."""

        def tx(conn: Connection) -> list[domain.Idea]:
            pid = self._programme_id(conn, programme)
            target = aliased(m.Idea)
            found = conn.scalars(
                select(m.Idea.number)
                .join(target, target.id == m.Idea.merged_into)
                .where(m.Idea.programme_id == pid, m.Idea.theme_key == theme, into(target))
            ).all()
            return self._ideas(conn, pid, numbers=found) if found else []

        return await self._read(tx)
