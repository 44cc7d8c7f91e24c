"""The vote decision, pure: a batch of ballots decided in arrival order over the state storage read.

Storage reads a `Snapshot` (the ideas named, closed themes, budgets in use, votes there already)
in the transaction that will write the `Decision`, under the locks that keep two processes from
deciding on the same budget at once (`storage.ballots`); what is decided here is then written in
that same transaction. Ids are storage's own, opaque to the rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from bot.core.domain import ConversationRef, Participant, VoteOutcome, VoteResult

VoteKey = tuple[int, int]  # (idea id, voter id)
BudgetKey = tuple[int, str]  # (voter id, theme key)


class Kind(Enum):
    CAST = "cast"
    RETRACT = "retract"
    TOGGLE = "toggle"  # the Vote button: cast, or retract unless it is a double-click


@dataclass(frozen=True, slots=True)
class Ballot:
    """One click or command: cast (within `budget`, counted for the audience of the channel
    `where` it came from), retract, or toggle. A toggle's vote is stamped `at`, when the click
    arrived, and a second click less than `double_click` after a vote's stamp is folded into
    it: decided under the voter's budget lock, so processes fold a double-click alike."""

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


@dataclass(frozen=True, slots=True)
class Target:
    """The idea a ballot counts for: the one named, or the one it was merged into."""

    id: int
    number: int
    theme_key: str
    hidden: bool


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the batch's decisions depend on, as storage read it. Times are UTC-aware."""

    targets: Mapping[int, Target]  # idea number named → its target; absent: no such idea
    voters: Mapping[Participant, int]  # every voter of the batch → their id
    audiences: Mapping[ConversationRef, str]  # every casting channel → its audience
    closed: frozenset[str]  # closed themes among the targets'
    used: Mapping[BudgetKey, int]  # votes in use per voter and theme (absent: none)
    votes: Mapping[VoteKey, datetime]  # votes already cast → when


@dataclass(frozen=True, slots=True)
class NewVote:
    idea_id: int
    voter_id: int
    audience: str
    platform: str
    cast_at: datetime


@dataclass
class Decision:
    """One result per ballot, in order, and what storage is to write: votes removed (stored
    before the batch), votes added, and the budgets in use afterwards."""

    results: list[VoteResult] = field(default_factory=list)
    removed: set[VoteKey] = field(default_factory=set)
    added: dict[VoteKey, NewVote] = field(default_factory=dict)
    used: dict[BudgetKey, int] = field(default_factory=dict)


def decide(ballots: Sequence[Ballot], read: Snapshot, now: datetime) -> Decision:
    """Each ballot in arrival order, each seeing what the ones before it did: a closed theme
    or a hidden idea refuses; one vote per idea and voter; a cast within the voter's budget for
    the theme; a retract (or a toggle's second click) refunds, unless it is the double-click's
    second half."""
    batch = _Batch(read, dict(read.used), dict(read.votes))
    for ballot in ballots:
        batch.decision.results.append(batch.one(ballot, now))
    return batch.decision


@dataclass
class _Batch:
    read: Snapshot
    used: dict[BudgetKey, int]
    votes: dict[VoteKey, datetime]
    decision: Decision = field(default_factory=Decision)

    def one(self, ballot: Ballot, now: datetime) -> VoteResult:
        target = self.read.targets.get(ballot.number)
        if target is None:
            return VoteResult(VoteOutcome.NO_SUCH_IDEA, None)
        theme = target.theme_key
        if theme in self.read.closed:
            return VoteResult(VoteOutcome.CLOSED, target.number, theme)
        if target.hidden:
            return VoteResult(VoteOutcome.HIDDEN, target.number, theme)
        voter = self.read.voters[ballot.voter]
        budget_key, vote_key = (voter, theme), (target.id, voter)
        used = self.used.get(budget_key, 0)
        cast_at = self.votes.get(vote_key)
        if ballot.kind is Kind.RETRACT or (
            ballot.kind is Kind.TOGGLE
            and cast_at is not None
            and not _double_click(ballot, cast_at)
        ):
            return self._retract(target, budget_key, vote_key, used)
        if cast_at is not None:
            return VoteResult(VoteOutcome.ALREADY, target.number, theme, used, cast_at)
        if used >= ballot.budget or ballot.where is None:
            return VoteResult(VoteOutcome.OVER_BUDGET, target.number, theme, used)
        stamp = ballot.at or now
        self.votes[vote_key] = stamp
        audience = self.read.audiences[ballot.where]
        self.decision.added[vote_key] = NewVote(
            target.id, voter, audience, ballot.where.platform, stamp
        )
        return VoteResult(VoteOutcome.CAST, target.number, theme, self._spend(budget_key, used + 1))

    def _retract(
        self, target: Target, budget_key: BudgetKey, vote_key: VoteKey, used: int
    ) -> VoteResult:
        if vote_key not in self.votes:
            return VoteResult(VoteOutcome.NOT_VOTED, target.number, target.theme_key, used)
        del self.votes[vote_key]
        if self.decision.added.pop(vote_key, None) is None:  # stored before this batch
            self.decision.removed.add(vote_key)
        # A vote kept uncharged (its idea unhidden when the voter's budget was full) refunds
        # nothing.
        left = self._spend(budget_key, max(used - 1, 0))
        return VoteResult(VoteOutcome.RETRACTED, target.number, target.theme_key, left)

    def _spend(self, budget_key: BudgetKey, used: int) -> int:
        self.used[budget_key] = used
        self.decision.used[budget_key] = used
        return used


def _double_click(ballot: Ballot, cast_at: datetime) -> bool:
    """A click that arrived less than the double-click time after the vote's own click (or
    before it: the other click of the pair reached another process first)."""
    return ballot.at is not None and ballot.at - cast_at < ballot.double_click
