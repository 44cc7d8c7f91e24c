"""Teams votes per second through POST /api/messages (each stored durably before the ack), against a
bare botbuilder CloudAdapter bot that only replies, in the same run on the same server.

    .venv/bin/python bench/teams_votes.py [--votes 2000] [--concurrency 32] [--rate 300]
        [--time-limit 120]

The server (the real app, its SQLite database and the bare bot) runs in a child process; the load
generator and the fake Bot Connector the bot replies through run in this one, as Teams and its
connector are elsewhere, so neither takes the server's CPU time. Two loads:

- closed loop: `--concurrency` activities in flight at all times, as fast as the server answers:
  the most votes per second it stores (its latency is then mostly queueing: Little's law);
- open loop: activities sent on a fixed schedule of `--rate` per second (the issue's target), each
  one's latency counted from when it was due, not when it could be sent, so a stalled server
  cannot hide its queue (no coordinated omission): the latency people see at that load.

Prints throughput, ack latency p50/p99, votes counted in the database, and what one msrest
connector client costs to build (the per-activity cost botbuilder pays and our edge avoids).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import logging
import statistics
import sys
import tempfile
import time
import timeit
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from botbuilder.core import ActivityHandler, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from sqlalchemy import text

from bench.ideas import distinct_ideas
from bot.app import create_app, tune_garbage_collector
from bot.config import Settings
from bot.core.domain import ConversationRef, Participant
from bot.core.interaction import Command, Context, MessagePosted, Say
from bot.services import open_services
from storage.database import READ_ONLY

IDEAS = 100
BUDGET = 5
CHANNEL = "19:bench@thread.tacv2"
TENANT = "bench-tenant"
BOT = {"id": "28:bench-bot", "name": "howcanwe"}
QUIET = 2.0  # seconds without a connector call after which the bot's updates are all out


class Received:
    """Calls the fake connector has had, and a way to wait for a number of them."""

    def __init__(self) -> None:
        self.calls = 0
        self._changed = asyncio.Condition()

    async def one_more(self) -> None:
        async with self._changed:
            self.calls += 1
            self._changed.notify_all()

    async def settled(self, quiet: float) -> None:
        """Return once no call has arrived for `quiet` seconds (the bot's coalesced card
        updates go out at most once a second per card)."""
        while True:
            seen = self.calls
            await asyncio.sleep(quiet)
            if self.calls == seen:
                return


def fake_connector(received: Received) -> web.Application:
    ids = itertools.count(1)

    async def answer(request: web.Request) -> web.Response:
        await request.read()
        await received.one_more()
        return web.json_response({"id": str(next(ids))}, status=200)

    app = web.Application()
    app.router.add_route("*", "/v3/conversations/{conversation}/activities{rest:.*}", answer)
    return app


# ---- the server process -------------------------------------------------------------------


class EchoBot(ActivityHandler):
    """The baseline: botbuilder's stock adapter and one reply per message, no storage."""

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity("ok")


