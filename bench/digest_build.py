"""How long a digest takes to build, and the memory it needs, for a programme of 100,000 ideas
and 1,000,000 votes from 5,000 participants, on SQLite and PostgreSQL; against a baseline in the
same run: the action plan, which loads every idea.

    .venv/bin/python -m bench.digest_build [--sizes 100000,300000] [--per-idea 10]
        [--participants 5000] [--databases sqlite,postgresql] [--postgres URL] [--url URL]
        [--keep]

Each database is migrated, then seeded with bulk SQL (timed apart), its vote tallies and
activity counts counted from the ideas and votes seeded (`storage.tallies.rebuild`, in the
seeding time). The digest of the last week
is measured in a fresh child process per database (`--measure URL`), so its peak memory is the
digest's and not the seeding's: a warm-up, then the median of five builds; then the one-page
brief (PDF, from aggregates) and the workbook (XLSX, streamed from the database); then the
baseline, the plan (every idea loaded), each timed with the peak it reaches.
Targets (issues 6 and 20): the digest under 1 s at 100,000 ideas and under 2 s at 300,000, on
both databases, and under 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import math
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import JSON, Table, select

from bench.near_duplicates import synthetic_ideas
from bot.config import Settings
from bot.core import sketches
from bot.core.domain import Status
from bot.core.playbook import Playbook
from bot.core.usecases import briefs, digests, planning
from bot.documents import files
from bot.services import open_services
from storage import models as m
from storage import postings, tallies
from storage.database import create_engine, upgrade
from storage.posting_table import StemPosting

UNTIL = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # the digest's send time: a Monday morning
WEEKS = 10  # the programme's age: ideas, votes and prompts spread over it
PERIOD = timedelta(days=7)  # the digest measured covers the last week
SINCE = UNTIL - PERIOD
START = UNTIL - timedelta(weeks=WEEKS)
BUILDS = 5  # timed digest builds (after one warm-up); the median is reported
ZIPF = 0.8  # votes per idea fall off as rank ** -ZIPF: a few ideas draw thousands
ASSIGNED, MERGED, HIDDEN = 0.12, 0.03, 0.01  # shares of the ideas
ORGANISERS = 4  # the first participants organise: they post prompts, assign, merge, hide
CHANNELS = (  # (platform, audience, how many channels)
    ("slack", "community", 3),
    ("slack", "business", 2),
    ("slack", "authority", 1),
    ("teams", "community", 2),
    ("teams", "business", 2),
    ("teams", "authority", 2),
)
TEAMS_SHARE = 0.4  # of participants
STATUSES = (Status.PROPOSED, Status.PROPOSED, Status.AGREED, Status.IN_PROGRESS, Status.DONE)
CHUNK = 20_000  # rows per executemany on SQLite
PROMPT_COLUMNS = ("id", "programme_id", "channel_id", "theme_key", "challenge_index", "posted_by",
                  "posted_at")  # fmt: skip
IDEA_COLUMNS = ("id", "programme_id", "number", "theme_key", "prompt_id", "text", "author_id",
                "platform", "channel_id", "audience", "created_at", "actor_key", "style_key",
                "stage_key", "assigned_by", "assigned_at", "merged_into", "suggested_actor",
                "status", "hidden", "sketch")  # fmt: skip
HISTORY_COLUMNS = ("id", "programme_id", "idea_number", "who", "action", "detail", "at")
ROOT = Path(__file__).resolve().parents[1]

Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Rows:
    """One table's bulk load: its columns and rows in that order (made lazily where large)."""

    table: Table
    columns: tuple[str, ...]
    rows: Iterable[Row]


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    platform: str
    user_id: str
    channel: int  # index into the channels: the one they post and vote in
    audience: str

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.user_id}"


# ---- the programme's data -------------------------------------------------------------------


