"""The plan at a glance on the web: top ideas per cell with "See all" pages by cursor, ETag
revalidation across processes, and a loop that keeps answering while big pages render."""

from __future__ import annotations

import asyncio
import re
from html import unescape

from bot.core.domain import NewIdea
from bot.core.interaction import Command, Context
from bot.core.plan_views import PAGE, TOP
from bot.services import open_services
from tests.handlers.web.conftest import ANN, BEN, BIZ, ORGANISER, TOWN, Web

IDEAS = PAGE + 7  # one cell's worth: more than a page of "see all"
THEME = "inclusive-growth"


def numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li class="idea[^"]*" data-idea="(\d+)"', html)]


def see_all(html: str) -> str:
    [href] = re.findall(r'<p class="more"><a href="([^"]+)">See all', html)
    return unescape(href)


async def many_ideas(web: Web, count: int) -> None:
    """`count` unassigned ideas in one theme, added through storage as the core would."""
    repo = web.services.repo
    for n in range(count):
        new = NewIdea("default", f"Idea number {n} for the town", THEME, ANN, TOWN, None)
        assert (await repo.add_idea(new)).idea is not None


async def test_a_cell_shows_its_top_ideas_and_pages_the_rest_by_cursor(web: Web) -> None:
    await web.ok(ORGANISER, TOWN, "channel community")
    await many_ideas(web, IDEAS)
    for voter in (ANN, BEN):
        await web.ok(voter, TOWN if voter is ANN else BIZ, "vote 9")
    await web.ok(ANN, TOWN, "vote 4")
    html = await (await web.http.get(web.link("/plan"))).text()
    cell = re.search(r'<tr data-theme="inclusive-growth">(.*?)</tr>', html, re.S)
    assert cell is not None
    assert numbers(cell.group(1)) == [9, 4, 1, 2, 3][:TOP]  # most votes, then the earlier
    assert f"See all {IDEAS} ideas" in cell.group(1)
    first = await web.http.get(see_all(cell.group(1)))
    page = await first.text()
    assert first.status == 200 and numbers(page)[:3] == [9, 4, 1] and len(numbers(page)) == PAGE
    [after] = re.findall(r'<a rel="next" href="([^"]+)"', page)
    await web.ok(BEN, BIZ, f"idea {THEME}: A late idea with the most votes yet")
    await web.ok(BEN, BIZ, f"vote {IDEAS + 1}")
    rest = await (await web.http.get(unescape(after))).text()
    seen = numbers(page) + numbers(rest)
    assert len(seen) == IDEAS and sorted(seen) == list(range(1, IDEAS + 1))  # none lost
    assert 'rel="next"' not in rest


async def test_an_unknown_cell_or_a_mangled_cursor_is_a_friendly_404(web: Web) -> None:
    for query in ("theme=nope&actor=individuals", "actor=funder", f"theme={THEME}&after=x"):
        sep = "&" if "?" in web.link("/plan/cell") else "?"
        response = await web.http.get(web.link("/plan/cell") + sep + query)
        assert response.status == 404, query
        assert "The action plan</a> lists every theme" in await response.text()


async def test_the_plan_is_revalidated_by_etag_and_changes_with_any_process(web: Web) -> None:
    await web.script()
    link = web.link("/plan")
    first = await web.http.get(link)
    tag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = await web.http.get(link, headers={"If-None-Match": tag})
    assert again.status == 304 and again.headers["ETag"] == tag
    bearer = await web.http.get("/plan", headers={"Authorization": "Bearer x"})
    assert bearer.status == 401  # the tag opens nothing on its own
    # another process on the same database casts a vote: this one's page moves on
    async with open_services(web.services.settings, clock=web.clock) as other:
        await other.engine.handle(*_vote(BEN, BIZ, 3))
    moved = await web.http.get(link, headers={"If-None-Match": tag})
    assert moved.status == 200 and moved.headers["ETag"] != tag
    assert "4 ideas, 5 votes from 3 participants." in await moved.text()


async def test_one_readers_tag_never_answers_another(web: Web) -> None:
    await web.script()
    signed = await web.http.get(web.link("/plan"))
    other = await web.http.get(web.link("/plan", programme="default") + "&x=1")
    assert signed.headers["ETag"] != other.headers["ETag"]
    cookie = await web.http.get("/plan", headers={"If-None-Match": signed.headers["ETag"]})
    assert cookie.status == 401


