"""The web view over real HTTP on SQLite and PostgreSQL: pages, downloads, and who may see them."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from dataclasses import replace
from datetime import timedelta
from html import unescape
from importlib import resources
from pathlib import Path

from bot.core import export
from bot.core.links import Links
from bot.core.usecases.planning import action_plan
from handlers.web.auth import COOKIE
from tests.conftest import FakeClock
from tests.fakes.plan_exports import stream_of, text_of
from tests.handlers.web.conftest import ANN, BIZ, ORGANISER, PARTNERS, TOKEN, TOWN, Web, running

PRIVATE = {
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
}
PAGES = ("/", "/plan", "/themes/inclusive-growth")
DOWNLOADS = {
    "/plan.csv": "text/csv",
    "/plan.json": "application/json",
    "/plan.md": "text/markdown",
}


def between(html: str, start: str, end: str) -> str:
    """The markup from `start` to the first `end` after it (our templates, so a regex will do)."""
    found = re.search(re.escape(start) + r"(.*?)" + re.escape(end), html, re.S)
    assert found, f"{start!r} not in page"
    return found.group(1)


def texts(html: str, css_class: str = "text") -> list[str]:
    return [unescape(t) for t in re.findall(rf'<span class="{css_class}">(.*?)</span>', html)]


async def get(web: Web, path: str, **kwargs: object) -> tuple[int, str, dict[str, str]]:
    response = await web.http.get(path, **kwargs)  # type: ignore[arg-type]
    return response.status, await response.text(), dict(response.headers)


def assert_private(headers: dict[str, str]) -> None:
    """Nothing for shared caches: plan pages the browser alone keeps (and revalidates)."""
    assert headers["Cache-Control"] in ("no-store", "private, no-cache")
    for name, value in PRIVATE.items():
        assert headers[name] == value, name
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp


# ---- pages -------------------------------------------------------------------------------------


async def test_every_page_answers_a_signed_link_with_private_html(web: Web) -> None:
    await web.script()
    for path in PAGES:
        status, html, headers = await get(web, web.link(path))
        assert status == 200, path
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert_private(headers)
        assert "<script" not in html
        assert "4 ideas, 4 votes from 3 participants." in html or path.startswith("/themes")


async def test_the_plan_lays_slack_and_teams_ideas_on_themes_by_actors(web: Web) -> None:
    await web.script()
    _, html, _ = await get(web, web.link("/plan"))
    header = between(html, "<thead>", "</thead>")
    assert re.findall(r'<th scope="col">(.*?)</th>', header) == [
        "Theme",
        "Individuals and groups",
        "Organisations and businesses",
        "Combined authority",
        "Not yet assigned",
    ]
    row = between(html, '<tr data-theme="inclusive-growth">', "</tr>")
    assert texts(between(row, 'data-actor="authority">', "</td>")) == [
        "Community hubs that offer business mentoring"
    ]
    assert texts(between(row, 'data-actor="organisations">', "</td>")) == [
        "Paid apprenticeships with local employers"  # from Teams
    ]
    assert "No ideas yet" in between(row, 'data-actor="individuals">', "</td>")
    assert texts(between(row, 'data-actor="unassigned">', "</td>")) == [
        "Night buses to the industrial estates"
    ]
    authority = between(row, 'data-actor="authority">', "</td>")
    assert "3 votes — business 2, community 1" in authority
    assert "as Funder · Scaling: Grants and subsidies" in authority
    assert "Mentoring hubs" not in html  # #4 was merged into #1: off the grid


async def test_the_plan_puts_the_combined_authoritys_ideas_on_the_styles_grid(web: Web) -> None:
    await web.script()
    await web.ok(ANN, TOWN, "idea inclusive: A regional skills observatory")
    await web.ok(ORGANISER, TOWN, "assign 5 combined collaborator")  # no stage yet
    _, html, _ = await get(web, web.link("/plan"))
    styles = between(html, '<table class="styles"', "</table>")
    assert re.findall(r'<tr data-style="([a-z-]+)">', styles) == [
        "collaborator",
        "steward",
        "customer",
        "provider",
        "funder",
        "regulator",
        "legislator",
    ]
    funder = between(styles, '<tr data-style="funder">', "</tr>")
    scaling = between(funder, 'data-stage="scaling">', "</td>")
    assert "Grants and subsidies" in scaling
    assert texts(scaling) == ["Community hubs that offer business mentoring"]
    assert texts(between(funder, 'data-stage="early-stage">', "</td>")) == []
    unplaced = html.split("Not yet on the grid", 1)[1]
    assert texts(unplaced) == ["A regional skills observatory"]


async def test_done_and_dropped_actions_follow_live_work_and_say_what_they_are(web: Web) -> None:
    await web.script()
    await web.ok(ORGANISER, TOWN, "assign 3 combined")
    await web.ok(ORGANISER, TOWN, "action 1 dropped")
    _, html, _ = await get(web, web.link("/plan"))
    row = between(html, '<tr data-theme="inclusive-growth">', "</tr>")
    authority = between(row, 'data-actor="authority">', "</td>")
    assert texts(authority) == [
        "Night buses to the industrial estates",  # no votes, but live
        "Community hubs that offer business mentoring",  # 3 votes, dropped
    ]
    assert '<li class="idea closed" data-idea="1">' in authority
    assert '<strong class="state">Dropped:</strong>' in authority
    await web.ok(ORGANISER, TOWN, "action 1 done")
    _, html, _ = await get(web, web.link("/themes/inclusive-growth"))
    assert '#1 <strong class="state">Done</strong></th>' in html


async def test_the_overview_has_the_figures_prompts_and_charts_with_text_alternatives(
    web: Web,
) -> None:
    await web.script()
    web.clock.advance(days=2)
    await web.ok(ANN, TOWN, "vote 3")
    _, html, _ = await get(web, web.link("/"))
    assert "4 ideas, 5 votes from 3 participants." in html
    row = between(html, '<tr data-theme="inclusive-growth">', "</tr>")
    assert re.findall(r'<td class="n">(\d+)</td>', row) == ["3", "5"]  # ideas, votes
    assert "#1 Community hubs that offer business mentoring" in row
    assert "Deliver education for all as an opportunity?" in html  # a "How can we…?" prompt
    assert (
        '<desc id="votes-per-theme-desc">Votes cast in each theme: Inclusive growth 5, '
        "Environment for growth 0, Fostering innovation 0, Investing in infrastructure 0.</desc>"
    ) in html
    assert (
        "Ideas on the plan by who should act on them, across themes: Individuals and groups 0, "
        "Organisations and businesses 1, Combined authority 1, Not yet assigned 1." in html
    )
    # Participation: day 1 community 2 ideas + 2 votes, business 2 ideas + 2 votes; two quiet
    # days later community votes once more.
    assert (
        "Ideas and votes so far by audience, per day (UTC), from 2 Mar to 4 Mar: Community 5, "
        "Business 4."
    ) in html
    figures = between(html, "Participation by day", "</table>")
    assert re.findall(r'<th scope="row">([\d-]+)</th>', figures) == [
        "2026-03-02",
        "2026-03-03",
        "2026-03-04",
    ]
    last = between(figures, '<th scope="row">2026-03-04</th>', "</tr>")
    assert re.findall(r'<td class="n">(\d+)</td>', last) == ["5", "4", "0", "0"]
    assert html.count('role="img"') == 3


async def test_a_theme_page_lists_every_idea_with_votes_by_audience_and_merged_duplicates(
    web: Web,
) -> None:
    await web.script()
    status, html, _ = await get(web, web.link("/themes/inclusive-growth"))
    assert status == 200
    assert "<h1>Inclusive growth</h1>" in html
    first = between(html, '<tr data-idea="1">', "</tr>")
    # votes; community, business, combined authority, stakeholders; consensus
    assert re.findall(r'<td class="n">([^<]*)</td>', first) == ["3", "1", "2", "0", "0", "67%"]
    assert "Merged into this idea:" in first
    assert "#4 Mentoring hubs for new businesses in every town" in first
    assert "(by Cal Teams, teams)" in first
    assert "<td>slack</td>" in first and "Ann Slack" in first
    second = between(html, '<tr data-idea="2">', "</tr>")
    assert "<td>teams</td>" in second and "Ben Teams" in second
    assert "Organisations and businesses" in second
    order = re.findall(r'<tr data-idea="(\d+)">', html)
    assert order == ["1", "2", "3"]
    assert "Votes cast in this theme by each audience: Community 2, Business 2" in html


async def test_an_unknown_theme_is_a_friendly_404(web: Web) -> None:
    status, html, headers = await get(web, web.link("/themes/no-such-theme"))
    assert status == 404
    assert "There is no theme “no-such-theme”" in html
    assert_private(headers)


async def test_typed_text_is_shown_never_obeyed(web: Web) -> None:
    await web.ok(ANN, TOWN, 'idea inclusive: <script>alert("x")</script> & <b>bold</b>')
    for path in PAGES:
        _, html, _ = await get(web, web.link(path))
        assert "<script>" not in html and "<b>bold</b>" not in html, path
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;" in html, path


async def test_an_anonymous_playbook_hides_author_names(settings, clock: FakeClock, tmp_path: Path):
    bundled = resources.files("bot") / "playbooks" / "lis-lab.toml"
    text = bundled.read_text(encoding="utf-8").replace("anonymous = false", "anonymous = true", 1)
    playbook = tmp_path / "anonymous.toml"
    playbook.write_text(text, encoding="utf-8")
    async with running(replace(settings, playbook_path=str(playbook)), clock) as web:
        await web.script()
        _, html, _ = await get(web, web.link("/themes/inclusive-growth"))
        assert "a participant" in html
        for name in ("Ann Slack", "Ben Teams", "Cal Teams"):
            assert name not in html
        _, body, _ = await get(web, web.link("/plan.csv"))
        assert "Ann Slack" not in body


# ---- downloads -----------------------------------------------------------------------------


async def test_downloads_are_the_export_as_attachments(web: Web) -> None:
    await web.script()
    workshop = web.services.engine.workshop
    plan = await stream_of(workshop.playbook, await action_plan(workshop, "default"))
    day = await web.services.engine.day("default")
    # The streamed downloads, byte for byte the whole plan built in memory and rendered at once.
    expected = {
        f"/plan.{fmt}": await text_of(export.render(fmt, plan, web.clock.now(), day))
        for fmt in export.FORMATS
    }
    for path, content_type in DOWNLOADS.items():
        status, body, headers = await get(web, web.link(path))
        assert status == 200, path
        assert headers["Content-Type"] == f"{content_type}; charset=utf-8"
        extension = path.rsplit(".", 1)[1]
        assert headers["Content-Disposition"] == (
            f'attachment; filename="lis-lab-plan-2026-03-02.{extension}"'
        )
        assert_private(headers)
        assert body == expected[path]
        # Kept by the browser while the plan stands, as the plan pages are.
        assert headers["Cache-Control"] == "private, no-cache"
        kept = {"If-None-Match": {k.lower(): v for k, v in headers.items()}["etag"]}
        assert (await get(web, web.link(path), headers=kept))[0] == 304, path
    _, body, _ = await get(web, web.link("/plan.csv"))
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(r["id"], r["votes"], r["platform"], r["votes_business"]) for r in rows] == [
        ("1", "3", "slack", "2"),
        ("2", "1", "teams", "0"),
        ("3", "0", "slack", "0"),
        ("4", "0", "teams", "0"),
    ]
    _, body, _ = await get(web, web.link("/plan.json"))
    data = json.loads(body)
    assert data["format"] == 1 and data["programme"]["ideas"] == 4


# ---- who may see it --------------------------------------------------------------------------


async def test_without_a_token_every_page_and_download_is_refused_with_help(web: Web) -> None:
    await web.script()
    for path in (*PAGES, *DOWNLOADS):
        status, html, headers = await get(web, path)
        assert status == 401, path
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert headers["WWW-Authenticate"] == 'Bearer realm="howcanwe"'
        assert_private(headers)
        assert "Ask an organiser" in html and "<code>plan</code>" in html
        assert "Community hubs" not in html


async def test_an_expired_link_is_refused(web: Web) -> None:
    link = web.link("/plan")
    web.clock.advance(days=29, hours=23)
    assert (await get(web, link))[0] == 200
    web.clock.advance(hours=1)
    status, html, _ = await get(web, link)
    assert status == 401 and "has expired" in html


async def test_a_link_for_another_programme_or_tampered_with_is_refused(web: Web) -> None:
    other = web.link("/plan", programme="elsewhere")
    assert (await get(web, other.replace("programme=elsewhere", "programme=default")))[0] == 401
    assert (await get(web, other.replace("programme=elsewhere&", "")))[0] == 401
    mac = web.link("/plan").rsplit(".", 1)[1]
    longer = base64.b32encode(b"4102444800:default").decode().rstrip("=").lower()
    assert (await get(web, f"/plan?t={longer}.{mac}"))[0] == 401  # a later expiry, same mac
    stranger = Links(web.base_url, "someone-elses-secret-123", timedelta(days=30))
    assert (await get(web, f"/plan?t={stranger.sign('default', web.clock.now())}"))[0] == 401
    assert (await get(web, "/plan?t=not-a-token"))[0] == 401


async def test_a_link_opens_the_programme_it_names(web: Web) -> None:
    await web.script()
    status, html, _ = await get(web, web.link("/plan", programme="elsewhere"))
    assert status == 200
    assert "0 ideas, 0 votes from 0 participants." in html
    assert "programme=elsewhere&amp;t=" in html  # its links stay in that programme


async def test_the_dashboard_token_is_swapped_for_a_cookie_and_leaves_the_address(
    web: Web,
) -> None:
    await web.script()
    response = await web.http.get(f"/plan?programme=default&token={TOKEN}")
    assert response.status == 200
    forward = await response.text()  # straight on to the address without the token
    assert '<meta http-equiv="refresh" content="0; url=/plan?programme=default">' in forward
    assert '<a href="/plan?programme=default">' in forward and TOKEN not in forward
    assert_private(dict(response.headers))
    [cookie] = response.headers.getall("Set-Cookie")
    name, value = cookie.split(";", 1)[0].split("=", 1)
    assert name == COOKIE and TOKEN not in value
    attributes = {a.strip().split("=")[0]: a.strip() for a in cookie.split(";")[1:]}
    assert attributes["HttpOnly"] and attributes["SameSite"] == "SameSite=Strict"
    assert attributes["Path"] == "Path=/" and attributes["Max-Age"] == "Max-Age=28800"
    assert "Secure" not in attributes  # served over plain http here
    _, forward, _ = await get(web, f"/?token={TOKEN}")
    assert '<meta http-equiv="refresh" content="0; url=/">' in forward

    status, html, _ = await get(web, "/plan")  # the client's cookie jar holds the cookie
    assert status == 200 and "4 ideas, 4 votes" in html
    assert TOKEN not in html and value not in html  # links carry no credential at all
    assert 'href="/plan.csv"' in html and 'href="/themes/inclusive-growth"' in html
    status, body, _ = await get(web, "/plan.csv")
    assert status == 200 and body.startswith("id,text,theme")
    assert (await get(web, "/plan?programme=elsewhere"))[0] == 401  # ours only
    web.clock.advance(hours=8)
    status, html, _ = await get(web, "/plan")
    assert status == 401 and "has expired" in html


async def test_a_wrong_token_or_forged_cookie_is_refused_and_sets_nothing(web: Web) -> None:
    for path in (f"/plan?token={TOKEN[:-1]}", f"/plan?programme=elsewhere&token={TOKEN}"):
        response = await web.http.get(path)
        assert response.status == 401, path
        assert "Set-Cookie" not in response.headers, path
    stranger = Links(web.base_url, "someone-elses-secret-123", timedelta(hours=8))
    forged = {"Cookie": f"{COOKIE}={stranger.sign('default', web.clock.now())}"}
    assert (await get(web, "/plan", headers=forged))[0] == 401
    assert (await get(web, "/plan", headers={"Cookie": f"{COOKIE}=not-a-token"}))[0] == 401


async def test_the_cookie_is_secure_behind_an_https_address(settings, clock: FakeClock) -> None:
    async with running(settings, clock, public_url="https://howcanwe.example.org") as web:
        response = await web.http.get(f"/plan?token={TOKEN}")
        assert response.status == 200
        assert "; Secure" in response.headers["Set-Cookie"]


async def test_scripts_use_the_bearer_header_and_signed_links_carry_their_token(web: Web) -> None:
    await web.script()
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    status, html, headers = await get(web, "/plan", headers=bearer)
    assert status == 200 and "Set-Cookie" not in headers
    assert TOKEN not in html  # the long-lived secret is not copied into the page's links
    [carried] = set(re.findall(r'href="/plan\.csv\?([^"]+)"', html))
    status, body, _ = await get(web, "/plan.csv?" + unescape(carried))
    assert status == 200 and body.startswith("id,text,theme")
    assert (await get(web, "/plan.json", headers=bearer))[0] == 200
    # A download answers the token in its address with the file, as it always has: scripts
    # written against `?token=` keep working, and no cookie is set for them.
    status, body, headers = await get(web, f"/plan.csv?token={TOKEN}")
    assert status == 200 and body.startswith("id,text,theme") and "Set-Cookie" not in headers
    assert (await get(web, f"/plan.json?token={TOKEN[:-1]}"))[0] == 401
    wrong = {"Authorization": "Bearer wrong-token-000000"}
    assert (await get(web, "/plan", headers=wrong))[0] == 401
    status, html, _ = await get(web, web.link("/plan"))
    assert status == 200 and 'href="/plan.csv?programme=default&amp;t=' in html


async def test_without_a_dashboard_token_the_web_view_stays_shut(settings, clock: FakeClock):
    async with running(settings, clock, dashboard_token="") as web:
        assert web.services.engine.workshop.links is None
        assert (await get(web, f"/plan?token={TOKEN}"))[0] == 401


async def test_no_page_accepts_a_change(web: Web) -> None:
    for path in (*PAGES, *DOWNLOADS):
        response = await web.http.post(web.link(path), data={"vote": "1"})
        assert response.status == 405, path


async def test_the_stylesheet_is_public_and_has_a_print_layout(web: Web) -> None:
    response = await web.http.get("/static/web.css")
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/css; charset=utf-8"
    css = await response.text()
    assert "@media print" in css and "size: A4" in css


# ---- the link in chat ------------------------------------------------------------------------


async def test_plan_hands_organisers_and_stakeholders_a_signed_link(web: Web) -> None:
    await web.script()
    organiser = await web.ok(ORGANISER, TOWN, "plan")
    [link] = re.findall(r"http://127\.0\.0\.1:\d+/plan\?\S+", organiser)
    assert (await get(web, link.removeprefix(web.base_url)))[0] == 200
    assert "The link expires" in organiser
    themed = await web.ok(ORGANISER, TOWN, "plan inclusive")
    assert re.search(r"/themes/inclusive-growth\?programme=default&t=", themed)
    assert "http" not in await web.ok(ANN, TOWN, "plan")  # a participant in a community channel
    assert "http" not in await web.ok(ANN, BIZ, "plan")
    stakeholder = await web.ok(ANN, PARTNERS, "plan")  # anyone in a stakeholders channel
    assert re.search(r"http://127\.0\.0\.1:\d+/plan\?programme=default&t=", stakeholder)


async def test_no_link_without_a_public_url(settings, clock: FakeClock) -> None:
    async with running(settings, clock, public_url="") as web:
        assert web.services.engine.workshop.links is None
        assert "http" not in await web.ok(ORGANISER, TOWN, "plan")
        assert (await get(web, f"/plan?token={TOKEN}"))[0] == 200  # the token still opens it


async def test_head_on_a_download_answers_its_headers_without_making_it(web: Web) -> None:
    await web.script()
    for path in (*DOWNLOADS, "/plan.xlsx", "/plan.pdf"):
        head = await web.http.head(web.link(path))
        assert head.status == 200, path
        assert await head.read() == b"", path
        extension = path.rsplit(".", 1)[1]
        assert head.headers["Content-Disposition"] == (
            f'attachment; filename="lis-lab-{"brief" if extension == "pdf" else "plan"}'
            f'-2026-03-02.{extension}"'
        )