def vote_counts(ideas: int, votes: int, cap: int) -> list[int]:
    """Votes for each idea by popularity rank, Zipf-like and at most `cap` (one per person)."""
    if votes > ideas * cap:
        raise ValueError(f"{ideas} ideas and {cap} participants allow at most {ideas * cap} votes")
    weights = [(rank + 1) ** -ZIPF for rank in range(ideas)]
    counts = [0] * ideas
    left, open_ = votes, list(range(ideas))
    while left:
        share = left / math.fsum(weights[i] for i in open_)
        added = 0
        for i in open_:
            give = min(cap - counts[i], int(weights[i] * share), left - added)
            counts[i] += give
            added += give
        if not added:  # what flooring left over: one more each, most popular first
            for i in open_[:left]:
                counts[i] += 1
            added = min(left, len(open_))
        left -= added
        open_ = [i for i in open_ if counts[i] < cap]
    return counts


def people(count: int, channels: list[tuple[str, str]], rng: random.Random) -> list[Person]:
    found = []
    for n in range(count):
        platform = "teams" if rng.random() < TEAMS_SHARE else "slack"
        mine = [i for i, (p, _) in enumerate(channels) if p == platform]
        channel = rng.choice(mine)
        user_id = f"29:bench{n}" if platform == "teams" else f"UB{n:07d}"
        found.append(Person(n + 1, platform, user_id, channel, channels[channel][1]))
    return found


def prompt_rows(
    pid: int, book: Playbook, channels: int, organiser: Person
) -> tuple[list[Row], dict[tuple[int, str, int], int]]:
    """Each week, the next challenge of every theme posted in every channel; and the prompt of
    each (channel, theme, week), which that week's ideas answer."""
    rows: list[Row] = []
    prompt_of: dict[tuple[int, str, int], int] = {}
    for week in range(WEEKS):
        for channel in range(channels):
            for theme in book.themes:
                prompt_of[channel, theme.key, week] = len(rows) + 1
                posted = START + timedelta(weeks=week, minutes=channel * 7 + 1)
                index = week % len(theme.challenges)
                rows.append(
                    (len(rows) + 1, pid, channel + 1, theme.key, index, organiser.id, posted)
                )
    return rows, prompt_of


@dataclass
class Ideas:
    """The programme's ideas, with the history their changes leave, made in creation order."""

    pid: int
    book: Playbook
    crowd: list[Person]
    prompt_of: dict[tuple[int, str, int], int]
    rng: random.Random

    def __post_init__(self) -> None:
        self.rows: list[Row] = []
        self.created: list[datetime] = []
        self.live: list[int] = []  # neither merged nor hidden: these draw the votes
        self.history: list[tuple[datetime, int, str, str, dict[str, Any]]] = []

    def make(self, count: int) -> None:
        rng, span = self.rng, (UNTIL - START).total_seconds()
        self.created = sorted(
            START + timedelta(seconds=60 + rng.random() * (span - 120)) for _ in range(count)
        )
        for number, (at, text) in enumerate(
            zip(self.created, synthetic_ideas(count), strict=True), 1
        ):
            self.add(number, at, text)
        self.history.sort(key=lambda row: row[0])

    def add(self, number: int, at: datetime, text: str) -> None:
        rng, organisers = self.rng, self.crowd[:ORGANISERS]
        author, theme = rng.choice(self.crowd), rng.choice(self.book.themes).key
        week = min(int((at - START) / timedelta(weeks=1)), WEEKS - 1)
        idea: dict[str, Any] = {
            "id": number, "programme_id": self.pid, "number": number, "theme_key": theme,
            "prompt_id": self.prompt_of[author.channel, theme, week], "text": text,
            "author_id": author.id, "platform": author.platform, "channel_id": author.channel + 1,
            "audience": author.audience, "created_at": at, "hidden": False,
            "suggested_actor": rng.choice(self.book.actors).key, "sketch": sketches.of(text),
        }  # fmt: skip
        self.history.append((at, number, author.key, "idea.added", {"theme": theme}))
        later = at + (UNTIL - at) * rng.random()
        organiser = rng.choice(organisers)
        if self.live and rng.random() < MERGED:
            target = rng.choice(self.live)  # an older idea: near-duplicates come later
            idea["merged_into"] = target
            self.history.append((later, number, organiser.key, "idea.merged", {"into": target}))
            self.history.append((later, target, organiser.key, "idea.merged", {"source": number}))
        elif rng.random() < HIDDEN / (1 - MERGED):
            idea["hidden"] = True
            self.history.append((later, number, organiser.key, "idea.hidden", {"voters": 0}))
        else:
            self.live.append(number)
            if rng.random() < ASSIGNED:
                idea |= self.assignment(rng, organiser, later)
                detail = {k: idea[f"{k}_key"] for k in ("actor", "style", "stage")}
                self.history.append((later, number, organiser.key, "idea.assigned", detail))
        self.rows.append(tuple(idea.get(column) for column in IDEA_COLUMNS))

    def assignment(self, rng: random.Random, by: Person, at: datetime) -> dict[str, Any]:
        actor = rng.choice(self.book.actors)
        government = actor.government
        return {
            "actor_key": actor.key,
            "style_key": rng.choice(self.book.styles).key if government else None,
            "stage_key": rng.choice(self.book.stages).key if government else None,
            "assigned_by": by.id,
            "assigned_at": at,
            "status": rng.choice(STATUSES).value,
        }


