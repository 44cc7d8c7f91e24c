"""Health checks and dropping what nobody needs any more."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from storage import models as m
from storage.store import Store


class SqlHousekeeping(Store):
    """Implements `bot.core.ports.HousekeepingStore`."""

    async def ping(self) -> None:
        def tx(conn: Connection) -> Any:
            conn.execute(select(1))

        return await self._read(tx)

    async def forget_events(self, seen_before: datetime) -> int:
        def tx(conn: Connection) -> Any:
            gone = conn.execute(
                delete(m.ProcessedEvent).where(m.ProcessedEvent.seen_at < seen_before)
            )
            return int(getattr(gone, "rowcount", 0) or 0)

        return await self._write(tx)

    async def forget_drafts(self, saved_before: datetime) -> int:
        def tx(conn: Connection) -> int:
            gone = conn.execute(delete(m.Draft).where(m.Draft.created_at < saved_before))
            return int(gone.rowcount or 0)

        return await self._write(tx)
