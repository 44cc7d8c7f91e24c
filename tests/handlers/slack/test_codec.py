"""The Block Kit codec on its own: escaping, Slack's size limits, and payload round trips."""

from __future__ import annotations

import re

import pytest

from bot.core.interaction import (
    ASSIGN,
    VOTE,
    Actions,
    Bullets,
    Button,
    ButtonPressed,
    Card,
    Command,
    Facts,
    Form,
    FormSubmitted,
    Heading,
    Link,
    MessagePosted,
    Option,
    Select,
    Text,
    TextField,
    Tone,
)
from handlers.slack import codec
from tests.handlers.slack.fake_slack import shown

HOSTILE = "<!channel> <@U123> <http://x|y> & *bold* `code`"
DATE = re.compile(r"<!date\^00000000\^\{_\}\|[^>]*>")  # a fallback shown as plain text


def elements(blocks: list[dict]) -> list[dict]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def mrkdwn_texts(node: object) -> list[str]:
    """Every mrkdwn string in a Block Kit tree (plain_text is shown literally by Slack)."""
    if isinstance(node, list):
        return [t for item in node for t in mrkdwn_texts(item)]
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn":
            return [node["text"]]
        return [t for value in node.values() for t in mrkdwn_texts(value)]
    return []


def active_markup(mrkdwn: str) -> list[str]:
    """What Slack would act on in a mrkdwn text, once the literal fallbacks are set aside."""
    rest = DATE.sub("", mrkdwn)
    found = re.findall(r"[*_~`＊＿｀<]", rest)
    return found + re.findall(r"^[ \t]*(?:&gt;|＞)", rest, re.MULTILINE)


def click(element: dict, option: int = 0) -> dict:
    """The block_actions element Slack sends back when `element` is used."""
    if element["type"] == "button":
        return {"action_id": element["action_id"], "type": "button", "value": element["value"]}
    chosen = element["options"][option]
    return {"action_id": element["action_id"], "type": "static_select", "selected_option": chosen}


def test_every_card_text_is_escaped_for_mrkdwn() -> None:
    card = Card(
        HOSTILE,
        (
            Text(HOSTILE),
            Text(HOSTILE, Tone.STRONG),
            Text(HOSTILE, Tone.MUTED),
            Heading(HOSTILE),
            Bullets((HOSTILE,)),
            Facts(((HOSTILE, HOSTILE),)),
        ),
    )
    payload = codec.message(card)
    texts = mrkdwn_texts(payload["blocks"])
    rendered = str([payload["text"], *texts])
    assert len(texts) == 6
    for raw in ("<!channel>", "<@U123>", "<http://x|y>", "*bold*", "`code`"):
        assert raw not in rendered
    assert "&lt;!channel&gt; &lt;@U123&gt; &lt;http://x|y&gt; &amp;" in payload["text"]
    assert shown(payload["text"]) == card.as_text()
    assert active_markup(payload["text"]) == []
    assert payload["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": HOSTILE, "emoji": True},
    }


@pytest.mark.parametrize(
    "typed",
    [
        "*bold*",
        "_italic_",
        "~strike~",
        "`code`",
        "```\nblock\n```",
        "> a quote",
        "  > an indented quote",
        "first line\n> a quote on the second",
        "＊bold＊ ＿italic＿ ｀code｀",
        "＞ a full-width quote",
        "<https://evil.example|click> <!here> <#C1> <@U1>",
        "& &amp; &lt;",
        "**double** __double__ ~~double~~",
        "mid*word*bold and snake_case_name",
    ],
)
def test_each_formatting_character_is_shown_as_typed(typed: str) -> None:
    escaped = codec.escape(typed)

    assert shown(escaped) == typed
    assert active_markup(escaped) == []


def test_emoji_codes_keep_their_underscores_and_still_show_as_emoji() -> None:
    escaped = codec.escape(":white_check_mark: done :+1: _really_")

    assert escaped.startswith(":white_check_mark: done :+1: <!date")
    assert shown(escaped) == ":white_check_mark: done :+1: _really_"


