"""Showing the action plan and the programme's themes."""

from __future__ import annotations

from bot.core import agenda_cards, cards
from bot.core.agenda import Contribution, Kind, ranked
from bot.core.emerging import EmergingIdeas
from bot.core.emerging_cards import section
from bot.core.interaction import POST_PROMPT, Actions, Button, Card, Context, Delivery, Reply, Say
from bot.core.participation import Series, running_totals
from bot.core.plan import ActionPlan, build_plan
from bot.core.usecases import plan_views
from bot.core.usecases.plan_views import emerging_themes as emerging_themes  # shared
from bot.core.workshop import Workshop

FRAMING_SHOWN = 3  # hopes and risks each, heading the plan

STAKEHOLDERS = "stakeholders"  # an audience whose channels may have the web view's link too


async def action_plan(ws: Workshop, programme: str, theme_key: str | None = None) -> ActionPlan:
    """The plan as it stands: the one query path shared by chat, export and (later) digests."""
    await ws.ready(programme)
    ideas = await ws.ideas.ideas(programme, theme_key)
    stats = await ws.plan.stats(programme)
    phases = await ws.plan.phases(programme)
    voters = await ws.plan.theme_voters(programme)
    emerging = await emerging_themes(ws, programme)
    return build_plan(ws.playbook, ideas, stats, theme_key, phases, voters, emerging)


async def participation(ws: Workshop, programme: str) -> Series:
    """Each audience's ideas and votes so far, day by day: the web view's chart."""
    counts = await ws.plan.participation(programme)
    return running_totals(counts, [a.key for a in ws.playbook.audiences])


async def show_plan(ws: Workshop, ctx: Context, typed_theme: str | None) -> list[Reply]:
    """The plan at a glance (each cell's leading ideas and count, read by the database), so
    the card costs the same at ten ideas or three hundred thousand."""
    theme_key = ws.theme(typed_theme).key if typed_theme else None
    summary = await plan_views.plan_summary(ws, ctx.programme_key, backed=True)
    link = await web_link(ws, ctx, f"/themes/{theme_key}" if theme_key else "/plan")
    card = cards.summary_card(ws.playbook, summary, theme_key, link)
    if theme_key is None:  # the day's framing heads the whole plan; emerging themes close it
        head = agenda_cards.framing_head(*await top_framing(ws, ctx.programme_key))
        gathered = [EmergingIdeas(e, t.ideas, t.more) for e, t in summary.emerging]
        card = Card(card.title, (*head, *card.blocks, *section(gathered)))
    return [Say(card, Delivery.PRIVATE)]


async def top_framing(
    ws: Workshop, programme: str, shown: int = FRAMING_SHOWN
) -> tuple[list[Contribution], list[Contribution]]:
    """The most backed hopes and risks of the framing round, which head the plan."""
    hopes = ranked(list(await ws.agenda.contributions(programme, Kind.HOPE)))
    risks = ranked(list(await ws.agenda.contributions(programme, Kind.RISK)))
    return hopes[:shown], risks[:shown]


async def web_link(ws: Workshop, ctx: Context, path: str) -> str | None:
    """A signed link to the web view for organisers, and for anyone in a stakeholders channel
    (when the playbook has that audience); the plan card is private, so nobody else sees it."""
    if ws.links is None:
        return None
    if not await ws.is_organiser(ctx):
        stakeholders = any(a.key == STAKEHOLDERS for a in ws.playbook.audiences)
        if not stakeholders:
            return None
        channel = await ws.people.channel(ctx.programme_key, ctx.where)
        if channel.audience != STAKEHOLDERS:
            return None
    return ws.plan_link(ctx.programme_key, path)


async def show_themes(ws: Workshop, ctx: Context) -> list[Reply]:
    phases = await ws.plan.phases(ctx.programme_key)
    return [Say(cards.themes_card(ws.playbook, phases), Delivery.PRIVATE)]


async def home_card(ws: Workshop, ctx: Context) -> Card:
    summary = await plan_views.plan_summary(ws, ctx.programme_key, backed=True)
    card = cards.summary_card(ws.playbook, summary)
    if not await ws.is_organiser(ctx):
        return card
    buttons = tuple(Button(f"Post next: {t.title}", POST_PROMPT, t.key) for t in ws.playbook.themes)
    return Card(card.title, (Actions(buttons), *card.blocks))
