"""The closing synthesis, 'what we heard', drafted from the day: the framing round, the
evidence reactions, the ideas backed across audiences, the emerging themes, the agreed actions.

The draft is text organisers edit before publishing: `## ` opens a section, `- ` is a point."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.agenda import Contribution, Reaction, Tally, ranked
from bot.core.cards import consensus_text, plural
from bot.core.domain import Idea, Status
from bot.core.emerging import EmergingIdeas
from bot.core.plan_views import PlanSummary
from bot.core.playbook import Playbook

TOP = 3  # hopes, risks and ideas per theme named
AGREED = (Status.AGREED, Status.IN_PROGRESS, Status.DONE)


def draft(
    book: Playbook,
    hopes: Sequence[Contribution],
    risks: Sequence[Contribution],
    tallies: Mapping[str, Tally],
    summary: PlanSummary,
    agreed: Sequence[Idea] = (),
) -> str:
    """From the plan at a glance (read with `backed`): each theme's ideas backed across
    audiences and each emerging theme's leading ideas; `agreed`: the actions agreed, in
    progress or done."""
    lines = [f"What we heard at {book.name}."]
    for heading, items in (("What good looks like", hopes), ("Our risks", risks)):
        top = ranked(list(items))[:TOP]
        if top:
            lines += ["", f"## {heading}"]
            lines += [f"- {c.text} (backed by {plural(c.total, 'person', 'people')})" for c in top]
    reacted = [(item, tallies[item.key]) for item in book.evidence if item.key in tallies]
    if reacted:
        lines += ["", "## The evidence"]
        for item, tally in reacted:
            counts = ", ".join(f"{tally.total(r)} {r.value}" for r in Reaction if tally.total(r))
            lines.append(f"- {item.title}: {counts}")
    for row in summary.themes:
        if row.backed:
            lines += ["", f"## {row.theme.title}: ideas backed across audiences"]
            lines += [
                f"- #{i.number} {i.text} ({plural(i.votes, 'vote')}; consensus "
                f"{consensus_text(consensus)})"
                for i, consensus in row.backed[:TOP]
            ]
    if summary.emerging:
        lines += ["", "## Emerging themes from across the day"]
        lines += [_emerging_point(EmergingIdeas(e, t.ideas, t.more)) for e, t in summary.emerging]
    if agreed:
        lines += ["", "## Agreed actions"]
        for idea in sorted(agreed, key=lambda i: i.number):
            actor = next(
                (
                    a.name
                    for a in book.actors
                    if idea.assignment and a.key == idea.assignment.actor_key
                ),
                idea.assignment.actor_key if idea.assignment else "",
            )
            status = idea.status.value if idea.status else ""
            lines.append(f"- #{idea.number} {idea.text} — {actor} ({status})")
    return "\n".join(lines)


def _emerging_point(theme: EmergingIdeas) -> str:
    """ "- Name: what it means — 4 ideas; most backed: #3 … (5 votes); #9 … (2 votes)"."""
    point = f"- {theme.emerging.name}"
    if theme.emerging.text:
        point += f": {theme.emerging.text}"
    if not theme.ideas:
        return point
    top = "; ".join(f"#{i.number} {i.text} ({plural(i.votes, 'vote')})" for i in theme.ideas[:TOP])
    return f"{point} — {plural(theme.count, 'idea')}; most backed: {top}"
