"""Vote tallies kept by the writes themselves, in the transaction that changes the votes: per
idea and audience its votes (`IdeaTally`), per theme, audience and voter the votes on ideas not
hidden (`ThemeVoter`), so that rankings and the consensus never recount every vote; and with
them the activity counts per day (`storage.activity`), which a digest's period adds up.

Every writer takes its locks in one order: the ideas, the budgets, then the tallies, these in
key order (idea tallies, the plan's rank rows, voters, activity); so concurrent writers on
PostgreSQL queue on a tally row rather than deadlock. A change is applied as `UPDATE … SET
votes = votes + n` (an upsert, one statement in key order for additions and removals alike:
hence no CHECK on the counts, which the database would test on the row proposed before the
conflict), and a row that reaches zero is deleted: no read-modify-write, and no empty rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Connection, Select, bindparam, delete, func, insert, or_, select

from storage import activity, plan_ranks
from storage import models as m
from storage import tally_tables as tt
from storage.vote_queries import dialect_of

K = TypeVar("K")
IdeaKey = tuple[int, str]  # idea id, audience
VoterKey = tuple[int, str, str, int]  # programme id, theme, audience, participant id


@dataclass(frozen=True, slots=True)
class CastVote:
    """A vote cast or taken back, as the tallies count it."""

    idea_id: int
    audience: str
    theme_key: str
    programme_id: int
    voter_id: int
    platform: str
    cast_at: datetime


@dataclass
class Tallies:
    """Votes per idea tally and per theme voter, and the activity counts: what a set of ideas
    and votes adds to them, or (as a difference) what a change did to them."""

    ideas: Counter[IdeaKey] = field(default_factory=Counter)
    voters: Counter[VoterKey] = field(default_factory=Counter)
    activity: activity.Activity = field(default_factory=activity.Activity)

    def __sub__(self, other: Tallies) -> Tallies:
        return Tallies(
            _minus(self.ideas, other.ideas),
            _minus(self.voters, other.voters),
            self.activity - other.activity,
        )

    def as_dicts(self) -> list[dict[Any, int]]:
        """Every count as plain dicts, to compare kept with recounted (a Counter would take a
        row left at zero for one deleted)."""
        counts = (self.ideas, self.voters, self.activity.ideas, self.activity.votes)
        return [dict(found) for found in counts]


def _minus(a: Counter[K], b: Counter[K]) -> Counter[K]:
    """a − b key by key, negatives kept (Counter's own `-` drops them)."""
    found: Counter[K] = Counter()
    for key in a.keys() | b.keys():
        if n := a[key] - b[key]:
            found[key] = n
    return found


def hold(conn: Connection, ids: Collection[int]) -> None:
    """Lock ideas `ids` and those merged into them (PostgreSQL), before the budgets as every
    writer: a vote for a merged idea counts for the one it was merged into and holds the merged
    one meanwhile, so once this returns no vote for `ids` is half done, and `of_ideas` read
    before and after a change sees only the change."""
    if not ids:
        return
    wanted = sorted(ids)
    conn.execute(
        select(m.Idea.id)
        .where(or_(m.Idea.id.in_(wanted), m.Idea.merged_into.in_(wanted)))
        .order_by(m.Idea.id)
        .with_for_update()
    )


def of_ideas(conn: Connection, ids: Collection[int]) -> Tallies:
    """What ideas `ids` and their votes add to the tallies now: read before and after a change
    that moves, hides, merges or deletes them, the difference is what to apply."""
    return _counted(conn, sorted(ids)) if ids else Tallies()


def recounted(conn: Connection, pid: int) -> Tallies:
    """Programme `pid`'s tallies recounted from its ideas and votes: what the kept ones must
    equal."""
    return _counted(conn, select(m.Idea.id).where(m.Idea.programme_id == pid))


def _counted(conn: Connection, ideas: Any) -> Tallies:
    """What ideas `ideas` (a list or a query of idea ids) and their votes add to the tallies."""
    votes = m.Vote.idea_id.in_(ideas)
    found = Tallies(activity=activity.counted(conn, ideas))
    for idea_id, audience, n in conn.execute(_idea_counts(votes)):
        found.ideas[(idea_id, audience)] = n
    for pid, theme, audience, voter, n in conn.execute(_voter_counts(votes)):
        found.voters[(pid, theme, audience, voter)] = n
    return found


def _idea_counts(*where: Any) -> Select[*tuple[Any, ...]]:
    return (
        select(m.Vote.idea_id, m.Vote.audience, func.count())
        .where(*where)
        .group_by(m.Vote.idea_id, m.Vote.audience)
    )


def _voter_counts(*where: Any) -> Select[*tuple[Any, ...]]:
    """Votes on ideas not hidden, per programme, theme, audience and voter."""
    columns = (m.Idea.programme_id, m.Idea.theme_key, m.Vote.audience, m.Vote.participant_id)
    return (
        select(*columns, func.count())
        .join(m.Idea, m.Idea.id == m.Vote.idea_id)
        .where(m.Idea.hidden.is_(False), *where)
        .group_by(*columns)
    )


def apply(conn: Connection, dialect: str, change: Tallies) -> None:
    """Add `change` to the tallies, rows in key order, and delete the rows it took to zero;
    each idea's total to its rank rows on the plan (`storage.plan_ranks`)."""
    _add(conn, _add_ideas(dialect), _drop_ideas(), change.ideas, ("idea_id", "audience"))
    per_idea: Counter[int] = Counter()
    for (idea_id, _), n in change.ideas.items():
        per_idea[idea_id] += n
    plan_ranks.add_votes(conn, per_idea)
    voter = ("programme_id", "theme_key", "audience", "participant_id")
    _add(conn, _add_voters(dialect), _drop_voters(), change.voters, voter)
    activity.apply(conn, dialect, change.activity)


def _add(
    conn: Connection,
    add: Any,
    drop: Any,
    change: Mapping[tuple[Any, ...], int],
    names: tuple[str, ...],
) -> None:
    keys = sorted(k for k, n in change.items() if n)
    if not keys:
        return
    conn.execute(add, [dict(zip(names, k, strict=True)) | {"votes": change[k]} for k in keys])
    fell = [dict(zip(names, k, strict=True)) for k in keys if change[k] < 0]
    if fell:
        conn.execute(drop, fell)


@cache
def _add_ideas(dialect: str) -> Any:
    stmt = dialect_of(dialect).insert(tt.IdeaTally)
    return stmt.on_conflict_do_update(
        index_elements=["idea_id", "audience"],
        set_={"votes": tt.IdeaTally.votes + stmt.excluded.votes},
    )


@cache
def _add_voters(dialect: str) -> Any:
    stmt = dialect_of(dialect).insert(tt.ThemeVoter)
    return stmt.on_conflict_do_update(
        index_elements=["programme_id", "theme_key", "audience", "participant_id"],
        set_={"votes": tt.ThemeVoter.votes + stmt.excluded.votes},
    )


@cache
def _drop_ideas() -> Any:
    t = tt.IdeaTally
    return delete(t).where(
        t.idea_id == bindparam("idea_id"), t.audience == bindparam("audience"), t.votes == 0
    )


@cache
def _drop_voters() -> Any:
    t = tt.ThemeVoter
    return delete(t).where(
        t.programme_id == bindparam("programme_id"),
        t.theme_key == bindparam("theme_key"),
        t.audience == bindparam("audience"),
        t.participant_id == bindparam("participant_id"),
        t.votes == 0,
    )


def kept(conn: Connection, pid: int) -> Tallies:
    """Programme `pid`'s tallies as kept."""
    found = Tallies(activity=activity.kept(conn, pid))
    for idea_id, audience, n in conn.execute(
        select(tt.IdeaTally.idea_id, tt.IdeaTally.audience, tt.IdeaTally.votes)
        .join(m.Idea, m.Idea.id == tt.IdeaTally.idea_id)
        .where(m.Idea.programme_id == pid)
    ):
        found.ideas[(idea_id, audience)] = n
    t = tt.ThemeVoter
    for row in conn.execute(
        select(t.programme_id, t.theme_key, t.audience, t.participant_id, t.votes).where(
            t.programme_id == pid
        )
    ):
        found.voters[(row[0], row[1], row[2], row[3])] = row[4]
    return found


def rebuild(conn: Connection) -> None:
    """Every programme's tallies and plan ranks counted afresh from the ideas and votes (loaded
    in bulk, as the benchmarks seed them, they bypass the writes that keep them)."""
    conn.execute(delete(tt.IdeaTally))
    conn.execute(delete(tt.ThemeVoter))
    conn.execute(insert(tt.IdeaTally).from_select(["idea_id", "audience", "votes"], _idea_counts()))
    conn.execute(
        insert(tt.ThemeVoter).from_select(
            ["programme_id", "theme_key", "audience", "participant_id", "votes"], _voter_counts()
        )
    )
    activity.rebuild(conn)
    plan_ranks.rebuild(conn)


def cast(added: Iterable[CastVote], removed: Iterable[CastVote]) -> Tallies:
    """The change of a batch of ballots, on ideas not hidden (hidden ones take no votes)."""
    change = Tallies()
    for sign, votes in ((1, added), (-1, removed)):
        for v in votes:
            change.ideas[(v.idea_id, v.audience)] += sign
            change.voters[(v.programme_id, v.theme_key, v.audience, v.voter_id)] += sign
            day = activity.day_of(v.cast_at)
            change.activity.votes[(v.programme_id, day, v.voter_id, v.audience, v.platform)] += sign
    return change


def added_idea(
    pid: int, created_at: datetime, author_id: int, audience: str, platform: str
) -> Tallies:
    """The change of a new idea (which has no votes yet): its author's activity that day."""
    change = Tallies()
    change.activity.ideas[(pid, activity.day_of(created_at), author_id, audience, platform)] = 1
    return change
