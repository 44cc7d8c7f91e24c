"""Facilitation in Teams, end to end: near-duplicates, merges, suggestions, phases, actions and
consensus, through activities over HTTP and the calls the bot makes to a fake connector."""

from __future__ import annotations

from typing import Any

from bot.core.cards import BACKED_MEASURE
from tests.bot.test_duplicates import BRAND, BRAND_LONGER
from tests.handlers.teams import teams_activities as ta
from tests.handlers.teams.conftest import Teams, actions
from tests.handlers.teams.fake_connector import Call

BUSINESS = "19:business@thread.tacv2"
TEAMS_TYPED = "**Now** [see](https://x.example) " + BRAND_LONGER
SHOWN = r"\*\*Now\*\* \[see\](https://x.example)"


def submits(call: Call) -> dict[str, dict[str, Any]]:
    """A card's Action.Submit buttons by title."""
    return {a["title"]: a for a in actions(call.card) if a["type"] == "Action.Submit"}


def addressed_to(call: Call) -> str:
    """Whom a private reply (a reply that opens by mentioning its reader) is for."""
    return call.card["msteams"]["entities"][0]["mentioned"]["id"]


def updates_of(calls: list[Call], message_id: str) -> list[Call]:
    return [c for c in calls if c.method == "update" and c.activity_id == message_id]


def in_channel(activity: dict[str, Any], channel: str) -> dict[str, Any]:
    """The same activity, posted in another channel of the team."""
    root = activity["conversation"]["id"].partition(";")[2]
    activity["conversation"]["id"] = f"{channel};{root}"
    activity["channelData"] |= {"teamsChannelId": channel, "channel": {"id": channel}}
    return activity


async def held_back(teams: Teams) -> tuple[str, str, Call]:
    """Alice's idea, then Bob's near-duplicate: (prompt id, #1's card id, Bob's private card)."""
    prompt_id, _ = await teams.prompt("fostering-innovation")
    card_id, _ = await teams.idea(prompt_id, BRAND)
    [held] = await teams.ok(ta.message(TEAMS_TYPED, teams.url, user=ta.BOB, thread=prompt_id))
    return prompt_id, card_id, held


async def test_a_near_duplicate_reply_is_held_back_in_a_private_card_with_two_choices(
    teams: Teams,
) -> None:
    prompt_id, _, held = await held_back(teams)

    assert held.method == "reply" and held.activity_id == prompt_id
    assert addressed_to(held) == ta.BOB[0]
    assert "This looks like #1" in held.text
    assert list(submits(held)) == ["Vote for #1 instead", "Add mine anyway"]
    assert SHOWN in held.text  # markdown shown as typed, not rendered
    assert [i.number for i in await teams.services.repo.ideas("default")] == [1]


async def test_add_mine_anyway_adds_the_card_in_the_prompts_chain_for_its_author_only(
    teams: Teams,
) -> None:
    prompt_id, _, held = await held_back(teams)
    data = submits(held)["Add mine anyway"]["data"]

    [refusal] = await teams.ok(ta.submit(data, held.returned, teams.url, thread=prompt_id))
    assert addressed_to(refusal) == ta.ALICE[0] and "someone else's" in refusal.text

    [card] = await teams.ok(
        ta.submit(data, held.returned, teams.url, user=ta.BOB, thread=prompt_id)
    )
    assert card.method == "reply" and card.activity_id == prompt_id
    assert card.conversation == f"{ta.CHANNEL};messageid={prompt_id}"
    assert "#2 · Fostering innovation" in card.text and "Bob" in card.text
    ideas = {i.number: i for i in await teams.services.repo.ideas("default")}
    assert ideas[2].author.user_id == ta.BOB[0] and ideas[2].text == TEAMS_TYPED
    assert SHOWN in card.text


