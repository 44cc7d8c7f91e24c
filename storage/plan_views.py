"""The plan at a glance, read from the plan's kept ranks (`storage.plan_ranks`): each cell's top
ideas and count from index ranges (`storage.plan_cells`), one cell a page at a time by keyset,
and the plan's revision. Never every idea, nor every vote, in memory."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from sqlalchemy import Connection, Float, and_, cast, false, func, or_, select
from sqlalchemy.orm import aliased

from bot.core import domain
from bot.core.plan import BACKED_SHARE, least_backers
from bot.core.plan_views import (
    BACKED,
    CellKey,
    Cursor,
    Grid,
    Top,
    Tops,
)
from storage import models as m
from storage import plan_cells
from storage import rank_tables as rt
from storage import tally_tables as tt
from storage.store import Store


def _on_plan(pid: int) -> Any:
    """The ideas the plan lays out: neither merged into another nor hidden."""
    return and_(m.Idea.programme_id == pid, m.Idea.merged_into.is_(None), m.Idea.hidden.is_(False))


def _shortlist(conn: Connection, pid: int) -> Any:
    """The ideas on the plan that may be backed across audiences, as a condition on their rank
    rows: each needs, from every audience that voted in its theme (two or more),
    `least_backers` of that audience's voters, so at least their sum of votes in all; found in
    the ranks' index by theme, most votes first."""
    voters: dict[str, list[int]] = {}
    for theme, _, n in conn.execute(_voters(pid)):
        voters.setdefault(theme, []).append(n)
    needs = {t: sum(least_backers(n) for n in ns) for t, ns in voters.items() if len(ns) > 1}
    r = rt.PlanRank
    return and_(
        r.programme_id == pid,
        or_(false(), *(and_(r.theme_key == t, r.votes >= n) for t, n in sorted(needs.items()))),
    )


def _voters(pid: int) -> Any:
    """Each theme's voters per audience, from the kept rows per voter (`storage.tallies`)."""
    return (
        select(
            tt.ThemeVoter.theme_key.label("theme"), tt.ThemeVoter.audience, func.count().label("n")
        )
        .where(tt.ThemeVoter.programme_id == pid)
        .group_by(tt.ThemeVoter.theme_key, tt.ThemeVoter.audience)
    )


def _backed(pid: int, shortlist: Any) -> Any:
    """Each theme's BACKED ideas backed across audiences (`ThemePlan.backed_across`) among
    `shortlist`: every audience that voted in the theme gave the idea a vote, two audiences or
    more, and the lowest smoothed share (backers + 1) / (voters + 2) is at least BACKED_SHARE;
    highest first."""
    voters = _voters(pid).subquery()
    spread = select(voters.c.theme, func.count().label("k")).group_by(voters.c.theme).subquery()
    r = rt.PlanRank
    per = (
        select(
            r.theme_key.label("theme"),
            r.number,
            tt.IdeaTally.audience,
            tt.IdeaTally.votes.label("c"),
        )
        .join(tt.IdeaTally, tt.IdeaTally.idea_id == r.idea_id)
        .where(shortlist)
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
            cells = plan_cells.cells(conn, pid, grid)
            ranges = [r for ranges, _ in cells.values() for r in ranges]
            found = plan_cells.tops(conn, pid, ranges, None, top)
            shared = conn.execute(_backed(pid, _shortlist(conn, pid))).all() if backed else []
            counted = {
                key: (plan_cells.merged([found[r] for r in ranges], top), n)
                for key, (ranges, n) in cells.items()
            }
            numbers = {n for ranked, _ in counted.values() for _, n in ranked}
            ideas = self._by_number(conn, pid, numbers | {r.number for r in shared})
            tops = {
                key: Top(tuple(ideas[n] for _, n in ranked), n_all)
                for key, (ranked, n_all) in counted.items()
            }
            by_theme: dict[str, list[tuple[domain.Idea, float]]] = {}
            for row in shared:
                by_theme.setdefault(row.theme, []).append((ideas[row.number], row.consensus))
            most = {k: tuple(v) for k, v in by_theme.items()}
            themes = {key.theme for key in cells if key.theme}
            return Tops(tops, most), frozenset(themes), int(revision or 0)

        return await self._read(tx)

    def _by_number(self, conn: Connection, pid: int, numbers: Collection[int]) -> dict[int, Any]:
        """The few ideas a view shows, read whole (votes by audience, credits, notes)."""
        return {i.number: i for i in self._ideas(conn, pid, numbers=numbers)} if numbers else {}

    async def plan_cell(
        self, programme: str, cell: CellKey, grid: Grid, after: Cursor | None, limit: int
    ) -> Sequence[domain.Idea]:
        def tx(conn: Connection) -> list[domain.Idea]:
            pid = self._programme_id(conn, programme)
            ranges = plan_cells.ranges_of(conn, pid, cell, grid)
            found = plan_cells.tops(conn, pid, ranges, after, limit)
            numbers = [n for _, n in plan_cells.merged(list(found.values()), limit)]
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
            r = rt.PlanRank
            heard = select(tt.IdeaTally.idea_id).where(
                tt.IdeaTally.idea_id == r.idea_id, tt.IdeaTally.audience == audience
            )
            numbers = list(
                conn.scalars(
                    select(r.number)
                    .where(
                        r.programme_id == pid,
                        r.votes > 0,
                        r.theme_key.not_in(list(closed)),
                        ~heard.exists(),
                    )
                    .order_by(r.votes.desc(), r.number)
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
