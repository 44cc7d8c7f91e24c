"""Every use case through the engine's one door, on in-memory storage (tests/bot/conftest.py)."""

from __future__ import annotations

import pytest

from bench.ideas import distinct_ideas
from bot.core.domain import Anchor, AnchorKind
from bot.core.interaction import (
    ADD_IDEA,
    ASSIGN,
    POST_PROMPT,
    SEE_IDEAS,
    VOTE,
    ButtonPressed,
    Command,
    Delivery,
    FormSubmitted,
    MessagePosted,
    Refresh,
    Rejected,
    Say,
    ShowForm,
)
from tests.conftest import ctx


class Room:
    """Drives the engine as people in channels would, posting anchored cards like a handler."""

    def __init__(self, services) -> None:
        self.engine = services.engine
        self.repo = services.repo
        self.threads: dict[str, str] = {}
        self.count = 0

    async def send(self, user, intent, channel="general", thread=None):
        context = ctx(user, channel, thread if thread is not None else None)
        replies = await self.engine.handle(context, intent)
        for reply in replies:
            if isinstance(reply, Say) and reply.anchor:
                self.count += 1
                message_id = f"{channel}-{self.count}"
                await self.engine.posted(context, reply.anchor, message_id)
                if reply.anchor.kind is AnchorKind.PROMPT:
                    self.threads[channel] = message_id
        return replies

    async def cmd(self, user, text, channel="general"):
        return await self.send(user, Command(text), channel)

    async def reply(self, user, text, channel="general"):
        return await self.send(user, MessagePosted(text), channel, self.threads.get(channel))


def said(replies) -> str:
    """What the replies show: refusals, messages and the cards refreshed with them (a vote's
    Refresh carries no card; its edge reads the card when it updates)."""
    return "\n".join(
        r.reason if isinstance(r, Rejected) else r.card.as_text()
        for r in replies
        if isinstance(r, Rejected | Say) or (isinstance(r, Refresh) and r.card is not None)
    )


def refused(replies) -> str:
    assert len(replies) == 1 and isinstance(replies[0], Rejected), replies
    return replies[0].reason


@pytest.fixture
def room(services) -> Room:
    return Room(services)


async def ideas_of(room: Room, theme: str | None = None):
    return await room.repo.ideas("default", theme)


# ---- prompts ---------------------------------------------------------------------------------


async def test_organiser_posts_the_next_challenge_not_yet_posted_here(room: Room) -> None:
    first = await room.cmd("olive", "prompt inclusive")
    assert isinstance(first[0], Say) and first[0].delivery is Delivery.CHANNEL
    card = first[0].card.as_text()
    assert "Inclusive growth — challenge 1 of 8" in card
    assert "Create an environment where we co-create solutions" in card
    assert "What the evidence says" in card
    second = await room.cmd("olive", "prompt inclusive")
    assert "challenge 2 of 8" in second[0].card.title
    elsewhere = await room.cmd("olive", "prompt inclusive", channel="business")
    assert "challenge 1 of 8" in elsewhere[0].card.title


async def test_organiser_can_choose_the_challenge_and_is_told_when_all_are_posted(room) -> None:
    chosen = await room.cmd("olive", "prompt infra 8")
    assert "challenge 8 of 8" in chosen[0].card.title
    assert "Live, and work, and collaborate." in chosen[0].card.as_text()
    assert "challenges 1 to 8; there is no number 9" in refused(
        await room.cmd("olive", "prompt infra 9")
    )
    for _ in range(7):
        await room.cmd("olive", "prompt infra")
    assert "All 8 challenges of Investing in infrastructure" in refused(
        await room.cmd("olive", "prompt infra")
    )


async def test_participants_cannot_post_prompts(room: Room) -> None:
    assert "Only organisers can post prompts" in refused(await room.cmd("ann", "prompt infra"))


async def test_unknown_and_ambiguous_themes_are_explained(room: Room) -> None:
    assert "There is no theme called 'space'" in refused(await room.cmd("olive", "prompt space"))
    assert "could be any of" in refused(await room.cmd("olive", "prompt growth"))


