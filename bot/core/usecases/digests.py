"""Scheduled digests of the plan: organisers set a channel's schedule; the clock sends them.

The database is the calendar. Each tick, every due subscription is claimed (one row per
subscription and due time, so two clock processes or a retried tick never send twice) and moved
to its next time after now (a digest missed while the bot was down goes out once, not once per
missed period). Channels are sent to concurrently; a channel that is gone stops its subscription
and organisers are told, while a transient failure is tried again at the next ticks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.core.digest_cards import digest_card, moment_text, since_text
from bot.core.domain import (
    ConversationRef,
    DigestRun,
    Lapse,
    RunOutcome,
    Subscription,
    SubscriptionState,
)
from bot.core.interaction import Card, Context, Delivery, Reply, Say, Text, note
from bot.core.ports import Sent
from bot.core.schedule import Schedule, ScheduleError, parse
from bot.core.usecases.planning import emerging_themes
from bot.core.workshop import Refusal, Workshop

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # a digest that failed for now is tried at this many ticks in all
CONCURRENT_SENDS = 8  # channels posted to at once; each platform paces its own per-channel calls
FIRST_PERIOD = timedelta(days=7)  # `digest now` in a channel without a schedule covers a week
OUTCOMES = {
    Sent.POSTED: RunOutcome.POSTED,
    Sent.FAILED: RunOutcome.FAILED,
    Sent.GONE: RunOutcome.GONE,
}
GONE = "I can no longer post there: the channel was archived or deleted, or I was removed."
REMOVED = "The app was removed from the conversation."
UNINSTALLED = "The app was uninstalled from the workspace, or its access was revoked."


async def command(ws: Workshop, ctx: Context, action: str, words: tuple[str, ...]) -> list[Reply]:
    """`digest` with `action` "show", "now", "off", or "set" on a schedule of `words`."""
    match action:
        case "show":
            return [note(await _describe(ws, ctx))]
        case "off":
            if await ws.digests.unsubscribe(ctx.programme_key, ctx.where, ctx.who):
                return [note("Digests here are off. `digest weekly mon 09:00` starts them again.")]
            return [note("This channel had no digest schedule; nothing changed.")]
        case "now":
            return [Say(await _digest_now(ws, ctx), Delivery.CHANNEL)]
    try:
        schedule = parse(list(words), ws.playbook.timezone)
    except ScheduleError as error:
        raise Refusal(f"{error} Nothing was changed.") from error
    now = ws.clock.now()
    next_run = schedule.next_after(now)
    await ws.ready(ctx.programme_key)
    # The first digest covers a whole day or week, as later ones do (`digest now` right away
    # then has something to say).
    since = next_run - schedule.period
    await ws.digests.subscribe(ctx.programme_key, ctx.where, schedule, next_run, since, ctx.who)
    return [
        note(
            f"This channel will get a digest of the plan {schedule.describe()}. "
            f"The first comes {moment_text(next_run, schedule.timezone)}; `digest now` posts one "
            "straight away.",
            Delivery.CHANNEL,
        )
    ]


async def _describe(ws: Workshop, ctx: Context) -> str:
    await ws.ready(ctx.programme_key)
    found = await ws.digests.subscription(ctx.programme_key, ctx.where)
    if found is None:
        return (
            "This channel gets no digest. Organisers can start one with "
            "`digest weekly mon 09:00` or `digest daily 17:30`."
        )
    schedule = schedule_of(found)
    if found.state is SubscriptionState.STOPPED:
        return (
            f"Digests here stopped: {found.problem or GONE} Type `{schedule.typed()}` to "
            "start them again."
        )
    return (
        f"This channel gets a digest {schedule.describe()}. The next comes "
        f"{moment_text(found.next_run_at, schedule.timezone)}, covering "
        f"{since_text(found.period_start, schedule.timezone)}."
    )


async def _digest_now(ws: Workshop, ctx: Context) -> Card:
    """The digest since this channel's last one (or a week), posted here; the scheduled digest
    then carries on from now, so nothing is reported twice."""
    await ws.ready(ctx.programme_key)
    now = ws.clock.now()
    found = await ws.digests.subscription(ctx.programme_key, ctx.where)
    since = found.period_start if found else now - FIRST_PERIOD
    timezone = found.timezone if found else ws.playbook.timezone
    card = await build(ws, ctx.programme_key, since, now, timezone)
    if found is not None:
        await ws.digests.restart_period(found.id, now)
    return card


async def build(
    ws: Workshop, programme: str, since: datetime, until: datetime, timezone: str
) -> Card:
    figures = await ws.digests.digest_figures(programme, since, until)
    counts = await ws.emerging.tag_counts(programme)
    emerging = [(e, counts[e.key]) for e in await emerging_themes(ws, programme) if e.key in counts]
    brief = ws.plan_link(programme, "/plan.pdf")
    return digest_card(ws.playbook, figures, timezone, ws.plan_link(programme), emerging, brief)


def schedule_of(subscription: Subscription) -> Schedule:
    s = subscription
    return Schedule.stored(s.cadence, s.day, s.at, s.timezone)


async def send_due(ws: Workshop) -> int:
    """The clock's tick: claim and send every digest that is due; returns how many posted."""
    now = ws.clock.now()
    runs = list(await ws.digests.reclaim_failed_digests(MAX_ATTEMPTS, Lapse.at(now)))
    for subscription in await ws.digests.due_digests(now):
        schedule = schedule_of(subscription)
        until = schedule.last_due(subscription.next_run_at, now)
        run = await ws.digests.claim_digest(subscription, until, schedule.next_after(now))
        if run is not None:
            runs.append(run)
    if not runs:
        return 0
    slots = asyncio.Semaphore(CONCURRENT_SENDS)

    async def paced(run: DigestRun) -> RunOutcome:
        async with slots:
            return await _send(ws, run)

    outcomes = await asyncio.gather(*(paced(run) for run in runs))
    posted = sum(1 for outcome in outcomes if outcome is RunOutcome.POSTED)
    log.info("digests sent", extra={"due": len(runs), "posted": posted})
    return posted


