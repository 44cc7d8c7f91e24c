"""The agenda: where the programme and each channel stand, and moving them to a step, which
posts that step's card into the channel (or every channel of the programme)."""

from __future__ import annotations

import logging

from bot.core import agenda_cards, cards, names
from bot.core.agenda import AgendaStep, Day, Kind, StepKind, Tally, ranked
from bot.core.interaction import Card, Context, Delivery, Reply, Say, note
from bot.core.usecases import plan_views, planning
from bot.core.workshop import Refusal, Workshop

log = logging.getLogger(__name__)

IDEAS_HELP = (
    "Organisers post a challenge here with `prompt <theme>`",
    "Reply in a challenge's thread, or type `idea <theme>: <your idea>`",
    "`ideas` lists them; `vote <id>` backs one",
)


def place(ctx: Context) -> tuple[str, str, str]:
    return ctx.where.platform, ctx.where.workspace_id, ctx.where.channel_id


async def send_elsewhere(ws: Workshop, ctx: Context, posted: list[Card]) -> int:
    """Send cards to every other channel of the programme, on any platform, as digests are
    sent (this channel gets them in the reply); how many channels the programme has."""
    channels = await ws.agenda.programme_channels(ctx.programme_key)
    for channel in channels:
        if (channel.platform, channel.workspace_id, channel.channel_id) != place(ctx):
            for card in posted:
                await ws.notifier.send(channel, card)
    return len(channels)


def require_agenda(ws: Workshop) -> None:
    if not ws.playbook.agenda:
        raise Refusal(
            "This programme has no agenda: its playbook lists no steps. "
            "Everything else works as usual; `help` lists it."
        )


async def require_open(ws: Workshop, ctx: Context) -> None:
    """The day's contributions stop when the programme is closed as a whole."""
    if (await ws.agenda.standing(ctx.programme_key)).closed_at is not None:
        raise Refusal(
            "The programme is closed, so nothing more can be added or backed. Nothing was changed."
        )


def step_named(ws: Workshop, typed: str) -> AgendaStep:
    steps = ws.playbook.agenda
    if typed.isdigit() and 1 <= int(typed) <= len(steps):
        return steps[int(typed) - 1]
    try:
        return names.resolve(typed, steps, "step")
    except names.NoMatch as exc:
        raise Refusal(f"{exc} Nothing was changed; `agenda` lists the steps.") from exc


async def show(ws: Workshop, ctx: Context) -> list[Reply]:
    require_agenda(ws)
    standing = await ws.agenda.standing(ctx.programme_key)
    return [Say(agenda_cards.agenda_card(ws.playbook, standing, place(ctx)), Delivery.PRIVATE)]


async def move(ws: Workshop, ctx: Context, typed: str, everywhere: bool) -> list[Reply]:
    """Organisers move this channel, or the whole programme, to a step; its card is posted."""
    require_agenda(ws)
    step = step_named(ws, typed)
    await require_open(ws, ctx)
    programme = ctx.programme_key
    await ws.agenda.move_to(programme, None if everywhere else ctx.where, step.key, ctx.who)
    posted = await step_cards(ws, programme, step)
    if everywhere:
        await send_elsewhere(ws, ctx, posted)
    log.info(
        "agenda moved",
        extra={"programme": programme, "step": step.key, "everywhere": everywhere},
    )
    whom = "Every channel of the programme is" if everywhere else "This channel is"
    return [
        note(f"{whom} now at “{step.title}”."),
        *(Say(card, Delivery.CHANNEL) for card in posted),
    ]


async def step_cards(ws: Workshop, programme: str, step: AgendaStep) -> list[Card]:
    """The cards a step posts: one, or one per piece of evidence after the step's own."""
    book = ws.playbook
    match step.kind:
        case StepKind.FRAMING:
            hopes = ranked(list(await ws.agenda.contributions(programme, Kind.HOPE)))
            risks = ranked(list(await ws.agenda.contributions(programme, Kind.RISK)))
            return [agenda_cards.framing_card(step, hopes, risks, book)]
        case StepKind.EVIDENCE:
            tallies = await ws.agenda.tallies(programme)
            items = [
                agenda_cards.evidence_card(item, book, tallies.get(item.key, Tally()))
                for item in book.evidence
            ]
            return [agenda_cards.step_text_card(step), *items]
        case StepKind.CHALLENGES:
            proposals = await ws.agenda.contributions(programme, Kind.CHALLENGE)
            waiting = ranked([p for p in proposals if not p.promoted])
            return [agenda_cards.challenges_card(step, book, waiting)]
        case StepKind.IDEAS:
            return [agenda_cards.step_text_card(step, IDEAS_HELP)]
        case StepKind.ACTORS:
            questions = [a.question for a in book.actors]
            return [
                agenda_cards.step_text_card(
                    step, (*questions, "Organisers say who should act: `assign <id> <actor>`")
                )
            ]
        case StepKind.PLAN:  # headed by the framing round's top hopes and risks
            summary = await plan_views.plan_summary(ws, programme, backed=True)
            head = agenda_cards.framing_head(*await planning.top_framing(ws, programme))
            intro = agenda_cards.step_text_card(step)
            return [Card(intro.title, (*intro.blocks, *head)), cards.summary_card(book, summary)]
        case StepKind.SYNTHESIS:
            synthesis = await ws.agenda.synthesis(programme)
            if synthesis and synthesis.published:
                return [agenda_cards.synthesis_card(synthesis, False, synthesis.published)]
            emerging = [f"{e.title}: {e.text}" for e in book.emerging_themes]
            return [agenda_cards.step_text_card(step, emerging)]


async def day(ws: Workshop, programme: str) -> Day:
    """The day's steps as the web view and the export show them, contributions ranked."""
    synthesis = await ws.agenda.synthesis(programme)
    return Day(
        standing=await ws.agenda.standing(programme),
        hopes=tuple(ranked(list(await ws.agenda.contributions(programme, Kind.HOPE)))),
        risks=tuple(ranked(list(await ws.agenda.contributions(programme, Kind.RISK)))),
        challenges=tuple(ranked(list(await ws.agenda.contributions(programme, Kind.CHALLENGE)))),
        tallies=await ws.agenda.tallies(programme),
        synthesis=synthesis if synthesis and synthesis.published else None,
    )
