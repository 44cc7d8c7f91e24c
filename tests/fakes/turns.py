"""Inbound events claimed, handled or released, in memory (`storage.turns`)."""

from __future__ import annotations

from datetime import timedelta

from bot.core import domain
from tests.fakes.memory import Memory


class MemoryTurns(Memory):
    """Implements `bot.core.ports.TurnStore`."""

    async def claim(self, platform: str, event_id: str, lease: timedelta) -> domain.Claim:
        now, key = self._clock.now(), (platform, event_id)
        claimed_at = self._held.get(key)
        taken = claimed_at is None or claimed_at < now - lease
        if taken:
            self._held[key] = now
        if key in self._done:
            if taken:
                del self._held[key]
            return domain.Claim.DONE
        return domain.Claim.NEW if taken else domain.Claim.HELD

    async def handled(self, platform: str, event_id: str) -> None:
        self._done.setdefault((platform, event_id), self._clock.now())
        self._held.pop((platform, event_id), None)

    async def release(self, platform: str, event_id: str) -> None:
        self._held.pop((platform, event_id), None)
