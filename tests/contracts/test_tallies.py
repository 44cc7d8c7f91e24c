"""The vote tallies' contract: a random run of new ideas, votes, take-backs, clicks, moves,
hides, merges and erasures on every store over several days, with the in-memory stand-in run
alongside. After every step the SQL stores' kept tallies and activity counts equal a recount
from the ideas and votes tables (`storage.tallies`, `storage.activity`), and what the ports
tell of votes (each idea's votes by audience, voters per theme, the programme's figures, the
ideas backed across audiences, a digest's participation over periods that start and end on
and off midnight) is what the stand-in, counting its ideas and votes afresh, tells."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, select

from bot.core.participation import running_totals
from bot.core.plan_views import Grid
from bot.core.playbook import load_default
from storage import models as m
from storage import tallies
from storage.database import create_engine
from tests.conftest import FakeClock, in_channel, person
from tests.contracts.conftest import PROGRAMME
from tests.contracts.helpers import add
from tests.fakes.repository import MemoryRepository

BOOK = load_default()
GRID = Grid.of(BOOK)
THEMES = [t.key for t in BOOK.themes[:3]]
ORG = person("org")
CHANNELS = {"town": "community", "biz": "business", "hall": "authority"}
AUTHORS = [f"author{n}" for n in range(8)]
VOTERS = [f"voter{n}" for n in range(8)]
BUDGET = 3  # small enough that some casts are refused
STEPS = 120
STEP = timedelta(minutes=41)  # between steps: the run spans several UTC days
START = FakeClock().now()

Step = Callable[[Any], Awaitable[Any]]


def a_step(rng: random.Random, ideas: int, n: int, at: datetime) -> tuple[str, Step]:
    """One change, drawn at random, as a name (for the failure message) and a call."""
    idea = rng.randint(1, ideas)
    other = rng.randint(1, ideas)
    voter = person(rng.choice(VOTERS))
    where = in_channel(rng.choice(list(CHANNELS)))
    theme = rng.choice(THEMES)
    who = rng.choice([*AUTHORS, *VOTERS])
    steps: list[tuple[int, str, Step]] = [
        (
            30,
            f"vote {idea} {voter.user_id}",
            lambda s: s.vote(PROGRAMME, idea, voter, where, BUDGET),
        ),
        (8, f"unvote {idea} {voter.user_id}", lambda s: s.unvote(PROGRAMME, idea, voter)),
        (
            10,
            f"toggle {idea} {voter.user_id}",
            lambda s: s.toggle(PROGRAMME, idea, voter, where, BUDGET, at, timedelta(0)),
        ),
        (8, f"move {idea} {theme}", lambda s: s.move(PROGRAMME, idea, theme, None, ORG, BUDGET)),
        (3, f"hide {idea}", lambda s: s.set_hidden(PROGRAMME, idea, True, ORG, BUDGET)),
        (5, f"unhide {idea}", lambda s: s.set_hidden(PROGRAMME, idea, False, ORG, BUDGET)),
        (4, f"merge {idea} into {other}", lambda s: s.merge(PROGRAMME, idea, other, ORG)),
        (2, f"forget {who}", lambda s: s.forget(PROGRAMME, "console", who, ORG, f"gone-{n}")),
        (
            6,
            "add an idea",
            lambda s: add(s, f"idea {ideas + 1}", theme=theme, author=person(AUTHORS[n % 8])),
        ),
    ]
    weights = [w for w, _, _ in steps]
    _, name, call = rng.choices(steps, weights)[0]
    return name, call


def outcome(result: Any) -> Any:
    """What a step's answer says happened, comparable across stores."""
    return getattr(result, "outcome", result if isinstance(result, int) else None)


async def told(store: Any, now: datetime) -> dict[str, Any]:
    """Everything the ports tell that the tallies feed."""
    tops, _, _ = await store.plan_tops(PROGRAMME, GRID, 3, backed=True)
    return {
        "ideas": {
            i.number: (dict(i.votes_by_audience), i.theme_key, i.hidden, i.merged_into)
            for i in await store.ideas(PROGRAMME)
        },
        "voters": await store.theme_voters(PROGRAMME),
        "stats": await store.stats(PROGRAMME),
        "backed": {
            theme: [(idea.number, round(share, 6)) for idea, share in found]
            for theme, found in tops.backed.items()
        },
        "tops": {key: [i.number for i in top.ideas] for key, top in tops.cells.items()},
        "participation": await participation(store, now),
        # the web view's chart: hours at first, whole days between the first and last day later
        "chart": running_totals(await store.participation(PROGRAMME), list(CHANNELS.values())),
    }


async def participation(store: Any, now: datetime) -> list[Any]:
    """A digest's participation over periods starting on a midnight and off it, spanning whole
    days and within one."""
    periods = [
        (START.replace(hour=0), now + timedelta(days=1)),
        (START + timedelta(hours=5), now - timedelta(hours=7)),
        (now - timedelta(hours=3), now + timedelta(seconds=1)),
    ]
    found = []
    for since, until in periods:
        figures = await store.digest_figures(PROGRAMME, since, until)
        found.append((figures.participation, figures.participants))
    return found


def kept_and_recounted(conn: Connection) -> tuple[list[dict[Any, int]], list[dict[Any, int]]]:
    """The tallies and activity counts as kept and as recounted."""
    pid = conn.scalar(select(m.Programme.id).where(m.Programme.key == PROGRAMME))
    assert pid is not None
    return tallies.kept(conn, pid).as_dicts(), tallies.recounted(conn, pid).as_dicts()


Draw = Callable[[random.Random, int, int, datetime], tuple[str, Step]]
Told = Callable[[Any, datetime], Awaitable[Any]]
Kept = Callable[[Connection], tuple[Any, Any]]


async def random_run(
    store: Any,
    store_url: str | None,
    clock: FakeClock,
    seed: int,
    draw: Draw,
    told: Told,
    kept: Kept,
    steps: int = STEPS,
) -> None:
    """A random run of `draw`'s steps on `store` and on the in-memory stand-in alongside: after
    every step both answer alike and tell alike (`told`), and on a SQL store what it keeps is
    what it recounts (`kept`)."""
    twin = MemoryRepository(clock)
    await twin.ensure_programme(PROGRAMME, "Programme", "public")
    engine = create_engine(store_url) if store_url is not None else None
    rng = random.Random(seed)
    try:
        for s in (store, twin):
            for channel, audience in CHANNELS.items():
                await s.set_channel_audience(PROGRAMME, in_channel(channel), audience, ORG)
        ideas = 0
        for n in range(12):
            for s in (store, twin):
                await add(s, f"idea {n}", theme=THEMES[n % 3], author=person(AUTHORS[n % 8]))
            ideas += 1
        for n in range(steps):
            clock.advance(seconds=STEP.total_seconds())
            name, call = draw(rng, ideas, n, clock.now())
            results = [outcome(await call(s)) for s in (store, twin)]
            assert results[0] == results[1], f"step {n}: {name}"
            if name == "add an idea":
                ideas += 1
            now = clock.now()
            assert await told(store, now) == await told(twin, now), f"step {n}: {name}"
            if engine is not None:
                async with engine.connect() as conn:
                    found, recounted = await conn.run_sync(kept)
                assert found == recounted, f"step {n}: {name}"
    finally:
        await twin.close()
        if engine is not None:
            await engine.dispose()


@pytest.mark.parametrize("seed", [1, 2])
async def test_kept_tallies_equal_a_recount_after_every_step(
    store, store_url: str | None, clock: FakeClock, seed: int
) -> None:
    await random_run(store, store_url, clock, seed, a_step, told, kept_and_recounted)
