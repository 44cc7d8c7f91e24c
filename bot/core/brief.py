"""What the one-page brief says, as data: the headline figures, what changed in the period, the
action grid with status, the ideas backed across audiences, the emerging themes and a chart of
votes per theme. Kept apart from the PDF so the rule of what a board reads is tested without it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core import cards
from bot.core.domain import Idea, Status
from bot.core.emerging import gather
from bot.core.plan import ActionPlan
from bot.core.playbook import Playbook

PERIOD = timedelta(days=7)  # "what changed": the week before the brief was made
ACTIONS_SHOWN = 10  # live actions named on the page, most votes first
BACKED_SHOWN = 2  # per theme
CHANGES_SHOWN = 4
EMERGING_SHOWN = 6
TEXT_CHARS = 110  # an idea's text on the page: one line of the table
LIVE = (Status.PROPOSED, Status.AGREED, Status.IN_PROGRESS)


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
    changed: tuple[str, ...]
    actors: tuple[str, ...]
    grid: tuple[GridRow, ...]
    actions: tuple[ActionLine, ...]
    actions_total: int
    statuses: tuple[tuple[str, int], ...]
    backed: tuple[str, ...]
    emerging: tuple[str, ...]
    chart: tuple[Bar, ...]


def brief(playbook: Playbook, plan: ActionPlan, now: datetime) -> Brief:
    since = now - PERIOD
    ideas = plan.ideas
    actions = [i for i in ideas if i.assignment is not None]
    live = sorted(
        (i for i in actions if i.status in LIVE or i.status is None),
        key=lambda i: (-i.votes, i.number),
    )
    return Brief(
        title=f"{plan.programme_name}: the action plan",
        made_at=now,
        figures=(
            (f"{plan.stats.ideas:,}", "ideas"),
            (f"{plan.stats.votes:,}", "votes"),
            (f"{plan.stats.participants:,}", "participants"),
            (f"{len(actions):,}", "actions"),
        ),
        since=since,
        changed=_changed(ideas, actions, since),
        actors=(*(a.name for a in playbook.actors), "Not yet assigned"),
        grid=tuple(
            GridRow(
                tp.theme.title,
                (*(len(c.ideas) for c in tp.cells), len(tp.unassigned)),
            )
            for tp in plan.themes
        ),
        actions=tuple(_action(playbook, i) for i in live[:ACTIONS_SHOWN]),
        actions_total=len(live),
        statuses=tuple(
            (s.value, n) for s in Status if (n := sum(1 for i in actions if i.status is s))
        ),
        backed=tuple(
            f"#{i.number} {cards.clip(i.text, TEXT_CHARS)} ({tp.theme.title}; consensus "
            f"{cards.consensus_text(tp.consensus(i))})"
            for tp in plan.themes
            for i in tp.broadly_backed(BACKED_SHOWN)
        ),
        emerging=_emerging(plan),
        chart=tuple(Bar(tp.theme.title, sum(i.votes for i in tp.ideas)) for tp in plan.themes),
    )


def _changed(ideas: tuple[Idea, ...], actions: list[Idea], since: datetime) -> tuple[str, ...]:
    new = [i for i in ideas if i.created_at >= since]
    noted = sorted(
        (i for i in actions if i.latest_note and i.latest_note.created_at >= since),
        key=lambda i: i.latest_note.created_at if i.latest_note else since,
        reverse=True,
    )
    lines = [
        f"{cards.plural(len(new), 'new idea')}, "
        f"{cards.plural(len(noted), 'action')} with a progress note"
    ]
    lines += [
        f"#{i.number} {cards.clip(i.text, 60)}: {cards.action_text(i)}"
        for i in noted[:CHANGES_SHOWN]
    ]
    return tuple(lines)


def _emerging(plan: ActionPlan) -> tuple[str, ...]:
    """Themes with tagged ideas, most first; those still without any named in one line."""
    found = sorted(gather(plan.emerging, plan.ideas), key=lambda f: -len(f.ideas))
    lines = [
        f"{f.emerging.name}: {cards.plural(len(f.ideas), 'idea')}"
        for f in found[:EMERGING_SHOWN]
        if f.ideas
    ]
    waiting = [f.emerging.name for f in found if not f.ideas]
    if waiting:
        lines.append("No ideas tagged yet: " + ", ".join(waiting))
    return tuple(lines)


def _action(playbook: Playbook, idea: Idea) -> ActionLine:
    assignment = idea.assignment
    actor = next(
        (a.name for a in playbook.actors if assignment and a.key == assignment.actor_key),
        assignment.actor_key if assignment else "",
    )
    note = idea.latest_note
    return ActionLine(
        idea.number,
        cards.clip(idea.text, TEXT_CHARS),
        actor,
        idea.status.value if idea.status else "proposed",
        idea.owner or "",
        cards.clip(note.text, 60) if note else "",
    )
