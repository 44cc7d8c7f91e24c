"""`GET /metrics` through the real app: private like the web view, and counting what a burst of
Slack clicks does (acks and their latency, votes stored, batch sizes, queue depths, retries)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from aiohttp import ClientSession
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import REGISTRY

from bot.app import create_app
from bot.config import Settings, WebSettings
from bot.services import Services
from handlers.web import metrics
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.conftest import Bot, slack_settings
from tests.handlers.slack.fake_slack import FakeSlack
from tests.handlers.slack.test_flows import add_idea

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "metrics-scraper-token-0123456789"
IDEAS = (
    "Community hubs with business mentoring",
    "Free bus travel for apprentices",
    "Repair cafés in every library",
    "Solar panels on school roofs",
    "Night classes in coding for parents",
    "A shared fund for cooperative start-ups",
)


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
async def bot(settings: Settings, services: Services, fake: FakeSlack) -> AsyncIterator[Bot]:
    configured = replace(
        slack_settings(settings, fake),
        web=WebSettings(dashboard_token=TOKEN),
        in_process_clock=False,  # no clock ticking on real time beside the test
    )
    app = create_app(configured, services)
    async with TestClient(TestServer(app, host="127.0.0.1")) as http:
        yield Bot(http, fake, services)


async def scrape(bot: Bot, token: str | None = TOKEN) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await bot.http.get("/metrics", headers=headers)
    return response.status, await response.text()


async def test_metrics_answer_only_the_dashboard_token(bot: Bot) -> None:
    for token in (None, "wrong-token-of-some-length", TOKEN[:-1]):
        status, text = await scrape(bot, token)
        assert status == 401 and "howcanwe_" not in text
    response = await bot.http.get(f"/metrics?token={TOKEN}")  # never in an address: logs keep it
    assert response.status == 401

    status, text = await scrape(bot)

    assert status == 200
    assert "# TYPE howcanwe_acks_total counter" in text
    assert "# TYPE howcanwe_ack_seconds histogram" in text


async def test_metrics_are_closed_to_everyone_without_a_dashboard_token(
    settings: Settings, services: Services, fake: FakeSlack
) -> None:
    app = create_app(slack_settings(settings, fake), services)
    async with TestClient(TestServer(app, host="127.0.0.1")) as http:
        response = await http.get("/metrics", headers={"Authorization": "Bearer "})
        assert response.status == 401
        assert response.headers["Cache-Control"] == "no-store"


async def test_a_burst_of_clicks_is_counted_as_acks_votes_and_batches(bot: Bot) -> None:
    acked = sample("howcanwe_acks_total", platform="slack", status="200")
    timed = sample("howcanwe_ack_seconds_count", platform="slack")
    cast = sample("howcanwe_ballots_total", outcome="cast")
    over = sample("howcanwe_ballots_total", outcome="over_budget")
    batches = sample("howcanwe_batch_size_count", queue="votes")
    refused = sample("howcanwe_acks_total", platform="slack", status="401")

    ts = await bot.prompt()
    for number, text in enumerate(IDEAS, start=1):
        await add_idea(bot, ts, text, event_id=f"Ev{number}")
    for number in range(1, 7):  # the sixth is over the budget of five
        await bot.ok(rq.action("idea.vote", str(number), user="U2", thread_ts=ts))
    await bot.send(rq.command("help"), signed=False)
    await bot.settle()

    requests = 1 + 6 + 6  # the prompt, the ideas, the clicks
    assert sample("howcanwe_acks_total", platform="slack", status="200") == acked + requests
    assert sample("howcanwe_ack_seconds_count", platform="slack") == timed + requests + 1
    assert sample("howcanwe_acks_total", platform="slack", status="401") == refused + 1
    assert sample("howcanwe_ballots_total", outcome="cast") == cast + 5
    assert sample("howcanwe_ballots_total", outcome="over_budget") == over + 1
    assert 1 <= sample("howcanwe_batch_size_count", queue="votes") - batches <= 6
    assert sample("howcanwe_queue_depth", queue="votes") == 0  # every vote written
    status, text = await scrape(bot)
    assert status == 200 and 'howcanwe_ballots_total{outcome="cast"}' in text


async def test_a_throttled_slack_call_is_counted_as_a_retry(bot: Bot) -> None:
    throttled = sample("howcanwe_retries_total", platform="slack", reason="throttled")
    server = sample("howcanwe_retries_total", platform="slack", reason="server")
    bot.fake.retry_after = 0
    bot.fake.rate_limit("chat.postMessage", times=2)
    bot.fake.fail("chat.postMessage", 503, "Service Unavailable")

    await bot.prompt()

    assert sample("howcanwe_retries_total", platform="slack", reason="throttled") == throttled + 2
    assert sample("howcanwe_retries_total", platform="slack", reason="server") == server + 1


async def test_the_clock_serves_its_own_metrics_on_its_port(unused_tcp_port: int) -> None:
    url = f"http://127.0.0.1:{unused_tcp_port}/metrics"
    async with metrics.served("127.0.0.1", unused_tcp_port, TOKEN), ClientSession() as http:
        async with http.get(url) as refused:
            assert refused.status == 401
        async with http.get(url, headers={"Authorization": f"Bearer {TOKEN}"}) as answer:
            assert answer.status == 200
            assert "howcanwe_clock_ticks_total" in await answer.text()
        # A second clock on the same port runs on without metrics, saying so once.
        async with metrics.served("127.0.0.1", unused_tcp_port, TOKEN):
            pass


async def test_port_zero_serves_no_metrics(unused_tcp_port: int) -> None:
    async with metrics.served("127.0.0.1", 0, TOKEN), ClientSession() as http:
        with pytest.raises(OSError):
            await http.get(f"http://127.0.0.1:{unused_tcp_port}/metrics")


def exposed_names() -> set[str]:
    """Every series name howcanwe's metrics can expose, as Prometheus queries name them."""
    names: set[str] = set()
    for family in REGISTRY.collect():
        if not family.name.startswith("howcanwe_"):
            continue
        suffixes = {
            "counter": ("_total",),
            "histogram": ("_bucket", "_count", "_sum"),
            "gauge": ("",),
        }[family.type]
        names |= {family.name + suffix for suffix in suffixes}
    return names


def test_the_sample_alerts_query_metrics_that_exist() -> None:
    rules = yaml.safe_load((ROOT / "docs" / "alerts.yml").read_text(encoding="utf-8"))
    queried = {
        name
        for group in rules["groups"]
        for rule in group["rules"]
        for name in re.findall(r"howcanwe_[a-z_]+", rule["expr"])
    }
    assert "howcanwe_digests_total" in queried
    assert queried <= exposed_names()