# ---- ideas ------------------------------------------------------------------------------------


async def test_a_thread_reply_to_a_prompt_becomes_an_idea_with_its_context(room: Room) -> None:
    await room.cmd("olive", "channel business", channel="biz")
    await room.cmd("olive", "prompt fostering", channel="biz")
    replies = await room.reply("ann", "Put a research student in every start-up", channel="biz")
    assert isinstance(replies[0], Say) and replies[0].anchor == Anchor(AnchorKind.IDEA, 1)
    assert "#1 · Fostering innovation" in replies[0].card.title
    (idea,) = await ideas_of(room)
    assert idea.text == "Put a research student in every start-up"
    assert (idea.author.user_id, idea.platform, idea.channel_name) == ("ann", "console", "biz")
    assert idea.audience == "business"
    assert idea.theme_key == "fostering-innovation"
    assert idea.prompt_id is not None


async def test_a_message_outside_any_prompt_thread_is_ignored(room: Room) -> None:
    assert await room.send("ann", MessagePosted("lunch?")) == []
    assert await room.send("ann", MessagePosted("lunch?"), thread="not-a-prompt") == []
    assert await ideas_of(room) == []


async def test_the_idea_command_uses_the_latest_prompt_or_a_theme_tag(room: Room) -> None:
    assert "No prompt has been posted in this channel yet" in refused(
        await room.cmd("ann", "idea More buses")
    )
    await room.cmd("ann", "idea infra: More buses")
    await room.cmd("olive", "prompt environment")
    await room.cmd("ann", "idea Note: take good risks")
    ideas = {i.number: i for i in await ideas_of(room)}
    assert ideas[1].theme_key == "investing-in-infrastructure" and ideas[1].text == "More buses"
    assert ideas[2].theme_key == "environment-for-growth"
    assert ideas[2].text == "Note: take good risks"  # not a theme: kept as typed


async def test_the_add_idea_button_opens_a_form_whose_submission_is_an_idea(room: Room) -> None:
    prompt = await room.cmd("olive", "prompt inclusive")
    prompt_id = prompt[0].anchor.ref
    form = await room.send("ann", ButtonPressed(ADD_IDEA, str(prompt_id)))
    assert isinstance(form[0], ShowForm) and form[0].form.metadata == str(prompt_id)
    await room.send("ann", FormSubmitted(ADD_IDEA, {"idea": "Community hubs"}, str(prompt_id)))
    (idea,) = await ideas_of(room)
    assert idea.text == "Community hubs" and idea.prompt_id == prompt_id
    assert "no longer available" in refused(await room.send("ann", ButtonPressed(ADD_IDEA, "999")))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("x" * 3001, "Your idea is 3,001 characters long; please keep it within 3,000"),
        ("nul\x00here", "NUL"),
    ],
)
async def test_bad_ideas_are_refused_and_nothing_is_stored(room: Room, text, reason) -> None:
    await room.cmd("olive", "prompt inclusive")
    assert reason in refused(await room.reply("ann", text))
    assert await ideas_of(room) == []


async def test_an_empty_idea_command_is_refused_and_a_blank_reply_left_alone(room: Room) -> None:
    await room.cmd("olive", "prompt inclusive")
    assert "Your idea is empty" in refused(await room.cmd("ann", "idea   "))
    assert await room.reply("ann", "   ") == []  # a file shared with no text, say
    assert await ideas_of(room) == []


@pytest.mark.parametrize(
    "text",
    [
        "x" * 3000,
        "Bike lanes 🚲 for everyone — 自転車道 — دراجات — велодорожки",
        "<!channel> <!here> @here <@U123> <script>alert(1)</script> [click](http://evil.example)",
        '=HYPERLINK("http://evil.example")',
    ],
)
async def test_ideas_are_stored_exactly_as_typed(room: Room, text: str) -> None:
    await room.cmd("olive", "prompt inclusive")
    await room.reply("ann", text)
    (idea,) = await ideas_of(room)
    assert idea.text == text


