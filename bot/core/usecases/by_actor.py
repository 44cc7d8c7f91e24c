"""Showing the plan by actor across themes: "What can the combined authority do?"."""

from __future__ import annotations

from bot.core import actor_cards, cards
from bot.core.by_actor import ActorPlan
from bot.core.interaction import Context, Delivery, Reply, Say
from bot.core.plan_views import CellKey
from bot.core.usecases import plan_views, planning
from bot.core.workshop import Workshop


async def show(ws: Workshop, ctx: Context, typed_actor: str | None) -> list[Reply]:
    """Each actor's leading ideas (a card's list) and count, read by the database: the card
    costs the same at ten ideas or three hundred thousand."""
    actor_key = ws.actor(typed_actor).key if typed_actor else None
    programme = ctx.programme_key
    summary = await plan_views.plan_summary(ws, programme)
    actors = [
        ActorPlan(
            actor,
            tuple((await plan_views.plan_cell(ws, programme, CellKey("", actor.key), None)).ideas)[
                : cards.LIST_LIMIT
            ],
            top.count,
        )
        for actor, top in summary.actors
        if actor_key in (None, actor.key)
    ]
    link = await planning.web_link(ws, ctx, "/actors")
    card = actor_cards.by_actor_card(ws.playbook, summary, tuple(actors), link)
    return [Say(card, Delivery.PRIVATE)]
