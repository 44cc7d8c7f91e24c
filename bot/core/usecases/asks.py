"""Nudges on a schedule organisers set. Quiet audiences: a channel is offered the ideas other
audiences back and its own audience has not voted on ("Business backs #20; community hasn't
weighed in"). Follow-ups: action owners are asked for an update (`bot.core.usecases.follow_ups`).

The schedule is the rate limit: at most one per channel and kind per day or week, claimed once
by compare-and-set on its due time; what is sent goes through the nudge queue, so muting and
quiet hours apply to it as to every nudge.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.digest_cards import moment_text
from bot.core.domain import Idea, Phase
from bot.core.interaction import Context, Delivery, Reply, note
from bot.core.nudges import AskKind, AskSchedule, NewNudge, NudgeKind, shorten
from bot.core.schedule import ScheduleError, parse
from bot.core.usecases import follow_ups
from bot.core.workshop import Refusal, Workshop

OFFERED = 3  # ideas per offer: enough to choose from, short enough to read
TITLE = "Other audiences are backing these"
COMMAND = {AskKind.AUDIENCE: "nudge", AskKind.FOLLOW_UP: "follow-up"}
WHAT = {
    AskKind.AUDIENCE: "offers of other audiences' ideas",
    AskKind.FOLLOW_UP: "requests for action owners' updates",
}
SET = {
    AskKind.AUDIENCE: (
        "this channel is offered the ideas other audiences back and its own has not voted on "
        "(when there are any)"
    ),
    AskKind.FOLLOW_UP: (
        'the owners of open actions (`action <id> owner "slack:U123"`) are asked here for an '
        "update; `follow-up` shows who has not answered"
    ),
}


async def command(
    ws: Workshop, ctx: Context, kind: AskKind, action: str, words: tuple[str, ...]
) -> list[Reply]:
    """`nudge …` (AUDIENCE) or `follow-up …` (FOLLOW_UP) with `action` "show", "off", or "set"
    on a schedule of `words`."""
    await ws.ready(ctx.programme_key)
    word = COMMAND[kind]
    if action == "show":
        if kind is AskKind.FOLLOW_UP:
            return [note(await _follow_up_state(ws, ctx), Delivery.PRIVATE)]
        return [note(await _describe(ws, ctx), Delivery.PRIVATE)]
    now = ws.clock.now()
    if action == "off":
        if await ws.nudges.set_asks(ctx.programme_key, ctx.where, kind, None, now, ctx.who):
            return [note(f"`{word}` is off here: {WHAT[kind]} stop.", Delivery.CHANNEL)]
        return [note(f"This channel had no `{word}` schedule; nothing changed.")]
    try:
        schedule = parse(list(words), ws.playbook.timezone)
    except ScheduleError as error:
        hint = error.args[0].replace("digest", word)
        raise Refusal(f"{hint} Nothing was changed.") from error
    if kind is AskKind.FOLLOW_UP:  # one channel per programme hears the follow-ups
        for elsewhere in await ws.nudges.asks(ctx.programme_key, kind):
            await ws.nudges.set_asks(ctx.programme_key, elsewhere.where, kind, None, now, ctx.who)
    next_run = schedule.next_after(now)
    await ws.nudges.set_asks(ctx.programme_key, ctx.where, kind, schedule, next_run, ctx.who)
    return [
        note(
            f"{_sentence(schedule.describe())}, {SET[kind]}. The first comes "
            f"{moment_text(next_run, schedule.timezone)}.",
            Delivery.CHANNEL,
        )
    ]


async def _describe(ws: Workshop, ctx: Context) -> str:
    found = await ws.nudges.asks(ctx.programme_key, AskKind.AUDIENCE, ctx.where)
    if not found:
        return (
            "This channel isn't offered other audiences' ideas. Organisers can start it with "
            "`nudge daily 10:00` or `nudge weekly mon 10:00`."
        )
    return (
        f"This channel is offered other audiences' ideas {found[0].schedule.describe()}; the "
        f"next offer comes {moment_text(found[0].next_run_at, found[0].schedule.timezone)}."
    )


async def _follow_up_state(ws: Workshop, ctx: Context) -> str:
    found = await ws.nudges.asks(ctx.programme_key, AskKind.FOLLOW_UP)
    if not found:
        when = "Action owners aren't asked for updates; `follow-up weekly mon 10:00` starts it."
    else:
        ask = found[0]
        following = moment_text(ask.next_run_at, ask.schedule.timezone)
        when = (
            f"Action owners are asked for updates in {ask.where.name} "
            f"{ask.schedule.describe()}; next {following}."
        )
    return f"{when} {await follow_ups.waiting(ws, ctx)}"


async def queue_due(ws: Workshop) -> int:
    """The clock's part: claim each due schedule and queue what its channel is sent; how many."""
    now = ws.clock.now()
    queued: list[NewNudge] = []
    owned: dict[str, Sequence[Idea]] = {}  # per programme, read once per tick
    for ask in await ws.nudges.due_asks(now):
        if not await ws.nudges.claim_ask(ask, ask.schedule.next_after(now)):
            continue
        if ask.kind is AskKind.FOLLOW_UP:
            if ask.programme not in owned:
                owned[ask.programme] = await ws.plan_views.owned_actions(
                    ask.programme, follow_ups.OPEN
                )
            queued += await follow_ups.ask_round(ws, ask, owned[ask.programme])
        elif (offer := await _offer(ws, ask)) is not None:
            queued.append(offer)
    return await ws.nudges.queue_nudges(queued)


async def _offer(ws: Workshop, ask: AskSchedule) -> NewNudge | None:
    """The channel's offer: the ideas with most votes from other audiences and none from its
    own, in themes still taking votes; None when there are none."""
    audience = (await ws.people.channel(ask.programme, ask.where)).audience
    phases = await ws.plan.phases(ask.programme)
    closed = [theme for theme, phase in phases.items() if phase is Phase.CLOSED]
    backed = await ws.plan_views.unheard(ask.programme, audience, closed, OFFERED)
    if not backed:
        return None
    lines = [_line(ws, idea, audience) for idea in backed]
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
