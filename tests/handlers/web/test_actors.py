"""The web view's plan by actor, and the challenge each idea answers, over real HTTP."""

from __future__ import annotations

import json
import re

from tests.handlers.web.conftest import ANN, ORGANISER, TOWN, Web
from tests.handlers.web.test_pages import assert_private, between, get, texts


async def test_the_plan_by_actor_gathers_each_actors_ideas_across_themes(web: Web) -> None:
    await web.script()
    await web.ok(ANN, TOWN, "idea infra: Workplace parking charge to fund buses")  # 5
    await web.ok(ORGANISER, TOWN, "assign 5 combined")
    await web.ok(ORGANISER, TOWN, "move 2 infra 3")
    status, html, headers = await get(web, web.link("/actors"))
    assert status == 200
    assert_private(headers)
    assert re.findall(r"<h2>(.*?)</h2>", html) == [
        "What can individuals and groups do?",
        "What can organisations and businesses do?",
        "What can the combined authority do?",
    ]
    authority = between(html, 'data-actor="authority">', "</section>")
    assert texts(authority) == [
        "Community hubs that offer business mentoring",  # 3 votes
        "Workplace parking charge to fund buses",
    ]
    assert "Investing in infrastructure" in authority and "Inclusive growth" in authority
    organisations = between(html, 'data-actor="organisations">', "</section>")
    assert texts(organisations) == ["Paid apprenticeships with local employers"]
    assert "· challenge 3</span>" in organisations
    assert 'title="Better connect urban to rural communities?"' in organisations
    assert "No ideas yet" in between(html, 'data-actor="individuals">', "</section>")
    assert 'aria-current="page">By actor</a>' in html


async def test_the_json_download_has_the_plan_by_actor_and_each_ideas_challenge(web: Web) -> None:
    await web.script()
    await web.ok(ORGANISER, TOWN, "move 3 inclusive 2")
    _, body, _ = await get(web, web.link("/plan.json"))
    data = json.loads(body)
    by_actor = {a["key"]: a["ideas"] for a in data["by_actor"]}
    assert by_actor == {"individuals": [], "organisations": [2], "authority": [1]}
    ideas = {i["id"]: i for t in data["themes"] for i in t["ideas"]}
    assert (ideas[3]["challenge"], ideas[3]["challenge_text"]) == (
        2,
        "Empower communities to deliver change?",
    )
    assert ideas[1]["challenge"] is None  # tagged with its theme, not a reply to a prompt


async def test_the_plan_by_actor_needs_a_link_or_token(web: Web) -> None:
    status, html, _ = await get(web, "/actors")
    assert status == 401 and "What can" not in html


async def test_plan_by_actor_in_chat_links_organisers_to_the_page(web: Web) -> None:
    await web.script()
    said = await web.ok(ORGANISER, TOWN, "plan by actor")
    assert "/actors?programme=default&t=" in said


async def test_the_plan_page_shows_the_emerging_themes_with_their_ideas(web: Web) -> None:
    await web.script()
    await web.ok(ORGANISER, TOWN, "emerging add Be bold: take good risks")
    await web.ok(ORGANISER, TOWN, "tag 1 bring people")
    await web.ok(ORGANISER, TOWN, "tag 2 be bold")
    _, html, _ = await get(web, web.link("/plan"))
    section = html.split("Emerging themes from across the day", 1)[1]
    assert re.findall(r"<h3>(.*?)</h3>", section)[:1] == ["Branding matters"]
    together = between(section, 'data-emerging="bring-people-together">', "</section>")
    assert texts(together) == ["Community hubs that offer business mentoring"]
    bold = between(section, 'data-emerging="be-bold">', "</section>")
    assert "take good risks" in bold
    assert texts(bold) == ["Paid apprenticeships with local employers"]
    assert "No ideas yet" in between(section, 'data-emerging="branding-matters">', "</section>")


async def test_a_theme_page_names_the_challenge_each_idea_answers(web: Web) -> None:
    await web.script()
    await web.ok(ORGANISER, TOWN, "move 3 inclusive 2")
    _, html, _ = await get(web, web.link("/themes/inclusive-growth"))
    row = between(html, '<tr data-idea="3">', "</tr>")
    assert '<span title="Empower communities to deliver change?">challenge 2</span>' in row
    assert '<td class="challenge">—</td>' in between(html, '<tr data-idea="1">', "</tr>")
