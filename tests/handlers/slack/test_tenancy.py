"""Workspaces as tenants in OAuth mode, installed through the real /slack/install flow: each
request's programme, channels and token come from the one installation bolt authorised; an
org-wide (Enterprise Grid) install is one programme, digests included; a revoked or uninstalled
workspace is sent nothing more, and its data stays."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.config import Settings
from bot.core.domain import ConversationRef, SubscriptionState
from bot.core.usecases import digests
from bot.services import Services
from tests.conftest import FakeClock, process_environment
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack import test_oauth
from tests.handlers.slack.conftest import Bot
from tests.handlers.slack.fake_slack import Call, FakeSlack
from tests.handlers.slack.test_oauth import install

WORKSPACES = ("T2", "T3", "T4")
ORG = "E1"  # an Enterprise Grid organisation, installed org-wide
ORG_TEAM = "T7"  # one of its workspaces


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test is the clock: no in-process scheduler ticks on real time alongside it."""
    return replace(settings, in_process_clock=False)


multi = test_oauth.multi  # the app in OAuth mode


@pytest.fixture
async def tenants(multi: Bot) -> Bot:
    """Three workspaces and an org-wide install, installed through /slack/install."""
    for installed in (*WORKSPACES, ORG):
        assert "Thank you!" in await install(multi, installed)
    return multi


def reshaped(request: tuple[str, str], change: Callable[[dict[str, Any]], None]) -> tuple[str, str]:
    """A request as Slack would send it with some fields changed (JSON events, or the JSON
    `payload` of interactivity)."""
    body, content_type = request
    if content_type == rq.JSON:
        decoded = json.loads(body)
        change(decoded)
        return json.dumps(decoded), content_type
    payload = json.loads(dict(parse_qsl(body))["payload"])
    change(payload)
    return urlencode({"payload": json.dumps(payload)}), content_type


def org_wide(fields: dict[str, Any]) -> None:
    """What Slack adds to a payload from a workspace of the org-wide install."""
    fields |= {"enterprise_id": ORG, "is_enterprise_install": True}
    if isinstance(fields.get("team"), dict):
        fields["team"]["enterprise_id"] = ORG
        fields["enterprise"] = {"id": ORG, "name": "Org"}
    if "authorizations" in fields:
        fields["authorizations"] = [
            {"enterprise_id": ORG, "team_id": None, "is_enterprise_install": True, "is_bot": True}
        ]


def org_command(text: str, user: str = "UORG", channel: str = "C7") -> tuple[str, str]:
    fields = rq.command_fields(text, user=user, channel=channel, team=ORG_TEAM)
    return urlencode(fields | {"enterprise_id": ORG, "is_enterprise_install": "true"}), rq.FORM


def since(fake: FakeSlack, count: int) -> list[Call]:
    """The Web API calls after the first `count`."""
    return fake.calls[count:]


async def texts(bot: Bot, programme: str) -> list[str]:
    """The texts of a programme's ideas; none for a programme nobody has used."""
    try:
        return sorted(i.text for i in await bot.services.repo.ideas(programme))
    except LookupError:
        return []


async def tick(bot: Bot) -> int:
    """The clock process's tick, with the app's notifiers; returns how many digests posted."""
    return await digests.send_due(bot.services.engine.workshop)


async def test_a_payload_naming_another_team_is_handled_as_the_authorised_teams(
    tenants: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="handlers.slack.listeners")
    before = len(tenants.fake.calls)
    await tenants.ok(rq.command("prompt inclusive-growth", team="T2", channel="C2"))
    await tenants.settle()
    prompt_ts = tenants.fake.last_ts()

    # An event whose envelope names T3 but that Slack authorised for T2 (a shared channel).
    reply = rq.thread_reply("Night buses", prompt_ts, channel="C2")
    event = rq.event_body(reply, "EvMixed", team="T3")
    event["authorizations"] = [{"team_id": "T2", "user_id": "UBOT", "is_bot": True}]
    await tenants.ok((json.dumps(event), rq.JSON))
    await tenants.settle()

    # A modal opened in T2, submitted with `team` T3 and `app_installed_team_id` T2.
    await tenants.ok(
        rq.action("prompt.add_idea", "1", channel="C2", message_ts=prompt_ts, team="T2")
    )
    await tenants.settle()
    view = tenants.fake.of("views.open")[-1]["view"] | {"app_installed_team_id": "T2"}
    submitted = rq.submission(view, {"idea": rq.text_input("Free ferries")}, team="T3")
    assert await (await tenants.ok(submitted)).text() == ""
    await tenants.settle()

    assert await texts(tenants, "slack-T2") == ["Free ferries", "Night buses"]
    for other in ("slack-T3", "slack-T4", f"slack-{ORG}"):
        assert not await texts(tenants, other)
    cards = [c for c in since(tenants.fake, before) if c.method == "chat.postMessage"]
    assert len(cards) == 3 and {c.args["channel"] for c in cards} == {"C2"}
    assert {c.token for c in since(tenants.fake, before)} == {"xoxb-T2"}
    mixed = [r for r in caplog.records if r.getMessage().startswith("slack request names")]
    assert [(r.claimed, r.team) for r in mixed] == [("T3", "T2"), ("T3", "T2")]  # type: ignore[attr-defined]


