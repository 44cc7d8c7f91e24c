"""The plan's kept ranks (`rank_tables`), written in the transaction of every change to them:
the votes by `tallies.apply`, after the idea tallies, in idea-id order; an idea's place on the
plan (its theme, actor, style, stage, tags; hidden, merged, deleted) by `follow`, called by
each writer that changes it once the change is made. So the plan's cells are read as index
ranges (`storage.plan_views`), never by counting every idea's votes.

Locks, in the order of `storage.tallies`: a writer calling `follow` holds the ideas already
(its own update, or `tallies.hold`), then `follow` locks their rank rows in id order, as a vote
does after its tallies. A rank row's keys and its votes are written by different statements
(`follow` upserts keys only), so a vote and an assignment of the same idea both land; and a
row is only ever created while votes on the idea wait on the idea's lock, from the tallies,
or (a tag's row) from the locked rank row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from functools import cache
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, not_, select, update

from storage import models as m
from storage import rank_tables as rt
from storage import tally_tables as tt
from storage.vote_queries import dialect_of

RankRow = tuple[int, str, str, str, str, int, int]  # idea id, theme…stage, votes, number
TagRow = tuple[int, str, int, int]  # idea id, emerging key, votes, number
KEYS = ("theme_key", "actor_key", "style_key", "stage_key")


def _on_plan() -> Any:
    return and_(m.Idea.merged_into.is_(None), m.Idea.hidden.is_(False))


def _rows(*where: Any) -> Any:
    """The rank rows of the ideas `where` picks that are on the plan, counted afresh."""
    return select(
        m.Idea.id,
        m.Idea.programme_id,
        m.Idea.number,
        m.Idea.theme_key,
        *(func.coalesce(getattr(m.Idea, k), "") for k in KEYS[1:]),
        tt.idea_votes(),
    ).where(_on_plan(), *where)


def _tag_rows(*where: Any) -> Any:
    """The tag rank rows of the ideas `where` picks, their votes from their rank rows."""
    r = rt.PlanRank
    return (
        select(m.IdeaTag.idea_id, m.IdeaTag.emerging_key, r.programme_id, r.number, r.votes)
        .join(r, r.idea_id == m.IdeaTag.idea_id)
        .where(*where)
    )


COLUMNS = ["idea_id", "programme_id", "number", *KEYS, "votes"]
TAG_COLUMNS = ["idea_id", "emerging_key", "programme_id", "number", "votes"]


def follow(
    conn: Connection, dialect: str, ids: Collection[int], leaving: Collection[int] = ()
) -> None:
    """Ideas `ids`' rank rows made to follow the ideas as they now are: dropped for an idea off
    the plan (or `leaving`: about to be deleted), keys updated or, for an idea back on it,
    added with its votes from the tallies; the cells' counts moved with them; and the same for
    their tags."""
    wanted = sorted({*ids, *leaving})
    if not wanted:
        return
    staying = sorted(set(ids) - set(leaving))
    r, t = rt.PlanRank, rt.PlanTagRank
    cells = select(r.programme_id, *(getattr(r, k) for k in KEYS)).where(r.idea_id.in_(wanted))
    moved = Counter(tuple(row) for row in conn.execute(cells.order_by(r.idea_id).with_for_update()))
    on = select(m.Idea.id).where(m.Idea.id.in_(staying), _on_plan())
    conn.execute(delete(r).where(r.idea_id.in_(wanted), r.idea_id.not_in(on)))
    conn.execute(_upsert(dialect), {"ids": staying})
    moved.subtract(tuple(row) for row in conn.execute(cells))
    _count(conn, dialect, {key: -n for key, n in moved.items() if n})
    tagged = select(m.IdeaTag.idea_id).where(
        m.IdeaTag.idea_id == t.idea_id, m.IdeaTag.emerging_key == t.emerging_key
    )
    conn.execute(delete(t).where(t.idea_id.in_(wanted), not_(tagged.exists() & t.idea_id.in_(on))))
    conn.execute(_tag_insert(dialect), {"ids": staying})


def _count(conn: Connection, dialect: str, change: Mapping[tuple[Any, ...], int]) -> None:
    """Add `change` (ideas by programme and cell keys) to the cells' counts, rows in key order,
    and delete the rows it took to zero."""
    names = ("programme_id", *KEYS)
    rows = [dict(zip(names, key, strict=True)) | {"ideas": change[key]} for key in sorted(change)]
    if not rows:
        return
    conn.execute(_add_counts(dialect), rows)
    fell = [{k: row[k] for k in names} for row in rows if row["ideas"] < 0]
    if fell:
        c = rt.PlanCellCount
        zero = delete(c).where(*(getattr(c, k) == bindparam(k) for k in names), c.ideas == 0)
        conn.execute(zero, fell)


@cache
def _add_counts(dialect: str) -> Any:
    stmt = dialect_of(dialect).insert(rt.PlanCellCount)
    return stmt.on_conflict_do_update(
        index_elements=["programme_id", *KEYS],
        set_={"ideas": rt.PlanCellCount.ideas + stmt.excluded.ideas},
    )


@cache
def _upsert(dialect: str) -> Any:
    stmt = dialect_of(dialect).insert(rt.PlanRank)
    stmt = stmt.from_select(COLUMNS, _rows(m.Idea.id.in_(bindparam("ids", expanding=True))))
    return stmt.on_conflict_do_update(
        index_elements=["idea_id"], set_={k: getattr(stmt.excluded, k) for k in KEYS}
    )


@cache
def _tag_insert(dialect: str) -> Any:
    stmt = dialect_of(dialect).insert(rt.PlanTagRank)
    picked = m.IdeaTag.idea_id.in_(bindparam("ids", expanding=True))
    return stmt.from_select(TAG_COLUMNS, _tag_rows(picked)).on_conflict_do_nothing()


def add_votes(conn: Connection, change: Mapping[int, int]) -> None:
    """Add `change` (votes by idea id) to the rank rows, in idea-id order; an idea off the plan
    has none, and gets its votes from the tallies when it comes back (`follow`)."""
    rows = [{"i": i, "n": n} for i, n in sorted(change.items()) if n]
    if rows:
        conn.execute(_add(rt.PlanRank), rows)
        conn.execute(_add(rt.PlanTagRank), rows)


@cache
def _add(table: Any) -> Any:
    return (
        update(table)
        .where(table.idea_id == bindparam("i"))
        .values(votes=table.votes + bindparam("n"))
    )


def rebuild(conn: Connection) -> None:
    """Every rank row and cell count counted afresh from the ideas, tags and tallies (the
    benchmarks seed ideas and votes in bulk, past the writes that keep them)."""
    conn.execute(delete(rt.PlanTagRank))
    conn.execute(delete(rt.PlanRank))
    conn.execute(delete(rt.PlanCellCount))
    conn.execute(insert(rt.PlanRank).from_select(COLUMNS, _rows()))
    conn.execute(insert(rt.PlanTagRank).from_select(TAG_COLUMNS, _tag_rows()))
    r = rt.PlanRank
    keys = (r.programme_id, *(getattr(r, k) for k in KEYS))
    counted = select(*keys, func.count()).group_by(*keys)
    conn.execute(insert(rt.PlanCellCount).from_select(["programme_id", *KEYS, "ideas"], counted))


Kept = tuple[set[RankRow], set[TagRow], dict[tuple[str, ...], int]]


def kept(conn: Connection, pid: int) -> Kept:
    """Programme `pid`'s rank rows and cell counts as kept."""
    r, t, c = rt.PlanRank, rt.PlanTagRank, rt.PlanCellCount
    ranks = conn.execute(
        select(r.idea_id, *(getattr(r, k) for k in KEYS), r.votes, r.number).where(
            r.programme_id == pid
        )
    )
    tags = conn.execute(
        select(t.idea_id, t.emerging_key, t.votes, t.number).where(t.programme_id == pid)
    )
    counts = conn.execute(
        select(*(getattr(c, k) for k in KEYS), c.ideas).where(c.programme_id == pid)
    )
    return (
        {tuple(row) for row in ranks},
        {tuple(row) for row in tags},  # type: ignore[misc]
        {tuple(row[:4]): row[4] for row in counts},
    )


def recounted(conn: Connection, pid: int) -> Kept:
    """Programme `pid`'s rank rows and cell counts recounted from its ideas, tags and votes:
    what the kept ones must equal."""
    ranks: set[RankRow] = set()
    for i, _, number, theme, actor, style, stage, votes in conn.execute(
        _rows(m.Idea.programme_id == pid)
    ):
        ranks.add((i, theme, actor, style, stage, votes, number))
    on = {row[0]: row for row in ranks}
    tags = conn.execute(
        select(m.IdeaTag.idea_id, m.IdeaTag.emerging_key)
        .join(m.Idea, m.Idea.id == m.IdeaTag.idea_id)
        .where(m.Idea.programme_id == pid)
    )
    counts: Counter[tuple[str, ...]] = Counter(row[1:5] for row in ranks)
    return ranks, {(i, key, on[i][5], on[i][6]) for i, key in tags if i in on}, dict(counts)
