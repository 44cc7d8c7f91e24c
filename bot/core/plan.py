"""The co-created action plan: themes × actors, each cell's ideas ranked by votes (pure logic)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from bot.core.domain import Emerging, Idea, Phase, ProgrammeStats
from bot.core.playbook import Actor, Playbook, Theme


@dataclass(frozen=True, slots=True)
class Cell:
    actor: Actor
    ideas: tuple[Idea, ...]


# The one measure behind "backed across audiences", wherever the phrase appears: at least this
# share of every audience that voted in the theme backs the idea (the consensus, smoothed).
BACKED_SHARE = 1 / 3


@dataclass(frozen=True, slots=True)
class ThemePlan:
    theme: Theme
    cells: tuple[Cell, ...]
    unassigned: tuple[Idea, ...]
    merged: tuple[Idea, ...] = ()  # off the grid, kept for the record (and the export)
    phase: Phase = Phase.COLLECTING
    voters: Mapping[str, int] = field(default_factory=dict)  # distinct voters per audience
    hidden: tuple[Idea, ...] = ()  # hidden by organisers: off the grid, kept for the record

    @property
    def recorded(self) -> tuple[Idea, ...]:
        """Every idea of the theme for the record (exports): the grid's, then merged and hidden."""
        return (*self.ideas, *self.merged, *self.hidden)

    def consensus(self, idea: Idea) -> float | None:
        return consensus(idea.votes_by_audience, self.voters)

    def backed_across(self, idea: Idea) -> bool:
        return backed_across(idea.votes_by_audience, self.voters)

    def broadly_backed(self, limit: int | None = 3) -> tuple[Idea, ...]:
        """Ideas backed across audiences (`backed_across`), highest consensus first."""
        backed = [i for i in self.ideas if self.backed_across(i)]
        backed.sort(key=lambda i: (-(self.consensus(i) or 0.0), i.number))
        return tuple(backed if limit is None else backed[:limit])

    @property
    def ideas(self) -> tuple[Idea, ...]:
        """Every idea of the theme, most votes first."""
        return rank(i for group in (*(c.ideas for c in self.cells), self.unassigned) for i in group)


@dataclass(frozen=True, slots=True)
class ActionPlan:
    programme_name: str
    themes: tuple[ThemePlan, ...]
    stats: ProgrammeStats
    emerging: tuple[Emerging, ...] = ()  # the emerging themes from across the day

    @property
    def ideas(self) -> tuple[Idea, ...]:
        """Every idea on the grid, across themes (not merged or hidden ones)."""
        return tuple(i for tp in self.themes for i in tp.ideas)


class Ranked(Protocol):
    """What ranking looks at: an idea, or a row that stands for one (the digest's shortlist)."""

    @property
    def votes(self) -> int: ...

    @property
    def number(self) -> int: ...


R = TypeVar("R", bound=Ranked)


def consensus(votes: Mapping[str, int], voters: Mapping[str, int]) -> float | None:
    """How broadly an idea is backed: the lowest share of any audience's voters in its theme
    who voted for it (`votes` by audience), each share smoothed as (backers + 1) / (voters + 2)
    so that a handful of votes says little. None until two audiences have voted in the theme."""
    audiences = [a for a, n in voters.items() if n > 0]
    if len(audiences) < 2:
        return None
    return min((votes.get(a, 0) + 1) / (voters[a] + 2) for a in audiences)


def backed_across(votes: Mapping[str, int], voters: Mapping[str, int]) -> bool:
    """The one measure of "backed across audiences" (the plan, the digest, the brief): two
    audiences or more voted in the theme, each of them gave the idea a vote, and its consensus
    is at least BACKED_SHARE. One business vote out of five business voters (2/7, 29 %) is not,
    however many community votes the idea has: a token vote must not read as agreement."""
    found = consensus(votes, voters)
    if found is None or found < BACKED_SHARE - 1e-9:
        return False
    return all(votes.get(a, 0) for a, n in voters.items() if n > 0)


def least_backers(voters: int) -> int:
    """The fewest votes from an audience of `voters` that can reach BACKED_SHARE: a bound that
    lets storage shortlist candidates by counts before the measure is applied."""
    return max(1, math.ceil(BACKED_SHARE * (voters + 2) - 1 - 1e-9))


def rank(ideas: Iterable[R]) -> tuple[R, ...]:
    """The one ranking rule, for the plan, the idea list and the digest: most votes first;
    among equals, the earlier idea first."""
    return tuple(sorted(ideas, key=lambda i: (-i.votes, i.number)))


def build_plan(
    playbook: Playbook,
    ideas: Iterable[Idea],
    stats: ProgrammeStats,
    theme_key: str | None = None,
    phases: Mapping[str, Phase] | None = None,
    voters: Mapping[str, Mapping[str, int]] | None = None,
    emerging: tuple[Emerging, ...] = (),
) -> ActionPlan:
    """Lay ideas on the grid. Ideas of a theme or actor the playbook no longer has stay visible."""
    by_theme: dict[str, list[Idea]] = {}
    merged: dict[str, list[Idea]] = {}
    hidden: dict[str, list[Idea]] = {}
    for idea in ideas:
        group = merged if idea.merged_into is not None else hidden if idea.hidden else by_theme
        group.setdefault(idea.theme_key, []).append(idea)
    keys = {t.key for t in playbook.themes} | by_theme.keys()
    themes = playbook.themes_for(k for k in keys if theme_key in (None, k))
    actor_keys = {a.key for a in playbook.actors}
    plans = []
    for theme in themes:
        theme_ideas = by_theme.get(theme.key, [])
        cells = tuple(
            Cell(
                actor,
                rank(
                    i for i in theme_ideas if i.assignment and i.assignment.actor_key == actor.key
                ),
            )
            for actor in playbook.actors
        )
        unassigned = rank(
            i for i in theme_ideas if not i.assignment or i.assignment.actor_key not in actor_keys
        )
        old = tuple(sorted(merged.get(theme.key, []), key=lambda i: i.number))
        phase = (phases or {}).get(theme.key, Phase.COLLECTING)
        theme_voters = dict((voters or {}).get(theme.key, {}))
        gone = tuple(sorted(hidden.get(theme.key, []), key=lambda i: i.number))
        plans.append(ThemePlan(theme, cells, unassigned, old, phase, theme_voters, gone))
    return ActionPlan(playbook.name, tuple(plans), stats, emerging)
