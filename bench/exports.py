"""The full exports of a big programme from a real `howcanwe serve`: /plan.csv, /plan.json,
/plan.md and /plan.xlsx, each timed to its first and last byte, its size, the server's memory,
and the longest wait of `/healthz` polled every 5 ms while it downloads.

    .venv/bin/python -m bench.exports [--sizes 10000,100000] [--database sqlite|postgresql]
        [--postgres URL] [--baseline-code DIR]

Each size is seeded with 10 votes per idea by `bench.digest_build`'s bulk seeding; one server
serves every format in turn. Baselines in the same run: `/healthz` polled alone, before the
exports; and, with `--baseline-code` (another checkout, e.g. the main branch before exports
streamed), the same downloads from a server running that code on the same database.
Targets (issue 20, at 300k): first byte < 300 ms, longest wait < 100 ms, server RSS < 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile

from aiohttp import ClientSession, ClientTimeout

from bench.digest_build import drop_postgres_database, postgres_database, seed
from bench.plan_page import (
    PARTICIPANTS,
    TOKEN,
    VOTES_PER_IDEA,
    Read,
    Server,
    free_port,
    healthz_alone,
    read,
    rss_mb,
)

FORMATS = ("csv", "json", "md", "xlsx")


async def served(url: str, label: str, code: str | None) -> None:
    """Every export from one server, with the server's memory after each."""
    async with (
        Server(url, free_port(), code=code) as server,
        ClientSession(timeout=ClientTimeout(total=3600)) as session,
    ):
        auth = {"Authorization": f"Bearer {TOKEN}"}
        start_mb = rss_mb(server.pid)[0]
        alone = await healthz_alone(session, server.base)
        print(
            f"  {label}: server RSS {start_mb:.0f} MB at start; baseline /healthz alone, longest "
            f"{alone * 1000:.1f} ms",
            flush=True,
        )
        for fmt in FORMATS:
            r: Read = await read(session, server.base, f"/plan.{fmt}", auth)
            now, peak = rss_mb(server.pid)
            print(
                f"    /plan.{fmt:<4}: {r.status}, first byte {r.first_byte * 1000:7.0f} ms, last "
                f"byte {r.last_byte:6.2f} s, {r.size:>12,} bytes, longest /healthz wait "
                f"{r.longest_wait * 1000:7.1f} ms over {r.polls:>5} polls; server RSS {now:.0f} MB "
                f"(peak so far {peak:.0f} MB)",
                flush=True,
            )


async def one(label: str, url: str, ideas: int, code: str | None) -> None:
    shape = await seed(
        url,
        argparse.Namespace(ideas=ideas, votes=ideas * VOTES_PER_IDEA, participants=PARTICIPANTS),
    )
    print(f"{label} {ideas:,} ideas: seeded in {shape['seed_s']:.1f} s", flush=True)
    await served(url, "streamed (this checkout)", None)
    if code:
        await served(url, f"baseline ({code})", code)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--database", default="sqlite", choices=("sqlite", "postgresql"))
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--baseline-code", help="a checkout to serve the same exports from")
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        if args.database == "sqlite":
            folder = await asyncio.to_thread(tempfile.mkdtemp, prefix="howcanwe-bench-")
            try:
                await one("SQLite", f"sqlite:///{folder}/bench.db", size, args.baseline_code)
            finally:
                await asyncio.to_thread(shutil.rmtree, folder)
            continue
        url = await postgres_database(args.postgres)
        if url is None:
            print(f"PostgreSQL: not reachable at {args.postgres}, skipped")
            return
        try:
            await one("PostgreSQL", url, size, args.baseline_code)
        finally:
            await drop_postgres_database(args.postgres, url)


if __name__ == "__main__":
    asyncio.run(main())
