"""Reading Teams activities: where they come from, and when a message is a command."""

from __future__ import annotations

from botbuilder.schema import Activity

from bot.core.interaction import Command, MessagePosted
from handlers.teams.codec import message_intent, message_text
from handlers.teams.origin import origin
from tests.handlers.teams import teams_activities as ta

URL = "https://smba.example/"


def _read(body: dict[str, object]) -> Activity:
    return Activity().deserialize(body)


def test_a_reply_chain_is_the_thread_and_the_conversation_loses_its_suffix() -> None:
    where = origin(_read(ta.message("hi", URL, thread="1700000000009")))

    assert where.conversation_id == ta.CHANNEL
    assert where.thread_id == "1700000000009"
    assert where.tenant_id == ta.TENANT and not where.personal
    assert where.context("p").who.key == "teams:29:alice"


def test_without_channel_data_the_tenant_comes_from_the_conversation_or_a_default() -> None:
    body = ta.message("hi", URL, personal=True) | {"channelData": None}
    assert origin(_read(body)).tenant_id == ta.TENANT
    body["conversation"] = {"id": "a:1", "conversationType": "personal"}
    assert origin(_read(body)).tenant_id == "default"


def test_the_bots_mention_is_cut_literally_even_with_pattern_characters_in_its_name() -> None:
    body = ta.mention("vote 3", URL)
    body["text"] = "<at>how(can)*we?</at> vote 3"
    body["entities"][0]["text"] = "<at>how(can)*we?</at>"  # type: ignore[index]

    activity = _read(body)

    assert message_text(activity) == "vote 3"
    assert message_intent(activity, origin(activity)) == Command("vote 3")


def test_without_a_mention_a_channel_message_is_a_plain_message_and_a_chat_line_a_command() -> None:
    channel = _read(ta.message("More trams", URL, thread="1"))
    chat = _read(ta.message("ideas", URL, personal=True))

    assert message_intent(channel, origin(channel)) == MessagePosted("More trams", channel.id)
    assert message_intent(chat, origin(chat)) == Command("ideas")


def test_a_mention_of_someone_else_is_not_a_command() -> None:
    body = ta.mention("hello", URL)
    body["entities"][0]["mentioned"] = {"id": "29:carol", "name": "Carol"}  # type: ignore[index]

    activity = _read(body)

    assert message_intent(activity, origin(activity)) == MessagePosted(
        "howcanwe hello", activity.id
    )  # plain text


def test_html_in_a_message_is_reduced_to_its_plain_text() -> None:
    shapes = {
        "<p>More <strong>bike</strong> lanes</p>": "More bike lanes",
        "<div><div>Night&nbsp;buses</div></div>": "Night buses",
        "Tree&nbsp;planting&nbsp;days": "Tree planting days",  # mobile clients
        "<p>Repair cafés &amp; tool libraries</p>": "Repair cafés & tool libraries",
        "<p>First line</p><p>Second&nbsp;line</p>": "First line\nSecond line",
        "Line one<br>line two": "Line one\nline two",
        "<p><em>Cheaper</em> <a href='https://example.org'>fares</a></p>": "Cheaper fares",
        "&lt;3 our parks": "<3 our parks",
        "Plain text stays as it is": "Plain text stays as it is",
    }
    for html, plain in shapes.items():
        assert message_text(_read(ta.message(html, URL))) == plain, html


def test_a_mention_in_html_is_cut_and_the_rest_is_plain_text() -> None:
    body = ta.mention("x", URL)
    body["text"] = "<p><at>howcanwe</at>&nbsp;idea <strong>Solar</strong> roofs</p>"
    body["entities"][0]["text"] = "<at>howcanwe</at>"  # type: ignore[index]

    activity = _read(body)

    assert message_intent(activity, origin(activity)) == Command("idea Solar roofs")
