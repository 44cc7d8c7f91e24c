"""The largest download streams: read from the database while it is sent, the server keeps
answering other requests meanwhile, and what arrives is the whole export."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

import pytest
from aiohttp import ClientSession, TCPConnector
from sqlalchemy import insert, select, update

from bot.core.domain import Idea
from bot.core.engine import Engine
from bot.core.plan_export import ExportHead, Listing, PlanStream
from bot.core.ports import PlanReader
from storage import models as m
from tests.handlers.web.conftest import ANN, ORGANISER, TOWN, Web

IDEAS = 4_000  # a JSON export of about 4 MB: far more than the sockets between hold
POLLS = 16  # health checks made while the first chunks are read, one after each chunk
SMALL_BUFFER = 16 * 1024  # the client's socket and read buffers: the server waits on it


async def seeded(web: Web, count: int) -> None:
    """One idea through the core, then `count - 1` copies of its row written in bulk."""
    await web.ok(ORGANISER, TOWN, "channel community")
    await web.ok(ANN, TOWN, "idea inclusive: Community hubs that offer business mentoring")
    async with web.services.db.begin() as conn:
        ideas = m.Idea.__table__
        first = (await conn.execute(select(ideas).where(ideas.c.number == 1))).mappings().one()
        left = ("id", "number", "text", "request_key", "source_message")
        copied = {k: v for k, v in first.items() if k not in left}
        rows = [
            copied | {"number": n, "text": f"Idea {n}: hubs, buses and apprenticeships"}
            for n in range(2, count + 1)
        ]
        await conn.execute(insert(ideas), rows)
        await conn.execute(update(m.Programme).values(last_number=count))


def small_socket(addr_info: Any) -> socket.socket:
    """A client socket with a small receive buffer, so that the server can only send as fast as
    the client reads (TCP's own flow control)."""
    family, kind, proto, _, _ = addr_info
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SMALL_BUFFER)
    return sock


@dataclass
class Counted:
    """A PlanReader that counts the batches of ideas the export has read so far."""

    reader: PlanReader
    batches: int = 0

    async def head(self) -> ExportHead:
        return await self.reader.head()

    async def theme_votes(self) -> Mapping[tuple[str, str], int]:
        return await self.reader.theme_votes()

    async def ideas(self, listing: Listing) -> AsyncIterator[Sequence[Idea]]:
        async for batch in self.reader.ideas(listing):
            self.batches += 1
            yield batch


@pytest.fixture
def counted(web: Web, monkeypatch: pytest.MonkeyPatch) -> list[Counted]:
    """The exports' readers, as the server reads the plan through them."""
    readers: list[Counted] = []
    engine = web.services.engine
    opened = Engine.plan_stream

    @asynccontextmanager
    async def observed(programme: str) -> AsyncIterator[PlanStream]:
        async with opened(engine, programme) as plan:
            readers.append(Counted(plan.reader))
            yield replace(plan, reader=readers[-1])

    monkeypatch.setattr(engine, "plan_stream", observed)
    return readers


async def test_health_checks_are_answered_while_the_largest_export_streams(
    web: Web, counted: list[Counted]
) -> None:
    await seeded(web, IDEAS)
    connector = TCPConnector(socket_factory=small_socket)
    async with (
        ClientSession(web.base_url, connector=connector, read_bufsize=SMALL_BUFFER) as session,
        session.get(web.link("/plan.json")) as export,
    ):
        assert export.status == 200
        body = [await export.content.readany()]
        read_by_then = []  # batches of ideas the server had read when each check came back
        for _ in range(POLLS):
            async with session.get("/healthz") as health:
                assert health.status == 200
                await health.read()
            read_by_then.append(counted[0].batches)
            body.append(await export.content.readany())
        body.append(await export.content.read())
    # Every check was answered while the export was still reading the plan from the database.
    assert all(n < counted[0].batches for n in read_by_then), (read_by_then, counted[0].batches)
    data = json.loads(b"".join(body))
    assert data["programme"]["ideas"] == IDEAS
    [theme] = [t for t in data["themes"] if t["key"] == "inclusive-growth"]
    assert sorted(i["id"] for i in theme["ideas"]) == list(range(1, IDEAS + 1))
