"""When the clock's jobs last ran: written by the clock on each run, read by `howcanwe doctor`."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select, update

from storage import models as m
from storage.store import Store


class SqlClockTicks(Store):
    """Not a role of the core: the composition root records the clock's runs here."""

    async def record_tick(self, job: str, at: datetime) -> None:
        def tx(conn: Connection) -> None:
            moved = conn.execute(
                update(m.ClockTick).where(m.ClockTick.job == job).values(ticked_at=at)
            )
            if not moved.rowcount:
                conn.execute(insert(m.ClockTick).values(job=job, ticked_at=at))

        await self._write(tx)

    async def last_tick(self, job: str) -> datetime | None:
        def tx(conn: Connection) -> datetime | None:
            found = conn.scalar(select(m.ClockTick.ticked_at).where(m.ClockTick.job == job))
            if found is not None and found.tzinfo is None:  # SQLite keeps no zone
                found = found.replace(tzinfo=UTC)
            return found

        return await self._read(tx)