async def test_a_near_duplicate_typed_in_the_prompt_cards_box_is_held_back(
    teams: Teams,
) -> None:
    prompt_id, prompt_ref = await teams.prompt("fostering-innovation")
    await teams.idea(prompt_id, BRAND)
    value = {
        "action_id": "prompt.add_idea",
        "metadata": prompt_ref,
        "fields": ["idea"],
        "field.idea": BRAND_LONGER,
    }

    [held] = await teams.ok(ta.submit(value, prompt_id, teams.url, user=ta.BOB))

    assert held.activity_id == prompt_id and addressed_to(held) == ta.BOB[0]
    assert list(submits(held)) == ["Vote for #1 instead", "Add mine anyway"]


async def test_vote_instead_votes_for_the_original_and_updates_its_card_in_place(
    teams: Teams,
) -> None:
    prompt_id, card_id, held = await held_back(teams)
    data = submits(held)["Vote for #1 instead"]["data"]

    calls = await teams.ok(ta.submit(data, held.returned, teams.url, user=ta.BOB, thread=prompt_id))

    [update] = updates_of(calls, card_id)
    assert update.conversation == ta.CHANNEL and "Vote (1)" in submits(update)
    [note] = [c for c in calls if c.method == "reply"]
    assert addressed_to(note) == ta.BOB[0] and "Your vote for #1 is in" in note.text


async def test_merge_updates_both_cards_in_place_and_a_participant_cannot_merge(
    teams: Teams,
) -> None:
    prompt_id, _ = await teams.prompt("fostering-innovation")
    first, _ = await teams.idea(prompt_id, "Create a single innovation brand")
    second, _ = await teams.idea(prompt_id, "Innovation Nexus for scale-ups", user=ta.BOB)

    [refusal] = await teams.ok(ta.mention("merge 2 into 1", teams.url))
    assert "Only organisers can merge ideas" in refusal.text

    calls = await teams.ok(ta.mention("merge 2 into 1", teams.url, user=ta.ORGANISER))
    [kept] = updates_of(calls, first)
    assert "Alice (community), with Bob (#2)" in kept.text
    [gone] = updates_of(calls, second)
    assert "now part of #1" in gone.text and list(submits(gone)) == ["Vote for #1"]
    assert any("#2 is now part of #1" in c.text for c in calls if c.method == "reply")


async def test_confirm_applies_the_suggestion_for_organisers_and_refuses_participants(
    teams: Teams,
) -> None:
    prompt_id, _ = await teams.prompt("infrastructure")
    card_id, card = await teams.idea(prompt_id, "WECA to fund more frequent train services")
    assert "Suggested" in card.text and "Combined authority" in card.text
    assert "Because it reads like" in card.text and "“More frequent train services." in card.text
    [confirm] = [a for title, a in submits(card).items() if title.startswith("Confirm: ")]
    assert confirm["data"] == {"action_id": "idea.confirm", "value": "1"}

    [refusal] = await teams.ok(ta.submit(confirm["data"], card_id, teams.url, thread=prompt_id))
    assert "Only organisers" in refusal.text and addressed_to(refusal) == ta.ALICE[0]

    calls = await teams.ok(
        ta.submit(confirm["data"], card_id, teams.url, user=ta.ORGANISER, thread=prompt_id)
    )
    [update] = updates_of(calls, card_id)
    assert "Suggested" not in update.text and "Combined authority" in update.text
    assert not any(title.startswith("Confirm") for title in submits(update))
    (idea,) = await teams.services.repo.ideas("default")
    assert idea.assignment is not None and idea.assignment.actor_key == "authority"


