"""Actor proposals and emerging themes in Slack, end to end: the Propose button pre-filled with
the suggestion, proposals tallied on the card, an organiser's Confirm, refusals in ephemerals."""

from __future__ import annotations

from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.conftest import Bot
from tests.handlers.slack.test_facilitation import buttons, command, updated
from tests.handlers.slack.test_flows import add_idea


async def test_participants_propose_and_an_organiser_confirms_a_proposal(bot: Bot) -> None:
    ts = await bot.prompt("infrastructure")
    card_ts = await add_idea(bot, ts, "WECA to fund more frequent train services")
    card = bot.fake.of("chat.postMessage")[-1]
    propose = next(b for label, b in buttons(card).items() if label.startswith("Propose: "))
    assert propose["action_id"] == "idea.propose"
    assert propose["value"].startswith("1:authority:")  # the suggestion, pre-filled

    await bot.ok(
        rq.action("idea.propose", propose["value"], user="U2", message_ts=card_ts, thread_ts=ts)
    )
    await bot.settle()
    assert (
        "Your proposal for #1 is in: Combined authority"
        in bot.fake.of("chat.postEphemeral")[-1]["text"]
    )
    assert "Proposed: Combined authority" in updated(bot, card_ts)["text"]
    await command(bot, "propose 1 authority", user="U3")
    confirm = next(
        b for label, b in buttons(updated(bot, card_ts)).items() if label.startswith("Confirm: ")
    )
    assert confirm["action_id"] == "idea.confirm_proposal"

    before = len(bot.fake.of("chat.update"))
    press = rq.action(
        confirm["action_id"], confirm["value"], user="U2", message_ts=card_ts, thread_ts=ts
    )
    await bot.ok(press)
    await bot.settle()
    assert "Only organisers can assign ideas" in bot.fake.of("chat.postEphemeral")[-1]["text"]
    assert len(bot.fake.of("chat.update")) == before
    (idea,) = await bot.services.repo.ideas("default")
    assert idea.assignment is None

    organiser = rq.action(
        confirm["action_id"], confirm["value"], user="UORG", message_ts=card_ts, thread_ts=ts
    )
    await bot.ok(organiser)
    await bot.settle()
    (idea,) = await bot.services.repo.ideas("default")
    assert idea.assignment is not None and idea.assignment.actor_key == "authority"
    assert "Actor: Combined authority" in updated(bot, card_ts)["text"]


async def test_proposing_for_a_hidden_idea_is_refused_privately(bot: Bot) -> None:
    ts = await bot.prompt()
    await add_idea(bot, ts, "Community energy co-ops")
    await command(bot, "hide 1")
    out = await command(bot, "propose 1 organisations", user="U2")
    assert out == "#1 is off the plan, so it takes no proposals. Nothing was saved."
    (idea,) = await bot.services.repo.ideas("default")
    assert idea.proposals == ()


async def test_an_organiser_tags_an_idea_to_an_emerging_theme_from_slack(bot: Bot) -> None:
    ts = await bot.prompt()
    card_ts = await add_idea(bot, ts, "Community energy co-ops")
    assert await command(bot, "tag 1 branding", user="U2") == (
        "Only organisers can tag ideas. Ask an organiser if you think it's needed."
    )
    await command(bot, "tag 1 bring people")
    assert "Emerging: Bring people together" in updated(bot, card_ts)["text"]
    listed = await command(bot, "emerging", user="U2")
    assert "Bring people together (1 idea)" in listed and "Community energy co-ops" in listed
