"""The NudgeStore contract: a phase change set for later replaces the one before, each of its
steps is claimed once; a nudge is queued once per key, claimed by one caller, deferred or retried
when told; muting is per channel."""

from __future__ import annotations

import asyncio
from datetime import time, timedelta

from bot.core.domain import ConversationRef, Lapse, Participant, Phase
from bot.core.nudges import AskKind, Finished, FollowUp, NewNudge, NudgeKind, NudgeOutcome
from bot.core.schedule import Cadence, Schedule
from tests.conftest import person
from tests.contracts.conftest import PROGRAMME

OLIVE = person("olive")
AUDIENCE, FOLLOW_UP = AskKind.AUDIENCE, AskKind.FOLLOW_UP
HALL = ConversationRef("slack", "T1", "C1", "hall", "thread-1")
TOWN = ConversationRef("teams", "tenant", "19:town", "town")


def nudge(key: str, where: ConversationRef, clock, **extra) -> NewNudge:
    return NewNudge(
        PROGRAMME,
        key,
        NudgeKind.REMINDER,
        where,
        "Reminder",
        f"text of {key}",
        clock.now(),
        **extra,
    )


async def test_a_phase_change_set_again_replaces_the_one_before(store, clock) -> None:
    now = clock.now()
    due, remind = now + timedelta(hours=8), now + timedelta(hours=7)
    await store.schedule_phase(PROGRAMME, "infra", Phase.VOTING, due, remind, OLIVE)
    second = await store.schedule_phase(
        PROGRAMME, "infra", Phase.CLOSED, due + timedelta(hours=1), remind, OLIVE
    )
    other = await store.schedule_phase(PROGRAMME, "inclusive", Phase.CLOSED, due, remind, OLIVE)
    assert second.by == Participant("console", "olive")
    assert await store.due_phase_steps(now) == []
    due_steps = await store.due_phase_steps(remind)
    assert [(s.id, s.phase, s.reminded) for s in due_steps] == [
        (other.id, Phase.CLOSED, False),
        (second.id, Phase.CLOSED, False),
    ]


async def test_each_step_is_claimed_once_and_the_change_claims_a_late_reminder(
    store, clock
) -> None:
    now = clock.now()
    one = await store.schedule_phase(PROGRAMME, "infra", Phase.CLOSED, now, now, OLIVE)
    two = await store.schedule_phase(PROGRAMME, "inclusive", Phase.CLOSED, now, now, OLIVE)
    claims = await asyncio.gather(*(store.claim_phase_step(one.id, "remind") for _ in range(3)))
    assert sorted(claims) == [False, False, True]
    assert await store.claim_phase_step(two.id, "apply")
    assert not await store.claim_phase_step(two.id, "remind")  # too late now
    assert not await store.claim_phase_step(two.id, "apply")
    assert [s.id for s in await store.due_phase_steps(now)] == [one.id]
    assert await store.claim_phase_step(one.id, "apply")
    assert await store.due_phase_steps(now + timedelta(days=1)) == []


async def test_a_nudge_is_queued_once_per_key_and_claimed_by_one_caller(store, clock) -> None:
    assert await store.queue_nudges([nudge("a", HALL, clock), nudge("b", TOWN, clock)]) == 2
    assert await store.queue_nudges([nudge("a", HALL, clock), nudge("c", HALL, clock)]) == 1
    first, second = await asyncio.gather(
        store.claim_nudges(clock.now(), 2), store.claim_nudges(clock.now(), 2)
    )
    rest = await store.claim_nudges(clock.now(), 10)  # what the racing claims left
    claimed = [*first, *second, *rest]
    assert sorted(n.text for n in claimed) == ["text of a", "text of b", "text of c"]
    a = next(n for n in claimed if n.text == "text of a")
    assert a.where == ConversationRef("slack", "T1", "C1", "hall")  # its channel, no thread
    assert (a.kind, a.title, a.attempts, a.expires_at, a.programme) == (
        NudgeKind.REMINDER,
        "Reminder",
        1,
        None,
        PROGRAMME,
    )
    assert await store.claim_nudges(clock.now(), 10) == []  # claimed, not finished: held


async def test_a_claim_never_finished_lapses_and_the_nudge_is_sent_again(store, clock) -> None:
    """Its clock died mid-round: after the lease another tick takes it, once; a day later it
    is let go."""
    await store.queue_nudges([nudge("a", HALL, clock), nudge("b", TOWN, clock)])
    [a, b] = await store.claim_nudges(clock.now(), 10)
    await store.finish_nudges([Finished(b, NudgeOutcome.SENT)])
    clock.advance(minutes=14)
    assert await store.claim_nudges(clock.now(), 10, None, Lapse.at(clock.now())) == []
    clock.advance(minutes=2)
    lapse = Lapse.at(clock.now())
    first, second = await asyncio.gather(
        store.claim_nudges(clock.now(), 10, None, lapse),
        store.claim_nudges(clock.now(), 10, None, lapse),
    )
    [again] = [*first, *second]  # one of two racing clocks
    assert (again.id, again.attempts) == (a.id, 2)
    clock.advance(days=1, minutes=30)
    assert await store.claim_nudges(clock.now(), 10, None, Lapse.at(clock.now())) == []