async def _send(ws: Workshop, run: DigestRun) -> RunOutcome:
    where = run.subscription.where
    context = {"subscription": run.subscription.id, "platform": where.platform}
    try:
        card = await build(
            ws, run.subscription.programme, run.since, run.until, run.subscription.timezone
        )
        sent = await ws.notifier.send(where, card)
    except Exception:  # one channel's failure must not stop the others' digests
        log.exception("digest could not be built", extra=context)
        sent = Sent.FAILED
    outcome = OUTCOMES[sent]
    await ws.digests.finish_digest(run, outcome, GONE if outcome is RunOutcome.GONE else None)
    if outcome is RunOutcome.GONE:
        log.warning("digest channel gone; subscription stopped", extra=context)
        await _tell_organisers(ws, run.subscription.programme, [run.subscription], GONE)
    elif outcome is RunOutcome.FAILED:
        last = run.attempts >= MAX_ATTEMPTS
        log.warning(
            "digest given up" if last else "digest failed; retried next tick",
            extra=context | {"attempts": run.attempts},
        )
    return outcome


async def lost_access(ws: Workshop, programme: str, where: ConversationRef, whole: bool) -> int:
    """The platform said the bot is gone from `where` (or from its whole workspace, `whole`):
    its digests stop at once rather than failing at their next run, and organisers are told
    where they can still be reached. Returns how many schedules stopped."""
    problem = UNINSTALLED if whole else REMOVED
    stopped = await ws.digests.lose_access(programme, where, whole, problem)
    log.info(
        "access lost; digests stopped",
        extra={
            "programme": programme,
            "platform": where.platform,
            "workspace": where.workspace_id,
            "channel": None if whole else where.channel_id,
            "stopped": len(stopped),
        },
    )
    if stopped:
        lost = where if not whole else replace(where, channel_id="")
        await _tell_organisers(ws, programme, stopped, problem, lost)
    return len(stopped)


async def _tell_organisers(
    ws: Workshop,
    programme: str,
    stopped: Sequence[Subscription],
    problem: str,
    lost: ConversationRef | None = None,
) -> None:
    """A card in the organisers' channel naming the channels whose digests stopped, unless that
    channel is itself out of reach (`lost`: a channel, or a workspace when its id is empty)."""
    where = await ws.people.organisers_channel(programme)
    if where is None or (lost is not None and _within(where, lost)):
        return
    channels = ", ".join(f"{s.where.name} ({s.where.platform})" for s in stopped)
    restart = schedule_of(stopped[0]).typed()
    there = "that channel" if len(stopped) == 1 else "each of them"
    card = Card(
        "Digests stopped",
        (
            Text(
                f"Digests for {channels} stopped. {problem} Type `{restart}` in {there} to "
                "start them again once I can post there."
            ),
        ),
    )
    await ws.notifier.send(where, card)


def _within(where: ConversationRef, lost: ConversationRef) -> bool:
    same_workspace = (where.platform, where.workspace_id) == (lost.platform, lost.workspace_id)
    return same_workspace and lost.channel_id in ("", where.channel_id)
