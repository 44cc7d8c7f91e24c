"""The participation loop: phase changes set for later with a reminder first, "you said, we did"
notes when an action moves on, muting (a channel's, or one person's), opting in to hear of
ideas one backed, and the clock's tick that sends what is queued (these and
the quiet audiences' offers, `bot.core.usecases.asks`).

Every nudge is queued under a key and claimed by one clock process before it is sent
(`bot.core.nudges`), so two clocks, a restart or a retried tick never send it twice. Reminders and
notes go to channels, naming no one, and also, one to one, to each person they concern who can
be reached directly (`bot.core.nudges.reach`). A muted channel, or person, gets none; in quiet
hours a nudge waits for them to end, unless its moment has passed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.core.digest_cards import moment_text
from bot.core.domain import Anchor, AnchorKind, ConversationRef, Idea, Lapse, Phase, Status
from bot.core.interaction import Card, Context, Delivery, Reply, Text, note
from bot.core.nudges import (
    Finished,
    NewNudge,
    Nudge,
    NudgeKind,
    NudgeOutcome,
    PhaseSchedule,
    Recipient,
    moment,
    reach,
    shorten,
)
from bot.core.ports import Sent
from bot.core.schedule import ScheduleError
from bot.core.usecases import asks, phases
from bot.core.workshop import Refusal, Workshop

log = logging.getLogger(__name__)

REMINDER_LEAD = timedelta(hours=1)  # how long before a scheduled phase change people are told
MAX_ATTEMPTS = 3  # a nudge that failed for now is tried at this many ticks in all
RETRY_AFTER = timedelta(minutes=1)
CLAIM_BATCH = 200  # nudges claimed per round of a tick: sent well within the claim's lease
CONCURRENT_SENDS = 8  # channels posted to at once; each platform paces its own calls
FINISH_EVERY = 25  # outcomes recorded together as sends end: a crash leaves few unrecorded
SCHEDULED = {Phase.VOTING: "moves to voting (no new ideas)", Phase.CLOSED: "closes"}
REMINDED = {Phase.VOTING: "stops taking new ideas", Phase.CLOSED: "closes for votes"}
WORTH_TELLING = {Status.AGREED, Status.IN_PROGRESS, Status.DONE}
YOU_SAID = {
    Status.AGREED: "is now an agreed action",
    Status.IN_PROGRESS: "is in progress",
    Status.DONE: "is done",
}
YOU_SAID_TITLE = "You said, we did"
YOU_BACKED = "An idea you voted for moved on"
OUTCOMES = {Sent.POSTED: NudgeOutcome.SENT, Sent.GONE: NudgeOutcome.GONE}
ORDER = (Phase.COLLECTING, Phase.VOTING, Phase.CLOSED)  # a theme's phases, in their usual order


async def schedule(
    ws: Workshop, ctx: Context, typed_theme: str, phase: Phase, when: Sequence[str]
) -> list[Reply]:
    """`voting <theme> at <time>` / `close <theme> at <time>`: the change is made by the clock
    at that time, and the channels where the theme was posted are reminded an hour before."""
    theme = ws.theme(typed_theme)
    now = ws.clock.now()
    try:
        due = moment(list(when), ws.playbook.timezone, now)
    except ScheduleError as error:
        raise Refusal(f"{error} Nothing was changed.") from error
    remind_at = max(now, due - REMINDER_LEAD)
    if ws.quiet is not None:  # said before quiet hours begin rather than after the change
        remind_at = max(now, ws.quiet.closes_before(remind_at))
    await ws.ready(ctx.programme_key)
    await ws.nudges.schedule_phase(ctx.programme_key, theme.key, phase, due, remind_at, ctx.who)
    zone = ws.playbook.timezone
    when = "now" if remind_at <= now else moment_text(remind_at, zone)
    return [
        note(
            f"{theme.title} {SCHEDULED[phase]} {moment_text(due, zone)}. Every channel it was "
            f"posted in is reminded {when} to use the votes people have left.",
            Delivery.CHANNEL,
        )
    ]


async def mute(ws: Workshop, ctx: Context, muted: bool, me: bool = False) -> list[Reply]:
    """`mute` / `unmute`: this channel's nudges; `mute me` / `unmute me`: those sent to the
    person who typed it, wherever they are."""
    await ws.ready(ctx.programme_key)
    if me:
        return [await _mute_me(ws, ctx, muted)]
    changed = await ws.nudges.set_muted(ctx.programme_key, ctx.where, muted, ctx.who)
    if muted:
        said = "I won't post reminders, offers or follow-up notes here. `unmute` brings them back."
        if not changed:
            said = "This channel was already muted; nothing changed."
    else:
        said = "Reminders, offers and follow-up notes are back on here."
        if not changed:
            said = "This channel wasn't muted; nothing changed."
    return [note(said, Delivery.CHANNEL)]


async def _mute_me(ws: Workshop, ctx: Context, muted: bool) -> Reply:
    changed = await ws.nudges.set_person_nudges(ctx.programme_key, ctx.who, muted=muted)
    if muted:
        said = (
            "I won't send you reminders, follow-up questions or notes on ideas you backed. "
            "Channels still get theirs; `unmute me` brings yours back."
        )
        if not changed:
            said = "You had already muted my nudges; nothing changed."
    else:
        said = "Your reminders, follow-up questions and notes are back on."
        if not changed:
            said = "You hadn't muted my nudges; nothing changed."
    return note(said, Delivery.PRIVATE)


async def notify(ws: Workshop, ctx: Context, on: bool) -> list[Reply]:
    """`notify me` / `notify off`: whether the person is told, one to one, when an idea they
    voted for becomes an agreed, in-progress or done action."""
    await ws.ready(ctx.programme_key)
    changed = await ws.nudges.set_person_nudges(ctx.programme_key, ctx.who, notified=on)
    if on:
        said = (
            "I'll message you when an idea you voted for becomes an agreed action, is in "
            "progress or is done. `notify off` stops it."
        )
        if not changed:
            said = "You are already told about ideas you voted for; nothing changed."
        elif (await ws.nudges.person_nudges(ctx.programme_key, ctx.who.key)).muted:
            said += " You have muted my nudges, though: `unmute me` to get these."
    else:
        said = "I won't message you about ideas you voted for."
        if not changed:
            said = "You weren't being told about ideas you voted for; nothing changed."
    return [note(said, Delivery.PRIVATE)]


async def you_said(ws: Workshop, programme: str, before: Idea, after: Idea) -> None:
    """Queue "you said, we did" for the channels an action's idea was posted in, when its
    status has just become agreed, in progress or done (once per channel and status)."""
    status = after.status
    if status is None or status is before.status or status not in WORTH_TELLING:
        return
    channels = await _channels_of(ws, programme, [Anchor(AnchorKind.IDEA, after.number)])
    text = f"You said: “{shorten(after.text, 120)}”. We did: #{after.number} {YOU_SAID[status]}"
    owner = f" (owner: {after.owner})." if after.owner else "."
    text += owner + f" `action {after.number}` shows its notes."
    now = ws.clock.now()
    change = f"you-said:{after.number}:{status.value}"
    backers = await ws.nudges.opted_in_backers(programme, after.number)
    await ws.nudges.queue_nudges(
        [
            NewNudge(
                programme,
                f"{change}:{_place(where)}",
                NudgeKind.YOU_SAID,
                where,
                YOU_SAID_TITLE,
                text,
                now,
            )
            for where in channels
        ]
        + _direct(programme, change, NudgeKind.YOU_SAID, backers, channels, YOU_BACKED, text, now)
    )


async def send_due(ws: Workshop, platforms: frozenset[str] | None = None) -> int:
    """The clock's tick: make the scheduled phase changes and queue the reminders that are due,
    then claim and send every queued nudge that is due (to channels on `platforms`, or on any:
    the console's own clock sends only the console's); returns how many were posted."""
    await _phase_steps(ws)
    await asks.queue_due(ws)
    posted = 0
    while claimed := await ws.nudges.claim_nudges(
        ws.clock.now(), CLAIM_BATCH, platforms, Lapse.at(ws.clock.now())
    ):
        posted += await _deliver(ws, claimed)
    return posted


async def _phase_steps(ws: Workshop) -> None:
    """Each due step once; a theme an organiser already moved that far by hand is left alone
    (no reminder for a change already made, no second announcement)."""
    now = ws.clock.now()
    for step in await ws.nudges.due_phase_steps(now):
        step_name: Literal["apply", "remind"] = "apply" if step.due_at <= now else "remind"
        if not await ws.nudges.claim_phase_step(step.id, step_name):
            continue
        current = await phases.phase_of(ws, step.programme, step.theme_key)
        if ORDER.index(current) >= ORDER.index(step.phase):
            log.info("scheduled phase change already made", extra={"theme": step.theme_key})
        elif step_name == "apply":
            await _apply(ws, step)
        else:
            await _queue_reminders(ws, step)


async def _apply(ws: Workshop, step: PhaseSchedule) -> None:
    """Make the change as the organiser who set it, and rewrite the theme's posted prompts."""
    await ws.plan.set_phase(step.programme, step.theme_key, step.phase, step.by)
    for prompt in await ws.prompts.prompts_of_theme(step.programme, step.theme_key):
        card = await phases.prompt_card(ws, step.programme, prompt)
        for message in await ws.prompts.posts(step.programme, Anchor(AnchorKind.PROMPT, prompt.id)):
            await ws.notifier.update(message, card)
    log.info(
        "scheduled phase change made",
        extra={"programme": step.programme, "theme": step.theme_key, "phase": step.phase.value},
    )


