"""The plan at a glance for big programmes: each cell's top ideas and how many it holds, and
one cell's ideas a page at a time, by a cursor that stays put when ideas arrive (pure logic).

The database does the counting and ranking (`storage.plan_views`), by the very rule of
`bot.core.plan.rank`: most votes first, then the earlier idea. `Cursor` is that order's key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.core.domain import Emerging, Idea, Phase, ProgrammeStats
from bot.core.plan import consensus
from bot.core.playbook import Actor, Playbook, Stage, Style, Theme

TOP = 5  # ideas shown per cell; a link (web) or a command (chat) lists the rest
BACKED = 3  # ideas backed across audiences shown per theme
PAGE = 50  # ideas per page of a cell's "see all"
UNASSIGNED = "unassigned"  # the cell of ideas no actor of the playbook has yet
UNPLACED = "unplaced"  # the government actor's ideas without a style and stage yet
CURSOR = re.compile(r"^(\d{1,9})\.(\d{1,9})$")


@dataclass(frozen=True, slots=True, order=True)
class Cursor:
    """Where a page ends: its last idea's votes and number. The next page holds the ideas that
    rank after it, so an idea arriving meanwhile never shifts what the reader has not seen."""

    votes: int
    number: int

    def __str__(self) -> str:
        return f"{self.votes}.{self.number}"

    @classmethod
    def parse(cls, text: str) -> Cursor | None:
        """The cursor a page link carries (`12.345`), or None for anything else."""
        found = CURSOR.match(text)
        return cls(int(found[1]), int(found[2])) if found else None

    @classmethod
    def after(cls, idea: Idea) -> Cursor:
        return cls(idea.votes, idea.number)


@dataclass(frozen=True, slots=True)
class Top:
    """A cell's best-ranked ideas and how many ideas the cell holds in all."""

    ideas: tuple[Idea, ...] = ()
    count: int = 0

    @property
    def more(self) -> int:
        return self.count - len(self.ideas)


@dataclass(frozen=True, slots=True)
class CellKey:
    """Which cell: a theme's actor (or UNASSIGNED); an actor across themes (theme ""); a
    style × stage of the government actor (theme "", actor = style, stage set; or UNPLACED);
    an emerging theme (emerging set). Listed a page at a time, as cells are, but never on the
    grid: a theme's every idea (theme alone) and the plan's (nothing set)."""

    theme: str = ""
    actor: str = ""
    stage: str = ""
    emerging: str = ""

    @property
    def query(self) -> dict[str, str]:
        """The cell as a page address's parameters (only those set)."""
        named = {"theme": self.theme, "actor": self.actor, "stage": self.stage}
        return {k: v for k, v in (named | {"emerging": self.emerging}).items() if v}


@dataclass(frozen=True, slots=True)
class Grid:
    """What the playbook names, which decides an idea's cell: the actors, and the government
    actor's styles and stages. An idea with a key the playbook no longer has falls to
    UNASSIGNED or UNPLACED, as in `bot.core.plan.build_plan`."""

    actors: tuple[str, ...]
    government: str | None
    styles: tuple[str, ...]
    stages: tuple[str, ...]

    @classmethod
    def of(cls, playbook: Playbook) -> Grid:
        government = next((a.key for a in playbook.actors if a.government), None)
        return cls(
            tuple(a.key for a in playbook.actors),
            government,
            tuple(s.key for s in playbook.styles),
            tuple(s.key for s in playbook.stages),
        )


@dataclass(frozen=True, slots=True)
class Tops:
    """What the database counted: every cell's Top, by CellKey."""

    cells: Mapping[CellKey, Top] = field(default_factory=dict)
    # Per theme: the ideas backed across audiences, highest consensus first, with it.
    backed: Mapping[str, tuple[tuple[Idea, float], ...]] = field(default_factory=dict)

    def of(self, key: CellKey) -> Top:
        return self.cells.get(key, Top())


@dataclass(frozen=True, slots=True)
class ThemeRow:
    theme: Theme
    phase: Phase
    cells: tuple[tuple[Actor, Top], ...]
    unassigned: Top
    backed: tuple[tuple[Idea, float], ...] = ()  # `ThemePlan.broadly_backed()`, with consensus

    @property
    def count(self) -> int:
        return sum(t.count for _, t in self.cells) + self.unassigned.count


@dataclass(frozen=True, slots=True)
class PlanSummary:
    """The whole plan at a glance: themes × actors, the government actor's styles × stages and
    the emerging themes, each cell's top ideas with its count. `revision` is the plan's
    revision it was read at: equal revisions, equal summaries."""

    programme_name: str
    stats: ProgrammeStats
    themes: tuple[ThemeRow, ...]
    actors: tuple[tuple[Actor, Top], ...]  # each actor's ideas from every theme
    government: Actor | None
    stages: tuple[Stage, ...]
    styles: tuple[tuple[Style, tuple[tuple[Stage, Top], ...]], ...]
    unplaced: Top
    emerging: tuple[tuple[Emerging, Top], ...]
    revision: int
    with_backed: bool = False  # each theme's `backed` was read (chat's card shows them)


def summarise(
    playbook: Playbook,
    tops: Tops,
    theme_keys: frozenset[str],
    stats: ProgrammeStats,
    phases: Mapping[str, Phase],
    emerging: tuple[Emerging, ...],
    revision: int,
    with_backed: bool = False,
) -> PlanSummary:
    """Lay the counted cells out as the plan does: every theme of the playbook, and any theme
    ideas still carry that the playbook no longer has (`theme_keys`)."""
    themes = playbook.themes_for({t.key for t in playbook.themes} | theme_keys)
    rows = tuple(
        ThemeRow(
            theme,
            phases.get(theme.key, Phase.COLLECTING),
            tuple((a, tops.of(CellKey(theme.key, a.key))) for a in playbook.actors),
            tops.of(CellKey(theme.key, UNASSIGNED)),
            tuple(tops.backed.get(theme.key, ())),
        )
        for theme in themes
    )
    government = next((a for a in playbook.actors if a.government), None)
    styles = (
        tuple(
            (style, tuple((s, tops.of(CellKey("", style.key, s.key))) for s in playbook.stages))
            for style in playbook.styles
        )
        if government
        else ()
    )
    return PlanSummary(
        playbook.name,
        stats,
        rows,
        tuple((a, tops.of(CellKey("", a.key))) for a in playbook.actors),
        government if playbook.styles else None,
        playbook.stages,
        styles,
        tops.of(CellKey("", UNPLACED)),
        tuple((e, tops.of(CellKey(emerging=e.key))) for e in emerging),
        revision,
        with_backed,
    )


@dataclass(frozen=True, slots=True)
class CellPage:
    """A page of one cell's ideas and the cursor of the next page (None on the last)."""

    ideas: Sequence[Idea]
    next: Cursor | None


@dataclass(frozen=True, slots=True)
class ThemePage:
    """A page of a theme's ideas, ranked as on the plan, each with the ideas merged into it;
    the theme as the plan shows it (phase, count); and its voters and votes by audience, which
    each idea's consensus is measured against."""

    row: ThemeRow
    page: CellPage
    merged: Mapping[int, Sequence[Idea]]  # by the number of the idea they became part of
    elsewhere: Sequence[Idea]  # merged into an idea not on this theme's plan (first page only)
    voters: Mapping[str, int]  # distinct voters per audience
    votes: Mapping[str, int]  # votes per audience
    after: Cursor | None

    @property
    def theme(self) -> Theme:
        return self.row.theme

    def consensus(self, idea: Idea) -> float | None:
        return consensus(idea.votes_by_audience, self.voters)
