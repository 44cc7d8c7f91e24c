"""The closing synthesis, 'what we heard', drafted from the day: the framing round, the
evidence reactions, the ideas backed across audiences, the emerging themes, the agreed actions.

The draft is text organisers edit before publishing: `## ` opens a section, `- ` is a point."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from bot.core.agenda import Contribution, Reaction, Tally, ranked
from bot.core.cards import plural
from bot.core.domain import Idea, Status
from bot.core.emerging import EmergingIdeas
from bot.core.playbook import Playbook

TOP = 3  # hopes, risks and ideas per theme named
AGREED = (Status.AGREED, Status.IN_PROGRESS, Status.DONE)


def audiences_backing(idea: Idea) -> int:
    return sum(1 for n in idea.votes_by_audience.values() if n)


def cross_audience(ideas: Iterable[Idea]) -> list[Idea]:
    """Voted ideas, those backed by the most audiences first, then most votes, then earliest."""
    live = [i for i in ideas if i.votes and not i.hidden and i.merged_into is None]
    return sorted(live, key=lambda i: (-audiences_backing(i), -i.votes, i.number))


def draft(
    book: Playbook,
    hopes: Sequence[Contribution],
    risks: Sequence[Contribution],
    tallies: Mapping[str, Tally],
    ideas: Sequence[Idea],
    emerging: Sequence[EmergingIdeas] = (),
) -> str:
    """`emerging`: the programme's emerging themes (the playbook's and organisers' own), each
    with the live ideas tagged to it."""
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
    for theme in book.themes:
        top_ideas = cross_audience(i for i in ideas if i.theme_key == theme.key)[:TOP]
        if top_ideas:
            lines += ["", f"## {theme.title}: ideas backed across audiences"]
            lines += [
                f"- #{i.number} {i.text} ({plural(i.votes, 'vote')} from "
                f"{plural(audiences_backing(i), 'audience')})"
                for i in top_ideas
            ]
    if emerging:
        lines += ["", "## Emerging themes from across the day"]
        lines += [_emerging_point(e) for e in emerging]
    agreed = [i for i in ideas if i.assignment and i.status in AGREED and not i.hidden]
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
    return f"{point} — {plural(len(theme.ideas), 'idea')}; most backed: {top}"
