"""A turn's claim: handled once, released on failure, lapsed when its holder died."""

from __future__ import annotations

from bot.core.domain import Claim
from handlers.turns import LEASE


async def test_a_handled_turn_is_done_for_every_retry(services) -> None:
    repo = services.repo
    assert await repo.claim("teams", "a1", LEASE) is Claim.NEW
    assert await repo.claim("teams", "a1", LEASE) is Claim.HELD  # being handled right now
    await repo.handled("teams", "a1")
    assert await repo.claim("teams", "a1", LEASE) is Claim.DONE
    assert await repo.claim("slack", "a1", LEASE) is Claim.NEW  # another platform's id


async def test_a_released_turn_is_claimed_again_at_once(services) -> None:
    repo = services.repo
    assert await repo.claim("slack", "Ev1", LEASE) is Claim.NEW
    await repo.release("slack", "Ev1")  # its handling failed
    assert await repo.claim("slack", "Ev1", LEASE) is Claim.NEW


async def test_the_claim_of_a_holder_that_died_lapses_after_the_lease(services, clock) -> None:
    repo = services.repo
    assert await repo.claim("slack", "Ev2", LEASE) is Claim.NEW
    clock.advance(seconds=LEASE.total_seconds() - 1)
    assert await repo.claim("slack", "Ev2", LEASE) is Claim.HELD
    clock.advance(seconds=2)
    assert await repo.claim("slack", "Ev2", LEASE) is Claim.NEW  # taken over
    assert await repo.claim("slack", "Ev2", LEASE) is Claim.HELD  # by one only
    await repo.handled("slack", "Ev2")
    clock.advance(seconds=LEASE.total_seconds() * 2)
    assert await repo.claim("slack", "Ev2", LEASE) is Claim.DONE