async def _queue_reminders(ws: Workshop, step: PhaseSchedule) -> None:
    """One reminder per channel the theme was posted in; it names no one."""
    theme = ws.playbook.theme(step.theme_key)
    posted = await ws.prompts.prompts_of_theme(step.programme, theme.key)
    channels = await _channels_of(
        ws, step.programme, [Anchor(AnchorKind.PROMPT, p.id) for p in posted]
    )
    when = _local_time(step.due_at, ws.playbook.timezone)
    change = f"{theme.key}:{step.phase.value}:{step.due_at.isoformat()}"  # set again: no repeat
    text = (
        f"{theme.title} {REMINDED[step.phase]} at {when}. If you have votes left there, now is "
        f"the time: `ideas {theme.key}` lists its ideas."
    )
    title, now = f"Reminder: {theme.title}", ws.clock.now()
    people = await ws.nudges.with_votes_left(step.programme, theme.key, ws.playbook.votes_per_theme)
    personal = (
        f"{theme.title} {REMINDED[step.phase]} at {when} and you have votes left there: "
        f"`ideas {theme.key}` lists its ideas."
    )
    queued = await ws.nudges.queue_nudges(
        [
            NewNudge(
                step.programme,
                f"reminder:{change}:{_place(where)}",
                NudgeKind.REMINDER,
                where,
                title,
                text,
                now,
                step.due_at,
            )
            for where in channels
        ]
        + _direct(
            step.programme,
            f"reminder:{change}",
            NudgeKind.REMINDER,
            people,
            channels,
            title,
            personal,
            now,
            step.due_at,
        )
    )
    log.info("reminders queued", extra={"programme": step.programme, "queued": queued})


