"""The plan read by actor across themes — the write-up's "What can … do?" pages (pure logic)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.domain import Idea
from bot.core.playbook import Actor


@dataclass(frozen=True, slots=True)
class ActorPlan:
    """One actor's leading ideas from every theme, ranked by the plan's one rule, and how many
    ideas the actor has in all."""

    actor: Actor
    ideas: tuple[Idea, ...]
    count: int
