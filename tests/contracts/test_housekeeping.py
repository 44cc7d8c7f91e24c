"""The HousekeepingStore contract: storage answers a ping, and old event ids are dropped."""

from __future__ import annotations

from datetime import timedelta

from bot.core.domain import Claim

LEASE = timedelta(minutes=5)


async def test_storage_answers_a_ping(store) -> None:
    assert await store.ping() is None


async def test_event_ids_seen_before_the_cut_are_dropped_and_counted(store, clock) -> None:
    await store.handled("slack", "old")
    assert await store.claim("teams", "old-claim", LEASE) is Claim.NEW
    clock.advance(hours=1)
    cut = clock.now()
    await store.handled("slack", "new")
    assert await store.forget_events(cut) == 2
    assert await store.forget_events(cut) == 0
    assert await store.claim("slack", "old", LEASE) is Claim.NEW  # forgotten: a new event
    assert await store.claim("teams", "old-claim", LEASE) is Claim.NEW
    assert await store.claim("slack", "new", LEASE) is Claim.DONE