def _direct(
    programme: str,
    change: str,
    kind: NudgeKind,
    people: Sequence[Recipient],
    channels: Sequence[ConversationRef],
    title: str,
    text: str,
    now: datetime,
    expires_at: datetime | None = None,
) -> list[NewNudge]:
    """One direct message per person who can be reached (`bot.core.nudges.reach`), keyed by
    the change and the person, so that nobody hears of one change twice."""
    found = [(person, reach(person, channels)) for person in people]
    return [
        NewNudge(
            programme,
            f"{change}:to:{person.key}",
            kind,
            where,
            title,
            text,
            now,
            expires_at,
            person.key,
        )
        for person, where in found
        if where is not None
    ]


async def _deliver(ws: Workshop, claimed: Sequence[Nudge]) -> int:
    programmes = {n.programme for n in claimed}
    muted = {p: await ws.nudges.muted_channels(p) for p in programmes}
    muted_people = {p: await ws.nudges.muted_people(p) for p in programmes}
    slots = asyncio.Semaphore(CONCURRENT_SENDS)

    async def one(nudge: Nudge) -> Finished:
        async with slots:
            if nudge.attempts > MAX_ATTEMPTS:  # its claims lapsed again and again: let it go
                log.warning("nudge given up", extra={"nudge": nudge.id})
                return Finished(nudge, NudgeOutcome.FAILED)
            if nudge.to is not None:
                skip = nudge.to in muted_people[nudge.programme]
            else:
                where = nudge.where
                skip = (where.platform, where.workspace_id, where.channel_id) in muted[
                    nudge.programme
                ]
            return await _send(ws, nudge, skip)

    sent, ended = 0, []
    sends = [asyncio.ensure_future(one(n)) for n in claimed]  # started in the queue's order
    try:
        for done in asyncio.as_completed(sends):
            ended.append(await done)
            if len(ended) == FINISH_EVERY:
                sent += await _record(ws, ended)
                ended = []
    finally:  # stopped mid-round: what did not end is left to the lease
        for send in sends:
            send.cancel()
    return sent + await _record(ws, ended)


