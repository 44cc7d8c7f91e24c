"""Sizes through the real entry point: a huge idea and long lists, typed in Teams, reach the
Bot Connector as cards the Adaptive Cards schema accepts, within Teams' ~28 KB per message."""

from __future__ import annotations

from tests.handlers.teams import teams_activities as ta
from tests.handlers.teams.conftest import Teams
from tests.handlers.teams.fake_connector import Call
from tests.handlers.test_codec_contract import TEAMS_MESSAGE_BYTES, teams_problems

EMOJI_IDEA = "🌍" * 3000  # the longest idea: 12,000 bytes in UTF-8, 36,000 as JSON escapes


def within_limits(calls: list[Call]) -> None:
    assert calls
    for call in calls:
        assert call.size <= TEAMS_MESSAGE_BYTES, (call.method, call.size)
        assert teams_problems(call.card) == []


async def test_a_huge_emoji_idea_is_sent_whole_within_teams_limit(teams: Teams) -> None:
    thread, _ = await teams.prompt()

    _, reply = await teams.idea(thread, EMOJI_IDEA)

    within_limits([reply])
    assert EMOJI_IDEA in reply.text  # all of it: Teams has room for the longest idea
    assert reply.size < 20_000  # sent as UTF-8 (it went out at 39,306 bytes as JSON escapes)


async def test_long_lists_of_huge_ideas_stay_within_teams_limit(teams: Teams) -> None:
    thread, _ = await teams.prompt()
    for n in range(25):
        await teams.idea(thread, f"Plan{n} " + EMOJI_IDEA[:2990])

    for command in ("ideas", "plan", "themes", "help"):
        calls = await teams.ok(ta.mention(command, teams.url, user=ta.ORGANISER))
        within_limits(calls)
    listed = (await teams.ok(ta.mention("ideas", teams.url, user=ta.ORGANISER)))[0].text
    assert "…and 5 more" in listed  # the list says how long it is, and where to see the rest
