"""The plan shaped for pages: pure functions over the core's ActionPlan, worded like the cards."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.core import cards
from bot.core.domain import Idea, Phase, Status
from bot.core.plan import ActionPlan, rank
from bot.core.plan_views import UNASSIGNED, UNPLACED, CellKey, PlanSummary, ThemePage, ThemeRow
from bot.core.playbook import Playbook

NOT_ASSIGNED = "Not yet assigned"
# Actions nobody is working on any more: listed after live work, each with its state in words.
CLOSED = {Status.DONE: "Done", Status.DROPPED: "Dropped"}
AFTER_LIVE = {Status.DONE: 1, Status.DROPPED: 2}


@dataclass(frozen=True, slots=True)
class Words:
    """How an idea reads on a page: the same words as in chat (and the same anonymity)."""

    playbook: Playbook

    def votes(self, idea: Idea) -> str:
        return cards.votes_text(self.playbook, idea)

    def author(self, idea: Idea) -> str:
        return cards.author_text(self.playbook, idea)

    def style(self, idea: Idea) -> str:
        return cards.style_text(self.playbook, idea.assignment)

    def assignment(self, idea: Idea) -> str:
        return cards.assignment_text(self.playbook, idea.assignment)

    def action(self, idea: Idea) -> str:
        return cards.action_text(idea) if idea.status else ""

    def closed(self, idea: Idea) -> str:
        """ "Done" or "Dropped" for an action no longer being worked on; "" for live work."""
        return CLOSED.get(idea.status, "") if idea.status else ""

    def theme(self, key: str) -> str:
        return self.playbook.theme_title(key)

    def challenge(self, idea: Idea) -> str:
        """ "challenge 2" when the idea answers one of its theme's challenges, else ""."""
        return cards.filed_text(self.playbook, idea)

    def question(self, idea: Idea) -> str:
        return cards.challenge_question(self.playbook, idea) or ""

    def consensus(self, page: ThemePage, idea: Idea) -> str:
        return cards.consensus_text(page.consensus(idea))

    def phase(self, row: ThemeRow) -> str:
        return cards.PHASE_NAMES[row.phase]

    def stats(self, plan: ActionPlan | PlanSummary) -> str:
        return cards.figures_text(plan.stats)

    def phase_name(self, phase: Phase) -> str:
        return cards.PHASE_NAMES[phase]

    def count(self, number: int, word: str) -> str:
        return cards.plural(number, word)


def live_first(ideas: Sequence[Idea]) -> list[Idea]:
    """Live work first, then done, then dropped actions, each in the order given (by votes), so
    a dropped action with many votes is never read as the cell's leading work."""
    return sorted(ideas, key=lambda i: AFTER_LIVE.get(i.status, 0) if i.status else 0)


@dataclass(frozen=True, slots=True)
class ThemeSummary:
    """A theme's line in the programme's headline."""

    row: ThemeRow
    votes: int
    top: Idea | None


def summaries(
    summary: PlanSummary, votes: Mapping[tuple[str, str], int]
) -> tuple[ThemeSummary, ...]:
    """Each theme's line, from the plan at a glance and the votes per (theme, audience)."""
    per_theme: dict[str, int] = {}
    for (theme, _), count in votes.items():
        per_theme[theme] = per_theme.get(theme, 0) + count
    return tuple(
        ThemeSummary(row, per_theme.get(row.theme.key, 0), _leading(row)) for row in summary.themes
    )


def _leading(row: ThemeRow) -> Idea | None:
    """The theme's best-ranked idea: the best of its cells' leading ones."""
    tops = (*(top for _, top in row.cells), row.unassigned)
    leaders = rank(top.ideas[0] for top in tops if top.ideas)
    return leaders[0] if leaders else None


def votes_per_theme(found: Sequence[ThemeSummary]) -> list[tuple[str, int]]:
    return [(s.row.theme.title, s.votes) for s in found]


def ideas_per_actor(summary: PlanSummary) -> list[tuple[str, int]]:
    """Ideas on the grid per actor across themes, then those no actor has yet."""
    unassigned = sum(row.unassigned.count for row in summary.themes)
    return [*((actor.name, top.count) for actor, top in summary.actors), (NOT_ASSIGNED, unassigned)]


def audience_names(playbook: Playbook) -> dict[str, str]:
    return {a.key: a.name for a in playbook.audiences}


def theme_votes_by_audience(playbook: Playbook, votes: Mapping[str, int]) -> list[tuple[str, int]]:
    """A theme's votes per audience (every audience of the playbook, zeros too)."""
    names = audience_names(playbook)
    totals = dict.fromkeys(names, 0) | dict(votes)
    return [(names.get(k, k), n) for k, n in totals.items()]


def cell_title(playbook: Playbook, summary: PlanSummary, cell: CellKey) -> str | None:
    """What a "see all" page is about ("Inclusive growth · Individuals"), or None when the
    address names no cell of the plan."""
    if cell.emerging:
        named = (e.name for e, _ in summary.emerging if e.key == cell.emerging)
        return next(named, None) if not (cell.theme or cell.actor or cell.stage) else None
    if cell.theme:
        themes = {row.theme.key: row.theme.title for row in summary.themes}
        actors = {a.key: a.name for a in playbook.actors} | {UNASSIGNED: NOT_ASSIGNED}
        if cell.theme not in themes or cell.actor not in actors or cell.stage:
            return None
        return f"{themes[cell.theme]} · {actors[cell.actor]}"
    actors = {a.key: a.name for a in playbook.actors}
    if not cell.stage and cell.actor in actors:
        return f"{actors[cell.actor]}: ideas from every theme"
    if summary.government is None:
        return None
    if cell.actor == UNPLACED and not cell.stage:
        return f"{summary.government.name}: not yet on the styles grid"
    styles = {s.key: s.name for s in playbook.styles}
    stages = {s.key: s.name for s in playbook.stages}
    if cell.actor not in styles or cell.stage not in stages:
        return None
    return f"{summary.government.name} as a {styles[cell.actor]} · {stages[cell.stage]}"