async def test_ideas_are_numbered_per_programme_and_listed(room: Room) -> None:
    await room.cmd("olive", "prompt inclusive")
    await room.cmd("olive", "prompt infra", channel="other")
    await room.reply("ann", "First")
    await room.reply("bob", "Second", channel="other")
    listed = await room.cmd("ann", "ideas")
    assert listed[0].delivery is Delivery.PRIVATE
    assert "#1 First" in said(listed) and "#2 Second" in said(listed)
    only = await room.cmd("ann", "ideas infra")
    assert "#2 Second" in said(only) and "#1 First" not in said(only)
    assert "Ideas — Investing in infrastructure (1)" in said(
        await room.send("ann", ButtonPressed(SEE_IDEAS, "investing-in-infrastructure"))
    )
    assert "No ideas yet" in said(await room.cmd("ann", "ideas env"))


async def test_the_ideas_list_leads_with_the_most_voted_and_counts_the_plans_rest(
    room: Room,
) -> None:
    await room.cmd("olive", "prompt inclusive")
    for text in distinct_ideas(23):
        await room.reply("ann", text)
    await room.cmd("bob", "vote 23")
    await room.cmd("olive", "hide 1")
    await room.cmd("olive", "merge 2 into 3")
    listed = said(await room.cmd("ann", "ideas"))
    assert "(21)" in listed and "…and 1 more." in listed
    assert listed.index("#23 ") < listed.index("#3 ") < listed.index("#4 ")
    assert "#1 " not in listed and "#2 " not in listed


# ---- votes ------------------------------------------------------------------------------------


async def _two_ideas(room: Room) -> None:
    await room.cmd("olive", "prompt inclusive")
    await room.reply("ann", "First")
    await room.reply("ann", "Second")


async def test_vote_and_unvote(room: Room) -> None:
    await _two_ideas(room)
    voted = await room.cmd("bob", "vote 2")
    assert isinstance(voted[0], Refresh) and voted[0].anchor == Anchor(AnchorKind.IDEA, 2)
    assert "#2 has 1 vote" in said(voted)
    assert "You have 4 of 5 votes left for Inclusive growth" in said(voted)
    assert "already voted for #2" in refused(await room.cmd("bob", "vote #2"))
    back = await room.cmd("bob", "unvote 2")
    assert "taken back" in said(back) and "5 of 5 votes left" in said(back)
    assert "haven't voted for #2" in refused(await room.cmd("bob", "unvote 2"))
    assert "There is no idea #9" in refused(await room.cmd("bob", "vote 9"))
    assert "There is no idea #9" in refused(await room.cmd("bob", "unvote 9"))


async def test_the_budget_is_per_theme_and_refusal_says_how_to_free_a_vote(room: Room) -> None:
    await room.cmd("olive", "prompt inclusive")
    for n in range(7):
        await room.reply("ann", f"Idea {n}")
    await room.cmd("olive", "prompt infra", channel="infra")
    await room.reply("ann", "Infra idea", channel="infra")
    for number in range(1, 6):
        await room.cmd("bob", f"vote {number}")
    over = refused(await room.cmd("bob", "vote 6"))
    assert "You have used all 5 of your votes for Inclusive growth" in over
    assert "unvote" in over
    assert "votes left for Investing in infrastructure" in said(await room.cmd("bob", "vote 8"))
    await room.cmd("bob", "unvote 1")
    assert "0 of 5 votes left" in said(await room.cmd("bob", "vote 6"))
    ideas = {i.number: i.votes for i in await ideas_of(room)}
    assert ideas == {1: 0, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 0, 8: 1}


async def test_the_vote_button_toggles_but_a_double_click_keeps_the_vote(room, clock) -> None:
    await _two_ideas(room)
    idea_1 = Anchor(AnchorKind.IDEA, 1)
    # A vote shows on the card alone: no note to the voter for every click.
    first = await room.send("bob", ButtonPressed(VOTE, "1"))
    again = await room.send("bob", ButtonPressed(VOTE, "1"))  # a double-click: same instant
    for replies in (first, again):
        assert [(type(r), r.anchor) for r in replies] == [(Refresh, idea_1)]
    assert [i.votes for i in await ideas_of(room) if i.number == 1] == [1]
    clock.advance(seconds=5)
    removed = await room.send("bob", ButtonPressed(VOTE, "1"))
    assert "taken back" in said(removed)
    assert [i.votes for i in await ideas_of(room) if i.number == 1] == [0]


