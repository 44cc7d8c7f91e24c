"""The closing synthesis: drafted from the day, edited and published by organisers to every
channel of the programme and the web view; and closing the programme as a whole."""

from __future__ import annotations

import logging

from bot.core import agenda_cards, synthesis
from bot.core.agenda import MAX_SYNTHESIS_CHARS, Kind, Synthesis
from bot.core.domain import Idea, Phase
from bot.core.interaction import Context, Delivery, Reply, Say, note
from bot.core.plan_views import CellKey, Cursor, Grid
from bot.core.usecases import plan_views
from bot.core.usecases.agenda import send_elsewhere
from bot.core.workshop import Refusal, Workshop

log = logging.getLogger(__name__)
ACTIONS_PAGE = 500  # an actor's ideas read per query while gathering the agreed actions


async def composed(ws: Workshop, programme: str) -> str:
    """A fresh draft from everything the day gathered so far, read as the plan's views read
    it (each cell's leading ideas, counted by the database), never idea by idea."""
    return synthesis.draft(
        ws.playbook,
        await ws.agenda.contributions(programme, Kind.HOPE),
        await ws.agenda.contributions(programme, Kind.RISK),
        await ws.agenda.tallies(programme),
        await plan_views.plan_summary(ws, programme, backed=True),
        await agreed_actions(ws, programme),
    )


async def agreed_actions(ws: Workshop, programme: str) -> list[Idea]:
    """The actions agreed, in progress or done, read actor by actor a page at a time: every
    one is an organiser's decision, so they stay few however many ideas there are."""
    grid = Grid.of(ws.playbook)
    found: list[Idea] = []
    for actor in ws.playbook.actors:
        after: Cursor | None = None
        while True:
            page = await ws.plan_views.plan_cell(
                programme, CellKey(actor=actor.key), grid, after, ACTIONS_PAGE
            )
            found += [i for i in page if i.status in synthesis.AGREED and not i.hidden]
            if len(page) < ACTIONS_PAGE:
                break
            after = Cursor.after(page[-1])
    return found


async def current_text(ws: Workshop, programme: str) -> tuple[Synthesis | None, str]:
    """The organisers' saved text if there is one, else a fresh draft."""
    saved = await ws.agenda.synthesis(programme)
    return saved, saved.text if saved else await composed(ws, programme)


async def show(ws: Workshop, ctx: Context) -> list[Reply]:
    saved, text = await current_text(ws, ctx.programme_key)
    return [Say(agenda_cards.synthesis_card(saved, True, text), Delivery.PRIVATE)]


async def redraft(ws: Workshop, ctx: Context) -> list[Reply]:
    """Start again from the day as it stands (the saved text is replaced, not published)."""
    text = await composed(ws, ctx.programme_key)
    saved = await ws.agenda.save_synthesis(ctx.programme_key, text, ctx.who, publish=False)
    return [Say(agenda_cards.synthesis_card(saved, True, text), Delivery.PRIVATE)]


async def edit(ws: Workshop, ctx: Context, text: str) -> list[Reply]:
    text = text.strip()
    if not text:
        raise Refusal(
            "The synthesis can't be empty. Usage: `synthesis edit <text>`. Nothing was saved."
        )
    if len(text) > MAX_SYNTHESIS_CHARS:
        raise Refusal(
            f"The synthesis is {len(text):,} characters long; please keep it within "
            f"{MAX_SYNTHESIS_CHARS:,}. Nothing was saved."
        )
    saved = await ws.agenda.save_synthesis(ctx.programme_key, text, ctx.who, publish=False)
    return [Say(agenda_cards.synthesis_card(saved, True, text), Delivery.PRIVATE)]


async def publish(ws: Workshop, ctx: Context) -> list[Reply]:
    """Publish to every channel of the programme (this one in the reply) and the web view."""
    programme = ctx.programme_key
    _, text = await current_text(ws, programme)
    published = await ws.agenda.save_synthesis(programme, text, ctx.who, publish=True)
    card = agenda_cards.synthesis_card(published, False, text)
    channels = await send_elsewhere(ws, ctx, [card])
    log.info("synthesis published", extra={"programme": programme, "channels": channels})
    return [
        note("Published to every channel of the programme and the web view."),
        Say(card, Delivery.CHANNEL),
    ]


async def close_programme(ws: Workshop, ctx: Context, closed: bool) -> list[Reply]:
    """Closing stops every theme (ideas and votes) and the day's contributions; reopening
    lifts the programme's close, and organisers reopen themes one by one with `open`."""
    programme = ctx.programme_key
    changed = await ws.agenda.set_closed(programme, closed, ctx.who)
    if not changed:
        return [
            note(f"The programme is {'closed' if closed else 'open'} already; nothing changed.")
        ]
    if not closed:
        return [
            note(
                "The programme is open again. Themes stay as they are: `open <theme>` reopens one.",
                Delivery.CHANNEL,
            )
        ]
    log.info("programme closed", extra={"programme": programme})
    phases = await ws.plan.phases(programme)
    for theme in ws.playbook.themes:
        if phases.get(theme.key) is not Phase.CLOSED:
            await ws.plan.set_phase(programme, theme.key, Phase.CLOSED, ctx.who)
    return [
        note(
            "The programme is closed: every theme's plan is final, and no more ideas, votes, "
            "hopes, risks, challenges or reactions are taken. "
            "`synthesis publish` shares what we heard.",
            Delivery.CHANNEL,
        )
    ]
