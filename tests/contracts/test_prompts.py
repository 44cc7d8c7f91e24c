"""The PromptStore contract: prompts by channel, theme and thread, and where anchored cards
were posted."""

from __future__ import annotations

from bot.core.domain import Anchor, AnchorKind, ConversationRef, PostedMessage
from tests.conftest import in_channel, person
from tests.contracts.conftest import PROGRAMME

OLIVE = person("olive")


async def test_a_recorded_prompt_is_read_back_as_it_was_posted(store, clock) -> None:
    posted = await store.record_prompt(PROGRAMME, in_channel("general"), "health", 2, OLIVE)
    assert (posted.theme_key, posted.challenge_index, posted.channel_id) == ("health", 2, "general")
    assert posted.posted_at == clock.now()
    assert await store.prompt(PROGRAMME, posted.id) == posted
    assert await store.prompt(PROGRAMME, posted.id + 1000) is None
    await store.ensure_programme("q", "Another", "public")
    assert await store.prompt("q", posted.id) is None  # another programme's


async def test_challenges_posted_and_the_latest_prompt_are_per_channel(store, clock) -> None:
    assert await store.latest_prompt(PROGRAMME, in_channel("general")) is None
    first = await store.record_prompt(PROGRAMME, in_channel("general"), "health", 0, OLIVE)
    clock.advance(minutes=1)
    await store.record_prompt(PROGRAMME, in_channel("lab"), "health", 1, OLIVE)
    await store.record_prompt(PROGRAMME, in_channel("general"), "transport", 3, OLIVE)
    clock.advance(minutes=1)
    latest = await store.record_prompt(PROGRAMME, in_channel("general"), "health", 2, OLIVE)
    general = in_channel("general", thread="any-thread")
    assert await store.posted_challenges(PROGRAMME, general, "health") == {0, 2}
    assert await store.posted_challenges(PROGRAMME, in_channel("lab"), "health") == {1}
    assert await store.posted_challenges(PROGRAMME, in_channel("lab"), "transport") == set()
    assert await store.latest_prompt(PROGRAMME, general) == latest
    themed = await store.prompts_of_theme(PROGRAMME, "health")
    assert [p.challenge_index for p in themed] == [0, 1, 2]  # oldest first, every channel
    assert themed[0] == first
    assert [p.channel_id for p in themed] == ["general", "lab", "general"]


async def test_a_prompt_is_found_by_the_thread_under_its_card(store) -> None:
    prompt = await store.record_prompt(PROGRAMME, in_channel("general"), "health", 0, OLIVE)
    card = PostedMessage("console", "local", "general", "m1")
    await store.record_post(PROGRAMME, Anchor(AnchorKind.PROMPT, prompt.id), card)
    assert await store.prompt_in_thread(PROGRAMME, in_channel("general", thread="m1")) == prompt
    assert await store.prompt_in_thread(PROGRAMME, in_channel("general")) is None
    assert await store.prompt_in_thread(PROGRAMME, in_channel("general", thread="m2")) is None
    assert await store.prompt_in_thread(PROGRAMME, in_channel("lab", thread="m1")) is None
    idea_card = PostedMessage("console", "local", "general", "m3")
    await store.record_post(PROGRAMME, Anchor(AnchorKind.IDEA, prompt.id), idea_card)
    assert await store.prompt_in_thread(PROGRAMME, in_channel("general", thread="m3")) is None


async def test_copies_of_a_card_are_listed_in_the_order_posted_once_each(store) -> None:
    idea = Anchor(AnchorKind.IDEA, 1)
    slack = PostedMessage("slack", "T1", "C1", "1.1")
    teams = PostedMessage("teams", "tenant", "19:c", "a1")
    await store.record_post(PROGRAMME, idea, slack)
    await store.record_post(PROGRAMME, idea, teams)
    await store.record_post(PROGRAMME, idea, slack)  # recorded twice: kept once
    await store.record_post(
        PROGRAMME, Anchor(AnchorKind.PROMPT, 1), PostedMessage("slack", "T1", "C1", "1.2")
    )
    assert await store.posts(PROGRAMME, idea) == [slack, teams]
    assert await store.posts(PROGRAMME, Anchor(AnchorKind.IDEA, 2)) == []
    await store.ensure_programme("q", "Another", "public")
    assert await store.posts("q", idea) == []


async def test_a_message_keeps_the_card_it_was_first_recorded_for(store) -> None:
    message = PostedMessage("slack", "T1", "C1", "9.9")
    await store.record_post(PROGRAMME, Anchor(AnchorKind.IDEA, 1), message)
    await store.record_post(PROGRAMME, Anchor(AnchorKind.IDEA, 2), message)
    assert await store.posts(PROGRAMME, Anchor(AnchorKind.IDEA, 1)) == [message]
    assert await store.posts(PROGRAMME, Anchor(AnchorKind.IDEA, 2)) == []


async def test_a_prompt_registers_its_channel(store) -> None:
    where = ConversationRef("slack", "T1", "C5", "ideas-lab")
    await store.record_prompt(PROGRAMME, where, "health", 0, OLIVE)
    assert (
        await store.channel(PROGRAMME, ConversationRef("slack", "T1", "C5"))
    ).name == "ideas-lab"
