"""What real Slack traffic brings to a prompt's thread and to a slash command: chatter, a file
shared alone, a response_url that no longer answers."""

from __future__ import annotations

from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.conftest import Bot
from tests.handlers.slack.fake_slack import shown


async def test_a_thanks_in_the_thread_is_not_an_idea_and_its_author_is_told(bot: Bot) -> None:
    ts = await bot.prompt()

    await bot.ok(rq.event(rq.thread_reply("Hi there! Thanks for sharing the info!", ts), "Ev1"))
    await bot.ok(rq.event(rq.thread_reply("Trial universal basic income", ts, user="U2"), "Ev2"))
    await bot.settle()

    assert [i.text for i in await bot.services.repo.ideas("default")] == [
        "Trial universal basic income"
    ]
    (hint,) = bot.fake.of("chat.postEphemeral")
    assert hint["user"] == "U1"
    assert "didn't add" in shown(hint["text"]) and "`idea <your idea>`" in shown(hint["text"])


async def test_a_file_shared_alone_in_the_thread_is_left_alone(bot: Bot) -> None:
    ts = await bot.prompt()
    shared = rq.thread_reply("", ts, subtype="file_share", files=[{"id": "F1", "name": "map.png"}])

    await bot.ok(rq.event(shared, "EvFile"))
    await bot.settle()

    assert not await bot.services.repo.ideas("default")
    assert not bot.fake.of("chat.postEphemeral")  # no "Your idea is empty" for a picture


async def test_a_slash_commands_reply_falls_back_to_an_ephemeral_when_its_url_fails(
    bot: Bot,
) -> None:
    gone = bot.fake.api_url.replace("/api/", "/gone")  # answers 404

    await bot.ok(rq.command("help", user="U3", channel="C1", response_url=gone))
    await bot.settle()

    (reply,) = bot.fake.of("chat.postEphemeral")
    assert reply["user"] == "U3" and reply["channel"] == "C1" and "idea" in reply["text"]