def seed_rows(
    pid: int, book: Playbook, ideas: int, votes: int, participants: int
) -> tuple[list[Rows], dict[str, int]]:
    """Every row of the programme (deterministic); votes are made lazily, in cast order."""
    rng = random.Random(6)
    channels = [(p, a) for p, a, n in CHANNELS for _ in range(n)]
    crowd = people(participants, channels, rng)
    prompts, prompt_of = prompt_rows(pid, book, len(channels), crowd[0])
    made = Ideas(pid, book, crowd, prompt_of, rng)
    made.make(ideas)
    voted = list(made.live)
    rng.shuffle(voted)  # popularity is not the order ideas came in
    counts = vote_counts(len(voted), votes, participants)
    history = [
        (i, pid, n, who, what, detail, at)
        for i, (at, n, who, what, detail) in enumerate(made.history, 1)
    ]
    column = {name: i for i, name in enumerate(IDEA_COLUMNS)}
    tables = [
        Rows(
            m.Participant.__table__,
            ("id", "platform", "user_id", "display_name"),
            [(p.id, p.platform, p.user_id, f"Person {p.id}") for p in crowd],
        ),
        Rows(
            m.Channel.__table__,
            ("id", "programme_id", "platform", "workspace_id", "channel_id", "name", "audience"),
            [
                (i, pid, p, f"{p}-bench", f"{p}-{a}-{i}", f"{a}-{i}", a)
                for i, (p, a) in enumerate(channels, 1)
            ],
        ),
        Rows(m.Prompt.__table__, PROMPT_COLUMNS, prompts),
        Rows(m.Idea.__table__, IDEA_COLUMNS, made.rows),
        Rows(  # the near-duplicate index, as storing each idea would have written it
            StemPosting.__table__,
            ("programme_id", "stem", "first_id", "ideas"),
            postings.chunks(pid, ((row[column["id"]], row[column["text"]]) for row in made.rows)),
        ),
        Rows(
            m.Vote.__table__,
            ("id", "idea_id", "participant_id", "audience", "platform", "cast_at"),
            cast_votes(voted, counts, made.created, crowd, rng),
        ),
        Rows(m.History.__table__, HISTORY_COLUMNS, history),
    ]
    shape = {
        "channels": len(channels),
        "prompts": len(prompts),
        "live": len(made.live),
        "assigned": sum(1 for row in made.rows if row[column["actor_key"]] is not None),
        "merged": sum(1 for row in made.rows if row[column["merged_into"]] is not None),
        "hidden": sum(1 for row in made.rows if row[column["hidden"]]),
        "history": len(history),
        "new_ideas": len(made.created) - bisect.bisect_left(made.created, SINCE),
        "top_votes": max(counts),
    }
    return tables, shape


