"""The plan page of a big programme from a real `howcanwe serve`: time to first and last byte,
bytes, the server's memory, and the longest wait of `/healthz` polled while the page renders;
the plan at a glance (`plan_summary`) against the full plan (`action_plan`) on each database.

    .venv/bin/python -m bench.plan_page [--sizes 10000,100000,300000]
        [--databases sqlite,postgresql] [--postgres URL] [--serve sqlite]
    .venv/bin/python -m bench.plan_page --url URL --sizes 300000   # a database kept before

Each size is seeded with 10 votes per idea by `bench.digest_build`'s bulk seeding. In a fresh
child process per database and size: `plan_summary` cold (the database counts and ranks each
cell) and warm (one read of the plan's revision), then the baseline, `action_plan` (every idea
loaded), each with how far it raises the process's peak memory. Then `howcanwe serve` starts on
the database (`--serve` names which) and this process reads `/plan` with the dashboard token,
first cold, then warm and with the page's ETag, polling `/healthz` every 5 ms meanwhile; the
baseline is `/healthz` polled alone. At 100k the full-plan CSV export is read the same way.
Targets at 300k (issue 20): first byte < 300 ms, the page < 1 s, longest wait < 100 ms, RSS <
300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, ClientTimeout

from bench.digest_build import (
    ROOT,
    child_figures,
    drop_postgres_database,
    peak_mb,
    postgres_database,
    seed,
)
from bot.config import Settings
from bot.core.usecases import plan_views, planning
from bot.services import open_services

TOKEN = "bench-dashboard-token-0123456789abcdef"
VOTES_PER_IDEA = 10
PARTICIPANTS = 5_000
POLL_EVERY = 0.005  # seconds between /healthz polls during a render
EXPORT_AT = 100_000  # the size at which the full-plan export's memory is read
# Read after /plan, with the plan at a glance kept: the overview (its charts count by
# themselves) and a theme's first page of ideas (a page of the database's ranking).
OTHER_PAGES = {"/ (overview)": "/", "/themes/inclusive-growth": "/themes/inclusive-growth"}


# ---- in a child process: the core's two ways of reading the plan -----------------------------


async def measure(url: str) -> dict[str, Any]:
    settings = Settings(database_url=url, auto_migrate=False)
    async with open_services(settings) as services:
        ws, key = services.engine.workshop, settings.programme_key
        await ws.ready(key)
        before = await peak_mb()
        start = time.perf_counter()
        summary = await plan_views.plan_summary(ws, key)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        await plan_views.plan_summary(ws, key)
        warm = time.perf_counter() - start
        summary_peak = await peak_mb()
        start = time.perf_counter()
        plan = await planning.action_plan(ws, key)
        full = time.perf_counter() - start
        return {
            "summary_s": cold,
            "summary_warm_s": warm,
            "summary_mb": summary_peak - before,
            "plan_s": full,
            "plan_mb": await peak_mb() - summary_peak,
            "ideas_on_plan": len(plan.ideas),
            "shown": sum(len(t.ideas) for r in summary.themes for _, t in r.cells),
        }


# ---- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak) of a process, in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    kib = {ln.split(":")[0]: int(ln.split()[1]) for ln in status.splitlines() if "kB" in ln}
    return kib["VmRSS"] / 1024, kib["VmHWM"] / 1024


@dataclass
class Server:
    """`howcanwe serve` on the database, in its own process."""

    url: str
    port: int
    process: asyncio.subprocess.Process | None = None
    code: str | None = None  # another checkout to serve from (a baseline), else this one

    async def __aenter__(self) -> Server:
        env = (
            os.environ
            | {
                "DATABASE_URL": self.url,
                "PORT": str(self.port),
                "HOWCANWE_DASHBOARD_TOKEN": TOKEN,
                "HOWCANWE_PUBLIC_URL": f"http://127.0.0.1:{self.port}",
                "HOWCANWE_LOG_LEVEL": "WARNING",
                "HOWCANWE_SUGGESTER": "words",
            }
            | ({"PYTHONPATH": self.code} if self.code else {})
        )
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "serve", cwd=self.code or ROOT, env=env
        )
        async with ClientSession() as session:
            for _ in range(3000):
                with contextlib.suppress(OSError):  # not listening yet
                    async with session.get(self.base + "/healthz") as response:
                        if response.status == 200:
                            return self
                await asyncio.sleep(0.1)
        raise RuntimeError("the server did not start")

    async def __aexit__(self, *_: object) -> None:
        if self.process is not None:
            self.process.terminate()
            await self.process.wait()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid


@dataclass
class Read:
    first_byte: float
    last_byte: float
    size: int
    status: int
    etag: str
    longest_wait: float
    polls: int


async def read(session: ClientSession, base: str, path: str, headers: dict[str, str]) -> Read:
    """One GET timed to its first and last byte, `/healthz` polled all the while."""
    waits: list[float] = []
    done = asyncio.Event()

    async def poll() -> None:
        while not done.is_set():
            start = time.perf_counter()
            async with session.get(base + "/healthz") as response:
                await response.read()
            waits.append(time.perf_counter() - start)
            await asyncio.sleep(POLL_EVERY)

    poller = asyncio.create_task(poll())
    start = time.perf_counter()
    async with session.get(base + path, headers=headers) as response:
        first = None
        size = 0
        async for chunk in response.content.iter_any():
            first = first or time.perf_counter() - start
            size += len(chunk)
        last = time.perf_counter() - start
        status, etag = response.status, response.headers.get("ETag", "")
    done.set()
    await poller
    return Read(first or last, last, size, status, etag, max(waits, default=0.0), len(waits))


async def healthz_alone(session: ClientSession, base: str, polls: int = 200) -> float:
    longest = 0.0
    for _ in range(polls):
        start = time.perf_counter()
        async with session.get(base + "/healthz") as response:
            await response.read()
        longest = max(longest, time.perf_counter() - start)
        await asyncio.sleep(POLL_EVERY)
    return longest


async def served(url: str, ideas: int) -> dict[str, Any]:
    async with (
        Server(url, free_port()) as server,
        ClientSession(timeout=ClientTimeout(total=600)) as session,
    ):
        auth = {"Authorization": f"Bearer {TOKEN}"}
        figures: dict[str, Any] = {"rss_start_mb": rss_mb(server.pid)[0]}
        figures["healthz_alone_s"] = await healthz_alone(session, server.base)
        for label in ("cold", "warm"):
            figures[label] = await read(session, server.base, "/plan", auth)
        for label, path in OTHER_PAGES.items():  # the plan at a glance kept: what else they read
            figures[label] = await read(session, server.base, path, auth)
        figures["rss_mb"], figures["peak_mb"] = rss_mb(server.pid)
        if ideas == EXPORT_AT:
            figures["csv"] = await read(session, server.base, "/plan.csv", auth)
            figures["csv_rss_mb"], figures["csv_peak_mb"] = rss_mb(server.pid)
        return figures


# ---- the run ----------------------------------------------------------------------------------


async def one(
    label: str, url: str, ideas: int, serve: bool, seeded: bool = False
) -> dict[str, Any]:
    if seeded:
        print(f"{label} {ideas:,}: already seeded", flush=True)
    else:
        counts = argparse.Namespace(
            ideas=ideas, votes=ideas * VOTES_PER_IDEA, participants=PARTICIPANTS
        )
        shape = await seed(url, counts)
        print(f"{label} {ideas:,}: seeded in {shape['seed_s']:.1f} s", flush=True)
    figures = await child_figures("bench.plan_page", "--measure", url)
    print(
        f"  plan_summary {figures['summary_s']:.3f} s cold, {figures['summary_warm_s'] * 1000:.1f}"
        f" ms warm, +{figures['summary_mb']:.0f} MB ({figures['shown']} ideas shown); baseline "
        f"action_plan {figures['plan_s']:.2f} s, +{figures['plan_mb']:.0f} MB "
        f"({figures['ideas_on_plan']:,} ideas)",
        flush=True,
    )
    if serve:
        web = await served(url, ideas)
        print(f"  baseline: /healthz alone, longest {web['healthz_alone_s'] * 1000:.1f} ms")
        for name in ("cold", "warm", *OTHER_PAGES, "csv"):
            if name not in web:
                continue
            r: Read = web[name]
            page = {"csv": "/plan.csv (full-plan export)"}.get(name, name)
            page = f"/plan {name}" if name in ("cold", "warm") else page
            print(
                f"  {page}: {r.status}, first byte {r.first_byte * 1000:.0f} ms, last byte "
                f"{r.last_byte * 1000:.0f} ms, {r.size:,} bytes, longest /healthz wait "
                f"{r.longest_wait * 1000:.1f} ms over {r.polls} polls"
            )
        print(
            f"  server RSS {web['rss_start_mb']:.0f} MB at start, {web['rss_mb']:.0f} MB after "
            f"/plan (peak {web['peak_mb']:.0f} MB)"
            + (
                f"; after /plan.csv {web['csv_rss_mb']:.0f} MB (peak {web['csv_peak_mb']:.0f})"
                if "csv" in web
                else ""
            ),
            flush=True,
        )
    return figures


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,300000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--serve", default="sqlite", help="the databases to serve /plan from")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--url", help="serve a database seeded before, of --sizes ideas")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(await measure(args.measure)), flush=True)
        return
    if args.url:  # a database seeded before (`bench.digest_build --keep`): `--sizes` names its size
        kind = "PostgreSQL" if args.url.startswith("postgres") else "SQLite"
        await one(kind, args.url, int(args.sizes), serve=True, seeded=True)
        return
    for size in (int(s) for s in args.sizes.split(",")):
        for database in args.databases.split(","):
            serve = database in args.serve.split(",")
            if database == "sqlite":
                folder = await asyncio.to_thread(tempfile.mkdtemp, prefix="howcanwe-bench-")
                try:
                    await one("SQLite", f"sqlite:///{folder}/bench.db", size, serve)
                finally:
                    await asyncio.to_thread(shutil.rmtree, folder)
            else:
                url = await postgres_database(args.postgres)
                if url is None:
                    print(f"PostgreSQL: not reachable at {args.postgres}, skipped")
                    continue
                try:
                    await one("PostgreSQL", url, size, serve)
                finally:
                    await drop_postgres_database(args.postgres, url)


if __name__ == "__main__":
    asyncio.run(main())
