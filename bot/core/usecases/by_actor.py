"""Showing the plan by actor across themes: "What can the combined authority do?"."""

from __future__ import annotations

from bot.core import actor_cards
from bot.core.by_actor import by_actor
from bot.core.interaction import Context, Delivery, Reply, Say
from bot.core.usecases import planning
from bot.core.workshop import Workshop


async def show(ws: Workshop, ctx: Context, typed_actor: str | None) -> list[Reply]:
    actor_key = ws.actor(typed_actor).key if typed_actor else None
    plan = await planning.action_plan(ws, ctx.programme_key)
    link = await planning.web_link(ws, ctx, "/actors")
    card = actor_cards.by_actor_card(ws.playbook, plan, by_actor(plan, actor_key), link)
    return [Say(card, Delivery.PRIVATE)]
