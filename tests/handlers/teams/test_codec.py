"""The Adaptive Card codec: what cards look like, and that every submit comes back as its intent."""

from __future__ import annotations

import json
from typing import Any

import pytest
from markdown_it import MarkdownIt

from bot.core.interaction import (
    ADD_IDEA,
    ASSIGN,
    VOTE,
    Actions,
    Bullets,
    Button,
    ButtonPressed,
    Card,
    Facts,
    Form,
    FormSubmitted,
    Heading,
    Option,
    Select,
    Text,
    TextField,
    Tone,
)
from handlers.teams import codec
from tests.handlers.teams.conftest import actions


def press(action: dict[str, Any], inputs: dict[str, str] | None = None) -> dict[str, Any]:
    """What Teams sends for an Action.Submit: its data merged with the card's input values."""
    return dict(action["data"]) | (inputs or {})


def read(markdown: str) -> str:
    """What a CommonMark renderer (markdown-it, as the Adaptive Cards renderer uses) shows for a
    TextBlock's text; fails on anything it would format rather than show."""
    shown = []
    for token in MarkdownIt("commonmark").enable("strikethrough").parse(markdown):
        assert token.type in ("paragraph_open", "inline", "paragraph_close"), token.type
        for child in token.children or []:
            assert child.type in ("text", "softbreak"), (child.type, markdown)
            shown.append(child.content if child.type == "text" else "\n")
    return "".join(shown)


def test_participants_markup_is_shown_as_typed() -> None:
    typed = "**bold** _it_ [click](https://evil.example) <at>Everyone</at> `code` a\\b ~x~"

    escaped = codec.escape(typed)

    assert escaped == (
        r"\*\*bold\*\* \_it\_ \[click\](https://evil.example) \<at\>Everyone\</at\> "
        r"\`code\` a\\b \~x\~"
    )
    assert read(escaped) == typed


@pytest.mark.parametrize(
    "typed",
    [
        "**bold** __bold__",
        "*it* _it_",
        "~strike~ ~~strike~~",
        "`code` and ``more code``",
        "```\nfenced\n```",
        "[link](https://evil.example) ![image](https://evil.example/x.png)",
        "<https://evil.example> <at>Everyone</at> <b>html</b>",
        "- item\n+ item\n* item",
        "1. first\n2) second",
        "# heading\n###### heading",
        "> a quote",
        "a heading?\n===",
        "another?\n---",
        "---",
        "&copy; &#169; &amp; but AT&T stays",
        "a back\\slash\\",
    ],
)
def test_each_formatting_character_is_shown_as_typed(typed: str) -> None:
    assert read(codec.escape(typed)) == typed


def test_a_card_renders_as_an_adaptive_card_1_5() -> None:
    card = Card(
        "Title <x>",
        (
            Heading("Heading"),
            Text("muted", Tone.MUTED),
            Text("strong", Tone.STRONG),
            Bullets(("a", "b")),
            Facts((("Votes", "2"),)),
            Actions((Button("Vote (2)", VOTE, "12", primary=True),)),
        ),
    )

    content = codec.card(card)

    assert content["type"] == "AdaptiveCard" and content["version"] == "1.5"
    texts = [b["text"] for b in content["body"] if b["type"] == "TextBlock"]
    assert texts == ["Title \\<x\\>", "Heading", "muted", "strong", "• a", "• b"]
    assert content["body"][2]["isSubtle"] is True and content["body"][3]["weight"] == "bolder"
    assert {"type": "FactSet", "facts": [{"title": "Votes", "value": "2"}]} in content["body"]
    [vote] = content["actions"]
    assert vote == {
        "type": "Action.Submit",
        "title": "Vote (2)",
        "style": "positive",
        "data": {"action_id": VOTE, "value": "12"},
    }


def test_a_button_press_round_trips() -> None:
    [vote] = codec.card(Card("", (Actions((Button("Vote", VOTE, "12"),)),)))["actions"]

    assert codec.intents(press(vote)) == [ButtonPressed(VOTE, "12")]


def test_the_add_idea_button_becomes_an_inline_input_that_submits_a_form() -> None:
    content = codec.card(Card("Prompt", (Actions((Button("Add an idea", ADD_IDEA, "7"),)),)))

    [field] = [b for b in content["body"] if b["type"] == "Input.Text"]
    [submit] = actions(content)

    assert codec.intents(press(submit, {field["id"]: "Bike lanes"})) == [
        FormSubmitted(ADD_IDEA, {"idea": "Bike lanes"}, "7")
    ]
    assert codec.intents(press(submit)) == [FormSubmitted(ADD_IDEA, {"idea": ""}, "7")]


def test_a_form_round_trips() -> None:
    form = Form(
        "Add an idea", ADD_IDEA, "Add idea", "Intro", (TextField("idea", "Your idea"),), "9"
    )

    content = codec.form(form)

    [field] = [b for b in content["body"] if b["type"] == "Input.Text"]
    [submit] = content["actions"]
    assert submit["title"] == "Add idea"
    assert codec.intents(press(submit, {field["id"]: "x"})) == [
        FormSubmitted(ADD_IDEA, {"idea": "x"}, "9")
    ]


def test_menus_become_one_assign_form_sending_one_intent_per_changed_choice() -> None:
    menus = Actions(
        (
            Select(
                ASSIGN,
                "Assign actor…",
                (Option("Authority", "3:actor:authority"), Option("(none)", "3:actor:none")),
                initial="3:actor:authority",
            ),
            Select(ASSIGN, "Stage…", (Option("Scaling", "3:stage:scaling"),)),
        )
    )

    [show] = codec.card(Card("", (menus,)))["actions"]

    assert show["type"] == "Action.ShowCard" and show["title"] == "Assign…"
    chosen = [b for b in show["card"]["body"] if b["type"] == "Input.ChoiceSet"]
    assert chosen[0]["value"] == "3:actor:authority" and "value" not in chosen[1]
    [save] = show["card"]["actions"]
    unchanged_actor = {chosen[0]["id"]: "3:actor:authority", chosen[1]["id"]: "3:stage:scaling"}
    assert codec.intents(press(save, unchanged_actor)) == [ButtonPressed(ASSIGN, "3:stage:scaling")]
    assert codec.intents(press(save, {chosen[0]["id"]: "3:actor:authority"})) == []


def test_a_mention_addresses_a_card_to_one_person() -> None:
    content = codec.card(Card("", (Text("Only for you"),)), ("29:bob", "Bob <b>"))

    assert content["body"][0]["text"] == "<at>Bob b</at>"
    assert content["msteams"]["entities"] == [
        {
            "type": "mention",
            "text": "<at>Bob b</at>",
            "mentioned": {"id": "29:bob", "name": "Bob b"},
        }
    ]


def test_values_not_from_our_cards_give_no_intent() -> None:
    assert codec.intents("text") is None
    assert codec.intents({"value": "1"}) is None
    assert codec.intents({"action_id": ["x"]}) is None
    assert codec.intents({"action_id": VOTE, "value": {"deep": 1}}) == [ButtonPressed(VOTE, "")]


def test_a_card_too_big_for_teams_is_shortened_and_says_so() -> None:
    huge = Card("Plan", tuple(Text(f"Idea {n}: " + "x" * 900) for n in range(60)))

    content = codec.card(huge)

    assert len(json.dumps(content).encode()) < 28_000
    assert content["body"][-1]["text"] == codec.escape(codec.MORE)
    assert content["body"][1]["text"].startswith("Idea 0")