def test_our_own_formatting_keeps_working_around_escaped_text() -> None:
    card = Card(
        "",
        (
            Heading("Ideas *so far*"),
            Facts((("Votes", "3 — _community_ 2"),)),
            Link("Open the *plan*", "https://howcanwe.example.org/plan?t=a&b"),
        ),
    )
    heading, facts, link = codec.message(card)["blocks"]
    bold = heading["text"]["text"]
    assert bold.startswith("*Ideas ") and bold.endswith("*") and active_markup(bold[1:-1]) == []
    [fact] = facts["fields"]
    assert fact["text"].startswith("*Votes*\n3 — <!date")
    assert link["text"]["text"] == (
        "<https://howcanwe.example.org/plan?t=a&amp;b|Open the *plan*>"  # a link's label is shown
    )
    assert all(t["verbatim"] is True for t in [heading["text"], fact, link["text"]])


def test_a_long_escaped_text_is_shortened_and_never_cut_inside_an_escape() -> None:
    typed = "*a " * 2000

    for limit in (codec.SECTION_CHARS, codec.FIELD_CHARS, 100):
        escaped = codec.escaped(typed, limit)
        assert len(escaped) <= limit
        assert shown(escaped).endswith("…") and typed.startswith(shown(escaped)[:-1])
        assert active_markup(escaped) == []
    card = Card("", (Text(typed), Text(typed, Tone.MUTED), Facts((("By", typed),))))
    payload = codec.message(card)
    assert len(payload["text"]) <= codec.FALLBACK_CHARS
    texts = mrkdwn_texts(payload["blocks"])
    assert texts[-1].startswith("*By*\n")  # our own bold label, then the value as typed
    for text in [payload["text"], *texts[:-1], texts[-1].removeprefix("*By*\n")]:
        assert active_markup(text) == []


def test_buttons_and_menus_round_trip_to_the_same_intents() -> None:
    card = Card(
        "#3",
        (
            Actions((Button("Vote (2)", VOTE, "3", primary=True),)),
            Actions(
                (
                    Select(ASSIGN, "Actor…", (Option("A", "3:actor:a"), Option("B", "3:actor:b"))),
                    Select(ASSIGN, "Style…", (Option("F", "3:style:f"),), initial="3:style:f"),
                )
            ),
        ),
    )
    vote, actor, style = elements(codec.message(card)["blocks"])
    assert vote["style"] == "primary"
    assert actor["action_id"] != style["action_id"]  # unique within their block
    assert style["initial_option"]["value"] == "3:style:f"
    assert codec.action_intent(click(vote)) == ButtonPressed(VOTE, "3")
    assert codec.action_intent(click(actor, 1)) == ButtonPressed(ASSIGN, "3:actor:b")
    assert codec.action_intent(click(style)) == ButtonPressed(ASSIGN, "3:style:f")


def test_forms_round_trip_through_a_modal() -> None:
    form = Form(
        "A very long title that Slack would refuse",
        "prompt.add_idea",
        "Add idea",
        "Theme: <b>",
        (TextField("idea", "Your idea", "What could we do?"),),
        metadata="7",
    )
    meta = codec.Metadata("7", "C1", "general", "1.2")
    view = codec.modal(form, meta)
    assert len(view["title"]["text"]) <= codec.MODAL_TITLE_CHARS
    assert view["blocks"][0]["text"]["text"] == "Theme: &lt;b&gt;"
    assert codec.first_input(view) == "idea"
    submitted = {**view, "state": {"values": {"idea": {"idea": {"value": "Trams <3"}}}}}
    assert codec.submission_intent(submitted) == FormSubmitted(
        "prompt.add_idea", {"idea": "Trams <3"}, "7"
    )
    assert codec.Metadata.unpack(view["private_metadata"]) == meta
    assert codec.Metadata.unpack("[1, 2]") == codec.Metadata()


