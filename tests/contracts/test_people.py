"""The PeopleStore contract: programmes, channels and their audiences, organisers, and how to
reach a conversation later."""

from __future__ import annotations

import pytest

from bot.core.domain import Channel, ConversationRef
from tests.conftest import in_channel, person
from tests.contracts.conftest import PROGRAMME

OLIVE = person("olive")


async def test_a_channel_is_registered_on_first_sight_with_the_default_audience(store) -> None:
    assert await store.channel(PROGRAMME, in_channel("general")) == Channel(
        "console", "local", "general", "general", "public"
    )
    unnamed = ConversationRef("teams", "tenant", "19:chat")
    assert (await store.channel(PROGRAMME, unnamed)).name == "19:chat"


async def test_a_channel_keeps_its_latest_name_and_its_audience(store) -> None:
    where = ConversationRef("slack", "T1", "C1", "old-name")
    await store.set_channel_audience(PROGRAMME, where, "experts", OLIVE)
    renamed = ConversationRef("slack", "T1", "C1", "new-name")
    assert await store.channel(PROGRAMME, renamed) == Channel(
        "slack", "T1", "C1", "new-name", "experts"
    )
    nameless = ConversationRef("slack", "T1", "C1", "", "thread-1")
    assert (await store.channel(PROGRAMME, nameless)).name == "new-name"
    elsewhere = ConversationRef("slack", "T2", "C1", "new-name")
    assert (await store.channel(PROGRAMME, elsewhere)).audience == "public"


async def test_setting_an_audience_answers_with_the_channel(store) -> None:
    channel = await store.set_channel_audience(PROGRAMME, in_channel("lab"), "experts", OLIVE)
    assert channel == Channel("console", "local", "lab", "lab", "experts")


async def test_ensure_programme_is_idempotent_and_updates_the_default_audience(store) -> None:
    await store.ensure_programme(PROGRAMME, "Programme", "public")
    await store.ensure_programme("q", "Another", "citizens")
    assert (await store.channel("q", in_channel())).audience == "citizens"
    assert (await store.channel(PROGRAMME, in_channel())).audience == "public"


async def test_a_programme_that_does_not_exist_is_an_error(store) -> None:
    with pytest.raises(LookupError):
        await store.organisers("nowhere")


async def test_organisers_are_added_and_removed_per_programme(store) -> None:
    assert await store.organisers(PROGRAMME) == set()
    assert await store.set_organiser(PROGRAMME, "slack:U1", True, OLIVE) is True
    assert await store.set_organiser(PROGRAMME, "slack:U1", True, OLIVE) is False
    assert await store.set_organiser(PROGRAMME, "teams:29:x", True, OLIVE) is True
    await store.ensure_programme("q", "Another", "public")
    assert await store.organisers(PROGRAMME) == {"slack:U1", "teams:29:x"}
    assert await store.organisers("q") == set()
    assert await store.set_organiser(PROGRAMME, "slack:U1", False, OLIVE) is True
    assert await store.set_organiser(PROGRAMME, "slack:U1", False, OLIVE) is False
    assert await store.organisers(PROGRAMME) == {"teams:29:x"}


async def test_a_reference_is_kept_per_channel_and_replaced(store) -> None:
    where = ConversationRef("teams", "tenant", "19:c", "c", "thread")
    assert await store.reference(PROGRAMME, where) is None
    await store.save_reference(PROGRAMME, where, {"serviceUrl": "https://one", "n": 1})
    await store.save_reference(PROGRAMME, where, {"serviceUrl": "https://two", "n": 2})
    same_channel = ConversationRef("teams", "tenant", "19:c")
    assert await store.reference(PROGRAMME, same_channel) == {"serviceUrl": "https://two", "n": 2}
    assert await store.reference(PROGRAMME, ConversationRef("teams", "tenant", "19:d")) is None


async def test_the_organisers_channel_is_remembered_without_its_thread(store) -> None:
    assert await store.organisers_channel(PROGRAMME) is None
    assert await store.organisers_channel("nowhere") is None
    where = ConversationRef("slack", "T1", "C9", "organisers", "thread-7")
    await store.set_organisers_channel(PROGRAMME, where, OLIVE)
    assert await store.organisers_channel(PROGRAMME) == ConversationRef(
        "slack", "T1", "C9", "organisers"
    )