async def test_the_loop_keeps_answering_while_the_biggest_pages_render(web: Web) -> None:
    await web.ok(ORGANISER, TOWN, "channel community")
    await many_ideas(web, 400)
    html = await (await web.http.get(web.link("/plan"))).text()
    pages = [web.link("/plan"), see_all(html), web.link(f"/themes/{THEME}"), web.link("/plan.json")]
    done: list[str] = []

    async def fetch(path: str) -> None:
        response = await web.http.get(path)
        assert response.status == 200
        await response.read()
        done.append("page")

    async def poll() -> None:
        while len([d for d in done if d == "page"]) < len(pages):
            response = await web.http.get("/healthz")
            assert response.status == 200
            done.append("health")
            await asyncio.sleep(0)

    await asyncio.gather(poll(), *(fetch(p) for p in pages))
    # health checks were answered while pages were still rendering, not queued behind them
    last_page = max(i for i, d in enumerate(done) if d == "page")
    assert done.index("health") < last_page
    assert done.count("health") >= 2


def _vote(who, where, number):
    return Context(who, where), Command(f"vote {number}")


async def test_an_actors_ideas_from_every_theme_show_their_top_and_see_all(web: Web) -> None:
    await web.ok(ORGANISER, TOWN, "channel community")
    await many_ideas(web, TOP + 2)
    for n in range(1, TOP + 3):
        await web.ok(ORGANISER, TOWN, f"assign {n} individuals")
    await web.ok(BEN, BIZ, f"vote {TOP + 2}")
    html = await (await web.http.get(web.link("/actors"))).text()
    section = re.search(r'data-actor="individuals">(.*?)</section>', html, re.S)
    assert section is not None
    assert numbers(section.group(1)) == [TOP + 2, *range(1, TOP)]
    assert f"See all {TOP + 2} ideas" in section.group(1)
    page = await (await web.http.get(see_all(section.group(1)))).text()
    assert "Individuals and groups: ideas from every theme" in page
    assert numbers(page) == [TOP + 2, *range(1, TOP + 2)]


def rows(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr data-idea="(\d+)"', html)]


async def test_a_theme_page_lists_its_ideas_a_page_at_a_time_by_cursor(web: Web) -> None:
    await web.ok(ORGANISER, TOWN, "channel community")
    await many_ideas(web, IDEAS)
    await web.ok(ANN, TOWN, "vote 9")
    link = web.link(f"/themes/{THEME}")
    first = await web.http.get(link)
    page = await first.text()
    assert first.status == 200 and first.headers["Cache-Control"] == "private, no-cache"
    assert rows(page)[:3] == [9, 1, 2] and len(rows(page)) == PAGE
    assert f"<strong>{IDEAS} ideas</strong> on the plan." in page
    again = await web.http.get(link, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 304
    [after] = re.findall(r'<a rel="next" href="([^"]+)"', page)
    rest = await (await web.http.get(unescape(after))).text()
    seen = rows(page) + rows(rest)
    assert sorted(seen) == list(range(1, IDEAS + 1))  # each idea once, none lost
    assert 'rel="next"' not in rest and "Back to the first page" in rest
    mangled = await web.http.get(link + "&after=x")
    assert mangled.status == 404


async def test_a_theme_page_names_its_ideas_merged_into_another_themes(web: Web) -> None:
    await web.script()  # #4 merged into #1, both in inclusive growth
    await web.ok(BEN, BIZ, "idea infrastructure: Night buses to every industrial estate")
    await web.ok(ORGANISER, TOWN, "merge 3 into 5")
    await web.ok(ORGANISER, TOWN, "hide 2")
    html = await (await web.http.get(web.link(f"/themes/{THEME}"))).text()
    assert rows(html) == [1]
    first = html[html.index('<tr data-idea="1">') :]
    assert "#4 Mentoring hubs for new businesses in every town" in first
    away = html[html.index("Merged into ideas shown elsewhere") :]
    assert "#3 Night buses to the industrial estates — now part of #5" in away
