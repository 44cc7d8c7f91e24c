"""What the one-page brief says, as data: the headline figures, what changed since the last brief,
the action grid with status, the live actions, the ideas backed across audiences, the emerging
themes and a chart of votes per theme. Kept apart from the PDF so the rule of what a board reads
is tested without it, and built from aggregate figures (a page never needs every idea)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.core import cards
from bot.core.digest import Backed, Decision
from bot.core.digest_cards import decision_text
from bot.core.domain import Emerging, ProgrammeStats, Status
from bot.core.playbook import Playbook

FIRST_PERIOD = timedelta(days=7)  # "what changed" of a programme's first brief
ACTIONS_SHOWN = 10  # live actions named on the page, most votes first
BACKED_SHOWN = 6  # across the programme
CHANGES_SHOWN = 4
EMERGING_SHOWN = 6
TEXT_CHARS = 110  # an idea's text on the page: one line of the table
LIVE = (Status.PROPOSED, Status.AGREED, Status.IN_PROGRESS)


@dataclass(frozen=True, slots=True)
class LiveAction:
    """An action still to do, as storage ranks them (most votes first)."""

    number: int
    text: str
    actor_key: str
    status: Status | None
    owner: str | None
    note: str | None
    votes: int


@dataclass(frozen=True, slots=True)
class BriefFigures:
    """What storage counts for a brief: every figure an aggregate, every list a few rows."""

    since: datetime
    new_ideas: int  # since the last brief
    decisions: tuple[Decision, ...]  # since the last brief, oldest first
    grid: Mapping[str, Mapping[str, int]]  # theme → actor key ("" unassigned) → live ideas
    statuses: Mapping[str, int]  # action status → live actions
    live: tuple[LiveAction, ...]  # the first ACTIONS_SHOWN
    live_total: int
    backed: tuple[Backed, ...]
    votes_per_theme: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GridRow:
    theme: str
    counts: tuple[int, ...]  # per actor, then "not yet assigned"


@dataclass(frozen=True, slots=True)
class ActionLine:
    number: int
    text: str
    actor: str
    status: str
    owner: str
    note: str


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int


@dataclass(frozen=True, slots=True)
class Brief:
    title: str
    made_at: datetime
    figures: tuple[tuple[str, str], ...]  # (figure, what it counts)
    since: datetime
    first: bool  # no brief was made before: "what changed" covers FIRST_PERIOD
    changed: tuple[str, ...]
    actors: tuple[str, ...]
    grid: tuple[GridRow, ...]
    actions: tuple[ActionLine, ...]
    actions_total: int
    statuses: tuple[tuple[str, int], ...]
    backed: tuple[str, ...]
    emerging: tuple[str, ...]
    chart: tuple[Bar, ...]


def brief(
    playbook: Playbook,
    found: BriefFigures,
    stats: ProgrammeStats,
    now: datetime,
    first: bool,
    emerging: Sequence[tuple[Emerging, int]] = (),
) -> Brief:
    """`emerging`: every emerging theme with how many live ideas are tagged to it."""
    actions = sum(found.statuses.values())
    themes = {t.key: t.title for t in playbook.themes}
    return Brief(
        title=f"{playbook.name}: the action plan",
        made_at=now,
        figures=(
            (f"{stats.ideas:,}", "ideas"),
            (f"{stats.votes:,}", "votes"),
            (f"{stats.participants:,}", "participants"),
            (f"{actions:,}", "actions"),
        ),
        since=found.since,
        first=first,
        changed=_changed(playbook, found),
        actors=(*(a.name for a in playbook.actors), "Not yet assigned"),
        grid=tuple(
            GridRow(
                theme.title,
                (
                    *(found.grid.get(theme.key, {}).get(a.key, 0) for a in playbook.actors),
                    found.grid.get(theme.key, {}).get("", 0),
                ),
            )
            for theme in playbook.themes_for(found.grid)
        ),
        actions=tuple(_action(playbook, a) for a in found.live[:ACTIONS_SHOWN]),
        actions_total=found.live_total,
        statuses=tuple((s.value, n) for s in Status if (n := found.statuses.get(s.value, 0))),
        backed=tuple(
            f"#{b.idea.number} {cards.clip(b.idea.text, TEXT_CHARS)} "
            f"({themes.get(b.idea.theme_key, b.idea.theme_key)}; consensus "
            f"{cards.consensus_text(b.consensus)})"
            for b in found.backed[:BACKED_SHOWN]
        ),
        emerging=_emerging(emerging),
        chart=tuple(
            Bar(theme.title, found.votes_per_theme.get(theme.key, 0))
            for theme in playbook.themes_for(found.grid)
        ),
    )


def _changed(playbook: Playbook, found: BriefFigures) -> tuple[str, ...]:
    notes = sum(1 for x in found.decisions if x.note)
    lines = [
        f"{cards.plural(found.new_ideas, 'new idea')}, "
        f"{cards.plural(len(found.decisions), 'decision')} "
        f"({cards.plural(notes, 'progress note')})"
    ]
    lines += [decision_text(playbook, x, 60) for x in found.decisions[-CHANGES_SHOWN:][::-1]]
    return tuple(lines)


def _emerging(emerging: Sequence[tuple[Emerging, int]]) -> tuple[str, ...]:
    """Themes with tagged ideas, most first; those still without any named in one line."""
    found = sorted(emerging, key=lambda e: -e[1])
    lines = [f"{e.name}: {cards.plural(n, 'idea')}" for e, n in found[:EMERGING_SHOWN] if n]
    waiting = [e.name for e, n in found if not n]
    if waiting:
        lines.append("No ideas tagged yet: " + ", ".join(waiting))
    return tuple(lines)


def _action(playbook: Playbook, action: LiveAction) -> ActionLine:
    actor = next((a.name for a in playbook.actors if a.key == action.actor_key), action.actor_key)
    return ActionLine(
        action.number,
        cards.clip(action.text, TEXT_CHARS),
        actor,
        action.status.value if action.status else "proposed",
        action.owner or "",
        cards.clip(action.note, 60) if action.note else "",
    )
