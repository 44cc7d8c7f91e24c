"""What a digest reports, as storage hands it over: a period's figures, read by aggregate queries.

Storage fills these with a handful of GROUP BY and window-function queries, so a digest of a
programme with a hundred thousand ideas never loads them all: only a shortlist, from which
`choose` picks the few ideas it names by the plan's own ranking (`plan.rank`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from bot.core.domain import Assignment, Status
from bot.core.plan import Ranked, rank

TOP_IDEAS = 3  # per theme, by votes
CELL_IDEAS = 3  # per theme × actor cell of the plan
NEW_IDEAS = 5  # per theme, of the period's new ideas
UNASSIGNED_IDEAS = 3  # across the programme: the most-voted ideas nobody has assigned


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
    created_at: datetime
    votes: int
    votes_by_audience: Mapping[str, int] = field(default_factory=dict)
    assignment: Assignment | None = None
    assigned_at: datetime | None = None
    status: Status | None = None


@dataclass(frozen=True, slots=True)
class ThemeFigures:
    """One theme's period and standing: counts, plus the few ideas worth naming."""

    theme_key: str
    challenges_posted: tuple[int, ...] = ()  # challenge indices posted in the period
    new_ideas: int = 0
    ideas: int = 0  # on the plan now (not merged, not hidden)
    unassigned: int = 0
    cell_sizes: Mapping[str, int] = field(default_factory=dict)  # actor key → assigned ideas
    top: tuple[DigestIdea, ...] = ()  # most votes first
    newest: tuple[DigestIdea, ...] = ()  # the period's new ideas, most votes first
    cells: Mapping[str, tuple[DigestIdea, ...]] = field(default_factory=dict)  # most votes first


@dataclass(frozen=True, slots=True)
class DigestFigures:
    since: datetime
    until: datetime
    participation: tuple[Participation, ...]
    participants: int  # distinct people who added or voted in the period, on any platform
    themes: Mapping[str, ThemeFigures]
    merged: tuple[tuple[int, int], ...] = ()  # (idea, into) merged in the period
    unassigned: tuple[DigestIdea, ...] = ()  # the most-voted ideas still without an actor

    @property
    def new_ideas(self) -> int:
        return sum(p.ideas for p in self.participation)

    @property
    def new_votes(self) -> int:
        return sum(p.votes for p in self.participation)

    @property
    def quiet(self) -> bool:
        """Nothing new to report: the digest says so in a line instead of a full card."""
        return self.new_ideas == 0 and self.new_votes == 0 and not self.merged

    def is_new(self, idea: DigestIdea) -> bool:
        """Added or assigned in the period: marked as new on the plan."""
        return idea.created_at >= self.since or (
            idea.assigned_at is not None and idea.assigned_at >= self.since
        )


class Candidate(Ranked, Protocol):
    """An idea the digest may name, as storage's shortlist holds it."""

    @property
    def theme_key(self) -> str: ...

    @property
    def actor_key(self) -> str | None: ...

    @property
    def is_new(self) -> bool: ...  # added in the period


C = TypeVar("C", bound=Candidate)


@dataclass(frozen=True, slots=True)
class Picks(Generic[C]):
    """A theme's ideas that the digest names, each list most votes first."""

    top: tuple[C, ...] = ()
    newest: tuple[C, ...] = ()
    cells: Mapping[str, tuple[C, ...]] = field(default_factory=dict)  # actor key → ideas

    def named(self) -> Iterable[C]:
        yield from self.top
        yield from self.newest
        for found in self.cells.values():
            yield from found


@dataclass(frozen=True, slots=True)
class Choice(Generic[C]):
    themes: Mapping[str, Picks[C]]
    unassigned: tuple[C, ...]  # across the programme

    def named(self) -> Iterable[C]:
        yield from self.unassigned
        for picks in self.themes.values():
            yield from picks.named()


def choose(candidates: Iterable[C], theme_keys: Iterable[str]) -> Choice[C]:
    """The ideas a digest names, from candidates holding at least each list's first few."""
    ranked = rank(candidates)
    themes: dict[str, Picks[C]] = {}
    for key in {*theme_keys, *(c.theme_key for c in ranked)}:
        mine = [c for c in ranked if c.theme_key == key]
        cells: dict[str, list[C]] = {}
        for c in mine:
            if c.actor_key is not None:
                cells.setdefault(c.actor_key, []).append(c)
        themes[key] = Picks(
            top=tuple(mine[:TOP_IDEAS]),
            newest=tuple(c for c in mine if c.is_new)[:NEW_IDEAS],
            cells={actor: tuple(found[:CELL_IDEAS]) for actor, found in cells.items()},
        )
    waiting = tuple(c for c in ranked if c.actor_key is None)[:UNASSIGNED_IDEAS]
    return Choice(themes, waiting)
