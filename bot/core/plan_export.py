"""The whole plan read for a full export, a slice at a time: which ideas a section lists and in
what order (`Listing`), and the figures read once at the start (`ExportHead`), so that an export
of 300,000 ideas holds a batch of them in memory, never all (pure logic)."""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.domain import Emerging, Idea, Phase, ProgrammeStats
from bot.core.plan import consensus
from bot.core.plan_views import UNASSIGNED
from bot.core.playbook import Playbook, Theme

if TYPE_CHECKING:  # the port names this module's types
    from bot.core.ports import PlanReader

BATCH = 500  # ideas read, and rendered, at a time


class Part(enum.Enum):
    """Which of a theme's ideas: those on the grid (ranked by the plan's one rule), or those
    kept for the record only, merged or hidden (by number), as `ThemePlan.recorded` orders them."""

    ON_PLAN = "on_plan"
    MERGED = "merged"
    HIDDEN = "hidden"


@dataclass(frozen=True, slots=True)
class Listing:
    """The ideas one section of an export lists: of a theme (or all), of an actor (UNASSIGNED:
    none of the grid's actors) or tagged to an emerging theme, ON_PLAN ones most votes first."""

    theme: str | None = None
    actor: str | None = None
    emerging: str | None = None
    part: Part = Part.ON_PLAN
    # Only ideas with at least so many votes from each of these audiences: the shortlist of
    # ideas that may be backed across audiences (`least_backers`), the measure applied after.
    backers: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class ExportHead:
    """What an export states before its ideas, read in the same snapshot as the ideas."""

    stats: ProgrammeStats
    phases: Mapping[str, Phase]
    voters: Mapping[str, Mapping[str, int]]  # per theme: distinct voters per audience
    theme_keys: frozenset[str]  # the themes ideas on the plan carry
    counts: Mapping[tuple[str, str], int]  # (theme, actor or UNASSIGNED) → ideas on the plan


@dataclass(frozen=True, slots=True)
class PlanStream:
    """The plan of one programme as an export reads it: the head, then ideas listing by listing
    from the same snapshot of the database (`PlanReader`)."""

    playbook: Playbook
    head: ExportHead
    emerging: tuple[Emerging, ...]
    reader: PlanReader

    @property
    def programme_name(self) -> str:
        return self.playbook.name

    @property
    def themes(self) -> tuple[Theme, ...]:
        """The plan's themes in its order (`build_plan`): the playbook's, then any other theme
        ideas on the plan carry."""
        return self.playbook.themes_for(
            {t.key for t in self.playbook.themes} | self.head.theme_keys
        )

    def phase(self, theme: Theme) -> Phase:
        return self.head.phases.get(theme.key, Phase.COLLECTING)

    def voters(self, theme_key: str) -> dict[str, int]:
        return dict(self.head.voters.get(theme_key, {}))

    def consensus(self, idea: Idea) -> float | None:
        """As `ThemePlan.consensus`, in the idea's own theme."""
        return consensus(idea.votes_by_audience, self.head.voters.get(idea.theme_key, {}))

    def count(self, theme_key: str, actor_key: str) -> int:
        return self.head.counts.get((theme_key, actor_key), 0)

    def unassigned(self, theme_key: str) -> int:
        return self.count(theme_key, UNASSIGNED)

    def ideas(self, listing: Listing) -> AsyncIterator[Sequence[Idea]]:
        return self.reader.ideas(listing)

    async def recorded(self, theme_key: str) -> AsyncIterator[Sequence[Idea]]:
        """Every idea of the theme for the record: the grid's, then merged, then hidden."""
        for part in Part:
            async for batch in self.reader.ideas(Listing(theme_key, part=part)):
                yield batch
