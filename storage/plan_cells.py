"""The plan's cells as ranges of the kept ranks' indexes (`storage.rank_tables`): a cell is one
range, or the union of a few (the unassigned: one per actor the playbook does not name; the
unplaced: one per style and stage off the grid; an actor across themes: one per theme, or per
style and stage); its top ideas are the ranges' first rows, merged, its count kept beside them
(`rank_tables.PlanCellCount`). Nothing reads more rows than it returns."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, literal, or_, select, union_all

from bot.core.plan_views import UNASSIGNED, UNPLACED, CellKey, Cursor, Grid
from storage import rank_tables as rt

PER_STATEMENT = 200  # ranges read by one UNION ALL: well under SQLite's 500 compound terms
Ranked = tuple[int, int]  # votes, number: the plan's order is (-votes, number)


@dataclass(frozen=True, slots=True)
class Range:
    """The kept rank rows whose columns equal `keys` ("" for an idea without the key), which an
    index holds together in the plan's order; `tagged`: of an emerging theme's ranks."""

    keys: tuple[tuple[str, str], ...] = ()
    tagged: bool = False

    @property
    def table(self) -> Any:
        return rt.PlanTagRank if self.tagged else rt.PlanRank

    def where(self, pid: int) -> list[Any]:
        t = self.table
        return [
            t.programme_id == pid,
            *(getattr(t, c) == v for c, v in self.keys),
        ]


def _cell(theme: str, actor: str) -> Range:
    return Range((("theme_key", theme), ("actor_key", actor)))


def _square(actor: str | None, style: str, stage: str) -> Range:
    return Range((("actor_key", actor or ""), ("style_key", style), ("stage_key", stage)))


def _placed(grid: Grid, style: str, stage: str) -> bool:
    return style in grid.styles and stage in grid.stages


def cells(conn: Connection, pid: int, grid: Grid) -> dict[CellKey, tuple[list[Range], int]]:
    """Every non-empty cell of the plan at a glance: its ranges and how many ideas it holds,
    from the kept counts (and an emerging theme's, from its index)."""
    c, t = rt.PlanCellCount, rt.PlanTagRank
    found: dict[CellKey, tuple[list[Range], int]] = {}

    def add(key: CellKey, where: Range, n: int) -> None:
        ranges, total = found.get(key, ([], 0))
        found[key] = ([*ranges, where], total + n)

    pairs: Counter[tuple[str, str]] = Counter()
    squares: Counter[tuple[str, str]] = Counter()
    for theme, actor, style, stage, n in conn.execute(
        select(c.theme_key, c.actor_key, c.style_key, c.stage_key, c.ideas).where(
            c.programme_id == pid
        )
    ):
        pairs[theme, actor] += n
        if grid.government and grid.styles and actor == grid.government:
            squares[style, stage] += n
    for (theme, actor), n in sorted(pairs.items()):
        if actor in grid.actors:
            add(CellKey(theme, actor), _cell(theme, actor), n)
            add(CellKey("", actor), _cell(theme, actor), n)  # the actor across themes
        else:
            add(CellKey(theme, UNASSIGNED), _cell(theme, actor), n)
    for (style, stage), n in sorted(squares.items()):
        square = CellKey("", style, stage)
        placed = square if _placed(grid, style, stage) else CellKey("", UNPLACED)
        add(placed, _square(grid.government, style, stage), n)
    for tag, n in conn.execute(
        select(t.emerging_key, func.count()).where(t.programme_id == pid).group_by(t.emerging_key)
    ):
        add(CellKey(emerging=tag), Range((("emerging_key", tag),), tagged=True), n)
    return found


def _squares(conn: Connection, pid: int, actor: str | None) -> Any:
    """An actor's (style, stage) pairs, from the kept counts."""
    c = rt.PlanCellCount
    return conn.execute(
        select(c.style_key, c.stage_key)
        .where(c.programme_id == pid, c.actor_key == (actor or ""))
        .distinct()
    ).all()


def ranges_of(conn: Connection, pid: int, cell: CellKey, grid: Grid) -> list[Range]:
    """The ranges holding one cell's ideas, as `CellKey` names cells."""
    if cell.emerging:
        return [Range((("emerging_key", cell.emerging),), tagged=True)]
    if cell.theme:
        if not cell.actor:  # the theme's every idea (its page)
            return [Range((("theme_key", cell.theme),))]
        if cell.actor != UNASSIGNED:
            return [_cell(cell.theme, cell.actor)]
        c = rt.PlanCellCount
        actors = conn.scalars(
            select(c.actor_key).where(c.programme_id == pid, c.theme_key == cell.theme).distinct()
        )
        return [_cell(cell.theme, a) for a in actors if a not in grid.actors]
    if not (cell.actor or cell.stage):  # every idea on the plan
        return [Range()]
    if not cell.stage and cell.actor != UNPLACED:  # an actor across themes
        return [_square(cell.actor, s, g) for s, g in _squares(conn, pid, cell.actor)]
    if cell.actor != UNPLACED:
        return [_square(grid.government, cell.actor, cell.stage)]
    return [
        _square(grid.government, s, g)
        for s, g in _squares(conn, pid, grid.government)
        if not _placed(grid, s, g)
    ]


def tops(
    conn: Connection, pid: int, ranges: Iterable[Range], after: Cursor | None, limit: int
) -> dict[Range, list[Ranked]]:
    """Each range's first `limit` rows in the plan's order (after the cursor's idea), read as
    index range scans, a few hundred ranges to a statement."""
    unique = list(dict.fromkeys(ranges))
    found: dict[Range, list[Ranked]] = {where: [] for where in unique}
    for start in range(0, len(unique), PER_STATEMENT):
        part = unique[start : start + PER_STATEMENT]
        firsts = [_first(where, k, pid, after, limit) for k, where in enumerate(part)]
        stmt = union_all(*(select(f) for f in firsts)) if len(firsts) > 1 else select(firsts[0])
        for k, votes, number in conn.execute(stmt):
            found[part[k]].append((votes, number))
    return found


def _first(where: Range, k: int, pid: int, after: Cursor | None, limit: int) -> Any:
    t = where.table
    query = select(literal(k).label("k"), t.votes, t.number).where(*where.where(pid))
    if after is not None:  # `votes <=` bounds the index range; the rest settles ties
        query = query.where(
            t.votes <= after.votes, or_(t.votes < after.votes, t.number > after.number)
        )
    return query.order_by(t.votes.desc(), t.number).limit(limit).subquery()


def merged(found: Sequence[Sequence[Ranked]], limit: int) -> list[Ranked]:
    """The first `limit` of ranges' rows together, in the plan's order."""
    return sorted((row for rows in found for row in rows), key=lambda r: (-r[0], r[1]))[:limit]