async def test_phases_refuse_new_ideas_then_votes_and_prompts_show_the_phase(
    teams: Teams,
) -> None:
    calls = await teams.ok(ta.mention("prompt inclusive-growth", teams.url, user=ta.ORGANISER))
    prompt_id = calls[0].returned
    assert "Phase: collecting ideas" in calls[0].text
    card_id, _ = await teams.idea(prompt_id, "Community hubs")

    [refusal] = await teams.ok(ta.mention("voting inclusive-growth", teams.url))
    assert "Only organisers" in refusal.text
    announced, updated = await teams.ok(
        ta.mention("voting inclusive-growth", teams.url, user=ta.ORGANISER)
    )
    assert announced.method == "post" and "is now voting" in announced.text
    # The prompt already posted is updated in place to show the new phase.
    assert updated.activity_id == prompt_id and "Phase: voting only" in updated.text
    [refusal] = await teams.ok(ta.message("Youth forums", teams.url, user=ta.BOB, thread=prompt_id))
    assert addressed_to(refusal) == ta.BOB[0] and refusal.activity_id == prompt_id
    assert "voting phase: new ideas are closed" in refusal.text
    assert [i.number for i in await teams.services.repo.ideas("default")] == [1]
    [prompt] = await teams.ok(ta.mention("prompt inclusive-growth", teams.url, user=ta.ORGANISER))
    assert "Phase: voting only" in prompt.text

    await teams.ok(ta.mention("close inclusive-growth", teams.url, user=ta.ORGANISER))
    vote = {"action_id": "idea.vote", "value": "1"}
    [refusal] = await teams.ok(ta.submit(vote, card_id, teams.url, user=ta.BOB, thread=prompt_id))
    assert "votes no longer change" in refusal.text
    (idea,) = await teams.services.repo.ideas("default")
    assert idea.votes == 0


async def test_action_tracking_shows_on_the_card_escaped_and_is_for_organisers(
    teams: Teams,
) -> None:
    prompt_id, _ = await teams.prompt()
    card_id, _ = await teams.idea(prompt_id, "Skills hubs")
    await teams.ok(ta.mention("assign 1 authority", teams.url, user=ta.ORGANISER))

    await teams.ok(
        ta.mention('action 1 agreed owner "Bath Spa University"', teams.url, user=ta.ORGANISER)
    )
    calls = await teams.ok(ta.mention('action 1 note "pilot funded"', teams.url, user=ta.ORGANISER))
    [card] = updates_of(calls, card_id)
    facts = {f["title"]: f["value"] for b in card.card["body"] for f in b.get("facts", [])}
    assert facts["Action"] == "agreed · owner Bath Spa University · 2 Mar 2026: pilot funded"

    [refusal] = await teams.ok(ta.mention('action 1 note "sneaky"', teams.url))
    assert "Only organisers" in refusal.text

    calls = await teams.ok(
        ta.mention(
            'action 1 owner "**Bath** [Spa](https://x.example)"', teams.url, user=ta.ORGANISER
        )
    )
    [card] = updates_of(calls, card_id)
    facts = {f["title"]: f["value"] for b in card.card["body"] for f in b.get("facts", [])}
    assert r"owner \*\*Bath\*\* \[Spa\](https://x.example)" in facts["Action"]
    (idea,) = await teams.services.repo.ideas("default")
    assert idea.owner == "**Bath** [Spa](https://x.example)"


async def test_plan_shows_consensus_once_two_teams_channels_audiences_voted(teams: Teams) -> None:
    prompt_id, _ = await teams.prompt()
    card_id, _ = await teams.idea(prompt_id, "Community energy co-ops")
    await teams.idea(prompt_id, "Later buses")
    [said] = await teams.ok(
        in_channel(ta.mention("channel business", teams.url, user=ta.ORGANISER), BUSINESS)
    )
    assert said.conversation.startswith(BUSINESS) and "count as Business" in said.text
    vote = {"action_id": "idea.vote", "value": "1"}
    await teams.ok(ta.submit(vote, card_id, teams.url, thread=prompt_id))
    [plan] = await teams.ok(ta.mention("plan", teams.url))
    assert "Backed across audiences" not in plan.text

    await teams.ok(in_channel(ta.mention("vote 1", teams.url, user=ta.BOB), BUSINESS))

    [plan] = await teams.ok(ta.mention("plan", teams.url))
    backed = plan.text.split("Backed across audiences", 1)[1].split("Individuals", 1)[0]
    # community: 1 of 1 voter, business: 1 of 1, smoothed: min(2/3, 2/3).
    assert backed.strip() == (
        f"Consensus: {BACKED_MEASURE}.\n• #1 Community energy co-ops — 2 votes — business 1, community 1 · consensus 67%"
    )
