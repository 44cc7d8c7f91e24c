"""The vote decision on its own: each rule over a snapshot, and a batch decided in arrival order.

Storage's side (reading the snapshot under its locks and writing the decision in the same
transaction) is covered through the real entry points in tests/storage/test_ballots.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.ballots import Ballot, Kind, NewVote, Snapshot, Target, decide
from bot.core.domain import ConversationRef, Participant, VoteOutcome

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
ANN, BEN = Participant("slack", "UANN", "Ann"), Participant("slack", "UBEN", "Ben")
VOTERS = {ANN: 1, BEN: 2}
HERE = ConversationRef("slack", "T1", "C1", "general")
IDEA = Target(id=10, number=1, theme_key="growth", hidden=False)
OTHER = Target(id=11, number=2, theme_key="growth", hidden=False)
CLICK = timedelta(seconds=2)


def snapshot(
    targets: dict[int, Target] | None = None,
    closed: frozenset[str] = frozenset(),
    used: dict[tuple[int, str], int] | None = None,
    votes: dict[tuple[int, int], datetime] | None = None,
) -> Snapshot:
    return Snapshot(
        targets if targets is not None else {1: IDEA, 2: OTHER},
        VOTERS,
        {HERE: "business"},
        closed,
        used or {},
        votes or {},
    )


def cast(number: int = 1, who: Participant = ANN, budget: int = 3) -> Ballot:
    return Ballot(Kind.CAST, number, who, HERE, budget)


def click(at: datetime, number: int = 1) -> Ballot:
    return Ballot(Kind.TOGGLE, number, ANN, HERE, 3, at=at, double_click=CLICK)


def outcomes(ballots: list[Ballot], read: Snapshot) -> list[VoteOutcome]:
    return [r.outcome for r in decide(ballots, read, NOW).results]


def test_a_vote_is_cast_within_budget_for_the_channels_audience() -> None:
    decision = decide([cast()], snapshot(), NOW)
    (result,) = decision.results
    assert (result.outcome, result.number, result.theme_key, result.used) == (
        VoteOutcome.CAST,
        1,
        "growth",
        1,
    )
    assert decision.added == {(10, 1): NewVote(10, 1, "business", "slack", NOW)}
    assert decision.used == {(1, "growth"): 1} and not decision.removed


def test_closed_themes_hidden_ideas_and_missing_ideas_refuse_and_change_nothing() -> None:
    hidden = Target(id=12, number=3, theme_key="growth", hidden=True)
    read = snapshot({1: IDEA, 3: hidden}, closed=frozenset())
    assert outcomes([cast(3), cast(9)], read) == [VoteOutcome.HIDDEN, VoteOutcome.NO_SUCH_IDEA]
    closed = decide([cast()], snapshot(closed=frozenset({"growth"})), NOW)
    assert [r.outcome for r in closed.results] == [VoteOutcome.CLOSED]
    assert not closed.added and not closed.used


def test_one_vote_per_idea_and_the_budget_holds_within_a_batch() -> None:
    read = snapshot(used={(1, "growth"): 2})
    assert outcomes([cast(), cast(), cast(2)], read) == [
        VoteOutcome.CAST,
        VoteOutcome.ALREADY,
        VoteOutcome.OVER_BUDGET,
    ]


def test_a_vote_already_stored_says_when_it_was_cast() -> None:
    earlier = NOW - timedelta(hours=1)
    (result,) = decide([cast()], snapshot(votes={(10, 1): earlier}), NOW).results
    assert (result.outcome, result.cast_at) == (VoteOutcome.ALREADY, earlier)


def test_taking_back_refunds_a_stored_vote_and_removes_it() -> None:
    read = snapshot(used={(1, "growth"): 1}, votes={(10, 1): NOW - timedelta(hours=1)})
    decision = decide([Ballot(Kind.RETRACT, 1, ANN)], read, NOW)
    assert [(r.outcome, r.used) for r in decision.results] == [(VoteOutcome.RETRACTED, 0)]
    assert decision.removed == {(10, 1)} and decision.used == {(1, "growth"): 0}
    assert outcomes([Ballot(Kind.RETRACT, 1, BEN)], read) == [VoteOutcome.NOT_VOTED]


def test_a_vote_cast_and_taken_back_in_one_batch_writes_no_vote() -> None:
    decision = decide([cast(), Ballot(Kind.RETRACT, 1, ANN)], snapshot(), NOW)
    assert [r.outcome for r in decision.results] == [VoteOutcome.CAST, VoteOutcome.RETRACTED]
    assert not decision.added and not decision.removed
    assert decision.used == {(1, "growth"): 0}


def test_an_uncharged_vote_taken_back_refunds_nothing_below_zero() -> None:
    read = snapshot(votes={(10, 1): NOW - timedelta(hours=1)})  # kept when its idea was unhidden
    (result,) = decide([Ballot(Kind.RETRACT, 1, ANN)], read, NOW).results
    assert (result.outcome, result.used) == (VoteOutcome.RETRACTED, 0)


def test_a_double_click_is_one_vote_and_a_later_click_takes_it_back() -> None:
    first = NOW - timedelta(seconds=10)
    decision = decide([click(first), click(first + timedelta(seconds=1))], snapshot(), NOW)
    assert [r.outcome for r in decision.results] == [VoteOutcome.CAST, VoteOutcome.ALREADY]
    assert decision.added[(10, 1)].cast_at == first  # stamped when the click arrived
    later = decide([click(first), click(first + timedelta(seconds=3))], snapshot(), NOW)
    assert [r.outcome for r in later.results] == [VoteOutcome.CAST, VoteOutcome.RETRACTED]


def test_a_click_that_arrived_before_the_stored_vote_is_its_double_click() -> None:
    """The pair's other click reached another process first and was stored first."""
    stored = {(10, 1): NOW}
    outcome = outcomes([click(NOW - timedelta(seconds=1))], snapshot(votes=stored))
    assert outcome == [VoteOutcome.ALREADY]


def test_a_vote_for_a_merged_idea_counts_for_the_idea_it_was_merged_into() -> None:
    decision = decide([cast(7)], snapshot({7: IDEA}), NOW)
    (result,) = decision.results
    assert (result.outcome, result.number) == (VoteOutcome.CAST, 1)
    assert (10, 1) in decision.added
