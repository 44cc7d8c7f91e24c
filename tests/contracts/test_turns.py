"""The TurnStore contract: an inbound event is handled once, its claim released or lapsed."""

from __future__ import annotations

from datetime import timedelta

from bot.core.domain import Claim

LEASE = timedelta(minutes=5)


async def test_a_handled_event_is_done_for_every_retry(store) -> None:
    assert await store.claim("teams", "a1", LEASE) is Claim.NEW
    assert await store.claim("teams", "a1", LEASE) is Claim.HELD
    await store.handled("teams", "a1")
    assert await store.claim("teams", "a1", LEASE) is Claim.DONE
    assert await store.claim("teams", "a1", LEASE) is Claim.DONE
    assert await store.claim("slack", "a1", LEASE) is Claim.NEW  # another platform's id


async def test_a_released_event_is_claimed_again_at_once(store) -> None:
    assert await store.claim("slack", "Ev1", LEASE) is Claim.NEW
    await store.release("slack", "Ev1")
    assert await store.claim("slack", "Ev1", LEASE) is Claim.NEW
    assert await store.claim("slack", "Ev1", LEASE) is Claim.HELD


async def test_a_claim_lapses_after_its_lease_and_is_taken_over_once(store, clock) -> None:
    assert await store.claim("slack", "Ev2", LEASE) is Claim.NEW
    clock.advance(seconds=LEASE.total_seconds())
    assert await store.claim("slack", "Ev2", LEASE) is Claim.HELD  # not yet older than the lease
    clock.advance(seconds=1)
    assert await store.claim("slack", "Ev2", LEASE) is Claim.NEW
    assert await store.claim("slack", "Ev2", LEASE) is Claim.HELD


async def test_handling_without_a_claim_still_marks_the_event_done(store) -> None:
    await store.handled("slack", "Ev3")
    await store.handled("slack", "Ev3")  # twice changes nothing
    await store.release("slack", "Ev4")  # releasing what nobody claimed changes nothing
    assert await store.claim("slack", "Ev3", LEASE) is Claim.DONE
    assert await store.claim("slack", "Ev4", LEASE) is Claim.NEW


async def test_a_lapsed_claim_on_a_handled_event_is_cleared(store, clock) -> None:
    assert await store.claim("slack", "Ev5", LEASE) is Claim.NEW
    await store.handled("slack", "Ev5")
    clock.advance(minutes=10)
    assert await store.claim("slack", "Ev5", LEASE) is Claim.DONE
    assert await store.forget_events(clock.now()) == 1  # only the handled event was left
