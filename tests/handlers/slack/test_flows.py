"""The workshop in Slack, end to end: signed requests in, recorded Web API calls out."""

from __future__ import annotations

from bot.core.domain import Anchor, AnchorKind
from tests.conftest import FakeClock
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.conftest import Bot
from tests.handlers.slack.fake_slack import shown


def texts(call: dict) -> str:
    return call["text"]


async def add_idea(bot: Bot, ts: str, text: str, user: str = "U1", event_id: str = "") -> str:
    """A thread reply; returns the idea card's ts."""
    await bot.ok(rq.event(rq.thread_reply(text, ts, user=user), event_id or f"Ev-{text}"))
    await bot.settle()
    return bot.fake.last_ts()


async def test_organiser_posts_a_prompt_with_evidence_question_and_buttons(bot: Bot) -> None:
    ts = await bot.prompt("inclusive-growth")
    post = bot.fake.of("chat.postMessage")[-1]
    assert post["channel"] == "C1"
    assert "What the evidence says" in post["text"] and "How can we" in post["text"]
    buttons = [e for b in post["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [(b["action_id"], b["text"]["text"]) for b in buttons] == [
        ("prompt.add_idea", "Add an idea"),
        ("prompt.see_ideas", "See ideas"),
    ]
    copies = await bot.services.engine.copies("default", Anchor(AnchorKind.PROMPT, 1))
    assert [c.message_id for c in copies] == [ts]


async def test_participant_cannot_post_a_prompt(bot: Bot, fake) -> None:
    await bot.ok(rq.command("prompt inclusive-growth", user="U1", response_url=fake.response_url()))
    await bot.settle()
    assert not fake.of("chat.postMessage")
    (reply,) = fake.of("response_url")
    assert reply["response_type"] == "ephemeral" and "Only organisers" in reply["text"]


async def test_thread_reply_becomes_an_idea_card_in_the_thread(bot: Bot) -> None:
    ts = await bot.prompt()
    await add_idea(bot, ts, "Community energy co-ops")
    card = bot.fake.of("chat.postMessage")[-1]
    assert card["thread_ts"] == ts
    assert card["text"].startswith("#1 · Inclusive growth")
    assert "NU1" in card["text"]  # the display name, from users.info
    elements = [e for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert elements[0]["text"]["text"] == "Vote (0)"
    assert elements[1]["action_id"] == "idea.confirm"  # the suggested actor, one click away
    assert elements[1]["text"]["text"].startswith("Confirm: ")
    assert elements[2]["action_id"] == "idea.propose"  # anyone: the suggestion, pre-filled
    assert elements[2]["text"]["text"].startswith("Propose: ")
    assert [e["type"] for e in elements[3:]] == ["static_select"] * (len(elements) - 3)
    assert "Suggested" in card["text"]


async def test_an_idea_typed_with_mrkdwn_is_shown_as_typed(bot: Bot) -> None:
    typed = "*bold* _it_ ~strike~ `code`"
    ts = await bot.prompt()

    await add_idea(bot, ts, f"{typed}\n> not a quote")

    card = bot.fake.of("chat.postMessage")[-1]
    idea = card["blocks"][1]["text"]
    literal = {c: f"<!date^00000000^{{_}}|{c}>" for c in "*_~`"}  # fallbacks shown as text
    assert idea == {
        "type": "mrkdwn",
        "text": f"{literal['*']}bold{literal['*']} {literal['_']}it{literal['_']} "
        f"{literal['~']}strike{literal['~']} {literal['`']}code{literal['`']}"
        "\n\u00ad&gt; not a quote",
        "verbatim": True,
    }
    assert shown(idea["text"]) == f"{typed}\n> not a quote"
    assert typed not in card["text"] and f"{typed}\n> not a quote" in shown(card["text"])


async def test_top_level_chatter_and_bot_messages_are_ignored(bot: Bot) -> None:
    ts = await bot.prompt()
    top = {"type": "message", "channel": "C1", "user": "U1", "text": "hello", "ts": "1.1"}
    from_bot = rq.thread_reply("I am a bot", ts, bot_id="B9", subtype="bot_message")
    ours = rq.thread_reply("our own card", ts, user="UBOT", bot_id="BBOT")
    edited = rq.thread_reply("edited", ts, subtype="message_changed")
    for n, inner in enumerate([top, from_bot, ours, edited]):
        await bot.ok(rq.event(inner, f"EvIgnored{n}"))
    await bot.settle()
    assert len(bot.fake.of("chat.postMessage")) == 1
    assert not await bot.services.repo.ideas("default")


async def test_add_an_idea_button_opens_a_modal_and_the_idea_lands_in_the_thread(bot: Bot) -> None:
    ts = await bot.prompt()
    await bot.ok(rq.action("prompt.add_idea", "1", message_ts=ts))
    await bot.settle()
    (opened,) = bot.fake.of("views.open")
    view = opened["view"]
    assert view["callback_id"] == "prompt.add_idea" and opened["trigger_id"].startswith(
        "trig-action"
    )
    response = await bot.ok(rq.submission(view, {"idea": rq.text_input("Free buses <@U2>")}))
    assert await response.text() == ""
    await bot.settle()
    card = bot.fake.of("chat.postMessage")[-1]
    assert card["channel"] == "C1" and card["thread_ts"] == ts
    assert "Free buses &lt;@U2&gt;" in card["text"]


async def test_an_empty_or_stale_modal_answers_in_the_modal(bot: Bot) -> None:
    ts = await bot.prompt()
    await bot.ok(rq.action("prompt.add_idea", "1", message_ts=ts))
    await bot.settle()
    view = bot.fake.of("views.open")[0]["view"]
    response = await bot.ok(rq.submission(view, {"idea": rq.text_input("   ")}))
    answer = await response.json()
    assert answer["response_action"] == "errors" and "empty" in answer["errors"]["idea"]
    tampered = {**view, "private_metadata": "not json"}
    answer = await (await bot.ok(rq.submission(tampered, {"idea": rq.text_input("x")}))).json()
    assert "no longer available" in answer["errors"]["idea"]
    await bot.settle()
    assert not await bot.services.repo.ideas("default")


async def test_a_vote_updates_the_card_in_place_and_taking_it_back_tells_the_voter(
    bot: Bot, clock: FakeClock
) -> None:
    ts = await bot.prompt()
    card_ts = await add_idea(bot, ts, "Bike lanes")
    await bot.ok(rq.action("idea.vote", "1", message_ts=card_ts, thread_ts=ts, user="U2"))
    await bot.settle()
    (update,) = bot.fake.of("chat.update")
    assert update["ts"] == card_ts and update["channel"] == "C1"
    assert "Vote (1)" in str(update["blocks"])
    assert not bot.fake.of("chat.postEphemeral")  # the card's count is the answer to a click
    clock.advance(seconds=10)
    await bot.ok(rq.action("idea.vote", "1", message_ts=card_ts, thread_ts=ts, user="U2"))
    await bot.settle()
    assert "Vote (0)" in str(bot.fake.of("chat.update")[-1]["blocks"])
    (note,) = bot.fake.of("chat.postEphemeral")
    assert note["user"] == "U2" and "taken back" in note["text"]
    (idea,) = await bot.services.repo.ideas("default")
    assert idea.votes == 0


async def test_over_budget_vote_is_refused_privately(bot: Bot) -> None:
    ts = await bot.prompt()
    for n in range(6):
        await add_idea(bot, ts, f"Idea {n}")
    for number in range(1, 7):
        await bot.ok(rq.action("idea.vote", str(number), user="U2", thread_ts=ts))
    await bot.settle()
    (note,) = [n["text"] for n in bot.fake.of("chat.postEphemeral")]
    assert "used all 5 of your votes" in note
    assert sum(i.votes for i in await bot.services.repo.ideas("default")) == 5


async def test_organiser_assigns_with_the_menus_and_a_participant_proposes(bot: Bot) -> None:
    ts = await bot.prompt()
    card_ts = await add_idea(bot, ts, "Skills hubs")
    await bot.ok(
        rq.action(
            "idea.assign",
            selected="1:actor:individuals",
            user="U1",
            message_ts=card_ts,
            thread_ts=ts,
        )
    )
    await bot.settle()
    # A participant's choice in the menus is their proposal, tallied on the card.
    assert "Your proposal for #1 is in" in bot.fake.of("chat.postEphemeral")[-1]["text"]
    assert "Proposed: Individuals and groups (1)" in bot.fake.of("chat.update")[-1]["text"]
    (idea,) = await bot.services.repo.ideas("default")
    assert idea.assignment is None
    await bot.ok(
        rq.action(
            "idea.assign#2",
            selected="1:style:funder",
            user="UORG",
            message_ts=card_ts,
            thread_ts=ts,
        )
    )
    await bot.settle()
    assert bot.fake.of("chat.update")[-1]["ts"] == card_ts
    said = bot.fake.of("chat.postMessage")[-1]
    assert said["thread_ts"] == ts and "#1 is now" in said["text"]
    (idea,) = await bot.services.repo.ideas("default")
    assert idea.assignment is not None and idea.assignment.style_key == "funder"


async def test_see_ideas_and_commands_answer_privately(bot: Bot, fake) -> None:
    ts = await bot.prompt()
    await add_idea(bot, ts, "Car clubs")
    await bot.ok(rq.action("prompt.see_ideas", "inclusive-growth", message_ts=ts))
    await bot.settle()
    assert "#1 Car clubs" in fake.of("chat.postEphemeral")[-1]["text"]
    await bot.ok(rq.command("vote 1", user="U3", response_url=fake.response_url()))
    await bot.ok(rq.command("frobnicate", user="U3", response_url=fake.response_url()))
    await bot.ok(rq.command("idea", user="U3", response_url=fake.response_url()))
    await bot.settle()
    replies = [r["text"] for r in fake.of("response_url")]
    assert any("Your vote for #1 is in" in r for r in replies)
    assert len(replies) == 3 and all(r.strip() for r in replies)


async def test_channel_audience_is_set_by_command(bot: Bot) -> None:
    await bot.ok(rq.command("channel business", channel="C2"))
    await bot.settle()
    said = bot.fake.of("chat.postMessage")[-1]
    assert said["channel"] == "C2" and "count as Business" in said["text"]


async def test_a_mention_answers_with_help_or_its_command(bot: Bot) -> None:
    mention = {"type": "app_mention", "channel": "C1", "user": "U1", "text": "<@UBOT>", "ts": "5.1"}
    await bot.ok(rq.event(mention, "EvMention1"))
    await bot.ok(rq.event({**mention, "text": "<@UBOT> themes", "ts": "5.2"}, "EvMention2"))
    await bot.settle()
    replies = sorted(r["text"] for r in bot.fake.of("chat.postEphemeral"))
    assert replies[0].startswith("Themes") and replies[1].startswith("howcanwe")
    assert "`vote <id>`" in shown(replies[1])


async def test_app_home_shows_the_plan_and_organisers_post_from_it(bot: Bot) -> None:
    home = {"type": "app_home_opened", "user": "UORG", "channel": "DORG", "tab": "home"}
    await bot.ok(rq.event(home, "EvHome1"))
    await bot.settle()
    (published,) = bot.fake.of("views.publish")
    assert published["user_id"] == "UORG" and published["view"]["type"] == "home"
    buttons = [
        e for b in published["view"]["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons[0]["action_id"] == "prompt.post"
    assert len({b["action_id"] for b in buttons}) == len(buttons)  # unique within the block
    await bot.ok(rq.home_action(buttons[0]["action_id"], buttons[0]["value"]))
    await bot.settle()
    picker = bot.fake.of("views.open")[-1]["view"]
    assert picker["callback_id"] == "prompt.post"
    await bot.ok(rq.submission(picker, {"channel": rq.channel_input("C7")}, user="UORG"))
    await bot.settle()
    posted = bot.fake.of("chat.postMessage")[-1]
    assert posted["channel"] == "C7" and "How can we" in posted["text"]
    (copy,) = await bot.services.engine.copies("default", Anchor(AnchorKind.PROMPT, 1))
    assert copy.channel_id == "C7"


async def test_participant_home_has_no_post_buttons(bot: Bot) -> None:
    home = {"type": "app_home_opened", "user": "U5", "channel": "D5", "tab": "home"}
    await bot.ok(rq.event(home, "EvHome2"))
    await bot.settle()
    view = bot.fake.of("views.publish")[0]["view"]
    assert not [b for b in view["blocks"] if b["type"] == "actions"]


async def test_a_channel_the_bot_is_not_in_gets_a_friendly_hint(bot: Bot, fake) -> None:
    fake.not_in.add("C9")
    await bot.ok(
        rq.command("prompt inclusive-growth", channel="C9", response_url=fake.response_url())
    )
    await bot.settle()
    assert "/invite @howcanwe" in fake.of("response_url")[-1]["text"]


async def test_stale_buttons_and_missing_ideas_are_explained_privately(bot: Bot) -> None:
    ts = await bot.prompt()
    await bot.ok(rq.action("idea.vote", "99", user="U2", thread_ts=ts))
    await bot.ok(rq.action("idea.frobnicate", "1", user="U2", thread_ts=ts))
    await bot.ok(rq.action("idea.assign", selected="garbage", user="UORG", thread_ts=ts))
    await bot.ok(rq.action("prompt.add_idea", "not-a-prompt", user="U2", message_ts=ts))
    await bot.settle()
    notes = sorted(n["text"] for n in bot.fake.of("chat.postEphemeral"))
    assert len(notes) == 4
    assert any("no idea #99" in n for n in notes)
    assert any("out of date" in n for n in notes)
    assert any("no longer available" in n for n in notes)
    assert not bot.fake.of("chat.update") and not bot.fake.of("views.open")


async def test_posting_from_home_into_a_channel_without_the_bot_tells_the_organiser(
    bot: Bot,
) -> None:
    bot.fake.not_in.add("C9")
    await bot.ok(rq.home_action("prompt.post", "inclusive-growth"))
    await bot.settle()
    picker = bot.fake.of("views.open")[-1]["view"]
    await bot.ok(rq.submission(picker, {"channel": rq.channel_input("C9")}, user="UORG"))
    await bot.settle()
    direct = bot.fake.of("chat.postMessage")[-1]
    assert direct["channel"] == "UORG" and "/invite @howcanwe" in direct["text"]
