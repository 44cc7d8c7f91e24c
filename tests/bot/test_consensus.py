"""Consensus across audiences: ideas backed by every audience that voted come first."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.domain import Idea, Participant, ProgrammeStats
from bot.core.plan import BACKED_SHARE, build_plan
from bot.core.playbook import load_default
from tests.bot.test_workshop import Room, said
from tests.fakes.plan_exports import exported

BOOK = load_default()


def _idea(number: int, **votes: int) -> Idea:
    return Idea(
        number=number,
        text=f"Idea {number}",
        theme_key="inclusive-growth",
        author=Participant("console", "ann", "Ann"),
        platform="console",
        channel_name="town",
        audience="community",
        created_at=datetime(2026, 3, 2, tzinfo=UTC),
        votes_by_audience=votes,
    )


def _plan(ideas, voters):
    plan = build_plan(
        BOOK, ideas, ProgrammeStats(len(ideas), 0, 0), voters={"inclusive-growth": voters}
    )
    return plan.themes[0]


def test_consensus_is_the_least_backed_audiences_smoothed_share() -> None:
    theme = _plan(
        [_idea(1, community=8, business=1), _idea(2, community=4, business=4)],
        {"community": 10, "business": 5},
    )
    big, broad = theme.ideas
    assert theme.consensus(big) == pytest.approx(min(9 / 12, 2 / 7))
    assert theme.consensus(broad) == pytest.approx(min(5 / 12, 5 / 7))
    assert theme.consensus(broad) > theme.consensus(big)  # fewer votes, broader support
    # 1 business vote of 5 business voters (2/7, 29 %) is a token vote, not agreement
    assert [i.number for i in theme.broadly_backed()] == [2]


def test_backed_across_audiences_is_one_threshold_on_consensus() -> None:
    assert pytest.approx(1 / 3) == BACKED_SHARE
    theme = _plan(
        [_idea(n, community=c, business=b) for n, (c, b) in enumerate([(4, 2), (9, 1), (1, 3)], 1)],
        {"community": 10, "business": 4},
    )
    assert [i.number for i in theme.broadly_backed(None)] == [1, 2]  # 2 at the line: 2/6
    for idea in theme.ideas:
        assert (idea in theme.broadly_backed(None)) == theme.backed_across(idea)


def test_no_consensus_until_two_audiences_have_voted() -> None:
    theme = _plan([_idea(1, community=3)], {"community": 3})
    assert theme.consensus(theme.ideas[0]) is None
    assert theme.broadly_backed() == ()


def test_ideas_missing_an_audience_are_not_broadly_backed() -> None:
    theme = _plan(
        [_idea(1, community=9), _idea(2, community=3, business=1)], {"community": 9, "business": 1}
    )
    assert [i.number for i in theme.broadly_backed()] == [2]


@pytest.fixture
def room(services) -> Room:
    return Room(services)


async def test_the_plan_and_export_show_consensus(room: Room) -> None:
    await room.cmd("olive", "channel business", channel="biz")
    await room.cmd("olive", "prompt inclusive")
    await room.reply("ann", "Community hubs")
    await room.reply("ann", "Learning hygiene sticker on every front door")
    for voter in ("v1", "v2", "v3"):
        await room.cmd(voter, "vote 1")
    await room.cmd("v4", "vote 2")
    await room.cmd("b1", "vote 2", channel="biz")
    plan = said(await room.cmd("ann", "plan inclusive"))
    assert "Backed across audiences" in plan
    assert (
        "#2 Learning hygiene sticker on every front door — 2 votes — business 1, community 1 · consensus 33%"
        in plan
    )
    data = await exported(room.engine)
    theme = data["themes"][0]
    assert theme["voters_by_audience"] == {"community": 4, "business": 1}
    records = {r["id"]: r for r in theme["ideas"]}
    assert records[2]["consensus"] == pytest.approx(round(1 / 3, 3))
    assert records[1]["consensus"] == pytest.approx(round(1 / 3, 3))
