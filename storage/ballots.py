"""Votes and unvotes counted in batches: a click storm is the bot's busiest write.

Every ballot that arrives while a batch is being written waits for the next one
(`storage.batcher`). A batch reads the state it needs with a few set-wise
statements, decides each ballot in arrival order in Python, and writes the outcome with a few
more, so a burst costs about ten statements rather than ten per vote. At low rates a batch holds
one ballot and costs what a single vote always did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Connection, Select, bindparam, delete, select

from bot.core.domain import ConversationRef, Participant, Phase, VoteOutcome, VoteResult
from storage import models as m
from storage.database import as_utc
from storage.vote_queries import budget_row, dialect_of, one_of


class Kind(Enum):
    CAST = "cast"
    RETRACT = "retract"
    TOGGLE = "toggle"  # the Vote button: cast, or retract unless it is a double-click


@dataclass(frozen=True, slots=True)
class Ballot:
    """One click or command: cast (within `budget`, counted for the audience of the channel
    `where` it came from), retract, or toggle. A toggle's vote is stamped `at`, when the click
    arrived, and a second click less than `double_click` after a vote's stamp is folded into
    it: decided here, under the voter's budget lock, so processes fold a double-click alike."""

    kind: Kind
    number: int
    voter: Participant
    where: ConversationRef | None = None
    budget: int = 0
    tally: bool = False  # the caller wants the idea as it reads after the batch
    at: datetime | None = None
    double_click: timedelta = timedelta(0)


def tells_tally(ballot: Ballot, result: VoteResult) -> bool:
    """Whether the caller is told the idea's tally: when asked, and when a click took a vote
    back (the voter is told; a vote cast shows on the card alone)."""
    return ballot.tally or (ballot.kind is Kind.TOGGLE and result.outcome is VoteOutcome.RETRACTED)


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
    votes: Select[*tuple[Any, ...]]  # the voters' votes for those ideas


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
        votes=select(m.Vote.idea_id, m.Vote.participant_id, m.Vote.cast_at).where(
            among(m.Vote.participant_id, "voters"), among(m.Vote.idea_id, "ideas")
        ),
    )


_UNVOTE = delete(m.Vote).where(
    m.Vote.idea_id == bindparam("idea"), m.Vote.participant_id == bindparam("voter")
)


@dataclass
class _State:
    """What one batch read, changed as its ballots are decided in order."""

    used: dict[tuple[int, str], int]
    votes: dict[tuple[int, int], datetime]  # (idea id, voter id) → cast at
    added: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    removed: set[tuple[int, int]] = field(default_factory=set)
    spent: set[tuple[int, str]] = field(default_factory=set)  # budgets that changed


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
        n: (by_id.get(r.merged_into) if r.merged_into is not None else r) for n, r in named.items()
    }
    themes = sorted({t.theme_key for t in targets.values() if t is not None})
    if not themes:
        return [VoteResult(VoteOutcome.NO_SUCH_IDEA, None) for _ in ballots]
    closed = set(conn.scalars(reads.closed, {"pid": pid, "themes": themes}))
    pairs = {
        (voter_ids[b.voter], target.theme_key)
        for b in ballots
        if (target := targets.get(b.number)) is not None
    }
    ideas = [t.id for t in targets.values() if t is not None]
    state = _read_state(conn, dialect, pid, sorted(pairs), ideas)
    results = [
        _decide(b, targets.get(b.number), voter_ids[b.voter], closed, state, audiences, now)
        for b in ballots
    ]
    _write(conn, dialect, pid, state)
    return results


def _read_state(
    conn: Connection, dialect: str, pid: int, pairs: list[tuple[int, str]], ideas: list[int]
) -> _State:
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
    votes = {
        (r.idea_id, r.participant_id): r.cast_at
        for r in conn.execute(_reads(dialect).votes, {"voters": voters, "ideas": ideas})
    }
    return _State(used, votes)


def _decide(
    ballot: Ballot,
    target: Any,
    voter: int,
    closed: set[str],
    state: _State,
    audiences: dict[ConversationRef, str],
    now: datetime,
) -> VoteResult:
    if target is None:
        return VoteResult(VoteOutcome.NO_SUCH_IDEA, None)
    theme = target.theme_key
    if theme in closed:
        return VoteResult(VoteOutcome.CLOSED, target.number, theme)
    if target.hidden:
        return VoteResult(VoteOutcome.HIDDEN, target.number, theme)
    budget_key, vote_key = (voter, theme), (target.id, voter)
    used = state.used.get(budget_key, 0)
    cast_at = state.votes.get(vote_key)
    if ballot.kind is Kind.RETRACT or (
        ballot.kind is Kind.TOGGLE and cast_at is not None and not _double_click(ballot, cast_at)
    ):
        return _retract(state, target, budget_key, vote_key, used)
    if cast_at is not None:
        return VoteResult(VoteOutcome.ALREADY, target.number, theme, used, as_utc(cast_at))
    if used >= ballot.budget or ballot.where is None:
        return VoteResult(VoteOutcome.OVER_BUDGET, target.number, theme, used)
    stamp = ballot.at or now
    state.votes[vote_key] = stamp
    state.added[vote_key] = {
        "idea_id": target.id,
        "participant_id": voter,
        "audience": audiences[ballot.where],
        "platform": ballot.where.platform,
        "cast_at": stamp,
    }
    return VoteResult(VoteOutcome.CAST, target.number, theme, _spend(state, budget_key, used + 1))


def _retract(
    state: _State,
    target: Any,
    budget_key: tuple[int, str],
    vote_key: tuple[int, int],
    used: int,
) -> VoteResult:
    if vote_key not in state.votes:
        return VoteResult(VoteOutcome.NOT_VOTED, target.number, target.theme_key, used)
    del state.votes[vote_key]
    if state.added.pop(vote_key, None) is None:  # stored before this batch
        state.removed.add(vote_key)
    # A vote kept uncharged (its idea unhidden when the voter's budget was full) refunds nothing.
    left = _spend(state, budget_key, max(used - 1, 0))
    return VoteResult(VoteOutcome.RETRACTED, target.number, target.theme_key, left)


def _double_click(ballot: Ballot, cast_at: datetime) -> bool:
    """A click that arrived less than the double-click time after the vote's own click (or
    before it: the other click of the pair reached another process first)."""
    return ballot.at is not None and ballot.at - as_utc(cast_at) < ballot.double_click


def _spend(state: _State, budget_key: tuple[int, str], used: int) -> int:
    state.used[budget_key] = used
    state.spent.add(budget_key)
    return used


def _write(conn: Connection, dialect: str, pid: int, state: _State) -> None:
    """Removals first: a vote taken back and cast again in one batch is a new row."""
    if state.removed:
        conn.execute(_UNVOTE, [{"idea": i, "voter": v} for i, v in sorted(state.removed)])
    if state.added:
        conn.execute(_add_votes(dialect), list(state.added.values()))
    if state.spent:
        rows = [
            {"pid": pid, "voter": v, "theme": t, "used": state.used[(v, t)]}
            for v, t in sorted(state.spent)
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
