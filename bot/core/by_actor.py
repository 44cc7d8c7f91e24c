"""The plan read by actor across themes — the write-up's "What can … do?" pages (pure logic)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.domain import Idea
from bot.core.plan import ActionPlan, rank
from bot.core.playbook import Actor


@dataclass(frozen=True, slots=True)
class ActorPlan:
    """One actor's ideas from every theme, ranked by the plan's one rule."""

    actor: Actor
    ideas: tuple[Idea, ...]


def by_actor(plan: ActionPlan, actor_key: str | None = None) -> tuple[ActorPlan, ...]:
    """Each actor of the grid (or only `actor_key`) with its cells' ideas gathered across themes:
    the same ideas the theme-first plan places, so the two readings never disagree."""
    gathered: dict[str, tuple[Actor, list[Idea]]] = {}
    for theme_plan in plan.themes:
        for cell in theme_plan.cells:
            if actor_key in (None, cell.actor.key):
                gathered.setdefault(cell.actor.key, (cell.actor, []))[1].extend(cell.ideas)
    return tuple(ActorPlan(actor, rank(ideas)) for actor, ideas in gathered.values())