async def test_an_org_wide_install_is_one_programme_and_its_token_reaches_every_channel(
    tenants: Bot, clock: FakeClock
) -> None:
    before = len(tenants.fake.calls)
    await tenants.ok(org_command("prompt inclusive-growth"))
    await tenants.settle()
    prompt_ts = tenants.fake.last_ts()
    reply = rq.thread_reply("A shared apprenticeship scheme", prompt_ts, channel="C7")
    await tenants.ok(reshaped(rq.event(reply, "EvOrg", team=ORG_TEAM), org_wide))
    await tenants.settle()
    card_ts = tenants.fake.last_ts()
    vote = rq.action("idea.vote", "1", user="U2", channel="C7", message_ts=card_ts, team=ORG_TEAM)
    await tenants.ok(reshaped(vote, org_wide))
    await tenants.settle()
    await tenants.ok(org_command("digest daily 17:30", channel="C8"))
    await tenants.settle()

    clock.advance(hours=9)  # Monday 18:00 in London: the digest is due
    assert await tick(tenants) == 1

    [idea] = await tenants.services.repo.ideas(f"slack-{ORG}")
    assert idea.text == "A shared apprenticeship scheme" and idea.votes == 1
    for other in WORKSPACES:
        assert not await texts(tenants, f"slack-{other}")
    digest = tenants.fake.of("chat.postMessage")[-1]
    assert digest["channel"] == "C8" and digest["text"].startswith("Digest")
    assert "A shared apprenticeship scheme" in digest["text"] and "#1 (1 vote)" in digest["text"]
    assert tenants.fake.of("chat.update")  # the card's count, updated in place
    assert {c.token for c in since(tenants.fake, before)} == {f"xoxb-{ORG}"}


