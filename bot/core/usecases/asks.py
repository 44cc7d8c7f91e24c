"""Quiet audiences: on a schedule organisers set, a channel is offered the ideas other audiences
back and its own audience has not voted on ("Business backs #20; community hasn't weighed in").

The schedule is the rate limit: at most one offer per channel per day or week, claimed once by
compare-and-set on its due time; the offer itself goes through the nudge queue, so muting and
quiet hours apply to it as to every nudge.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.digest_cards import moment_text
from bot.core.domain import Idea, Phase
from bot.core.interaction import Context, Delivery, Reply, note
from bot.core.nudges import AskSchedule, NewNudge, NudgeKind, shorten
from bot.core.plan import rank
from bot.core.schedule import ScheduleError, parse
from bot.core.workshop import Refusal, Workshop

OFFERED = 3  # ideas per offer: enough to choose from, short enough to read
TITLE = "Other audiences are backing these"


async def command(ws: Workshop, ctx: Context, action: str, words: tuple[str, ...]) -> list[Reply]:
    """`nudge` with `action` "show", "off", or "set" on a schedule of `words`."""
    await ws.ready(ctx.programme_key)
    if action == "show":
        return [note(await _describe(ws, ctx), Delivery.PRIVATE)]
    now = ws.clock.now()
    if action == "off":
        if await ws.nudges.set_asks(ctx.programme_key, ctx.where, None, now, ctx.who):
            return [note("This channel won't be offered other audiences' ideas any more.")]
        return [note("This channel had no such schedule; nothing changed.")]
    try:
        schedule = parse(list(words), ws.playbook.timezone)
    except ScheduleError as error:
        raise Refusal(f"{error.args[0].replace('digest', 'nudge')} Nothing was changed.") from error
    next_run = schedule.next_after(now)
    await ws.nudges.set_asks(ctx.programme_key, ctx.where, schedule, next_run, ctx.who)
    return [
        note(
            f"{_sentence(schedule.describe())}, this channel is offered the ideas other "
            "audiences back and its own has not voted on (when there are any). The first "
            f"comes {moment_text(next_run, schedule.timezone)}.",
            Delivery.CHANNEL,
        )
    ]


async def _describe(ws: Workshop, ctx: Context) -> str:
    found = await ws.nudges.asks(ctx.programme_key, ctx.where)
    if found is None:
        return (
            "This channel isn't offered other audiences' ideas. Organisers can start it with "
            "`nudge daily 10:00` or `nudge weekly mon 10:00`."
        )
    return (
        f"This channel is offered other audiences' ideas {found.schedule.describe()}; the next "
        f"offer comes {moment_text(found.next_run_at, found.schedule.timezone)}."
    )


async def queue_due(ws: Workshop) -> int:
    """The clock's part: claim each due schedule and queue its channel's offer; how many."""
    now = ws.clock.now()
    offers: list[NewNudge] = []
    ideas: dict[str, Sequence[Idea]] = {}  # per programme, read once per tick
    phases: dict[str, dict[str, Phase]] = {}
    for ask in await ws.nudges.due_asks(now):
        if not await ws.nudges.claim_ask(ask, ask.schedule.next_after(now)):
            continue
        if ask.programme not in ideas:
            ideas[ask.programme] = await ws.ideas.ideas(ask.programme)
            phases[ask.programme] = await ws.plan.phases(ask.programme)
        offer = await _offer(ws, ask, ideas[ask.programme], phases[ask.programme])
        if offer is not None:
            offers.append(offer)
    return await ws.nudges.queue_nudges(offers)


async def _offer(
    ws: Workshop, ask: AskSchedule, ideas: Sequence[Idea], phases: dict[str, Phase]
) -> NewNudge | None:
    """The channel's offer: the ideas with most votes from other audiences and none from its
    own, in themes still taking votes; None when there are none."""
    audience = (await ws.people.channel(ask.programme, ask.where)).audience
    backed = [
        idea
        for idea in ideas
        if not idea.hidden
        and idea.merged_into is None
        and phases.get(idea.theme_key) is not Phase.CLOSED
        and idea.votes_by_audience.get(audience, 0) == 0
        and idea.votes > 0
    ]
    if not backed:
        return None
    lines = [_line(ws, idea, audience) for idea in rank(backed)[:OFFERED]]
    lines.append("`vote <id>` backs one; `ideas` lists them all.")
    return NewNudge(
        ask.programme,
        f"audience:{ask.id}:{ask.next_run_at.isoformat()}",
        NudgeKind.QUIET_AUDIENCE,
        ask.where,
        TITLE,
        "\n".join(lines),
        ws.clock.now(),
        ask.schedule.next_after(ask.next_run_at),  # stale once the next offer is due
    )


def _line(ws: Workshop, idea: Idea, audience: str) -> str:
    backers = sorted(idea.votes_by_audience.items(), key=lambda kv: (-kv[1], kv[0]))
    who = _sentence(" and ".join(_name(ws, key) for key, votes in backers if votes))
    verb = "backs" if len([v for v in idea.votes_by_audience.values() if v]) == 1 else "back"
    return (
        f"{who} {verb} #{idea.number} “{shorten(idea.text, 80)}”; "
        f"{_name(ws, audience).lower()} hasn't weighed in."
    )


def _name(ws: Workshop, key: str) -> str:
    known = {a.key: a.name for a in ws.playbook.audiences}
    return known.get(key, key)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
