"""The plan's kept ranks' contract: a random run of new ideas, votes, take-backs, clicks,
assignments of every shape, moves, hides, merges, tags and erasures on every store, with the
in-memory stand-in run alongside. After every step the SQL stores' kept rank rows equal a
recount from the ideas, tags and tallies (`storage.plan_ranks`), and the plan at a glance, the
first two pages of every cell, of each theme and of the whole plan, and a quiet audience's
offer are what the stand-in, laying out and ranking every idea in Python, tells."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Connection, select

from bot.core.domain import Assignment
from bot.core.plan_views import CellKey, Cursor
from storage import models as m
from storage import plan_ranks
from tests.conftest import FakeClock, in_channel, person
from tests.contracts.conftest import PROGRAMME
from tests.contracts.test_tallies import (
    BUDGET,
    CHANNELS,
    GRID,
    ORG,
    THEMES,
    Step,
    a_step,
    random_run,
)

STEPS = 90
TOP = 2
PAGE = 3
TAGS = ("be-bold", "hubs")
FEW = ("few0", "few1")


def an_assignment(rng: random.Random) -> Assignment | None:
    """Every shape of cell: each actor, the government's styles × stages (placed or not), an
    actor the playbook no longer has, none."""
    return rng.choice(
        [
            Assignment(rng.choice(GRID.actors)),
            Assignment("authority", rng.choice(GRID.styles), rng.choice(GRID.stages)),
            Assignment("authority", rng.choice([None, "gone-style"]), GRID.stages[0]),
            Assignment("authority"),
            Assignment("gone-actor"),
            None,
        ]
    )


def a_rank_step(rng: random.Random, ideas: int, n: int, at: datetime) -> tuple[str, Step]:
    """One change, drawn at random: what changes the tallies (`test_tallies.a_step`); a vote
    cast or taken back by one of two voters (so that take-backs find votes to take back); or
    what changes only where an idea is filed: an assignment, a tag."""
    idea = rng.randint(1, ideas)
    kind = rng.choices(["tallies", "few", "assign", "tag"], [6, 3, 3, 2])[0]
    if kind == "few":
        voter, where = person(rng.choice(FEW)), in_channel(rng.choice(list(CHANNELS)))
        if rng.random() < 0.5:
            return f"cast {idea} {voter.user_id}", lambda s: s.vote(
                PROGRAMME, idea, voter, where, BUDGET
            )
        return f"take back {idea} {voter.user_id}", lambda s: s.unvote(PROGRAMME, idea, voter)
    if kind == "assign":
        chosen = an_assignment(rng)
        return f"assign {idea} {chosen}", lambda s: s.assign(PROGRAMME, idea, chosen, ORG)
    if kind == "tag":
        key, tagged = rng.choice(TAGS), rng.random() < 0.7
        return f"tag {idea} {key} {tagged}", lambda s: s.tag(PROGRAMME, idea, key, tagged, ORG)
    return a_step(rng, ideas, n, at)


async def every_cell(store: Any) -> dict[Any, Any]:
    """The plan at a glance, and the first two pages of every cell it shows, of each theme and
    of the whole plan; a quiet audience's offer."""
    tops, themes, _ = await store.plan_tops(PROGRAMME, GRID, TOP)
    told: dict[Any, Any] = {
        key: ([i.number for i in top.ideas], top.count) for key, top in tops.cells.items()
    }
    told["themes"] = themes
    for key in [*tops.cells, *(CellKey(t) for t in sorted(themes)), CellKey()]:
        first = await store.plan_cell(PROGRAMME, key, GRID, None, PAGE)
        after = Cursor.after(first[-1]) if first else None
        rest = await store.plan_cell(PROGRAMME, key, GRID, after, PAGE) if after else []
        told[("pages", key)] = [(i.number, i.votes) for i in (*first, *rest)]
    for audience in CHANNELS.values():
        unheard = await store.unheard(PROGRAMME, audience, THEMES[:1], PAGE)
        told[("unheard", audience)] = [i.number for i in unheard]
    return told


def kept_and_recounted(conn: Connection) -> tuple[Any, Any]:
    pid = conn.scalar(select(m.Programme.id).where(m.Programme.key == PROGRAMME))
    assert pid is not None
    kept = plan_ranks.kept(conn, pid)
    assert kept[0], "the plan has ideas"
    return kept, plan_ranks.recounted(conn, pid)


@pytest.mark.parametrize("seed", [3, 7])
async def test_kept_ranks_equal_a_recount_and_the_cells_the_stand_ins(
    store, store_url: str | None, clock: FakeClock, seed: int
) -> None:
    async def cells(s: Any, now: datetime) -> dict[Any, Any]:
        return await every_cell(s)

    await random_run(
        store, store_url, clock, seed, a_rank_step, cells, kept_and_recounted, steps=STEPS
    )