async def _record(ws: Workshop, ended: list[Finished]) -> int:
    """Outcomes of sends that ended, in one transaction; how many were sent."""
    await ws.nudges.finish_nudges(ended)
    return sum(done.outcome is NudgeOutcome.SENT for done in ended)


async def _send(ws: Workshop, nudge: Nudge, muted: bool) -> Finished:
    """Send one claimed nudge unless muted or held by quiet hours (a direct message goes to
    its person through `where`); how it ended, for the caller to record."""
    now = ws.clock.now()
    where = nudge.where
    opens = ws.quiet.opens(now) if ws.quiet is not None else now
    if muted:
        return Finished(nudge, NudgeOutcome.MUTED)
    if nudge.expires_at is not None and opens >= nudge.expires_at:
        return Finished(nudge, NudgeOutcome.EXPIRED)
    if opens > now:
        return Finished(nudge, NudgeOutcome.DEFERRED, opens)
    card = Card(nudge.title, (Text(nudge.text),))
    if nudge.to is None:
        sent = await ws.notifier.send(where, card)
    else:
        sent = await ws.notifier.direct(where, nudge.to.partition(":")[2], card)
    outcome = OUTCOMES.get(sent, NudgeOutcome.FAILED)
    if outcome is not NudgeOutcome.SENT:
        log.warning(
            "nudge not sent",
            extra={"nudge": nudge.id, "platform": where.platform, "outcome": outcome.value},
        )
    retry = outcome is NudgeOutcome.FAILED and nudge.attempts < MAX_ATTEMPTS
    return Finished(nudge, outcome, now + RETRY_AFTER if retry else None)


async def _channels_of(
    ws: Workshop, programme: str, anchors: Sequence[Anchor]
) -> list[ConversationRef]:
    """The distinct channels copies of these cards were posted in."""
    seen: dict[str, ConversationRef] = {}
    for anchor in anchors:
        for m in await ws.prompts.posts(programme, anchor):
            where = ConversationRef(m.platform, m.workspace_id, m.channel_id)
            seen.setdefault(_place(where), where)
    return list(seen.values())


def _place(where: ConversationRef) -> str:
    return f"{where.platform}/{where.workspace_id}/{where.channel_id}"


def _local_time(at: datetime, timezone: str) -> str:
    return f"{at.astimezone(ZoneInfo(timezone)):%H:%M}"
