"""`forget me` in a Teams chat leaves the person in no table: the conversation references Teams
handed over while they spoke lose their name and id, and still reach the conversation; the
reference of their own 1:1 chat with the bot is removed."""

from __future__ import annotations

from bot.core.domain import ConversationRef
from bot.core.usecases import digests
from tests.conftest import FakeClock
from tests.handlers.teams import teams_activities as ta
from tests.handlers.teams.conftest import Teams
from tests.storage.traces import stored

ZELDA = ("29:zelda-quixote", "Zelda Quixote")
IDEA = "Riverside trams, says Zelda"


def where(conversation: str) -> ConversationRef:
    return ConversationRef("teams", ta.TENANT, conversation)


async def test_forget_me_in_teams_leaves_no_trace_and_the_channel_still_gets_its_digest(
    teams: Teams, clock: FakeClock, database_url: str
) -> None:
    await teams.ok(ta.mention("help", teams.url, user=ZELDA))  # the first to speak here
    await teams.ok(ta.message("help", teams.url, user=ZELDA, personal=True))
    await teams.ok(ta.mention(f"organiser add teams:{ZELDA[0]}", teams.url, user=ta.ORGANISER))
    await teams.ok(ta.mention("digest daily 17:30", teams.url, user=ZELDA))
    prompt_id, _ = await teams.prompt()
    await teams.idea(prompt_id, IDEA, user=ZELDA)
    channel = await teams.services.repo.reference("default", where(ta.CHANNEL))
    assert channel is not None and channel["user"]["id"] == ZELDA[0]
    assert len(await stored(database_url, (*ZELDA, IDEA))) >= 3

    calls = await teams.ok(ta.message("forget me confirm", teams.url, user=ZELDA, personal=True))

    [done] = [c for c in calls if c.method == "reply"]
    assert "Deleted 1 idea" in done.text
    [removed] = [c for c in calls if c.method == "update"]  # through the channel's reference
    assert removed.conversation == ta.CHANNEL and "#1 — removed" in removed.text
    assert await stored(database_url, (*ZELDA, IDEA)) == []
    reference = await teams.services.repo.reference("default", where(ta.CHANNEL))
    assert reference is not None and "user" not in reference
    # her 1:1 chat with the bot was how direct nudges reached her: its reference goes with her
    assert await teams.services.repo.reference("default", where(ta.PERSONAL)) is None
    clock.advance(hours=9)  # 18:00 in London: the digest she scheduled is due
    assert await digests.send_due(teams.services.engine.workshop) == 1
    assert teams.connector.to(ta.CHANNEL)[-1].method == "post"
