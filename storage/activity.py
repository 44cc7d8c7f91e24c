"""Activity counts kept by the writes themselves (`tally_tables.ActivityCount`): per programme,
UTC day, participant, audience and platform, the new ideas and the votes on ideas not hidden; so
a digest's period adds up its whole days from at most a row per person and day, and reads only
its partial edge days from the ideas and votes themselves (ranges of the indexes on when they
were made). The rules are those of the period's own query: hidden ideas and their votes are off
the record, merged ideas count, an idea's votes count on the day they were cast.

Changes go through `storage.tallies` (its `Tallies.activity`), in the same transaction and the
same lock order: these rows last, in key order, as upserts; a row that reaches zero is deleted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Select,
    and_,
    bindparam,
    delete,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from storage import models as m
from storage import tally_tables as tt
from storage.database import as_utc
from storage.vote_queries import dialect_of

ActivityKey = tuple[int, date, int, str, str]  # programme, UTC day, participant, audience, platform
Person = tuple[int, str, str]  # participant, audience, platform
DAY = timedelta(days=1)
KEY = ("programme_id", "day", "participant_id", "audience", "platform")


class UtcDay(FunctionElement[date]):
    """The UTC day of a stored time. SQLite keeps UTC times as text whose first ten characters
    are the day, taken as they are; PostgreSQL keeps timestamptz, whose day would otherwise
    follow the session's time zone."""

    type = Date()
    inherit_cache = True


@compiles(UtcDay, "sqlite")
def _sqlite_day(element: UtcDay, compiler: SQLCompiler, **kw: Any) -> str:
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 10)"