def cast_votes(
    ideas: list[int],
    counts: list[int],
    created: list[datetime],
    crowd: list[Person],
    rng: random.Random,
) -> Iterator[Row]:
    """Each idea's votes from distinct people, cast between the idea's creation and the digest,
    stored in the order they were cast (as a live programme's would be)."""
    span = (UNTIL - START).total_seconds()
    cast: list[tuple[float, int, int]] = []
    for number, count in zip(ideas, counts, strict=True):
        offset = (created[number - 1] - START).total_seconds()
        for voter in rng.sample(range(len(crowd)), count):
            cast.append((offset + rng.random() * (span - offset), number, voter))
    cast.sort()
    for vote_id, (offset, number, voter) in enumerate(cast, 1):
        who = crowd[voter]
        yield vote_id, number, who.id, who.audience, who.platform, START + timedelta(seconds=offset)


def chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    found = iter(rows)
    while chunk := list(islice(found, size)):
        yield chunk


# ---- seeding ----------------------------------------------------------------------------------


async def programme_id(url: str) -> tuple[int, Playbook]:
    """Create the programme as the bot does (keys from the playbook); returns its id."""
    settings = Settings(database_url=url, auto_migrate=False)
    async with open_services(settings) as services:
        await services.engine.workshop.ready(settings.programme_key)
        async with services.db.connect() as conn:
            found = await conn.execute(
                select(m.Programme.id).where(m.Programme.key == settings.programme_key)
            )
            return found.scalar_one(), services.engine.workshop.playbook


async def seed(url: str, args: argparse.Namespace) -> dict[str, Any]:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    start = time.perf_counter()
    pid, book = await programme_id(url)
    tables, shape = await asyncio.to_thread(
        seed_rows, pid, book, args.ideas, args.votes, args.participants
    )
    generated = time.perf_counter() - start
    write = write_sqlite if url.startswith("sqlite") else write_postgres
    await write(url, tables, pid, args.ideas)
    return shape | {"generate_s": generated, "seed_s": time.perf_counter() - start}


