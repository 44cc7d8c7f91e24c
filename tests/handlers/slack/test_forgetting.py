"""`forget me` over signed Slack requests leaves the person in no table, and on SQLite in no
byte of the database file or its write-ahead log, while their votes stay counted."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.config import Settings
from bot.services import Services
from storage.database import is_sqlite
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.conftest import Bot, slack_settings
from tests.handlers.slack.fake_slack import FakeSlack
from tests.storage.traces import in_sqlite_files, stored

TEAM = "T2"
PROGRAMME = f"slack-{TEAM}"
ZELDA = "UZELDA42"  # Slack's fake users.info names her after her id: `nuzelda42`
NAME = "Zelda Quixote"  # the name her slash commands carry
IDEA = "Riverside trams, says Zelda"
DRAFT = "Night buses at weekends, Zelda adds"
REASON = "Zelda finds this vague"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """UORG organises T2's programme (a plain `slack:UORG` would be the default programme's)."""
    return replace(settings, organisers=settings.organisers | {f"slack:{TEAM}:UORG"})


@pytest.fixture
async def workspace(settings: Settings, services: Services, fake: FakeSlack) -> AsyncIterator[Bot]:
    """The app in multi-workspace mode, installed in T2 by Zelda."""
    config = slack_settings(settings, fake)
    slack = replace(config.slack, bot_token="", client_id="111.222", client_secret="shh")
    app = create_app(replace(config, slack=slack), services)
    async with TestClient(TestServer(app, host="127.0.0.1")) as http:
        bot = Bot(http, fake, services)
        fake.installs["code-T2"], fake.installer = TEAM, ZELDA
        page = await http.get("/slack/install")
        state = re.search(r"state=([\w-]+)", await page.text())
        assert state is not None
        done = await http.get(
            "/slack/oauth_redirect",
            params={"code": "code-T2", "state": state.group(1)},
            headers={"Cookie": page.headers["Set-Cookie"].split(";", 1)[0]},
        )
        assert "Thank you!" in await done.text()
        yield bot


async def said(bot: Bot, text: str, user: str = ZELDA, channel: str = "C1") -> str:
    """A slash command in T2; what the person privately saw."""
    before = len(bot.fake.of("response_url"))
    name = NAME if user == ZELDA else ""
    command = rq.command(
        text, user=user, channel=channel, team=TEAM, name=name, response_url=bot.fake.response_url()
    )
    await bot.ok(command)
    await bot.settle()
    return "\n".join(r["text"] for r in bot.fake.of("response_url")[before:])


async def reply(bot: Bot, thread_ts: str, text: str, user: str) -> None:
    event_id = f"Ev{len(bot.fake.calls)}"  # as Slack's: nothing of the message in it
    await bot.ok(rq.event(rq.thread_reply(text, thread_ts, user=user), event_id, team=TEAM))
    await bot.settle()


async def test_forget_me_leaves_no_trace_of_the_person_in_any_table_or_file(
    workspace: Bot, database_url: str
) -> None:
    bot = workspace
    assert f"slack:{ZELDA}" in await said(bot, "organisers")  # she installed the app in T2
    await said(bot, "prompt inclusive-growth")
    prompt_ts = bot.fake.last_ts()
    await reply(bot, prompt_ts, "Night buses at weekends", user="U2")
    await reply(bot, prompt_ts, IDEA, user=ZELDA)
    await reply(bot, prompt_ts, DRAFT, user=ZELDA)  # held back: it looks like #1
    assert "is in" in await said(bot, "vote 1")
    assert "Thank you" in await said(bot, f"flag 1 {REASON}")
    assert "Your proposal for #1 is in" in await said(bot, "propose 1 organisations")
    for command in (  # what she does as an organiser names her too
        "emerging add Be bold: take good risks",
        "tag 1 be-bold",
        "assign 1 authority",
        'action 1 note "pilot funded"',
        "voting inclusive-growth",
        "digest daily 17:30",
        "organiser add slack:U7",
        "channel business",
    ):
        await said(bot, command)
    await said(bot, "organisers here", channel="C9")
    needles = (ZELDA, NAME, IDEA, DRAFT, REASON)
    if is_sqlite(database_url):
        assert in_sqlite_files(database_url, needles)  # the scan below would see them
    assert len(await stored(database_url, needles)) >= len(needles)

    done = await said(bot, "forget me confirm")

    assert "Deleted 1 idea" in done and "kept 1 vote on others' ideas" in done
    if is_sqlite(database_url):
        assert in_sqlite_files(database_url, needles) == []
    assert await stored(database_url, needles) == []
    idea = await bot.services.repo.idea(PROGRAMME, 1)
    assert idea is not None and idea.votes == 1  # her vote, counted anonymously
    assert [p.count for p in idea.proposals] == [1]  # her proposal too
    assert idea.emerging == ("be-bold",)  # and her tag
    assert "slack:U7" in await said(bot, "organisers", user="U2")  # whom she added stays
    assert "Nothing is stored about you" in await said(bot, "my data")
    await said(bot, "prompt infra", user="UORG")  # the workspace she installed still works
    assert [c.token for c in bot.fake.calls if c.method == "chat.postMessage"][-1] == "xoxb-T2"
