"""The Teams workshop end to end: activities over HTTP into the real app, replies to a fake connector."""

from __future__ import annotations

import logging

import pytest

from bot.core.domain import ConversationRef
from bot.core.interaction import Card, Text
from bot.core.ports import Sent
from tests.handlers.teams import teams_activities as ta
from tests.handlers.teams.conftest import Teams, actions
from tests.handlers.teams.test_codec import read


async def test_a_mentioned_prompt_command_posts_the_prompt_card_as_a_new_channel_post(
    teams: Teams,
) -> None:
    calls = await teams.ok(ta.mention("prompt inclusive-growth", teams.url, user=ta.ORGANISER))

    [post] = calls
    assert post.method == "post"
    assert post.conversation == ta.CHANNEL  # a new post, not a reply in the command's chain
    assert post.body["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = post.card
    assert card["version"] == "1.5"
    assert "How can we…" in post.text
    inputs = [b for b in card["body"] if b["type"] == "Input.Text"]
    assert [i["id"] for i in inputs] == ["field.idea"]
    titles = [a["title"] for a in actions(card)]
    assert "Add an idea" in titles and "See ideas" in titles


async def test_a_reply_in_the_prompts_chain_becomes_an_idea_card_in_that_chain(
    teams: Teams,
) -> None:
    prompt_id, _ = await teams.prompt()

    typed = "More &lt;b&gt;bike&lt;/b&gt; lanes @here"  # Teams' HTML for "<b>" typed as text
    calls = await teams.ok(ta.message(typed, teams.url, thread=prompt_id))

    [reply] = calls
    assert reply.method == "reply" and reply.activity_id == prompt_id
    assert reply.conversation == f"{ta.CHANNEL};messageid={prompt_id}"
    assert "#1 · Inclusive growth" in reply.text
    assert r"More \<b\>bike\</b\> lanes @here" in reply.text  # shown as typed, not rendered
    assert "Alice" in reply.text
    vote = next(a for a in actions(reply.card) if a["type"] == "Action.Submit")
    assert vote["title"] == "Vote (0)"


async def test_an_idea_typed_with_markdown_is_shown_as_typed(teams: Teams) -> None:
    typed = "*bold* _it_ ~strike~ `code`\n**strong** [link](https://evil.example)\n- not a list"
    prompt_id, _ = await teams.prompt()

    _, reply = await teams.idea(prompt_id, typed, user=("29:carol", "Carol *Star*"))

    [title, idea, facts, *_] = reply.card["body"]
    assert title["text"] == "#1 · Inclusive growth"  # `#` heads a line only before a space
    assert idea == {
        "type": "TextBlock",
        "text": "\\*bold\\* \\_it\\_ \\~strike\\~ \\`code\\`\n"
        "\\*\\*strong\\*\\* \\[link\\](https://evil.example)\n\\- not a list",
        "wrap": True,
    }
    assert read(idea["text"]) == typed
    [by] = [f for f in facts["facts"] if f["title"] == "By"]
    assert read(by["value"]) == "Carol *Star* (community)"


async def test_the_prompt_cards_own_input_adds_an_idea(teams: Teams) -> None:
    prompt_id, prompt_ref = await teams.prompt()
    value = {
        "action_id": "prompt.add_idea",
        "metadata": prompt_ref,
        "fields": ["idea"],
        "field.idea": "Free buses",
    }

    calls = await teams.ok(ta.submit(value, prompt_id, teams.url))

    [reply] = calls
    assert reply.method == "reply" and reply.activity_id == prompt_id
    assert "#1 · Inclusive growth" in reply.text and "Free buses" in reply.text


async def test_a_vote_updates_the_idea_card_in_place(teams: Teams) -> None:
    prompt_id, _ = await teams.prompt()
    card_id, _ = await teams.idea(prompt_id)
    vote = {"action_id": "idea.vote", "value": "1"}

    calls = await teams.ok(ta.submit(vote, card_id, teams.url, user=ta.BOB, thread=prompt_id))

    [update] = calls  # the card's count is the answer to a click: no reply in the channel
    assert update.method == "update" and update.activity_id == card_id
    assert update.conversation == ta.CHANNEL
    assert "Vote (1)" in [a["title"] for a in actions(update.card)]


async def test_a_burst_of_votes_coalesces_card_updates_and_the_last_state_wins(
    teams: Teams,
) -> None:
    prompt_id, _ = await teams.prompt()
    card_id, _ = await teams.idea(prompt_id)
    vote = {"action_id": "idea.vote", "value": "1"}
    before = len(teams.connector.calls)

    for n in range(12):
        voter = (f"29:voter-{n}", f"Voter {n}")
        response = await teams.send(ta.submit(vote, card_id, teams.url, user=voter))
        assert response.status == 201
    await teams.settle()

    updates = [c for c in teams.connector.calls[before:] if c.method == "update"]
    assert 1 <= len(updates) < 12  # at most one update per card per second, the newest state
    assert "Vote (12)" in [a["title"] for a in actions(updates[-1].card)]


async def test_a_vote_by_command_is_confirmed_to_the_voter(teams: Teams) -> None:
    prompt_id, _ = await teams.prompt()
    await teams.idea(prompt_id)

    calls = await teams.ok(ta.mention("vote 1", teams.url, user=ta.BOB))

    [note] = [c for c in calls if c.method == "reply"]
    assert "Your vote for #1 is in" in note.text
    assert note.card["msteams"]["entities"][0]["mentioned"]["id"] == ta.BOB[0]  # addressed to Bob


async def test_votes_beyond_the_budget_get_a_clear_reply_and_change_nothing(teams: Teams) -> None:
    prompt_id, _ = await teams.prompt()
    for n in range(6):
        await teams.idea(prompt_id, f"Idea {n}")
    for number in range(1, 6):
        await teams.ok(ta.mention(f"vote {number}", teams.url, user=ta.BOB))

    calls = await teams.ok(ta.mention("vote 6", teams.url, user=ta.BOB))

    [refusal] = calls
    assert refusal.method == "reply"
    assert "You have used all 5 of your votes" in refusal.text
    idea = await teams.services.repo.idea("default", 6)
    assert idea is not None and idea.votes == 0


async def test_an_organiser_assigns_through_the_cards_form_one_change_per_menu(
    teams: Teams,
) -> None:
    prompt_id, _ = await teams.prompt()
    card_id, reply = await teams.idea(prompt_id)
    [save] = [a for a in actions(reply.card) if a.get("title") == "Save"]
    value = dict(save["data"]) | {"choice.0": "1:actor:authority", "choice.1": "1:style:funder"}

    calls = await teams.ok(
        ta.submit(value, card_id, teams.url, user=ta.ORGANISER, thread=prompt_id)
    )

    updates = [c for c in calls if c.method == "update"]
    assert updates and all(u.activity_id == card_id for u in updates)
    assert "Combined authority · as Funder" in updates[-1].text
    idea = await teams.services.repo.idea("default", 1)
    assert idea is not None and idea.assignment is not None
    assert (idea.assignment.actor_key, idea.assignment.style_key) == ("authority", "funder")


async def test_a_participant_using_the_assign_form_proposes_instead(teams: Teams) -> None:
    prompt_id, _ = await teams.prompt()
    card_id, reply = await teams.idea(prompt_id)
    [save] = [a for a in actions(reply.card) if a.get("title") == "Save"]
    value = dict(save["data"]) | {"choice.0": "1:actor:authority"}

    calls = await teams.ok(ta.submit(value, card_id, teams.url, user=ta.BOB, thread=prompt_id))

    assert any("Your proposal for #1 is in: Combined authority" in c.text for c in calls)
    assert any(c.method == "update" and "Proposed" in c.text for c in calls)
    idea = await teams.services.repo.idea("default", 1)
    assert idea is not None and idea.assignment is None
    assert [p.assignment.actor_key for p in idea.proposals] == ["authority"]


async def test_in_a_one_to_one_chat_no_mention_is_needed(teams: Teams) -> None:
    [reply] = await teams.ok(ta.message("help", teams.url, personal=True))

    assert reply.conversation == ta.PERSONAL
    assert "vote \\<id\\>" in reply.text
    assert "entities" not in reply.card.get("msteams", {})  # a 1:1 reply needs no addressing


async def test_the_whole_grammar_works_after_the_mention(teams: Teams) -> None:
    prompt_id, _ = await teams.prompt()
    await teams.idea(prompt_id, "Cheaper buses")

    [ideas] = await teams.ok(ta.mention("ideas", teams.url))
    [plan] = await teams.ok(ta.mention("plan", teams.url))
    [empty] = await teams.ok(ta.mention("", teams.url))

    assert "Cheaper buses" in ideas.text
    assert "Action plan" in plan.text
    assert "howcanwe — Local Industrial Strategy Lab" in empty.text  # a bare mention is `help`


async def test_adding_the_bot_welcomes_once_and_remembers_the_conversation(teams: Teams) -> None:
    [welcome] = await teams.ok(ta.bot_added(teams.url))
    again = await teams.ok(ta.installed(teams.url))

    assert welcome.method == "post" and welcome.conversation == ta.CHANNEL
    assert "Hello!" in welcome.text
    assert again == []
    stored = await teams.services.repo.reference("default", ta_where(ta.CHANNEL))
    assert stored is not None and stored["serviceUrl"] == teams.url
    assert stored["conversation"]["id"] == ta.CHANNEL


async def test_installing_in_a_personal_scope_welcomes_too(teams: Teams) -> None:
    [welcome] = await teams.ok(ta.installed(teams.url, personal=True))

    assert welcome.conversation == ta.PERSONAL
    assert "Type \\`help\\`" in welcome.text


async def test_the_notifier_posts_proactively_to_a_remembered_conversation(teams: Teams) -> None:
    await teams.ok(ta.bot_added(teams.url))
    before = len(teams.connector.calls)

    posted = await teams.edge.notifier.send(
        ta_where(ta.CHANNEL), Card("Weekly digest", (Text("3 new ideas"),))
    )

    [post] = teams.connector.calls[before:]
    assert post.method == "post" and post.conversation == ta.CHANNEL
    assert "Weekly digest" in post.text and posted is Sent.POSTED
    never_added = ta_where("19:never@thread.tacv2")
    assert await teams.edge.notifier.send(never_added, Card("x")) is Sent.GONE


async def test_a_conversation_the_bot_missed_joining_is_remembered_from_its_first_message(
    teams: Teams,
) -> None:
    await teams.ok(ta.mention("help", teams.url))  # no conversationUpdate: the bot was down then
    before = len(teams.connector.calls)

    posted = await teams.edge.notifier.send(ta_where(ta.CHANNEL), Card("Digest"))

    [post] = teams.connector.calls[before:]
    assert posted is Sent.POSTED
    assert post.method == "post" and post.conversation == ta.CHANNEL  # the channel, not a thread


def ta_where(conversation: str) -> ConversationRef:
    return ConversationRef("teams", ta.TENANT, conversation)


async def test_a_form_the_core_asks_for_is_sent_as_a_card_whose_submit_adds_the_idea(
    teams: Teams,
) -> None:
    prompt_id, prompt_ref = await teams.prompt()
    press = {"action_id": "prompt.add_idea", "value": prompt_ref}  # a button, not the inline box

    [form] = await teams.ok(ta.submit(press, prompt_id, teams.url))
    [submit] = actions(form.card)
    [field] = [b for b in form.card["body"] if b["type"] == "Input.Text"]
    value = submit["data"] | {field["id"]: "Night buses"}
    [idea] = await teams.ok(ta.submit(value, form.returned, teams.url, thread=prompt_id))

    assert "Night buses" in idea.text and "#1" in idea.text


async def test_someone_else_joining_a_team_costs_no_call_and_no_welcome(teams: Teams) -> None:
    newcomer = ta.bot_added(teams.url) | {"membersAdded": [{"id": "29:newcomer"}]}

    assert await teams.ok(newcomer) == []


async def test_messages_are_handled_with_debug_logging_on(
    teams: Teams, caplog: pytest.LogCaptureFixture
) -> None:
    """docs/teams.md tells organisers to turn DEBUG on to find their user id."""
    prompt_id, _ = await teams.prompt()
    with caplog.at_level(logging.DEBUG):
        [reply] = await teams.ok(ta.message("Night buses", teams.url, thread=prompt_id))
    assert "#1 · Inclusive growth" in reply.text
    assert any(r.message == "teams message" for r in caplog.records)