async def write_sqlite(url: str, tables: list[Rows], pid: int, ideas: int) -> None:
    """SQLAlchemy Core executemany, all in one transaction; then the programme's idea counter
    moved past the numbers seeded."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            for load in tables:
                for chunk in chunks(load.rows, CHUNK):
                    await conn.execute(
                        load.table.insert(),
                        [dict(zip(load.columns, row, strict=True)) for row in chunk],
                    )
            await conn.execute(
                m.Programme.__table__.update()
                .where(m.Programme.id == pid)
                .values(last_number=ideas)
            )
            await conn.run_sync(tallies.rebuild)  # the votes came in bulk, past the writes
    finally:
        await engine.dispose()


async def write_postgres(url: str, tables: list[Rows], pid: int, ideas: int) -> None:
    """COPY, in one transaction; then the sequences moved past the ids given, and VACUUM ANALYZE
    (what autovacuum does to a table that grew this much)."""
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            for load in tables:
                encoded = [
                    i for i, c in enumerate(load.columns) if isinstance(load.table.c[c].type, JSON)
                ]
                await conn.copy_records_to_table(
                    load.table.name,
                    records=(_json(row, encoded) for row in load.rows),
                    columns=list(load.columns),
                )
                if "id" in load.table.c:  # a serial key: moved past the ids given
                    await conn.execute(
                        f"SELECT setval(pg_get_serial_sequence('{load.table.name}', 'id'), "
                        f"(SELECT max(id) FROM {load.table.name}))"
                    )
            await conn.execute("UPDATE programmes SET last_number = $1 WHERE id = $2", ideas, pid)
    finally:
        await conn.close()
    engine = create_engine(url)
    try:
        async with engine.begin() as tx:
            await tx.run_sync(tallies.rebuild)  # the votes came in bulk, past the writes
    finally:
        await engine.dispose()
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


def _json(row: Row, columns: list[int]) -> Row:
    return tuple(json.dumps(v) if i in columns else v for i, v in enumerate(row))


# ---- measuring (the child process) ------------------------------------------------------------


def _high_water_mark() -> float:
    """Peak resident memory of this process, in MB. Not ru_maxrss: Linux carries that over from
    the parent across fork and exec, so a child of the seeding process would report its peak."""
    status = Path("/proc/self/status").read_text()
    kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(kib) / 1024


async def peak_mb() -> float:
    return await asyncio.to_thread(_high_water_mark)


async def measure(url: str) -> dict[str, Any]:
    settings = Settings(database_url=url, auto_migrate=False)
    async with open_services(settings) as services:
        ws, key = services.engine.workshop, settings.programme_key
        await ws.ready(key)
        opened = await peak_mb()
        card = await digests.build(ws, key, SINCE, UNTIL, ws.playbook.timezone)  # warm-up
        times = []
        for _ in range(BUILDS):
            start = time.perf_counter()
            await digests.build(ws, key, SINCE, UNTIL, ws.playbook.timezone)
            times.append(time.perf_counter() - start)
        digest_peak = await peak_mb()
        documents = {}
        start = time.perf_counter()  # the brief, from aggregates, before the plan is loaded
        pdf = await files.brief_bytes(await briefs.make(ws, key, "bench", "cli"))
        documents["pdf"] = (time.perf_counter() - start, len(pdf), await peak_mb())
        start = time.perf_counter()  # the workbook, streamed from the database
        xlsx = [len(c) async for c in files.export_chunks(services.engine, key, "xlsx", UNTIL)]
        documents["xlsx"] = (time.perf_counter() - start, sum(xlsx), await peak_mb())
        start = time.perf_counter()
        await planning.action_plan(ws, key)
        plan_s = time.perf_counter() - start
        plan_peak = await peak_mb()
        return {
            "opened_mb": opened,
            "build_s": statistics.median(times),
            "build_max_s": max(times),
            "peak_mb": digest_peak,
            "plan_s": plan_s,
            "plan_peak_mb": plan_peak,
            "documents": documents,
            "digest_lines": len(card.as_text().splitlines()),
            "digest_head": card.as_text().splitlines()[:4],
        }


async def measured(url: str) -> dict[str, Any]:
    """The figures from a fresh child process (`--measure URL`), printed there as JSON."""
    return await child_figures("bench.digest_build", "--measure", url)


async def child_figures(module: str, *args: str) -> dict[str, Any]:
    """What a fresh child process (`python -m module args…`) prints as JSON on its last line:
    its peak memory is then its own, not the seeding parent's."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", module, *args, cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await child.communicate()
    if child.returncode:
        raise RuntimeError(f"the measuring process failed ({child.returncode})")
    result: dict[str, Any] = json.loads(out.decode().splitlines()[-1])
    return result


# ---- the run ----------------------------------------------------------------------------------