@pytest.mark.parametrize(
    "gone",
    [
        {"type": "app_uninstalled"},
        {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT"]}},
    ],
    ids=["app_uninstalled", "tokens_revoked"],
)
async def test_a_revoked_or_uninstalled_workspace_is_sent_nothing_more(
    tenants: Bot, clock: FakeClock, gone: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="handlers.slack.notifier")
    await tenants.ok(rq.command("organisers here", team="T2", channel="C9"))
    await tenants.ok(rq.command("prompt inclusive-growth", team="T2", channel="C2"))
    await tenants.settle()
    reply = rq.thread_reply("Keep me", tenants.fake.last_ts(), channel="C2")
    await tenants.ok(rq.event(reply, "Ev1", team="T2"))
    for team, channel in (("T2", "C2"), ("T3", "C3")):
        await tenants.ok(rq.command("digest daily 17:30", team=team, channel=channel))
    await tenants.settle()

    await tenants.ok(rq.event(gone, "EvGone", team="T2"))
    await tenants.settle()
    stopped = await tenants.services.repo.subscription(
        "slack-T2", ConversationRef("slack", "T2", "C2")
    )
    assert stopped is not None and stopped.state is SubscriptionState.STOPPED
    assert stopped.problem == digests.UNINSTALLED  # and `digest` will say so after a reinstall
    before = len(tenants.fake.calls)
    clock.advance(hours=9)  # both digests were due
    assert await tick(tenants) == 1
    listing = rq.command("ideas", team="T2", channel="C2", response_url=tenants.fake.response_url())
    assert (await tenants.send(listing)).status < 500
    await tenants.settle()

    api = [c for c in since(tenants.fake, before) if c.method != "response_url"]
    assert [(c.method, c.args["channel"], c.token) for c in api] == [
        ("chat.postMessage", "C3", "xoxb-T3")
    ]
    assert await texts(tenants, "slack-T2") == ["Keep me"]
    # The organisers' channel is in the workspace that left: no notice is even tried.
    assert not [r for r in caplog.records if r.getMessage().startswith("slack send skipped")]


async def test_a_token_slack_calls_revoked_is_never_used_again(
    tenants: Bot, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """No event told the app (it was down): the digest's own answer does, and the notice to the
    organisers that would go out with the same token is skipped."""
    caplog.set_level(logging.INFO, logger="handlers.slack.notifier")
    await tenants.ok(rq.command("organisers here", team="T2", channel="C9"))
    await tenants.ok(rq.command("digest daily 17:30", team="T2", channel="C2"))
    await tenants.settle()
    tenants.fake.gone["C2"] = "token_revoked"
    before = len(tenants.fake.calls)

    clock.advance(hours=9)
    assert await tick(tenants) == 0
    clock.advance(days=1)
    assert await tick(tenants) == 0

    [tried] = since(tenants.fake, before)
    assert (tried.method, tried.args["channel"], tried.token) == (
        "chat.postMessage",
        "C2",
        "xoxb-T2",
    )
    skipped = [r for r in caplog.records if r.getMessage() == "slack send skipped: not installed"]
    assert [(r.levelno, r.channel) for r in skipped] == [(logging.INFO, "C9")]  # type: ignore[attr-defined]
    stopped = await tenants.services.repo.subscription(
        "slack-T2", ConversationRef("slack", "T2", "C2")
    )
    assert stopped is not None and stopped.state is SubscriptionState.STOPPED


async def test_the_clock_process_posts_each_workspaces_digest_with_its_own_token(
    tenants: Bot, database_url: str, tmp_path: Path
) -> None:
    """`howcanwe clock` as a real process in OAuth mode: it finds each installation itself."""
    for team, channel in (("T2", "C2"), ("T3", "C3")):
        await tenants.ok(rq.command("digest daily 17:30", channel=channel, team=team))
    await tenants.ok(org_command("digest daily 17:30", channel="C8"))
    await tenants.settle()
    before, posts = len(tenants.fake.calls), len(tenants.fake.of("chat.postMessage"))
    clock = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "clock",
        env={
            **process_environment(),
            "DATABASE_URL": database_url,
            "SLACK_SIGNING_SECRET": rq.SECRET,
            "SLACK_CLIENT_ID": "111.222",
            "SLACK_CLIENT_SECRET": "shh",
            "SLACK_API_URL": tenants.fake.api_url,
        },
        cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:  # scheduled on the test's clock, long past by the process's: each is due at once
        await asyncio.wait_for(tenants.fake.until("chat.postMessage", posts + 3), timeout=60)
    finally:
        clock.terminate()
        code = await clock.wait()
    posted = {
        (c.args["channel"], c.token)
        for c in since(tenants.fake, before)
        if c.method == "chat.postMessage"
    }
    assert posted == {("C2", "xoxb-T2"), ("C3", "xoxb-T3"), ("C8", f"xoxb-{ORG}")}
    assert code == 0


async def test_organisers_in_a_pooled_workspace_hear_that_another_one_left(
    settings: Settings, services: Services, fake: FakeSlack
) -> None:
    async with test_oauth.oauth_bot(settings, services, fake, {"T2": "lab", "T3": "lab"}) as pooled:
        for team in ("T2", "T3"):
            await install(pooled, team)
        await pooled.ok(rq.command("organisers here", team="T3", channel="C9"))
        await pooled.ok(rq.command("digest daily 17:30", team="T2", channel="C2"))
        await pooled.ok(rq.command("digest daily 17:30", team="T3", channel="C3"))
        await pooled.settle()
        before = len(fake.calls)

        await pooled.ok(rq.event({"type": "app_uninstalled"}, "EvGone", team="T2"))
        await pooled.settle()

    [notice] = since(fake, before)
    assert (notice.method, notice.args["channel"], notice.token) == (
        "chat.postMessage",
        "C9",
        "xoxb-T3",
    )
    assert notice.args["text"].startswith("Digests stopped")
    assert "Digests for chan-c2 (slack) stopped. The app was uninstalled" in notice.args["text"]
    repo = services.repo
    left = await repo.subscription("lab", ConversationRef("slack", "T2", "C2"))
    stays = await repo.subscription("lab", ConversationRef("slack", "T3", "C3"))
    assert left is not None and left.state is SubscriptionState.STOPPED
    assert stays is not None and stays.state is SubscriptionState.ACTIVE
