"""The PlanViewStore contract: each cell's top ideas and count, and a cell's pages, exactly as
the plan lays them out and ranks them in Python (`bot.core.plan`), on a scripted programme."""

from __future__ import annotations

import pytest

from bot.core.action_sheet import ActionChange
from bot.core.domain import Assignment, Emerging, Status
from bot.core.emerging import gather
from bot.core.plan import ActionPlan, Idea, build_plan, rank
from bot.core.plan_views import BACKED, UNASSIGNED, UNPLACED, CellKey, Cursor, Grid
from bot.core.playbook import load_default
from bot.core.usecases.follow_ups import OPEN
from tests.conftest import in_channel, person
from tests.contracts.conftest import PROGRAMME
from tests.contracts.helpers import add
from tests.fakes.plan_views import styles_grid

BOOK = load_default()
GRID = Grid.of(BOOK)
THEMES = [t.key for t in BOOK.themes[:3]]
ORG = person("org")
TAGS = ("be-bold", "hubs")
TOP = 3


def assignment(n: int) -> Assignment | None:
    """Every shape of cell: each actor, the government's styles × stages (placed or not), an
    actor the playbook no longer has, none."""
    styles, stages = GRID.styles, GRID.stages
    match n % 6:
        case 0:
            return Assignment("individuals")
        case 1:
            return Assignment("authority", styles[n % 2], stages[n % 2])
        case 2:
            return Assignment("authority", None if n % 4 else "gone-style", stages[0])
        case 3:
            return Assignment("gone-actor")
        case 4:
            return Assignment("organisations")
    return None