async def serve(folder: str) -> None:
    logging.basicConfig(level=logging.ERROR)
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder}/bench.db",
        organisers=frozenset({"teams:29:org"}),
        auto_migrate=True,
        in_process_clock=False,
    )
    async with open_services(settings) as services:
        ideas = await _ideas(services.engine)
        app = create_app(settings, services)
        baseline = CloudAdapter(ConfigurationBotFrameworkAuthentication(object()))
        echo = EchoBot()

        async def bare(request: web.Request) -> web.StreamResponse:
            return await baseline.process(request, echo)  # type: ignore[return-value]

        async def count(_request: web.Request) -> web.Response:
            async with services.db.connect() as conn:
                # Read-only: a plain BEGIN, so counting never takes the bot's write lock.
                await conn.execution_options(**{READ_ONLY: True})
                stored = (await conn.execute(text("SELECT count(*) FROM votes"))).scalar_one()
            return web.json_response({"votes": stored})

        app.router.add_post("/baseline/messages", bare)
        app.router.add_get("/bench/votes", count)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        tune_garbage_collector()  # as `howcanwe serve` does
        print(json.dumps({"app": runner.addresses[0][1], "ideas": ideas}), flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()


async def _ideas(engine: Any) -> list[str]:
    """A posted prompt and IDEAS idea cards, each with a message id to update in place."""
    where = ConversationRef("teams", TENANT, CHANNEL, "bench")
    organiser = Context(Participant("teams", "29:org", "Org"), where)
    [prompt] = await engine.handle(organiser, Command("prompt inclusive-growth"))
    assert isinstance(prompt, Say) and prompt.anchor is not None
    await engine.posted(organiser, prompt.anchor, "prompt-1")
    thread = Context(organiser.who, ConversationRef("teams", TENANT, CHANNEL, "bench", "prompt-1"))
    cards = []
    for n, idea in enumerate(distinct_ideas(IDEAS)):
        [say] = await engine.handle(thread, MessagePosted(idea))
        assert isinstance(say, Say) and say.anchor is not None
        await engine.posted(thread, say.anchor, f"card-{n + 1}")
        cards.append(f"card-{n + 1}")
    return cards


# ---- the load generator -------------------------------------------------------------------


def vote_activity(service_url: str, n: int, voter: int, idea: int, card: str) -> dict[str, Any]:
    return {
        "type": "message",
        "id": f"vote-{n}",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": f"29:voter{voter}", "name": f"Voter {voter}"},
        "conversation": {
            "id": f"{CHANNEL};messageid=prompt-1",
            "conversationType": "channel",
            "tenantId": TENANT,
            "isGroup": True,
        },
        "recipient": BOT,
        "replyToId": card,
        "value": {"action_id": "idea.vote", "value": str(idea)},
        "channelData": {"tenant": {"id": TENANT}},
    }


async def load(
    url: str, activities: list[dict[str, Any]], concurrency: int, time_limit: float
) -> tuple[float, list[float], int]:
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + time_limit
    async with ClientSession(timeout=ClientTimeout(total=30)) as http:

        async def one(activity: dict[str, Any]) -> None:
            nonlocal failures
            async with gate:
                if time.perf_counter() > deadline:
                    return
                start = time.perf_counter()
                async with http.post(url, json=activity) as response:
                    await response.read()
                    if response.status not in (200, 201):
                        failures += 1
                latencies.append(time.perf_counter() - start)

        start = time.perf_counter()
        await asyncio.gather(*(one(a) for a in activities))
        return time.perf_counter() - start, latencies, failures


async def paced(
    url: str, activities: list[dict[str, Any]], rate: float
) -> tuple[float, list[float], int]:
    """Send activity i at start + i/rate whatever the server does; latency from when it was due."""
    latencies: list[float] = []
    failures = 0
    async with ClientSession(timeout=ClientTimeout(total=30)) as http:
        start = time.perf_counter()

        async def one(index: int, activity: dict[str, Any]) -> None:
            nonlocal failures
            due = start + index / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            async with http.post(url, json=activity) as response:
                await response.read()
                if response.status not in (200, 201):
                    failures += 1
            latencies.append(time.perf_counter() - due)

        await asyncio.gather(*(one(i, a) for i, a in enumerate(activities)))
        return time.perf_counter() - start, latencies, failures


async def stored_votes(app: str) -> int:
    async with ClientSession() as http, http.get(f"{app}/bench/votes") as response:
        answer = await response.json()
    return int(answer["votes"])


def report(label: str, count: int, elapsed: float, latencies: list[float]) -> float:
    rate = count / elapsed
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"  {label:<40} {rate:8.0f} /s   ack p50 {cuts[49] * 1000:6.1f} ms   "
        f"p99 {cuts[98] * 1000:6.1f} ms"
    )
    return rate