async def run(label: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    shape = await seed(url, args)
    print(
        f"{label}: seeded {args.ideas:,} ideas ({shape['live']:,} live, {shape['assigned']:,} "
        f"assigned, {shape['merged']:,} merged, {shape['hidden']:,} hidden, "
        f"{shape['new_ideas']:,} in the last week), {args.votes:,} votes (top idea "
        f"{shape['top_votes']:,}), {args.participants:,} participants, {shape['channels']} "
        f"channels, {shape['prompts']} prompts, {shape['history']:,} history rows in "
        f"{shape['seed_s']:.1f} s ({shape['generate_s']:.1f} s generating)",
        flush=True,
    )
    figures = await measured(url) | {"seed_s": shape["seed_s"]}
    print("  digest: " + " / ".join(figures["digest_head"]) + f" … {figures['digest_lines']} lines")
    print("  " + _row(label, figures), flush=True)  # as soon as measured: a long run shows it
    return figures


HEAD = (
    f"{'database':<18} {'seed s':>7} {'digest s':>9} {'max s':>6} {'peak MB':>8} "
    f"{'at open MB':>10} {'plan s':>7} {'plan +MB':>9} {'plan/digest':>11}"
)


def _row(label: str, r: dict[str, Any]) -> str:
    return (
        f"{label:<18} {r['seed_s']:7.1f} {r['build_s']:9.3f} {r['build_max_s']:6.3f} "
        f"{r['peak_mb']:8.0f} {r['opened_mb']:10.0f} {r['plan_s']:7.2f} "
        f"{r['plan_peak_mb'] - r['peak_mb']:9.0f} {r['plan_s'] / r['build_s']:10.1f}x"
    )


def table(results: dict[str, dict[str, Any]]) -> None:
    print()
    print(HEAD)
    for label, r in results.items():
        print(_row(label, r))
    print()
    print(f"{'database':<18} {'document':<9} {'s':>7} {'size KB':>9} {'peak MB':>8}")
    for label, r in results.items():
        for fmt, (seconds, size, peak) in r["documents"].items():
            print(f"{label:<18} {fmt:<9} {seconds:7.2f} {size / 1024:9.0f} {peak:8.0f}")
    print(
        "documents: the one-page brief (pdf) from aggregate queries, before the plan is loaded; "
        "the workbook (xlsx) streamed from the database (as the web view and the CLI do); "
        "peak MB as above."
    )
    print(
        f"digest of the last week, median of {BUILDS} builds after a warm-up; peak MB: the "
        "measuring process's peak RSS (VmHWM), 'at open' before the first build; plan = "
        "planning.action_plan (loads every idea), run once after the digests, '+MB' how far it "
        "raises the peak. Targets: digest under 1 s at 100,000 ideas, 2 s at 300,000, 300 MB."
    )


async def postgres_database(admin_url: str) -> str | None:
    try:
        admin = await asyncpg.connect(admin_url, timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError):
        return None
    try:
        name = f"howcanwe_bench_{uuid.uuid4().hex[:8]}"
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return admin_url.rsplit("/", 1)[0] + "/" + name


async def drop_postgres_database(admin_url: str, url: str) -> None:
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    finally:
        await admin.close()


@asynccontextmanager
async def temporary(database: str, args: argparse.Namespace) -> AsyncIterator[str | None]:
    """A fresh database of the kind named (None: PostgreSQL cannot be reached), removed after
    unless `--keep`."""
    if database == "sqlite":
        folder = await asyncio.to_thread(tempfile.mkdtemp, prefix="howcanwe-bench-")
        url: str | None = f"sqlite:///{folder}/bench.db"
    else:
        url = await postgres_database(args.postgres)
    try:
        yield url
    finally:
        if url is not None and args.keep:
            print(f"  kept {url}")
        elif url is not None and database == "sqlite":
            await asyncio.to_thread(shutil.rmtree, folder)
        elif url is not None:
            await drop_postgres_database(args.postgres, url)


async def on_database(
    database: str, args: argparse.Namespace, results: dict[str, dict[str, Any]]
) -> None:
    """Seed and measure one temporary database of each size (`--url`: the database named)."""
    for size in args.sizes:
        sized = argparse.Namespace(**vars(args) | {"ideas": size, "votes": size * args.per_idea})
        kind = "PostgreSQL" if (args.url or database).startswith("postgres") else "SQLite"
        label = f"{kind} {size:,}"
        if args.url:
            results[label] = await run(label, args.url, sized)
            continue
        async with temporary(database, args) as url:
            if url is None:
                print(f"PostgreSQL: not reachable at {args.postgres}, skipped")
                return
            results[label] = await run(label, url, sized)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=lambda v: [int(n) for n in v.split(",")],
        default=[100_000, 300_000],
        help="ideas in each programme measured (comma-separated)",
    )
    parser.add_argument("--per-idea", type=int, default=10, help="votes per idea")
    parser.add_argument("--participants", type=int, default=5_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--url", help="seed and measure this (empty) database instead")
    parser.add_argument("--keep", action="store_true", help="keep the databases (for EXPLAIN)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(await measure(args.measure)), flush=True)
        return
    results: dict[str, dict[str, Any]] = {}
    for database in [args.url] if args.url else args.databases.split(","):
        if database not in ("sqlite", "postgresql", args.url):
            parser.error(f"unknown database {database!r}: sqlite or postgresql")
        await on_database(database, args, results)
    table(results)


if __name__ == "__main__":
    asyncio.run(main())
