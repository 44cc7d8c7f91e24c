"""The day's steps on the web view and in the JSON download, over real HTTP on both databases."""

from __future__ import annotations

import json
import re

from tests.handlers.web.conftest import ANN, BEN, BIZ, CAL, ORGANISER, TOWN, Web
from tests.handlers.web.test_pages import assert_private, between, get


async def script(web: Web) -> None:
    await web.ok(ORGANISER, TOWN, "channel community")
    await web.ok(ORGANISER, BIZ, "channel business")
    await web.ok(ANN, TOWN, "hope A world-class brand for the region")
    await web.ok(BEN, BIZ, "hope Learners in every office")
    await web.ok(CAL, BIZ, "back h2")
    await web.ok(ANN, TOWN, "back h2")
    await web.ok(BEN, BIZ, "risk Talk without <action>")
    await web.ok(ANN, TOWN, "react university interesting Bath is only £40m")
    await web.ok(BEN, BIZ, "react university interesting")
    await web.ok(CAL, BIZ, "react university surprising")
    await web.ok(ANN, TOWN, "challenge infra How can we run buses at night?")


async def test_the_day_page_shows_the_evidence_in_full_with_reactions_by_audience(web: Web) -> None:
    await script(web)
    status, html, headers = await get(web, web.link("/day"))
    assert status == 200
    assert_private(headers)
    assert "<script" not in html
    university = between(
        html, '<article class="evidence" data-evidence="university-income"', "</article>"
    )
    rows = re.findall(r'<tr><th scope="row">(.*?)</th><td class="n">(.*?)</td></tr>', university)
    assert len(rows) == 12  # the write-up's whole table, not four rows
    assert rows[0] == ("The University of Oxford", "150")
    assert rows[-1] == ("The University of the West of England Bristol", "20")
    interesting = between(university, '<tr data-reaction="interesting">', "</tr>")
    # community, business, authority, stakeholders, all
    assert re.findall(r'<td class="n">(\d+)</td>', interesting) == ["1", "1", "0", "0", "2"]
    assert "Bath is only £40m" in university
    population = between(html, 'data-evidence="growing-population"', "</article>")
    assert (
        '<th scope="row">65+</th><td class="n">38%</td><td class="n">42%</td><td class="n">45%</td>'
        in population
    )
    assert "Talk without &lt;action&gt;" in html  # shown as typed, never run
    assert "How can we run buses at night?" in html


async def test_the_plan_is_headed_by_the_top_hopes_and_risks_and_the_published_synthesis(
    web: Web,
) -> None:
    await script(web)
    _, html, _ = await get(web, web.link("/plan"))
    head = between(html, 'class="framing"', "</section>")
    assert head.index("Learners in every office") < head.index("A world-class brand")
    assert "backed by 2 — Community 1, Business 1" in head
    assert "What we heard" not in html
    await web.ok(ORGANISER, TOWN, "synthesis edit ## What we heard\n- Brand and learners")
    assert "What we heard" not in (await get(web, web.link("/plan")))[1]  # a draft stays private
    await web.ok(ORGANISER, TOWN, "synthesis publish")
    for path in ("/plan", "/day"):
        _, html, _ = await get(web, web.link(path))
        heard = between(html, '<section class="synthesis"', "</section>")
        assert "<li>Brand and learners</li>" in heard, path


async def test_the_json_download_carries_the_day(web: Web) -> None:
    await script(web)
    await web.ok(ORGANISER, TOWN, "step framing all")
    await web.ok(ORGANISER, TOWN, "synthesis publish")
    _, body, _ = await get(web, web.link("/plan.json"))
    day = json.loads(body)["day"]
    assert day["agenda"]["step"] == "framing" and day["agenda"]["closed_at"] is None
    assert [s["kind"] for s in day["agenda"]["steps"]][:3] == ["framing", "evidence", "challenges"]
    hope = day["framing"]["hopes"][0]
    assert (hope["id"], hope["backers"], hope["backers_by_audience"]) == (
        "h2",
        2,
        {"business": 1, "community": 1},
    )
    university = next(e for e in day["evidence"] if e["key"] == "university-income")
    assert university["reactions"]["interesting"] == {"community": 1, "business": 1}
    assert university["comments"] == [{"audience": "community", "text": "Bath is only £40m"}]
    assert day["challenges"][0]["id"] == "c1" and day["challenges"][0]["promoted"] is False
    assert day["synthesis"]["text"].startswith("What we heard at Local Industrial Strategy Lab.")
