"""Teams' re-send of an activity whose turn failed is handled; a handled one is not doubled."""

from __future__ import annotations

from tests.faults import next_write_fails
from tests.handlers.teams import teams_activities as ta
from tests.handlers.teams.conftest import Teams


async def test_a_turn_that_failed_once_is_handled_on_teams_re_send(teams: Teams) -> None:
    ask = ta.mention("help", teams.url)
    with next_write_fails("channels") as failed:
        answer = await teams.send(ask)  # logged as a failed turn, its claim released
    await teams.settle()
    assert failed and teams.connector.calls == []
    assert answer.status == 503  # Teams hears that the turn failed, and may send it again
    assert "please retry" in (await answer.json())["error"]

    again = await teams.ok(ask)  # Teams re-sends an activity it got no answer to
    assert [c.method for c in again] == ["reply"]
    assert await teams.ok(ask) == []  # handled: not doubled
