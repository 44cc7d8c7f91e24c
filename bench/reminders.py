"""How long the clock takes to send the reminders before a phase change, and its peak memory, for
a programme of 10,000 participants across 200 channels; against a baseline in the same run: the
digest send path, for the same 200 channels.

    .venv/bin/python -m bench.reminders [--participants 10000] [--channels 200]
        [--latency-ms 0] [--database sqlite|postgresql] [--postgres URL]

The programme is built through the engine, as chat would build it: a prompt and an idea in every
channel, every participant's vote, a daily digest in every channel, then `close <theme> at
17:00`. Each tick is measured in a fresh child process (`--measure`), so its peak memory is the
clock's and not the seeding's. The notifier stands in for the platforms: it answers every post
after `--latency-ms` (each platform's own pacing is measured in bench/slack_votes.py and
bench/teams_votes.py). A reminder is one channel message that names no one, and a direct message
to each participant with votes left (on Slack every participant can be reached): 200 channel
posts and 10,000 direct messages, each queued, claimed and finished once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.digest_build import child_figures, peak_mb
from bench.near_duplicates import synthetic_ideas
from bot.config import Settings
from bot.core.domain import ConversationRef, Participant, PostedMessage
from bot.core.engine import Engine
from bot.core.interaction import Card, Command, Context, MessagePosted, Say
from bot.core.ports import Sent
from bot.core.usecases import digests, reminders
from bot.services import open_services
from tests.conftest import FakeClock, create_postgres_database, drop_postgres_database, migrate

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning in London (GMT)
THEME = "inclusive-growth"
REMINDED = START + timedelta(hours=7)  # 16:00: an hour before `close … at 17:00`
DIGESTS_DUE = START + timedelta(hours=8, minutes=30)  # 17:30: every channel's daily digest
ORGANISER = Participant("slack", "UORG", "Olive")
VOTES_AT_ONCE = 500  # votes in flight together: the batcher writes them in a few transactions
ROOT = Path(__file__).resolve().parents[1]


class Platforms:
    """The Notifier port, answering every post after `latency` seconds; counts what it got."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.posted = 0
        self.messaged = 0  # direct messages

    async def send(self, where: ConversationRef, card: Card) -> Sent:
        await asyncio.sleep(self.latency)
        self.posted += 1
        return Sent.POSTED

    async def direct(self, where: ConversationRef, user_id: str, card: Card) -> Sent:
        """A direct message: as a Slack IM, a conversations.open and a post."""
        await asyncio.sleep(2 * self.latency)
        self.messaged += 1
        return Sent.POSTED

    async def update(self, message: PostedMessage, card: Card) -> bool:
        return True


def channel(n: int) -> ConversationRef:
    return ConversationRef("slack", "T1", f"C{n:04d}", f"chan-{n}")


async def say(engine: Engine, ctx: Context, intent: Command | MessagePosted) -> str | None:
    """An intent, its anchored cards recorded as posted (as an edge does); the id of the last."""
    posted = None
    for reply in await engine.handle(ctx, intent):
        if isinstance(reply, Say) and reply.anchor is not None:
            posted = f"{ctx.where.channel_id}-{reply.anchor.kind}-{reply.anchor.ref}"
            await engine.posted(ctx, reply.anchor, posted)
    return posted


async def seed(settings: Settings, participants: int, channels: int) -> str:
    """The programme; returns what its figures say was stored."""
    async with open_services(settings, FakeClock(START), frozenset({ORGANISER.key})) as services:
        engine = services.engine
        texts = synthetic_ideas(channels)
        for n in range(channels):
            here = Context(ORGANISER, channel(n), "default")
            thread = await say(engine, here, Command(f"prompt {THEME}"))
            await say(engine, here, Command("digest daily 17:30"))
            in_thread = Context(ORGANISER, replace(here.where, thread_id=thread), "default")
            await say(engine, in_thread, MessagePosted(texts[n]))
        for first in range(0, participants, VOTES_AT_ONCE):
            batch = range(first, min(first + VOTES_AT_ONCE, participants))
            await asyncio.gather(
                *(
                    engine.handle(
                        Context(Participant("slack", f"UB{p:06d}"), channel(p % channels)),
                        Command(f"vote {p % channels + 1}"),
                    )
                    for p in batch
                )
            )
        await say(engine, Context(ORGANISER, channel(0)), Command(f"close {THEME} at 17:00"))
        stats = await services.engine.workshop.plan.stats("default")
        return f"{stats.ideas:,} ideas, {stats.votes:,} votes from {stats.participants:,} people"


async def measure(url: str, job: str, latency: float) -> dict[str, Any]:
    """One clock tick in this (child) process: the reminders at 16:00, or the digests at 17:30."""
    at = REMINDED if job == "reminders" else DIGESTS_DUE
    settings = Settings(database_url=url, auto_migrate=False, quiet_hours="")
    async with open_services(settings, FakeClock(at)) as services:
        ws = services.engine.workshop
        platforms = Platforms(latency)
        ws.notifier = platforms
        await ws.ready("default")
        opened = await peak_mb()
        started = time.perf_counter()
        if job == "reminders":
            posted = await reminders.send_due(ws)
        else:
            posted = await digests.send_due(ws)
        seconds = time.perf_counter() - started
        again = await (reminders.send_due(ws) if job == "reminders" else digests.send_due(ws))
    return {
        "job": job,
        "posted": posted,
        "direct": platforms.messaged,
        "seconds": round(seconds, 3),
        "peak_mb": round(await peak_mb(), 1),
        "opened_mb": round(opened, 1),
        "sent_again": again,
    }


async def measured(url: str, job: str, latency: float) -> dict[str, Any]:
    args = ("--measure", url, "--job", job, "--latency-ms", str(latency * 1000))
    return await child_figures("bench.reminders", *args)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--channels", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child process
    parser.add_argument("--job", default="reminders", help=argparse.SUPPRESS)
    args = parser.parse_args()
    latency = args.latency_ms / 1000
    if args.measure:
        print(json.dumps(await measure(args.measure, args.job, latency)), flush=True)
        return
    with tempfile.TemporaryDirectory() as scratch:
        if args.database == "sqlite":
            url = f"sqlite+aiosqlite:///{scratch}/bench.db"
        else:
            url = await create_postgres_database()
        try:
            await migrate(url)
            started = time.perf_counter()
            settings = Settings(database_url=url, auto_migrate=False, quiet_hours="")
            stored = await seed(settings, args.participants, args.channels)
            print(
                f"seeded {stored} in {args.channels} channels ({args.database}) in "
                f"{time.perf_counter() - started:.1f} s"
            )
            for job in ("reminders", "digests"):
                result = await measured(url, job, latency)
                label = "reminders" if job == "reminders" else "baseline: digests"
                print(
                    f"{label:18} {result['posted']:6} posts ({result['direct']} direct) in "
                    f"{result['seconds']:6.3f} s, "
                    f"peak {result['peak_mb']:6.1f} MB (opened at {result['opened_mb']:.1f} MB); "
                    f"a second tick sent {result['sent_again']}"
                )
        finally:
            if args.database == "postgresql":
                await drop_postgres_database(url)


if __name__ == "__main__":
    asyncio.run(main())