def connector_client_cost() -> float:
    """Milliseconds of CPU to build one msrest ConnectorClient (botbuilder builds one per turn)."""
    from botframework.connector.aio import ConnectorClient
    from botframework.connector.auth import MicrosoftAppCredentials

    credentials = MicrosoftAppCredentials.empty()
    runs = 50
    seconds = timeit.timeit(
        lambda: ConnectorClient(credentials, base_url="http://127.0.0.1/"), number=runs
    )
    return seconds / runs * 1000


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--votes", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rate", type=float, default=300.0, help="open-loop votes per second")
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds per phase")
    parser.add_argument("--serve", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.serve:
        await serve(args.serve)
        return
    received = Received()
    connector = web.AppRunner(fake_connector(received), access_log=None)
    await connector.setup()
    await web.TCPSite(connector, "127.0.0.1", 0).start()
    service_url = f"http://127.0.0.1:{connector.addresses[0][1]}/"
    with tempfile.TemporaryDirectory() as folder:
        server = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--serve", folder, stdout=asyncio.subprocess.PIPE
        )
        try:
            assert server.stdout is not None
            ready = json.loads(await asyncio.wait_for(server.stdout.readline(), 120))
            await run(args, ready, service_url, received)
        finally:
            server.terminate()
            await server.wait()
            await connector.cleanup()


async def run(
    args: argparse.Namespace, ready: dict[str, Any], service_url: str, received: Received
) -> None:
    app = f"http://127.0.0.1:{ready['app']}"
    cards: list[str] = ready["ideas"]
    pairs = [
        (v, (v * 7 + k) % IDEAS)
        for v in range(2 * (args.votes // BUDGET + 1))
        for k in range(BUDGET)
    ]
    all_votes = [
        vote_activity(service_url, n, voter, idea + 1, cards[idea])
        for n, (voter, idea) in enumerate(pairs[: 2 * args.votes])
    ]
    votes, paced_votes = all_votes[: args.votes], all_votes[args.votes :]  # other voters
    print(
        f"Teams votes on SQLite: {len(votes)} activities, concurrency {args.concurrency}, "
        f"each vote = stored vote + the idea card updated in place (coalesced per card)"
    )
    start = time.perf_counter()
    elapsed, latencies, failures = await load(
        f"{app}/api/messages", votes, args.concurrency, args.time_limit
    )
    stored = await stored_votes(app)
    ours = report("howcanwe /api/messages (stored votes)", stored, elapsed, latencies)
    print(f"  {len(latencies)} acked, {failures} not 2xx, {stored} votes counted in the database")
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(received.settled(QUIET), args.time_limit)
    done = time.perf_counter() - start - QUIET
    print(
        f"  card updates: {received.calls} connector calls for {stored} votes, the last sent "
        f"{done:.2f} s after the first vote = {stored / done:.0f} votes/s end to end"
    )
    before = await stored_votes(app)
    elapsed, latencies, failures = await paced(f"{app}/api/messages", paced_votes, args.rate)
    stored = await stored_votes(app)
    report(f"open loop at {args.rate:.0f}/s offered", stored - before, elapsed, latencies)
    print(f"  {len(latencies)} acked, {failures} not 2xx, {stored - before} votes stored")
    echoes = [
        vote_activity(service_url, n, 0, 1, "card-1") | {"id": f"echo-{n}"}
        for n in range(len(votes))
    ]
    elapsed, latencies, failures = await load(
        f"{app}/baseline/messages", echoes, args.concurrency, args.time_limit
    )
    bare = report("baseline: bare CloudAdapter echo bot", len(latencies), elapsed, latencies)
    print(f"  {failures} not 2xx; ratio howcanwe / baseline: {ours / bare:.2f}")
    print(f"  msrest ConnectorClient construction: {connector_client_cost():.2f} ms CPU each")


if __name__ == "__main__":
    asyncio.run(main())
