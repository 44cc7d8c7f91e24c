"""The plan by actor as a neutral card: "What can the combined authority do?" across themes."""

from __future__ import annotations

from bot.core import cards
from bot.core.by_actor import ActorPlan
from bot.core.interaction import Bullets, Card, Heading, Link, Text, Tone
from bot.core.plan import ActionPlan
from bot.core.playbook import Playbook


def by_actor_card(
    playbook: Playbook, plan: ActionPlan, actors: tuple[ActorPlan, ...], link: str | None = None
) -> Card:
    blocks: list[Text | Heading | Bullets | Link] = [Text(cards.stats_text(plan), Tone.MUTED)]
    if link:
        blocks.append(Link("Open the plan by actor in the browser", link))
    for actor_plan in actors:
        ideas = actor_plan.ideas
        blocks.append(Heading(f"{actor_plan.actor.question} ({len(ideas)})"))
        lines = [cards.plan_line(playbook, i, with_theme=True) for i in ideas[: cards.LIST_LIMIT]]
        hidden = len(ideas) - len(lines)
        if hidden > 0:
            lines.append(cards.more_text(hidden, f"`plan by actor {actor_plan.actor.key}`"))
        blocks.append(Bullets(tuple(lines or ["—"])))
    return Card(f"Action plan by actor — {plan.programme_name}", tuple(blocks))