async def test_votes_are_broken_down_by_the_audience_of_the_channel_voted_from(room) -> None:
    await room.cmd("olive", "channel community", channel="town")
    await room.cmd("olive", "channel business", channel="biz")
    await room.cmd("olive", "prompt inclusive", channel="town")
    await room.reply("ann", "Community hubs", channel="town")
    await room.cmd("cat", "vote 1", channel="town")
    await room.cmd("dan", "vote 1", channel="biz")
    await room.cmd("eve", "vote 1", channel="biz")
    (idea,) = await ideas_of(room)
    assert idea.votes_by_audience == {"community": 1, "business": 2}
    assert "3 votes — business 2, community 1" in said(await room.cmd("ann", "plan"))


# ---- assignment -------------------------------------------------------------------------------


async def test_organisers_assign_ideas_to_actors_styles_and_stages(room: Room) -> None:
    await _two_ideas(room)
    done = await room.cmd("olive", "assign 1 combined funder scaling")
    assert isinstance(done[0], Refresh)
    assert "#1 is now Combined authority · as Funder · Scaling: Grants and subsidies." in said(done)
    await room.cmd("olive", "assign #2 org")
    ideas = {i.number: i.assignment for i in await ideas_of(room)}
    assert (ideas[1].actor_key, ideas[1].style_key, ideas[1].stage_key) == (
        "authority",
        "funder",
        "scaling",
    )
    assert (ideas[2].actor_key, ideas[2].style_key) == ("organisations", None)
    assert "no longer assigned" in said(await room.cmd("olive", "unassign 2"))
    assert {i.number: i.assignment for i in await ideas_of(room)}[2] is None


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ("assign 1 aliens", "There is no actor called 'aliens'"),
        ("assign 1 authority wizard", "There is no style of government action called 'wizard'"),
        ("assign 1 authority funder someday", "There is no stage called 'someday'"),
        ("assign 1 individuals funder", "apply to the Combined authority only"),
        ("assign 9 authority", "There is no idea #9"),
    ],
)
async def test_bad_assignments_change_nothing(room: Room, command: str, reason: str) -> None:
    await _two_ideas(room)
    assert reason in refused(await room.cmd("olive", command))
    assert all(i.assignment is None for i in await ideas_of(room))


async def test_participants_cannot_assign(room: Room) -> None:
    await _two_ideas(room)
    assert "Only organisers can assign ideas" in refused(
        await room.cmd("ann", "assign 1 individuals")
    )
    # The card's menus make a participant's choice a proposal, never the assignment.
    chose = said(await room.send("ann", ButtonPressed(ASSIGN, "1:actor:individuals")))
    assert "Your proposal for #1 is in: Individuals and groups." in chose
    assert all(i.assignment is None for i in await ideas_of(room))


async def test_the_card_menus_assign_part_by_part(room: Room) -> None:
    await _two_ideas(room)
    await room.send("olive", ButtonPressed(ASSIGN, "1:style:steward"))
    await room.send("olive", ButtonPressed(ASSIGN, "1:stage:framing"))
    (first,) = [i for i in await ideas_of(room) if i.number == 1]
    assert (first.assignment.actor_key, first.assignment.style_key, first.assignment.stage_key) == (
        "authority",
        "steward",
        "framing",
    )
    await room.send("olive", ButtonPressed(ASSIGN, "1:actor:individuals"))
    (first,) = [i for i in await ideas_of(room) if i.number == 1]
    assert (first.assignment.actor_key, first.assignment.style_key) == ("individuals", None)
    await room.send("olive", ButtonPressed(ASSIGN, "1:actor:none"))
    assert [i.assignment for i in await ideas_of(room) if i.number == 1] == [None]
    assert "out of date" in refused(await room.send("olive", ButtonPressed(ASSIGN, "junk")))


