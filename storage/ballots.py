"""Votes and unvotes counted in batches: a click storm is the bot's busiest write.

Every ballot that arrives while a batch is being written waits for the next one
(`storage.batcher`). A batch reads the state it needs with a few set-wise statements, has the
core decide each ballot in arrival order (`bot.core.ballots.decide`), and writes the outcome
with a few more, the vote tallies last (`storage.tallies`), all in one transaction, so a burst
costs about ten statements rather than ten per vote. At low rates a batch holds one ballot and
costs what a single vote always did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Connection, Select, bindparam, delete, select

from bot.core.ballots import Ballot, BudgetKey, Decision, Snapshot, Target, VoteKey, decide
from bot.core.domain import ConversationRef, Participant, Phase, VoteOutcome, VoteResult
from storage import models as m
from storage import tallies
from storage.database import as_utc
from storage.vote_queries import budget_row, dialect_of, one_of

# ---- one batch, in one transaction ------------------------------------------------------------

_PID: BindParameter[int] = bindparam("pid")


@dataclass(frozen=True, slots=True)
class _Reads:
    """What a batch reads, built once per dialect (lists are bound as arrays on PostgreSQL)."""

    # the ideas named: share-locked (PostgreSQL), so that a merge in progress finishes first
    # and the locking read returns its latest version (merged_into)
    named: Select[*tuple[Any, ...]]
    by_id: Select[*tuple[Any, ...]]  # the ideas merged into
    closed: Select[*tuple[Any, ...]]  # the closed themes among those voted in
    # locked (PostgreSQL) in one order: a voter's ballots in two processes then queue here,
    # so a budget is never overspent
    budgets: Select[*tuple[Any, ...]]
    votes: Select[*tuple[Any, ...]]  # the voters' votes for those ideas, with where and when


@cache
def _reads(dialect: str) -> _Reads:
    def among(column: Any, name: str) -> Any:
        return one_of(column, name, dialect)

    return _Reads(
        named=select(m.Idea.id, m.Idea.number, m.Idea.theme_key, m.Idea.merged_into, m.Idea.hidden)
        .where(m.Idea.programme_id == _PID, among(m.Idea.number, "numbers"))
        .with_for_update(read=True),
        by_id=select(m.Idea.id, m.Idea.number, m.Idea.theme_key, m.Idea.hidden).where(
            among(m.Idea.id, "ids")
        ),
        closed=select(m.ThemePhase.theme_key).where(
            m.ThemePhase.programme_id == _PID,
            among(m.ThemePhase.theme_key, "themes"),
            m.ThemePhase.phase == Phase.CLOSED.value,
        ),
        budgets=select(m.VoteBudget.participant_id, m.VoteBudget.theme_key, m.VoteBudget.used)
        .where(
            m.VoteBudget.programme_id == _PID,
            among(m.VoteBudget.participant_id, "voters"),
            among(m.VoteBudget.theme_key, "themes"),
        )
        .order_by(m.VoteBudget.participant_id, m.VoteBudget.theme_key)
        .with_for_update(),
        votes=select(
            m.Vote.idea_id, m.Vote.participant_id, m.Vote.cast_at, m.Vote.audience, m.Vote.platform
        ).where(among(m.Vote.participant_id, "voters"), among(m.Vote.idea_id, "ideas")),
    )


_UNVOTE = delete(m.Vote).where(
    m.Vote.idea_id == bindparam("idea"), m.Vote.participant_id == bindparam("voter")
)


def count(
    conn: Connection,
    dialect: str,
    pid: int,
    now: datetime,
    ballots: Sequence[Ballot],
    voter_ids: dict[Participant, int],
    audiences: dict[ConversationRef, str],
) -> list[VoteResult]:
    """Decide and store a batch of ballots; one result per ballot, in order. `voter_ids` and
    `audiences` hold every voter's id and every casting channel's audience."""
    reads = _reads(dialect)
    numbers = sorted({b.number for b in ballots})
    named = {r.number: r for r in conn.execute(reads.named, {"pid": pid, "numbers": numbers})}
    into = sorted({r.merged_into for r in named.values() if r.merged_into is not None})
    by_id = {r.id: r for r in conn.execute(reads.by_id, {"ids": into})} if into else {}
    targets = {
        n: Target(t.id, t.number, t.theme_key, bool(t.hidden))
        for n, r in named.items()
        if (t := by_id.get(r.merged_into) if r.merged_into is not None else r) is not None
    }
    themes = sorted({t.theme_key for t in targets.values()})
    if not themes:
        return [VoteResult(VoteOutcome.NO_SUCH_IDEA, None) for _ in ballots]
    closed = frozenset(conn.scalars(reads.closed, {"pid": pid, "themes": themes}))
    pairs = {
        (voter_ids[b.voter], target.theme_key)
        for b in ballots
        if (target := targets.get(b.number)) is not None
    }
    ideas = [t.id for t in targets.values()]
    used, votes, cast_from = _read_state(conn, dialect, pid, sorted(pairs), ideas)
    decision = decide(ballots, Snapshot(targets, voter_ids, audiences, closed, used, votes), now)
    _write(conn, dialect, pid, decision)
    themes_of = {t.id: t.theme_key for t in targets.values()}
    added = [
        tallies.CastVote(i, v.audience, themes_of[i], pid, voter, v.platform, v.cast_at)
        for (i, voter), v in decision.added.items()
    ]
    removed = []
    for i, v in decision.removed:
        audience, platform, at = cast_from[i, v]
        removed.append(tallies.CastVote(i, audience, themes_of[i], pid, v, platform, at))
    tallies.apply(conn, dialect, tallies.cast(added, removed))
    return decision.results


def _read_state(
    conn: Connection, dialect: str, pid: int, pairs: list[tuple[int, str]], ideas: list[int]
) -> tuple[dict[BudgetKey, int], dict[VoteKey, datetime], dict[VoteKey, tuple[str, str, datetime]]]:
    """The budgets in use (locked, on PostgreSQL), the votes already cast, and their audiences,
    platforms and times (a vote taken back is taken off its audience's tallies and its day's
    activity)."""
    if dialect == "postgresql":
        # Concurrent writers: give every voter and theme of the batch a budget row to lock.
        # (SQLite has one writer at a time, which took the database when the batch began.)
        rows = [{"pid": pid, "voter": v, "theme": t} for v, t in pairs]
        conn.execute(_ensure_budgets(dialect), rows)
    voters = sorted({v for v, _ in pairs})
    themes = sorted({t for _, t in pairs})
    used = {
        (r.participant_id, r.theme_key): r.used
        for r in conn.execute(
            _reads(dialect).budgets, {"pid": pid, "voters": voters, "themes": themes}
        )
    }
    votes: dict[VoteKey, datetime] = {}
    cast_from: dict[VoteKey, tuple[str, str, datetime]] = {}
    for r in conn.execute(_reads(dialect).votes, {"voters": voters, "ideas": ideas}):
        votes[r.idea_id, r.participant_id] = as_utc(r.cast_at)
        cast_from[r.idea_id, r.participant_id] = (r.audience, r.platform, as_utc(r.cast_at))
    return used, votes, cast_from


def _write(conn: Connection, dialect: str, pid: int, decision: Decision) -> None:
    """Removals first: a vote taken back and cast again in one batch is a new row."""
    if decision.removed:
        conn.execute(_UNVOTE, [{"idea": i, "voter": v} for i, v in sorted(decision.removed)])
    if decision.added:
        rows = [
            {
                "idea_id": vote.idea_id,
                "participant_id": vote.voter_id,
                "audience": vote.audience,
                "platform": vote.platform,
                "cast_at": vote.cast_at,
            }
            for vote in decision.added.values()
        ]
        conn.execute(_add_votes(dialect), rows)
    if decision.used:
        rows = [
            {"pid": pid, "voter": v, "theme": t, "used": used}
            for (v, t), used in sorted(decision.used.items())
        ]
        conn.execute(_set_used(dialect), rows)


@cache
def _set_used(dialect: str) -> Any:
    """The votes in use after the batch, on a budget row that may not exist yet."""
    stmt = budget_row(dialect, bindparam("used"))
    return stmt.on_conflict_do_update(
        index_elements=["programme_id", "participant_id", "theme_key"],
        set_={"used": stmt.excluded.used},
    )


@cache
def _ensure_budgets(dialect: str) -> Any:
    """A budget row for every voter and theme of the batch, so that all can be locked."""
    return budget_row(dialect, 0).on_conflict_do_nothing()


@cache
def _add_votes(dialect: str) -> Any:
    return (
        dialect_of(dialect)
        .insert(m.Vote)
        .on_conflict_do_nothing(index_elements=["idea_id", "participant_id"])
    )
