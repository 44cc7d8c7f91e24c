"""Health checks and dropping what nobody needs any more, in memory (`storage.housekeeping`)."""

from __future__ import annotations

from datetime import datetime

from tests.fakes.memory import Memory


class MemoryHousekeeping(Memory):
    """Implements `bot.core.ports.HousekeepingStore`."""

    async def ping(self) -> None:
        """Memory is always there."""

    async def forget_events(self, seen_before: datetime) -> int:
        gone = 0
        for events in (self._done, self._held):
            old = [key for key, seen in events.items() if seen < seen_before]
            for key in old:
                del events[key]
            gone += len(old)
        return gone

    async def forget_drafts(self, saved_before: datetime) -> int:
        old = [key for key, draft in self._drafts.items() if draft.saved_at < saved_before]
        for key in old:
            del self._drafts[key]
        return len(old)
