"""What a digest reports, as storage hands it over: a period's figures, read by aggregate queries.

A digest tells what changed, not the whole plan again, so every list here is bounded by the
period (its new ideas, its decisions) or by the one backed-across rule: storage reads them with a
handful of GROUP BY queries over the period's rows and indexes, and never loads every idea.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.core.domain import Status
from bot.core.plan import backed_across, consensus, rank

NEW_IDEAS = 2  # per theme, of the period's new ideas, most votes first
BACKED_IDEAS = 3  # across the programme, highest consensus first


@dataclass(frozen=True, slots=True)
class Participation:
    """New ideas, votes and people in the period from one audience on one platform."""

    audience: str
    platform: str
    ideas: int
    votes: int
    participants: int


@dataclass(frozen=True, slots=True)
class DigestIdea:
    """An idea the digest names, with its votes as they now stand."""

    number: int
    text: str
    theme_key: str
    votes: int
    votes_by_audience: Mapping[str, int] = field(default_factory=dict)


class Decided(StrEnum):
    """Kinds of decision a digest calls out, in the order that matters to a stakeholder."""

    STATUS = "status"  # an action moved on (agreed, in progress, done, dropped)
    ASSIGNED = "assigned"  # a new action: an idea given to an actor
    NOTE = "note"  # a progress note on an action
    MERGED = "merged"  # a near-duplicate merged into another idea


@dataclass(frozen=True, slots=True)
class Decision:
    """One thing organisers decided in the period, as the history recorded it."""

    kind: Decided
    number: int
    text: str  # the idea's text now
    at: datetime
    actor_key: str | None = None  # ASSIGNED
    style_key: str | None = None
    stage_key: str | None = None
    status: Status | None = None  # STATUS
    owner: str | None = None
    note: str | None = None  # NOTE
    into: int | None = None  # MERGED: the idea it became part of


@dataclass(frozen=True, slots=True)
class Backed:
    """An idea backed across audiences, with its consensus (the measure shown)."""

    idea: DigestIdea
    consensus: float


@dataclass(frozen=True, slots=True)
class ThemeFigures:
    """One theme's period: what was asked and added; its size for the headline."""

    theme_key: str
    challenges_posted: tuple[int, ...] = ()  # challenge indices posted in the period
    new_ideas: int = 0
    ideas: int = 0  # on the plan now (not merged, not hidden)
    actions: int = 0  # of those, assigned to an actor
    newest: tuple[DigestIdea, ...] = ()  # the period's new ideas, most votes first

    @property
    def changed(self) -> bool:
        return bool(self.new_ideas or self.challenges_posted)


@dataclass(frozen=True, slots=True)
class DigestFigures:
    since: datetime
    until: datetime
    participation: tuple[Participation, ...]
    participants: int  # distinct people who added or voted in the period, on any platform
    themes: Mapping[str, ThemeFigures]
    decisions: tuple[Decision, ...] = ()  # the period's, oldest first
    backed: tuple[Backed, ...] = ()  # highest consensus first

    @property
    def new_ideas(self) -> int:
        return sum(p.ideas for p in self.participation)

    @property
    def new_votes(self) -> int:
        return sum(p.votes for p in self.participation)

    @property
    def ideas(self) -> int:
        return sum(t.ideas for t in self.themes.values())

    @property
    def actions(self) -> int:
        return sum(t.actions for t in self.themes.values())

    @property
    def quiet(self) -> bool:
        """Nothing new to report: the digest says so in two lines instead of a full card."""
        return self.new_ideas == 0 and self.new_votes == 0 and not self.decisions


def newest(ideas: list[DigestIdea]) -> tuple[DigestIdea, ...]:
    """A theme's new ideas to name, by the plan's one ranking rule."""
    return rank(ideas)[:NEW_IDEAS]


def most_backed(
    candidates: list[DigestIdea],
    voters: Mapping[str, Mapping[str, int]],
    limit: int = BACKED_IDEAS,
) -> tuple[Backed, ...]:
    """The ideas backed across audiences (`plan.backed_across`, with `voters` per theme and
    audience as its denominators), highest consensus first, then most votes."""
    found = []
    for idea in candidates:
        theme_voters = voters.get(idea.theme_key, {})
        if backed_across(idea.votes_by_audience, theme_voters):
            found.append(Backed(idea, consensus(idea.votes_by_audience, theme_voters) or 0.0))
    found.sort(key=lambda b: (-b.consensus, -b.idea.votes, b.idea.number))
    return tuple(found[:limit])


HISTORY: Mapping[str, Decided] = {  # the history's actions a digest calls out
    "action.status": Decided.STATUS,
    "idea.assigned": Decided.ASSIGNED,
    "action.note": Decided.NOTE,
    "idea.merged": Decided.MERGED,
}


def decision(
    action: str,
    number: int,
    detail: Mapping[str, object],
    at: datetime,
    text: str,
    note: str | None = None,
) -> Decision | None:
    """A history entry as a decision (None for actions a digest does not call out); `note`:
    the progress note's text, which the history entry does not repeat."""
    kind = HISTORY.get(action)

    def word(key: str) -> str | None:
        value = detail.get(key)
        return str(value) if value is not None else None

    if kind is None or (kind is Decided.MERGED and not str(detail.get("into", "")).isdigit()):
        return None  # the merge's other entry (on the idea merged into) says it again
    status = word("status")
    into = word("into")
    return Decision(
        kind,
        number,
        text,
        at,
        actor_key=word("actor"),
        style_key=word("style"),
        stage_key=word("stage"),
        status=next((s for s in Status if s.value == status), None),
        owner=word("owner"),
        note=note if kind is Decided.NOTE else None,
        into=int(into) if into is not None and into.isdigit() else None,
    )


def latest_each(decisions: list[Decision]) -> tuple[Decision, ...]:
    """One decision per idea and kind, the latest (a status moved twice in a week reads as where
    it ended), oldest first."""
    last: dict[tuple[int, Decided], Decision] = {}
    for found in sorted(decisions, key=lambda x: x.at):
        last[(found.number, found.kind)] = found
    return tuple(sorted(last.values(), key=lambda x: x.at))
