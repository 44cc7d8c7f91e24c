"""The near-duplicate index storage keeps with the ideas (`IdeaStore.lookalikes`): the live
ideas sharing enough stems with a new one, as their texts are now, whatever changed them."""

from __future__ import annotations

from bot.core.domain import Lookalikes
from bot.core.similarity import Fingerprint, needed
from bot.core.sketches import Screen
from storage import postings
from tests.conftest import person
from tests.contracts.conftest import PROGRAMME
from tests.contracts.helpers import add

ADA, BO, OLIVE = person("ada"), person("bo"), person("olive")
HUBS = "Community hubs that offer business mentoring"


async def like(store, text: str, needed: int) -> list[tuple[int, str]]:
    found = await store.lookalikes(PROGRAMME, Fingerprint.of(text).stems, needed)
    return list(found.ideas)


async def test_ideas_sharing_enough_stems_are_found_oldest_first(store) -> None:
    await add(store, HUBS)
    await add(store, "Free bus travel for apprentices")
    await add(store, "Business mentoring for all apprentices")
    probe = "business mentoring in community hubs"  # stems: business mentor community hub
    assert await like(store, probe, 4) == [(1, HUBS)]
    assert await like(store, probe, 2) == [(1, HUBS), (3, "Business mentoring for all apprentices")]
    assert await like(store, "apprentices", 1) == [
        (2, "Free bus travel for apprentices"),
        (3, "Business mentoring for all apprentices"),
    ]
    assert await like(store, "nothing alike here", 1) == []
    assert await store.lookalikes(PROGRAMME, set(), 1) == Lookalikes((), 3)


async def screened(store, text: str) -> list[int]:
    """The numbers of the candidates a check screens in (`bot.core.sketches`)."""
    probe = Fingerprint.of(text)
    found = await store.lookalikes(PROGRAMME, probe.stems, needed(probe), Screen(probe))
    return [number for number, _ in found.ideas]


async def test_the_screen_leaves_out_ideas_that_cannot_be_near_duplicates(store) -> None:
    await add(store, HUBS)
    await add(store, "Business mentoring for all apprentices")
    probe = "business mentoring in community hubs"
    assert [n for n, _ in await like(store, probe, 2)] == [1, 2]
    assert await screened(store, probe) == [1]


async def test_the_screen_reads_an_edited_idea_as_it_now_is(store) -> None:
    """A near-duplicate by its letters alone (misspelt words) of the edited text."""
    await add(store, "Free bus travel for apprentices")
    await store.edit_idea(
        PROGRAMME, 1, "Open school playing fields at weekends for young people", ADA
    )
    assert await screened(store, "Opn scool playing fields at weekends for yung people") == [1]


async def test_an_edit_moves_the_idea_to_its_new_stems(store) -> None:
    await add(store, "Free bus travel for apprentices")
    await store.edit_idea(PROGRAMME, 1, "Open school playing fields at weekends", ADA)
    assert await like(store, "free bus travel for apprentices", 2) == []
    assert await like(store, "open school playing fields", 3) == [
        (1, "Open school playing fields at weekends")
    ]
    await store.edit_idea(PROGRAMME, 1, "Free bus travel for apprentices", ADA)
    assert await like(store, "free bus travel for apprentices", 4) == [
        (1, "Free bus travel for apprentices")
    ]
    assert await like(store, "open school playing fields", 1) == []


async def test_hidden_and_merged_ideas_are_left_out_until_they_stand_again(store) -> None:
    await add(store, HUBS)
    await add(store, HUBS + " and signposting")
    await store.set_hidden(PROGRAMME, 1, True, OLIVE, 3)
    assert [n for n, _ in await like(store, HUBS, 4)] == [2]
    await store.set_hidden(PROGRAMME, 1, False, OLIVE, 3)
    await store.merge(PROGRAMME, 2, 1, OLIVE)
    assert [n for n, _ in await like(store, HUBS, 4)] == [1]


async def test_a_forgotten_persons_ideas_are_gone_from_the_index(store) -> None:
    await add(store, HUBS, author=BO)
    await store.forget(PROGRAMME, "console", "bo", OLIVE, "forgotten-bo")
    assert await like(store, HUBS, 1) == []
    await add(store, "Free bus travel for apprentices", author=ADA)
    assert await like(store, HUBS, 1) == []  # a storage id used again is not the old idea


async def test_ideas_over_several_chunks_are_all_found(store, monkeypatch) -> None:
    """More ideas than one packed chunk of a stem's postings holds (three here), edited back
    into the middle of them."""
    monkeypatch.setattr(postings, "CHUNK", 3)
    for n in range(1, 11):
        await add(store, f"Bus idea number {n}")
    assert [n for n, _ in await like(store, "bus", 1)] == list(range(1, 11))
    await store.edit_idea(PROGRAMME, 5, "Trains instead", ADA)
    await store.edit_idea(PROGRAMME, 9, "Trains instead", ADA)
    assert [n for n, _ in await like(store, "bus", 1)] == [1, 2, 3, 4, 6, 7, 8, 10]
    await store.edit_idea(PROGRAMME, 5, "More buses", ADA)
    assert [n for n, _ in await like(store, "bus", 1)] == [1, 2, 3, 4, 5, 6, 7, 8, 10]
