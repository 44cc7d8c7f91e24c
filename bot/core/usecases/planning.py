"""Showing the action plan and the programme's themes."""

from __future__ import annotations

from bot.core import cards
from bot.core.interaction import POST_PROMPT, Actions, Button, Card, Context, Delivery, Reply, Say
from bot.core.plan import ActionPlan, build_plan
from bot.core.workshop import Workshop


async def action_plan(ws: Workshop, programme: str, theme_key: str | None = None) -> ActionPlan:
    """The plan as it stands: the one query path shared by chat, export and (later) digests."""
    await ws.ready(programme)
    ideas = await ws.repo.ideas(programme, theme_key)
    stats = await ws.repo.stats(programme)
    phases = await ws.repo.phases(programme)
    voters = await ws.repo.theme_voters(programme)
    return build_plan(ws.playbook, ideas, stats, theme_key, phases, voters)


async def show_plan(ws: Workshop, ctx: Context, typed_theme: str | None) -> list[Reply]:
    theme_key = ws.theme(typed_theme).key if typed_theme else None
    plan = await action_plan(ws, ctx.programme_key, theme_key)
    return [Say(cards.plan_card(ws.playbook, plan), Delivery.PRIVATE)]


async def show_themes(ws: Workshop, ctx: Context) -> list[Reply]:
    phases = await ws.repo.phases(ctx.programme_key)
    return [Say(cards.themes_card(ws.playbook, phases), Delivery.PRIVATE)]


async def home_card(ws: Workshop, ctx: Context) -> Card:
    plan = await action_plan(ws, ctx.programme_key)
    card = cards.plan_card(ws.playbook, plan)
    if not await ws.is_organiser(ctx):
        return card
    buttons = tuple(Button(f"Post next: {t.title}", POST_PROMPT, t.key) for t in ws.playbook.themes)
    return Card(card.title, (Actions(buttons), *card.blocks))
