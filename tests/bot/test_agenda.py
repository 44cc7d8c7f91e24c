"""The Lab day's steps: the agenda, framing, evidence reactions, challenges written by
participants, the closing synthesis and closing the programme as a whole."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core import agenda_cards
from bot.core.agenda import Kind
from bot.core.domain import Phase
from bot.core.interaction import ButtonPressed, Delivery, Say
from bot.services import build_engine
from tests.bot.conftest import MemoryServices
from tests.bot.test_workshop import Room, refused, said
from tests.fakes.repository import MemoryRepository


@pytest.fixture
def room(services) -> Room:
    return Room(services)


async def test_agenda_lists_the_lab_days_steps_in_order(room: Room) -> None:
    text = said(await room.cmd("ann", "agenda"))
    steps = ["framing", "evidence", "challenges", "ideas", "actors", "plan", "synthesis"]
    assert [text.index(f"(`{s}`)") for s in steps] == sorted(text.index(f"(`{s}`)") for s in steps)
    assert "1. What does good look like? What are our risks?" in text
    assert "The programme is open." in text


async def test_moving_a_channel_posts_its_card_and_the_agenda_shows_where_each_stands(
    room: Room,
) -> None:
    moved = await room.cmd("olive", "step evidence")
    assert "This channel is now at “Explore the evidence”" in said(moved)
    posted = [r for r in moved if isinstance(r, Say) and r.delivery is Delivery.CHANNEL]
    assert [r.card.title for r in posted][1:] == [
        "Regional universities have strong working relationships with business",
        "A growing population - both at working age and among older people",
        "England has strong economic connectivity with Birmingham and London, as well as the S.W.",
    ]
    university = posted[1].card.as_text()
    assert "The University of Oxford: 150" in university  # the whole table, not four rows
    assert "The University of the West of England Bristol: 20" in university
    await room.cmd("olive", "step 1 all", channel="town")
    await room.cmd("olive", "step challenges", channel="infra")
    text = said(await room.cmd("ann", "agenda", channel="infra"))
    assert "(`framing`) ← programme" in text
    assert "(`challenges`) ← this channel" in text
    assert "infra" not in text.split("Channels at their own step")[0]


async def test_moving_everyone_sends_the_card_to_every_other_channel(services) -> None:
    sent = []

    class Recorder:
        async def send(self, where, card):
            sent.append((where.channel_id, card.title))

        async def update(self, message, card):
            return False

    room = Room(services)
    services.engine.workshop.notifier = Recorder()
    await room.cmd("ann", "hope A region that tries things", channel="infra")
    await room.cmd("olive", "step framing all", channel="town")
    assert sent == [("infra", "What does good look like? What are our risks?")]


async def test_bad_steps_and_participants_moving_the_agenda_change_nothing(room: Room) -> None:
    assert "There is no step called 'lunch'" in refused(await room.cmd("olive", "step lunch"))
    assert "Only organisers can move the agenda" in refused(await room.cmd("ann", "step plan all"))
    assert "Which step?" in refused(await room.cmd("olive", "step"))
    standing = await room.repo.standing("default")
    assert standing.step is None and not standing.channels


async def test_hopes_and_risks_are_backed_once_each_and_ranked(room: Room) -> None:
    added = said(await room.cmd("ann", "hope A world-class brand for the region"))
    assert "Hope h1" in added and "`back h1`" in added
    await room.cmd("bob", "risk We talk and nothing happens")
    await room.cmd("cat", "hope Learners in every office")
    assert "You back h2 now (1 backing it)" in said(await room.cmd("bob", "back h2"))
    assert "already back h2" in said(await room.cmd("bob", "back h2"))
    pressed = await room.send("cat", ButtonPressed(agenda_cards.BACK, "h2"))
    assert "(2 backing it)" in said(pressed)
    text = said(await room.cmd("dan", "framing"))
    assert text.index("Learners in every office") < text.index("A world-class brand")
    assert "We talk and nothing happens" in text
    (hope,) = [h for h in await room.repo.contributions("default", Kind.HOPE) if h.number == 2]
    assert hope.total == 2


async def test_bad_framing_input_is_refused(room: Room) -> None:
    assert "There is no h9" in refused(await room.cmd("ann", "back h9"))
    assert "'x1' is not something to back" in refused(await room.cmd("ann", "back x1"))
    assert "Your hope is empty" in refused(await room.cmd("ann", "hope"))
    assert "please keep it within 500" in refused(await room.cmd("ann", "hope " + "x" * 501))
    assert await room.repo.contributions("default", Kind.HOPE) == []


async def test_evidence_reactions_count_once_per_person_and_kind_by_audience(room: Room) -> None:
    await room.cmd("olive", "channel business", channel="biz")
    await room.cmd("ann", "react university interesting")
    await room.cmd("ann", "react university interesting Bath is only £40m")
    await room.send("bob", ButtonPressed(agenda_cards.REACT, "university-income surprising"))
    pressed = await room.send(
        "cat", ButtonPressed(agenda_cards.REACT, "university-income interesting"), channel="biz"
    )
    assert pressed[0].delivery is Delivery.REPLACE
    text = said(pressed)
    assert "Interesting: 2 — Community 1, Business 1" in text
    assert "Surprising: 1 — Community 1" in text
    tally = (await room.repo.tallies("default"))["university-income"]
    assert tally.comments == (("community", "Bath is only £40m"),)
    listing = said(await room.cmd("dan", "evidence"))
    assert "`university-income` — Regional universities" in listing
    assert "2 interesting, 1 surprising, 0 inspires" in listing


async def test_bad_reactions_are_refused(room: Room) -> None:
    assert "is not a reaction" in refused(await room.cmd("ann", "react university boring"))
    assert "no piece of evidence called" in refused(await room.cmd("ann", "react moon inspires"))
    assert "Usage: `react" in refused(await room.cmd("ann", "react university"))
    assert "Only organisers can post evidence" in refused(await room.cmd("ann", "evidence connect"))
    assert await room.repo.tallies("default") == {}


async def test_participants_propose_and_back_challenges_and_organisers_promote_them(
    room: Room,
) -> None:
    proposed = said(await room.cmd("ann", "challenge infra How can we make buses run at night?"))
    assert "Investing in infrastructure: challenge c1" in proposed
    await room.cmd("bob", "back c1")
    listing = said(await room.cmd("cat", "challenges infra"))
    assert "How can we make buses run at night? — backed by 1" in listing
    promoted = await room.cmd("olive", "promote c1")
    card = said(promoted)
    assert "How can we make buses run at night?" in card and "challenge 9 of 9" in card
    answered = said(await room.reply("dan", "Night buses from the park and ride"))
    assert "Challenge: 9. How can we make buses run at night?" in answered
    (idea,) = await room.repo.ideas("default")
    assert idea.theme_key == "investing-in-infrastructure"
    (c1,) = await room.repo.promoted("default")
    assert c1.promoted and c1.total == 1


async def test_an_idea_moves_to_a_promoted_challenge_and_names_it(room: Room) -> None:
    await room.cmd("ann", "challenge infra How can we make buses run at night?")
    await room.cmd("olive", "promote c1")
    await room.cmd("olive", "prompt inclusive")
    await room.reply("dan", "Night buses from the park and ride")
    moved = said(await room.cmd("olive", "move 1 infra 9"))
    assert "Challenge: 9. How can we make buses run at night?" in moved
    assert "Investing in infrastructure has challenges 1 to 9" in refused(
        await room.cmd("olive", "move 1 infra 10")
    )


async def test_bad_challenges_are_refused(room: Room) -> None:
    assert "A challenge needs its question" in refused(await room.cmd("ann", "challenge infra"))
    assert "There is no theme called 'moon'" in refused(
        await room.cmd("ann", "challenge moon How can we?")
    )
    assert "Only organisers can promote challenges" in refused(await room.cmd("ann", "promote c1"))
    assert "There is no c4" in refused(await room.cmd("olive", "promote c4"))
    await room.cmd("olive", "close infra")
    assert "is closed" in refused(await room.cmd("ann", "challenge infra How can we fly?"))
    assert await room.repo.contributions("default", Kind.CHALLENGE) == []


async def test_the_synthesis_is_drafted_from_the_day_edited_and_published(room: Room) -> None:
    await room.cmd("ann", "hope A world-class brand")
    await room.cmd("bob", "risk Nothing happens")
    await room.cmd("ann", "react growing inspires")
    await room.cmd("olive", "prompt inclusive")
    await room.reply("ann", "Community hubs")
    await room.cmd("olive", "channel business", channel="biz")
    await room.cmd("bob", "vote 1")
    await room.cmd("cat", "vote 1", channel="biz")
    await room.reply("bob", "Night buses")
    await room.cmd("olive", "assign 1 combined")
    await room.cmd("olive", "assign 2 combined")
    await room.cmd("olive", "action 1 agreed")
    draft = await room.cmd("olive", "synthesis")
    text = said(draft)
    assert draft[0].delivery is Delivery.PRIVATE
    assert "What good looks like" in text and "A world-class brand (backed by 0 people)" in text
    assert "Our risks" in text and "Nothing happens" in text
    assert "A growing population - both at working age and among older people: 1 inspires" in text
    assert "#1 Community hubs (2 votes; consensus 67%)" in text
    assert "Branding matters: Build a world-class brand" in text
    assert "Be more risk taking" in text
    assert "Agreed actions\n  • #1 Community hubs — Combined authority (agreed)\n" in text
    assert "Night buses" not in text  # proposed, not agreed
    assert await room.repo.synthesis("default") is None  # a draft is not stored until edited


async def test_the_synthesis_names_each_emerging_themes_ideas_and_their_backing(
    room: Room,
) -> None:
    await room.cmd("olive", "prompt inclusive")
    await room.reply("ann", "Community hubs")
    await room.reply("bob", "Neighbourhood makerspaces")
    await room.reply("cat", "Hidden idea")
    await room.cmd("bob", "vote 1")
    await room.cmd("olive", "emerging add Be bold: take good risks together.")
    for typed in ("tag 1 bring people", "tag 2 bring people", "tag 2 be-bold", "tag 3 be-bold"):
        await room.cmd("olive", typed)
    await room.cmd("olive", "hide 3")
    text = said(await room.cmd("olive", "synthesis"))
    assert (
        "• Bring people together: through community hubs and co-creation. — 2 ideas; most "
        "backed: #1 Community hubs (1 vote); #2 Neighbourhood makerspaces (0 votes)"
    ) in text
    assert "• Be bold: take good risks together. — 1 idea; most backed: #2" in text
    assert (
        "• Branding matters: Build a world-class brand as an umbrella for all activity.\n" in text
    )
    assert "Hidden idea" not in text
    await room.cmd("olive", "synthesis edit ## What we heard\n- Hubs, everywhere")
    published = await room.send("olive", ButtonPressed(agenda_cards.PUBLISH, ""))
    assert "Published to every channel" in said(published)
    assert "Hubs, everywhere" in said(published)
    saved = await room.repo.synthesis("default")
    assert saved and saved.published == "## What we heard\n- Hubs, everywhere"
    await room.cmd("olive", "synthesis edit Second thoughts")
    day = await room.engine.day("default")
    assert day.synthesis and day.synthesis.published == "## What we heard\n- Hubs, everywhere"


async def test_participants_cannot_draft_or_publish_the_synthesis(room: Room) -> None:
    assert "Only organisers can draft the synthesis" in refused(await room.cmd("ann", "synthesis"))
    assert "Only organisers can publish the synthesis" in refused(
        await room.send("ann", ButtonPressed(agenda_cards.PUBLISH, ""))
    )
    assert "Usage: `synthesis`" in refused(await room.cmd("olive", "synthesis edit"))
    assert await room.repo.synthesis("default") is None


async def test_closing_the_programme_closes_every_theme_and_the_days_contributions(
    room: Room,
) -> None:
    await room.cmd("ann", "hope Something")
    assert "Only organisers can close the programme" in refused(
        await room.cmd("ann", "programme close")
    )
    assert "The programme is closed" in said(await room.cmd("olive", "programme close"))
    phases = await room.repo.phases("default")
    assert all(phases[t] is Phase.CLOSED for t in ("inclusive-growth", "fostering-innovation"))
    for line in ("hope More", "back h1", "react university inspires", "challenge infra How?"):
        assert "The programme is closed" in refused(await room.cmd("ann", line)), line
    assert "The programme is closed" in refused(await room.cmd("olive", "step plan"))
    assert "closed already" in said(await room.cmd("olive", "programme close"))
    assert "(`framing`)" in said(await room.cmd("ann", "agenda"))
    assert "The programme is open again" in said(await room.cmd("olive", "programme reopen"))
    assert "Hope h2" in said(await room.cmd("ann", "hope More"))


async def test_a_programme_without_an_agenda_works_as_before(services, book, clock) -> None:
    plain = replace(book, agenda=(), evidence=())
    repo = MemoryRepository(clock)
    room = Room(
        MemoryServices(services.settings, repo, build_engine(services.settings, plain, repo, clock))
    )
    assert "has no agenda" in refused(await room.cmd("ann", "agenda"))
    assert "has no agenda" in refused(await room.cmd("olive", "step plan"))
    assert "no evidence" in refused(await room.cmd("ann", "react x inspires"))
    await room.cmd("olive", "prompt inclusive")
    assert "#1" in said(await room.reply("ann", "Community hubs"))
    assert "Hope h1" in said(await room.cmd("ann", "hope Still fine"))


async def test_my_data_shows_the_day_and_forget_me_deletes_what_i_wrote(room: Room) -> None:
    await room.cmd("ann", "hope A world-class brand")
    await room.cmd("ann", "react university inspires Bath!")
    await room.cmd("bob", "back h1")
    data = said(await room.cmd("ann", "my data"))
    assert "The day's steps (2)" in data
    assert "h1 (hope, " in data and "inspires on university-income" in data and ": Bath!" in data
    done = said(await room.cmd("ann", "forget me confirm"))
    assert "deleted your 1 hope, risk or challenge;" in done
    assert await room.repo.contributions("default", Kind.HOPE) == []


async def test_the_plan_step_is_headed_by_the_top_hopes_and_risks(room: Room) -> None:
    await room.cmd("ann", "hope A world-class brand")
    await room.cmd("bob", "risk Nothing happens")
    posted = await room.cmd("olive", "step plan")
    cards_posted = [r.card for r in posted if isinstance(r, Say) and r.delivery is Delivery.CHANNEL]
    assert [c.title for c in cards_posted] == [
        "Co-creating an action plan",
        "Action plan — Local Industrial Strategy Lab",
    ]
    head = cards_posted[0].as_text()
    assert "What good looks like" in head and "h1 A world-class brand — backed by 0" in head
    assert "What could get in the way" in head and "r1 Nothing happens — backed by 0" in head


async def test_the_whole_plan_in_chat_is_headed_by_the_top_hopes_and_risks(room: Room) -> None:
    assert "What good looks like" not in said(await room.cmd("ann", "plan"))
    for n in range(4):
        await room.cmd("ann", f"hope Hope number {n}")
    await room.cmd("bob", "back h4")
    plan = said(await room.cmd("ann", "plan"))
    assert plan.index("What good looks like") < plan.index("Inclusive growth")
    assert "h4 Hope number 3 — backed by 1" in plan and "h3 Hope number 2" not in plan
    assert "What good looks like" not in said(await room.cmd("ann", "plan infra"))