@compiles(UtcDay, "postgresql")
def _postgres_day(element: UtcDay, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(timezone('UTC', {compiler.process(element.clauses, **kw)}) AS DATE)"


def day_of(moment: datetime) -> date:
    """The UTC day a time is counted on, as `UtcDay` finds it in the database."""
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()


@dataclass
class Activity:
    """New ideas and votes per activity key: what some ideas and votes add to the kept counts,
    or (as a difference) what a change did to them."""

    ideas: Counter[ActivityKey] = field(default_factory=Counter)
    votes: Counter[ActivityKey] = field(default_factory=Counter)

    def __sub__(self, other: Activity) -> Activity:
        return Activity(_minus(self.ideas, other.ideas), _minus(self.votes, other.votes))


def _minus(a: Counter[ActivityKey], b: Counter[ActivityKey]) -> Counter[ActivityKey]:
    """a − b key by key, negatives kept (Counter's own `-` drops them)."""
    found: Counter[ActivityKey] = Counter()
    for key in a.keys() | b.keys():
        if n := a[key] - b[key]:
            found[key] = n
    return found


def counted(conn: Connection, ideas: Any) -> Activity:
    """What ideas `ids` (a list or a query of idea ids) and their votes add to the counts."""
    found = Activity()
    for *key, n in conn.execute(idea_counts(m.Idea.id.in_(ideas))):
        found.ideas[_key(key)] = n
    for *key, n in conn.execute(vote_counts(m.Vote.idea_id.in_(ideas))):
        found.votes[_key(key)] = n
    return found


def _key(row: list[Any]) -> ActivityKey:
    pid, day, person, audience, platform = row
    return (pid, day, person, audience, platform)


def idea_counts(*where: Any, votes: bool = False) -> Select[*tuple[Any, ...]]:
    """New ideas not hidden, per activity key (`votes`: with a zero for votes after the count,
    the shape `rebuild` adds up)."""
    columns = (
        m.Idea.programme_id,
        UtcDay(m.Idea.created_at),
        m.Idea.author_id,
        m.Idea.audience,
        m.Idea.platform,
    )
    counts = (func.count(), literal(0)) if votes else (func.count(),)
    return select(*columns, *counts).where(m.Idea.hidden == false(), *where).group_by(*columns)


def vote_counts(*where: Any, ideas: bool = False) -> Select[*tuple[Any, ...]]:
    """Votes on ideas not hidden, per activity key (`ideas`: with a zero for ideas before the
    count, the shape `rebuild` adds up)."""
    columns = (
        m.Idea.programme_id,
        UtcDay(m.Vote.cast_at),
        m.Vote.participant_id,
        m.Vote.audience,
        m.Vote.platform,
    )
    counts = (literal(0), func.count()) if ideas else (func.count(),)
    return (
        select(*columns, *counts)
        .join(m.Idea, m.Idea.id == m.Vote.idea_id)
        .where(m.Idea.hidden == false(), *where)
        .group_by(*columns)
    )


def apply(conn: Connection, dialect: str, change: Activity) -> None:
    """Add `change` to the counts, rows in key order, and delete the rows it took to zero."""
    keys = sorted(
        k for k in change.ideas.keys() | change.votes.keys() if change.ideas[k] or change.votes[k]
    )
    if not keys:
        return
    rows = [
        dict(zip(KEY, k, strict=True)) | {"ideas": change.ideas[k], "votes": change.votes[k]}
        for k in keys
    ]
    conn.execute(_add(dialect), rows)
    fell = [
        dict(zip(KEY, k, strict=True)) for k in keys if change.ideas[k] < 0 or change.votes[k] < 0
    ]
    if fell:
        conn.execute(_drop(), fell)


@cache
def _add(dialect: str) -> Any:
    t = tt.ActivityCount
    stmt = dialect_of(dialect).insert(t)
    return stmt.on_conflict_do_update(
        index_elements=list(KEY),
        set_={"ideas": t.ideas + stmt.excluded.ideas, "votes": t.votes + stmt.excluded.votes},
    )


@cache
def _drop() -> Any:
    t = tt.ActivityCount
    return delete(t).where(
        *(getattr(t, name) == bindparam(name) for name in KEY), t.ideas == 0, t.votes == 0
    )


def kept(conn: Connection, pid: int) -> Activity:
    """Programme `pid`'s counts as kept."""
    t = tt.ActivityCount
    found = Activity()
    for *key, ideas, votes in conn.execute(
        select(
            t.programme_id, t.day, t.participant_id, t.audience, t.platform, t.ideas, t.votes
        ).where(t.programme_id == pid)
    ):
        if ideas:
            found.ideas[_key(key)] = ideas
        if votes:
            found.votes[_key(key)] = votes
    return found


def rebuild(conn: Connection) -> None:
    """Every programme's counts afresh from its ideas and votes (as the benchmarks' bulk loads
    need): the two counts summed per key in SQL."""
    conn.execute(delete(tt.ActivityCount))
    both = idea_counts(votes=True).union_all(vote_counts(ideas=True)).subquery()
    key, (ideas, votes) = both.c[:5], both.c[5:]
    conn.execute(
        insert(tt.ActivityCount).from_select(
            [*KEY, "ideas", "votes"],
            select(*key, func.sum(ideas), func.sum(votes)).group_by(*key),
        )
    )


def period(conn: Connection, pid: int, since: datetime, until: datetime) -> dict[Person, list[int]]:
    """New ideas and votes per person (participant, audience, platform) in [since, until): the
    whole UTC days from the kept rows, the partial days at either edge from the ideas and votes
    made in them."""
    since, until = as_utc(since).astimezone(UTC), as_utc(until).astimezone(UTC)
    first = midnight(day_of(since))  # the first whole day's start
    if first < since:
        first += DAY
    last = midnight(day_of(until))  # the end of the last whole day
    if first >= last:
        edges = [(since, until)]
    else:
        edges = [(a, b) for a, b in ((since, first), (last, until)) if a < b]
    acts: dict[Person, list[int]] = {}
    if first < last:
        t = tt.ActivityCount
        person = (t.participant_id, t.audience, t.platform)
        for who, audience, platform, ideas, votes in conn.execute(
            select(*person, func.sum(t.ideas), func.sum(t.votes))
            .where(t.programme_id == pid, t.day >= first.date(), t.day < last.date())
            .group_by(*person)
        ):
            _add_to(acts, (who, audience, platform), int(ideas), int(votes))
    for start, end in edges:
        for column, query in enumerate(_made(pid, start, end, conn.dialect.name)):
            for who, audience, platform, n in conn.execute(query):
                _add_to(acts, (who, audience, platform), *((n, 0) if column == 0 else (0, n)))
    return acts


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _add_to(acts: dict[Person, list[int]], who: Person, ideas: int, votes: int) -> None:
    counts = acts.setdefault(who, [0, 0])
    counts[0] += ideas
    counts[1] += votes


def _made(
    pid: int, since: datetime, until: datetime, dialect: str
) -> tuple[Select[*tuple[Any, ...]], Select[*tuple[Any, ...]]]:
    """The ideas and the votes made in [since, until), per person, each summed in SQL: a range
    of the index on when they were made."""
    key = (m.Idea.author_id, m.Idea.audience, m.Idea.platform)
    ideas = (
        select(*key, func.count())
        .where(m.Idea.programme_id == pid, m.Idea.hidden == false())
        .where(m.Idea.created_at >= since, m.Idea.created_at < until)
        .group_by(*key)
    )
    voter = (m.Vote.participant_id, m.Vote.audience, m.Vote.platform)
    votes = (
        select(*voter, func.count())
        .where(and_(m.Vote.cast_at >= since, m.Vote.cast_at < until), on_record(pid, dialect))
        .group_by(*voter)
    )
    return ideas, votes


def on_record(pid: int, dialect: str) -> Any:
    """Votes from the covering index on `cast_at`, each held to the programme's ideas not hidden
    (hidden ideas are off the record, votes too) through a set read once from the ideas' own
    covering index: no lookup of an idea per vote. PostgreSQL hashes the programme's ideas not
    hidden; SQLite, which builds the set as a b-tree, is given the far smaller one of the ideas
    off the record (other programmes' and the hidden ones: every vote's idea exists). `+ 0`
    keeps either from reading every vote of every idea by `idea_id` instead."""
    if dialect != "sqlite":
        live = select(m.Idea.id).where(m.Idea.programme_id == pid, m.Idea.hidden == false())
        return (m.Vote.idea_id + 0).in_(live)
    off = select(m.Idea.id).where(
        or_(
            m.Idea.programme_id < pid,
            m.Idea.programme_id > pid,
            and_(m.Idea.programme_id == pid, m.Idea.hidden == true()),
        )
    )
    return (m.Vote.idea_id + 0).not_in(off)
