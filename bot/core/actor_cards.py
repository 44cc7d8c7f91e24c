"""The plan by actor as a neutral card: "What can the combined authority do?" across themes."""

from __future__ import annotations

from bot.core import cards
from bot.core.by_actor import ActorPlan
from bot.core.interaction import Bullets, Card, Heading, Link, Text, Tone
from bot.core.plan_views import PlanSummary
from bot.core.playbook import Playbook


def by_actor_card(
    playbook: Playbook,
    summary: PlanSummary,
    actors: tuple[ActorPlan, ...],
    link: str | None = None,
) -> Card:
    blocks: list[Text | Heading | Bullets | Link] = [
        Text(cards.figures_text(summary.stats), Tone.MUTED)
    ]
    if link:
        blocks.append(Link("Open the plan by actor in the browser", link))
    for actor_plan in actors:
        blocks.append(Heading(f"{actor_plan.actor.question} ({actor_plan.count})"))
        lines = [
            cards.plan_line(playbook, i, with_theme=True)
            for i in actor_plan.ideas[: cards.LIST_LIMIT]
        ]
        hidden = actor_plan.count - len(lines)
        if hidden > 0:
            lines.append(cards.more_text(hidden, f"`plan by actor {actor_plan.actor.key}`"))
        blocks.append(Bullets(tuple(lines or ["—"])))
    return Card(f"Action plan by actor — {summary.programme_name}", tuple(blocks))