def test_limits_are_met_by_shortening_and_the_buttons_are_kept() -> None:
    many = tuple(Text(f"line {n}") for n in range(80))
    button = Button("B" * 100, VOTE, "v" * 3000)
    menu = Select(ASSIGN, "p", tuple(Option("o" * 100, f"{n}" * 200) for n in range(150)))
    card = Card("T" * 200, (*many, Actions((button, menu))))
    blocks = codec.message(card)["blocks"]
    assert len(blocks) == codec.MESSAGE_BLOCKS
    assert blocks[-1]["type"] == "context" and blocks[-2]["type"] == "actions"
    assert len(blocks[0]["text"]["text"]) == codec.HEADER_CHARS
    rendered_button, rendered_menu = elements(blocks)
    assert len(rendered_button["text"]["text"]) == 75 and len(rendered_button["value"]) == 2000
    assert len(rendered_menu["options"]) == 100
    assert all(
        len(o["text"]["text"]) <= 75 and len(o["value"]) <= 150 for o in rendered_menu["options"]
    )
    assert len(codec.home_view(card)["blocks"]) <= codec.HOME_BLOCKS


def test_a_message_keeps_within_slacks_total_text_and_says_what_it_left_out() -> None:
    long = "x" * 5000
    vote = Actions((Button("Vote", VOTE, "1"),))
    card = Card("T", (Text(long), Bullets((long, long, long)), Text("last"), vote))

    blocks = codec.message(card)["blocks"]

    assert codec.text_units(blocks) <= codec.TEXT_BUDGET
    assert [b["type"] for b in blocks] == [
        "header",
        "section",
        "section",
        "section",
        "actions",
        "context",
    ]
    assert all(len(b["text"]["text"]) == 3000 for b in blocks if b["type"] == "section")
    assert blocks[-1]["elements"][0]["text"] == codec.MORE


def test_lengths_are_counted_as_slack_counts_them_and_cut_between_characters() -> None:
    waving = "👋🏽"  # a hand and its skin tone: one character to a reader, four UTF-16 units
    typed = waving * 1000

    cut = codec.escaped(typed, 2003)  # room for one more hand, but not its tone

    assert codec.units(cut) == 2001 and cut == waving * 500 + "…"
    assert codec.clip("é" * 10, 5) == "éééé…"
    assert codec.clip("e\u0301" * 10, 6) == "e\u0301e\u0301…"  # an accent stays on its letter
    assert codec.escaped("&" * 3000, 3000) == "&amp;" * 599 + "…"


def test_slack_markup_becomes_what_the_person_typed() -> None:
    assert codec.from_slack("&lt;!channel&gt; &amp; <!here> <@U1|ann> <#C1|general>") == (
        "<!channel> & @here @ann #general"
    )
    assert codec.from_slack("<https://x.org|site> <https://y.org> <mailto:a@b.c|a@b.c>") == (
        "site (https://x.org) https://y.org a@b.c"
    )
    assert codec.command_intent("organiser add <@U9|bob>") == Command("organiser add @U9")
    assert codec.mention_intent("<@UBOT>  vote 3 ") == Command("vote 3")
    assert codec.mention_intent("<@UBOT>") == Command("help")


def test_only_people_replying_in_threads_make_messages() -> None:
    reply = {"type": "message", "user": "U1", "text": "hi &lt;3", "thread_ts": "1.0"}
    assert codec.message_intent(reply, "UBOT") == MessagePosted("hi <3")
    assert codec.message_intent({**reply, "subtype": "thread_broadcast"}, "UBOT") is not None
    assert (
        codec.message_intent({k: v for k, v in reply.items() if k != "thread_ts"}, "UBOT") is None
    )
    assert codec.message_intent({**reply, "bot_id": "B1"}, "UBOT") is None
    assert codec.message_intent({**reply, "subtype": "message_changed"}, "UBOT") is None
    assert codec.message_intent({**reply, "text": "<@UBOT> help"}, "UBOT") is None