async def script(store) -> None:
    """40 ideas in three themes and one the playbook no longer has, tied votes from two
    audiences, assignments of every shape, tags, a merge and a hidden idea."""
    for channel, audience in (("town", "community"), ("biz", "business")):
        await store.set_channel_audience(PROGRAMME, in_channel(channel), audience, ORG)
    for n in range(1, 41):
        theme = "retired-theme" if n == 40 else THEMES[n % 3]
        await add(store, f"idea {n}", theme=theme, author=person(f"a{n}"))
        for v in range((n * 7) % 6):
            where = in_channel("town" if v % 2 else "biz")
            await store.vote(PROGRAMME, n, person(f"v{v}"), where, 100)
        if (chosen := assignment(n // 3)) is not None:
            await store.assign(PROGRAMME, n, chosen, ORG)
        for key in TAGS[: n % 3]:
            await store.tag(PROGRAMME, n, key, True, ORG)
    await store.merge(PROGRAMME, 38, 2, ORG)
    await store.set_hidden(PROGRAMME, 39, True, ORG, 100)


async def whole_plan(store) -> ActionPlan:
    ideas, stats = await store.ideas(PROGRAMME), await store.stats(PROGRAMME)
    return build_plan(BOOK, ideas, stats, voters=await store.theme_voters(PROGRAMME))


def by_actor(plan: ActionPlan) -> dict[str, tuple[Idea, ...]]:
    """Each actor's ideas from every theme, ranked: the plan read by actor."""
    return {
        a.key: rank(i for tp in plan.themes for c in tp.cells if c.actor == a for i in c.ideas)
        for a in BOOK.actors
    }


async def expected(store) -> dict[CellKey, tuple[Idea, ...]]:
    """Every non-empty cell, laid out and ranked by the plan's own Python."""
    plan = await whole_plan(store)
    cells: dict[CellKey, tuple[Idea, ...]] = {}
    for tp in plan.themes:
        for cell in tp.cells:
            cells[CellKey(tp.theme.key, cell.actor.key)] = cell.ideas
        cells[CellKey(tp.theme.key, UNASSIGNED)] = tp.unassigned
    grid = styles_grid(BOOK, plan)
    for style, squares in grid.rows:
        for square in squares:
            cells[CellKey("", style.key, square.stage.key)] = square.ideas
    cells[CellKey("", UNPLACED)] = grid.unplaced
    for actor, ideas in by_actor(plan).items():
        cells[CellKey("", actor)] = ideas
    for found in gather([Emerging(key, key, key) for key in TAGS], plan.ideas):
        cells[CellKey(emerging=found.emerging.key)] = found.ideas
    return {key: ideas for key, ideas in cells.items() if ideas}


async def test_each_cells_top_ideas_and_count_are_the_plans_ranking(store) -> None:
    await script(store)
    want = await expected(store)
    tops, themes, _ = await store.plan_tops(PROGRAMME, GRID, TOP)
    assert set(tops.cells) == set(want)
    assert len(want) > 15  # every shape of cell is there
    for key, ideas in want.items():
        assert tops.of(key).count == len(ideas), key
        assert tops.of(key).ideas == ideas[:TOP], key
    assert themes == {*THEMES, "retired-theme"}


async def test_each_themes_broadly_backed_ideas_are_the_plans_with_their_consensus(store):
    await script(store)
    plan = await whole_plan(store)
    tops, _, _ = await store.plan_tops(PROGRAMME, GRID, TOP, backed=True)
    assert not (await store.plan_tops(PROGRAMME, GRID, TOP))[0].backed  # only when asked
    want = {
        tp.theme.key: [(i, tp.consensus(i)) for i in tp.broadly_backed(BACKED)]
        for tp in plan.themes
        if tp.broadly_backed(BACKED)
    }
    assert want  # the script backs some ideas across both audiences
    assert {k: [i for i, _ in v] for k, v in tops.backed.items()} == {
        k: [i for i, _ in v] for k, v in want.items()
    }
    for key, found in tops.backed.items():
        assert [c for _, c in found] == pytest.approx([c for _, c in want[key]])


async def every_page(store, key: CellKey, size: int) -> tuple[Idea, ...]:
    """A cell's ideas read a page of `size` at a time, each page after the last one's cursor."""
    seen: list[Idea] = []
    after = None
    while page := await store.plan_cell(PROGRAMME, key, GRID, after, size):
        seen.extend(page)
        after = Cursor.after(page[-1])
    return tuple(seen)


async def test_a_cells_pages_follow_the_cursor_to_its_last_idea(store) -> None:
    await script(store)
    for key, ideas in (await expected(store)).items():
        assert await every_page(store, key, 2) == ideas, key
    assert not await store.plan_cell(PROGRAMME, CellKey("nope", "individuals"), GRID, None, 5)


async def test_a_themes_and_the_plans_every_idea_page_as_the_plan_ranks_them(store) -> None:
    await script(store)
    plan = await whole_plan(store)
    wanted = {CellKey(tp.theme.key): tp.ideas for tp in plan.themes if tp.ideas}
    wanted[CellKey()] = rank(plan.ideas)
    assert len(wanted) == 5
    for key, ideas in wanted.items():
        assert await every_page(store, key, 3) == ideas, key


async def test_a_follow_ups_actions_and_a_quiet_audiences_offer_are_the_plans(store) -> None:
    await script(store)
    owners = {3: "slack:U1", 6: "Town hall", 12: "slack:U2", 39: "slack:U3"}  # 39 is hidden
    done = {12: Status.DONE}
    changes = [ActionChange(n, done.get(n), who, None) for n, who in owners.items()]
    await store.apply_actions(PROGRAMME, changes, ORG)
    plan = await whole_plan(store)
    owned = [i for i in plan.ideas if i.owner and i.status in OPEN]
    assert [i.number for i in owned] == [3, 6]
    assert await store.owned_actions(PROGRAMME, OPEN) == sorted(owned, key=lambda i: i.number)
    for audience in ("community", "business", "nobody"):
        closed = [THEMES[0]]
        unheard = [
            i
            for i in plan.ideas
            if i.votes and not i.votes_by_audience.get(audience) and i.theme_key not in closed
        ]
        found = await store.unheard(PROGRAMME, audience, closed, 4)
        assert list(found) == list(rank(unheard)[:4]), audience


async def test_an_idea_arriving_ahead_of_the_cursor_shifts_nothing_still_to_read(store) -> None:
    await script(store)
    key = CellKey(THEMES[1], UNASSIGNED)
    first = await store.plan_cell(PROGRAMME, key, GRID, None, 2)
    rest = await store.plan_cell(PROGRAMME, key, GRID, Cursor.after(first[-1]), 50)
    n = await add(store, "a late favourite", theme=THEMES[1], author=person("late"))
    for v in range(6):
        await store.vote(PROGRAMME, n, person(f"v{v}"), in_channel("biz"), 100)
    assert await store.plan_cell(PROGRAMME, key, GRID, Cursor.after(first[-1]), 50) == rest
    assert rank([*first, *rest])[0].votes <= 6


async def test_the_revision_stands_until_a_write_moves_it(store) -> None:
    await add(store, "a")
    before = await store.plan_revision(PROGRAMME)
    assert await store.plan_revision(PROGRAMME) == before
    await store.vote(PROGRAMME, 1, person("v"), in_channel(), 100)
    voted = await store.plan_revision(PROGRAMME)
    assert voted != before
    await store.assign(PROGRAMME, 1, Assignment("individuals"), ORG)
    assert await store.plan_revision(PROGRAMME) != voted
    _, _, read_at = await store.plan_tops(PROGRAMME, GRID, TOP)
    assert read_at == await store.plan_revision(PROGRAMME)