async def test_a_nudge_waits_for_its_time_and_comes_back_when_deferred(store, clock) -> None:
    later = clock.now() + timedelta(hours=1)
    expires = clock.now() + timedelta(hours=5)
    await store.queue_nudges([nudge("later", HALL, clock, expires_at=expires)])
    await store.queue_nudges([nudge("soon", TOWN, clock)])
    claimed = await store.claim_nudges(clock.now(), 10)
    [soon] = [n for n in claimed if n.text == "text of soon"]
    [due_later] = [n for n in claimed if n.text == "text of later"]
    assert due_later.expires_at == expires
    await store.finish_nudges(
        [Finished(soon, NudgeOutcome.SENT), Finished(due_later, NudgeOutcome.DEFERRED, later)]
    )
    assert await store.claim_nudges(clock.now(), 10) == []
    [again] = await store.claim_nudges(later, 10)
    assert (again.id, again.attempts) == (due_later.id, 2)
    await store.finish_nudges([Finished(again, NudgeOutcome.FAILED)])
    assert await store.claim_nudges(later + timedelta(days=1), 10) == []


async def test_muting_is_per_channel_and_says_when_it_changed_nothing(store) -> None:
    assert await store.muted_channels(PROGRAMME) == frozenset()
    assert await store.set_muted(PROGRAMME, HALL, True, OLIVE)
    assert not await store.set_muted(PROGRAMME, HALL, True, OLIVE)
    assert await store.muted_channels(PROGRAMME) == {("slack", "T1", "C1")}
    assert not await store.set_muted(PROGRAMME, TOWN, False, OLIVE)
    assert await store.set_muted(PROGRAMME, HALL, False, OLIVE)
    assert await store.muted_channels(PROGRAMME) == frozenset()


async def test_a_channel_has_one_offer_schedule_moved_on_by_one_claim(store, clock) -> None:
    daily = Schedule(Cadence.DAILY, time(10, 0), "Europe/London")
    weekly = Schedule(Cadence.WEEKLY, time(12, 30), "UTC", "fri")
    due = clock.now() + timedelta(hours=1)
    assert await store.asks(PROGRAMME, AUDIENCE, HALL) == []
    assert not await store.set_asks(PROGRAMME, HALL, AUDIENCE, None, due, OLIVE)
    assert await store.set_asks(PROGRAMME, HALL, AUDIENCE, daily, due, OLIVE)
    assert await store.set_asks(PROGRAMME, TOWN, AUDIENCE, daily, due + timedelta(hours=1), OLIVE)
    assert await store.set_asks(PROGRAMME, HALL, FOLLOW_UP, weekly, due + timedelta(days=3), OLIVE)
    [first] = await store.asks(PROGRAMME, AUDIENCE, HALL)
    assert (first.where, first.kind, first.schedule, first.next_run_at, first.programme) == (
        ConversationRef("slack", "T1", "C1", "hall"),
        AUDIENCE,
        daily,
        due,
        PROGRAMME,
    )
    assert await store.set_asks(PROGRAMME, HALL, AUDIENCE, weekly, due, OLIVE)
    [changed] = await store.asks(PROGRAMME, AUDIENCE, HALL)
    assert changed.id == first.id and changed.schedule == weekly
    assert [a.where.channel_id for a in await store.asks(PROGRAMME, AUDIENCE)] == ["C1", "19:town"]
    [follow_up] = await store.asks(PROGRAMME, FOLLOW_UP)
    assert follow_up.kind is FOLLOW_UP and follow_up.where.channel_id == "C1"
    assert await store.due_asks(clock.now()) == []
    assert await store.due_asks(due) == [changed]

    later = due + timedelta(days=1)
    claims = await asyncio.gather(*(store.claim_ask(changed, later) for _ in range(3)))
    assert sorted(claims) == [False, False, True]
    assert [a.where.channel_id for a in await store.due_asks(due + timedelta(hours=1))] == [
        "19:town"
    ]
    assert await store.set_asks(PROGRAMME, HALL, AUDIENCE, None, due, OLIVE)
    assert await store.asks(PROGRAMME, AUDIENCE, HALL) == []
    assert await store.asks(PROGRAMME, FOLLOW_UP, HALL) == [follow_up]


async def test_a_follow_up_round_is_recorded_and_answers_close_its_asks(store, clock) -> None:
    assert await store.unanswered(PROGRAMME) is None
    first, second = clock.now(), clock.now() + timedelta(days=7)
    await store.record_follow_ups(PROGRAMME, first, [FollowUp("slack:U1", 3)])
    await store.record_follow_ups(PROGRAMME, first, [FollowUp("slack:U1", 3)])  # a retried tick
    assert await store.unanswered(PROGRAMME) == (first, [FollowUp("slack:U1", 3)])
    await store.record_follow_ups(
        PROGRAMME,
        second,
        [FollowUp("teams:29:b", 5), FollowUp("slack:U1", 3), FollowUp("slack:U1", 4)],
    )
    assert await store.answer_follow_up(PROGRAMME, 3, second)
    assert not await store.answer_follow_up(PROGRAMME, 3, second)
    assert not await store.answer_follow_up(PROGRAMME, 9, second)
    assert await store.unanswered(PROGRAMME) == (
        second,
        [FollowUp("slack:U1", 4), FollowUp("teams:29:b", 5)],
    )