# ---- the plan ---------------------------------------------------------------------------------


async def test_the_plan_lays_ideas_on_the_grid_ranked_by_votes(room: Room) -> None:
    await room.cmd("olive", "prompt inclusive")
    for text in ("Hubs", "Learner in every office", "Charter"):
        await room.reply("ann", text)
    await room.cmd("olive", "assign 1 individuals")
    await room.cmd("olive", "assign 2 individuals")
    await room.cmd("bob", "vote 2")
    plan = said(await room.cmd("ann", "plan inclusive"))
    assert "Action plan — Local Industrial Strategy Lab" in plan
    assert "3 ideas, 1 vote from 2 participants." in plan
    cell = plan.split("Individuals and groups (2)")[1].split("Organisations and businesses")[0]
    assert cell.index("#2 Learner in every office") < cell.index("#1 Hubs")
    assert "Not yet assigned (1)" in plan and "#3 Charter" in plan
    assert "Environment for growth" not in plan
    assert "Environment for growth" in said(await room.cmd("ann", "plan"))


async def test_home_offers_organisers_a_prompt_button_per_theme(room: Room) -> None:
    organiser = await room.engine.home(ctx("olive"))
    assert "Post next: Inclusive growth" in str(organiser.blocks[0])
    participant = await room.engine.home(ctx("ann"))
    assert "Post next" not in str(participant)
    posted = await room.send("olive", ButtonPressed(POST_PROMPT, "inclusive-growth"))
    assert "challenge 1 of 8" in posted[0].card.title


# ---- channels and organisers -------------------------------------------------------------------


async def test_channel_audience_is_shown_to_all_and_set_by_organisers(room: Room) -> None:
    assert "count as Community" in said(await room.cmd("ann", "channel"))
    assert "Only organisers can set a channel's audience" in refused(
        await room.cmd("ann", "channel business")
    )
    assert "There is no audience called 'aliens'" in refused(
        await room.cmd("olive", "channel aliens")
    )
    assert "count as Business" in said(await room.cmd("olive", "channel bus"))
    assert "count as Business" in said(await room.cmd("ann", "channel"))


async def test_organisers_add_and_remove_others(room: Room) -> None:
    assert "Only organisers can change who organises" in refused(
        await room.cmd("ann", "organiser add ann")
    )
    assert "console:ann is now an organiser" in said(await room.cmd("olive", "organiser add ann"))
    assert "already is an organiser" in said(await room.cmd("olive", "organiser add console:ann"))
    assert "challenge 1" in said(await room.cmd("ann", "prompt infra"))
    assert "console:ann" in said(await room.cmd("bob", "organisers"))
    assert "through HOWCANWE_ORGANISERS" in refused(await room.cmd("ann", "organiser remove olive"))
    assert "cannot remove yourself" in refused(await room.cmd("ann", "organiser remove ann"))
    assert "no longer an organiser" in said(await room.cmd("olive", "organiser remove ann"))
    assert "Only organisers" in refused(await room.cmd("ann", "prompt infra"))
    assert "slack:U1 is now" in said(await room.cmd("olive", "organiser add slack:U1"))


async def test_help_lists_what_this_user_may_use(room: Room) -> None:
    participant = said(await room.cmd("ann", "help"))
    organiser = said(await room.cmd("olive", "help"))
    assert "`vote <id>`" in participant and "`assign" not in participant
    assert "`assign <id> <actor> [style] [stage]`" in organiser
    assert "You are an organiser." in organiser


async def test_unknown_commands_and_stale_buttons_get_a_hint(room: Room) -> None:
    assert "Type `help`" in refused(await room.cmd("ann", "dance"))
    assert "out of date" in refused(await room.send("ann", ButtonPressed("idea.teleport", "1")))
    assert "not an idea number" in refused(await room.send("ann", ButtonPressed(VOTE, "x")))
