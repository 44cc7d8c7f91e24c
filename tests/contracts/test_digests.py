"""The DigestStore contract: one subscription per channel, each due digest claimed once,
failed ones retried a few times, lost channels stopped; and a period's figures."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import time, timedelta

from bot.core.digest import Decided
from bot.core.domain import (
    Assignment,
    ConversationRef,
    Lapse,
    Phase,
    RunOutcome,
    Status,
    Subscription,
    SubscriptionState,
)
from bot.core.schedule import Cadence, Schedule
from tests.conftest import in_channel, person
from tests.contracts.conftest import PROGRAMME
from tests.contracts.helpers import add, new_idea

OLIVE = person("olive")
WEEKLY = Schedule(Cadence.WEEKLY, time(9, 0), "Europe/London", "mon")
DAILY = Schedule(Cadence.DAILY, time(17, 30), "UTC")
HERE = ConversationRef("slack", "T1", "C1", "general", "thread-1")


async def test_a_channel_has_one_subscription_changed_in_place(store, clock) -> None:
    assert await store.subscription(PROGRAMME, HERE) is None
    start, due = clock.now(), clock.now() + timedelta(days=7)
    sub = await store.subscribe(PROGRAMME, HERE, WEEKLY, due, start, OLIVE)
    assert sub == Subscription(
        sub.id,
        PROGRAMME,
        ConversationRef("slack", "T1", "C1", "general"),
        "weekly",
        "mon",
        "09:00",
        "Europe/London",
        due,
        start,
    )
    assert await store.subscription(PROGRAMME, ConversationRef("slack", "T1", "C1")) == sub
    later = clock.now() + timedelta(days=1)
    changed = await store.subscribe(PROGRAMME, HERE, DAILY, later, later, OLIVE)
    assert changed.id == sub.id and changed.period_start == start  # covers from its last
    assert (changed.cadence, changed.day, changed.at, changed.timezone) == (
        "daily",
        None,
        "17:30",
        "UTC",
    )
    assert changed.next_run_at == later
    assert await store.unsubscribe(PROGRAMME, HERE, OLIVE) is True
    assert await store.unsubscribe(PROGRAMME, HERE, OLIVE) is False
    assert await store.subscription(PROGRAMME, HERE) is None


async def test_due_digests_of_every_programme_are_listed_soonest_first(store, clock) -> None:
    now = clock.now()
    await store.ensure_programme("q", "Another", "public")
    late = await store.subscribe(PROGRAMME, in_channel("a"), DAILY, now, now, OLIVE)
    early = await store.subscribe("q", in_channel("b"), DAILY, now - timedelta(hours=1), now, OLIVE)
    await store.subscribe(PROGRAMME, in_channel("c"), DAILY, now + timedelta(seconds=1), now, OLIVE)
    assert await store.due_digests(now) == [early, late]


async def test_a_due_digest_is_claimed_once_and_moves_the_schedule_on(store, clock) -> None:
    start = clock.now()
    sub = await store.subscribe(PROGRAMME, HERE, DAILY, start + timedelta(days=1), start, OLIVE)
    until, following = start + timedelta(days=1), start + timedelta(days=2)
    run = await store.claim_digest(sub, until, following)
    assert run is not None
    assert (run.subscription, run.due_at, run.since, run.until, run.attempts) == (
        sub,
        sub.next_run_at,
        start,
        until,
        1,
    )
    assert await store.claim_digest(sub, until, following) is None  # a second tick or process
    moved = await store.subscription(PROGRAMME, HERE)
    assert moved is not None and (moved.next_run_at, moved.period_start) == (following, until)
    await store.restart_period(sub.id, until + timedelta(hours=3))
    restarted = await store.subscription(PROGRAMME, HERE)
    assert restarted is not None and restarted.period_start == until + timedelta(hours=3)


async def test_a_failed_digest_is_retried_up_to_its_attempts(store, clock) -> None:
    now = clock.now()
    sub = await store.subscribe(PROGRAMME, HERE, DAILY, now, now, OLIVE)
    run = await store.claim_digest(sub, now, now + timedelta(days=1))
    assert run is not None
    assert await store.reclaim_failed_digests(3) == []  # claimed, not failed
    await store.finish_digest(run, RunOutcome.FAILED)
    again = await store.reclaim_failed_digests(3)
    assert [(r.id, r.attempts, r.since, r.until) for r in again] == [(run.id, 2, now, now)]
    assert await store.reclaim_failed_digests(3) == []  # handed out once
    await store.finish_digest(again[0], RunOutcome.FAILED)
    assert [r.attempts for r in await store.reclaim_failed_digests(3)] == [3]
    await store.finish_digest(run, RunOutcome.FAILED)
    assert await store.reclaim_failed_digests(3) == []  # out of attempts
    await store.finish_digest(run, RunOutcome.POSTED)
    assert await store.reclaim_failed_digests(9) == []


async def test_a_digest_whose_claim_lapsed_is_sent_again_once(store, clock) -> None:
    now = clock.now()
    sub = await store.subscribe(PROGRAMME, HERE, DAILY, now, now, OLIVE)
    run = await store.claim_digest(sub, now, now + timedelta(days=1))
    assert run is not None
    clock.advance(minutes=14)
    assert await store.reclaim_failed_digests(3, Lapse.at(clock.now())) == []  # still leased
    clock.advance(minutes=2)
    lapse = Lapse.at(clock.now())
    first, second = await asyncio.gather(
        store.reclaim_failed_digests(3, lapse), store.reclaim_failed_digests(3, lapse)
    )
    [again] = [*first, *second]  # one of two racing clocks
    assert (again.id, again.attempts, again.since, again.until) == (run.id, 2, now, now)
    clock.advance(days=2)  # that one lapsed too, long ago: let go
    assert await store.reclaim_failed_digests(3, Lapse.at(clock.now())) == []


async def test_a_channel_gone_stops_its_subscription(store, clock) -> None:
    now = clock.now()
    sub = await store.subscribe(PROGRAMME, HERE, DAILY, now, now, OLIVE)
    run = await store.claim_digest(sub, now, now + timedelta(days=1))
    assert run is not None
    await store.finish_digest(run, RunOutcome.GONE, "channel archived")
    stopped = await store.subscription(PROGRAMME, HERE)
    assert stopped is not None
    assert (stopped.state, stopped.problem) == (SubscriptionState.STOPPED, "channel archived")
    assert await store.due_digests(now + timedelta(days=2)) == []
    assert await store.claim_digest(stopped, now, now) is None
    restarted = await store.subscribe(PROGRAMME, HERE, DAILY, now, now, OLIVE)
    assert (restarted.state, restarted.problem) == (SubscriptionState.ACTIVE, None)


async def test_losing_access_stops_digests_and_forgets_references(store, clock) -> None:
    now = clock.now()
    one, two = (
        ConversationRef("slack", "T1", "C1", "one"),
        ConversationRef("slack", "T1", "C2", "two"),
    )
    other = ConversationRef("slack", "T2", "C1", "three")
    for where in (one, two, other):
        await store.subscribe(PROGRAMME, where, DAILY, now, now, OLIVE)
        await store.save_reference(PROGRAMME, where, {"to": where.channel_id})
    lost = await store.lose_access(PROGRAMME, one, False, "bot removed")
    assert [(s.where.channel_id, s.state, s.problem) for s in lost] == [
        ("C1", SubscriptionState.ACTIVE, "bot removed")
    ]
    assert await store.reference(PROGRAMME, one) is None
    assert await store.reference(PROGRAMME, two) == {"to": "C2"}
    assert await store.lose_access(PROGRAMME, one, False, "again") == []
    workspace = await store.lose_access(PROGRAMME, two, True, "uninstalled")
    assert [s.where.channel_id for s in workspace] == ["C2"]
    assert await store.reference(PROGRAMME, two) is None
    assert await store.reference(PROGRAMME, other) == {"to": "C1"}
    assert [s.where for s in await store.due_digests(now)] == [other]


async def test_the_figures_of_a_period(store, clock) -> None:
    since = clock.now()
    lab = ConversationRef("slack", "T1", "C1", "lab")
    await store.set_channel_audience(PROGRAMME, lab, "experts", OLIVE)
    await store.record_prompt(PROGRAMME, in_channel(), "health", 2, OLIVE)
    await store.record_prompt(PROGRAMME, lab, "health", 0, OLIVE)
    for n in range(1, 8):
        await add(store, f"health {n}", author=person(f"a{n % 3}"))
    await add(store, "transport", theme="transport", where=lab, author=person("t", "slack"))
    for n, voters in ((3, 4), (5, 2), (6, 2), (1, 1)):
        for v in range(voters):
            await store.vote(PROGRAMME, n, person(f"v{v}"), in_channel(), 9)
    await store.vote(PROGRAMME, 8, person("s", "slack"), lab, 9)
    await store.vote(PROGRAMME, 3, person("s", "slack"), lab, 9)
    await store.assign(PROGRAMME, 6, Assignment("government"), OLIVE)
    await store.assign(PROGRAMME, 2, Assignment("business"), OLIVE)
    await store.update_action(PROGRAMME, 6, Status.AGREED, "WECA", OLIVE)
    await store.add_note(PROGRAMME, 6, "pilot funded", OLIVE)
    await store.merge(PROGRAMME, 7, 1, OLIVE)
    await store.set_hidden(PROGRAMME, 4, True, OLIVE, 9)
    await store.set_phase(PROGRAMME, "health", Phase.VOTING, OLIVE)
    clock.advance(days=1)
    until = clock.now()
    await add(store, "after the period")
    await store.vote(PROGRAMME, 2, person("late"), in_channel(), 9)
    await store.update_action(PROGRAMME, 2, Status.DONE, None, OLIVE)  # after the period
    figures = await store.digest_figures(PROGRAMME, since, until)
    assert (figures.since, figures.until) == (since, until)
    assert [(x.kind, x.number) for x in figures.decisions] == [
        (Decided.ASSIGNED, 6),
        (Decided.ASSIGNED, 2),
        (Decided.STATUS, 6),
        (Decided.NOTE, 6),
        (Decided.MERGED, 7),
    ]
    assigned, _, agreed, noted, merged = figures.decisions
    assert (assigned.actor_key, assigned.text) == ("government", "health 6")
    assert (agreed.status, agreed.owner) == (Status.AGREED, "WECA")
    assert (noted.note, merged.into) == ("pilot funded", 1)
    assert [
        (p.audience, p.platform, p.ideas, p.votes, p.participants) for p in figures.participation
    ] == [
        ("experts", "slack", 1, 2, 2),
        ("public", "console", 6, 9, 7),
    ]
    assert figures.participants == 9  # a0-a2, v0-v3, t, s
    health = figures.themes["health"]
    assert (health.challenges_posted, health.new_ideas, health.ideas, health.actions) == (
        (0, 2),
        5,  # 7 merged, 4 hidden
        6,  # with the one added after the period
        2,
    )
    assert [i.number for i in health.newest] == [3, 5]
    top = health.newest[0]
    assert (top.votes, top.votes_by_audience) == (5, {"public": 4, "experts": 1})
    # Backed across audiences, as the plan measures it: #3 has 4 of public's 5 voters (the late
    # one counts: the measure is the plan's as it stands) and experts' only one.
    [backed] = figures.backed
    assert backed.idea.number == 3 and round(backed.consensus, 3) == round(2 / 3, 3)
    assert figures.themes["transport"].newest[0].votes_by_audience == {"experts": 1}
    quiet = await store.digest_figures(
        PROGRAMME, until + timedelta(days=1), until + timedelta(days=2)
    )
    assert quiet.quiet and quiet.participants == 0
    assert quiet.decisions == () and quiet.themes["health"].ideas == 6


async def test_a_period_of_several_days_counts_its_own_programme_only(store, clock) -> None:
    """Whole days and the partial days at either edge add up to the period's activity, none of
    another programme's (ideas and votes there, on the same days, are not counted)."""
    await store.ensure_programme("q", "Q", "public")
    since = clock.now() - timedelta(hours=2)
    for day in range(4):
        for who in (f"a{day}", "b"):
            number = await add(store, f"idea {day} {who}", author=person(who))
            await store.vote(PROGRAMME, number, person(f"v{day}"), in_channel(), 9)
            added = await store.add_idea(replace(new_idea(f"q {day}"), programme_key="q"))
            assert added.idea is not None
            await store.vote("q", added.idea.number, person(f"q{day}"), in_channel(), 9)
        clock.advance(hours=23)
    # From 07:00 on the first day (its rest: a0, b, v0) to 07:00 on the fourth (its first hours:
    # a3, b, v3), the second and third days whole (a1, a2, b, v1, v2).
    figures = await store.digest_figures(PROGRAMME, since, clock.now() - timedelta(hours=22))
    assert [(p.ideas, p.votes, p.participants) for p in figures.participation] == [(8, 8, 9)]
    assert figures.participants == 9
    later = await store.digest_figures(PROGRAMME, since + timedelta(hours=3), clock.now())
    assert [(p.ideas, p.votes, p.participants) for p in later.participation] == [(6, 6, 7)]
