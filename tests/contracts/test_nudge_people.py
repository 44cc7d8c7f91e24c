"""The per-person half of the NudgeStore contract: a person's mute and opt-in, the 1:1 chat kept
to reach them, who has votes left in a theme, which backers opted in, and forgetting all of it."""

from __future__ import annotations

from bot.core.domain import ConversationRef
from bot.core.nudges import NewNudge, NudgeKind, PersonNudges, Recipient
from tests.conftest import in_channel, person
from tests.contracts.conftest import PROGRAMME
from tests.contracts.helpers import add

ADA, BO, CY, DI = person("ada"), person("bo"), person("cy"), person("di")
CHAT = ConversationRef("teams", "tenant", "a:1on1", "")
TEAMS_EVE = person("29:eve", "teams")


async def test_settings_change_once_and_read_back(store) -> None:
    assert await store.person_nudges(PROGRAMME, BO.key) == PersonNudges()
    assert await store.set_person_nudges(PROGRAMME, BO, muted=True)
    assert not await store.set_person_nudges(PROGRAMME, BO, muted=True)
    assert await store.set_person_nudges(PROGRAMME, BO, notified=True)
    assert await store.person_nudges(PROGRAMME, BO.key) == PersonNudges(True, True, False)
    assert await store.muted_people(PROGRAMME) == frozenset({BO.key})
    assert await store.set_person_nudges(PROGRAMME, BO, muted=False, notified=False)
    assert await store.muted_people(PROGRAMME) == frozenset()
    await store.keep_personal(PROGRAMME, TEAMS_EVE, CHAT)
    await store.keep_personal(PROGRAMME, TEAMS_EVE, CHAT)  # kept again: no change
    assert (await store.person_nudges(PROGRAMME, TEAMS_EVE.key)).personal


async def test_who_has_votes_left_in_a_theme(store) -> None:
    one = await add(store, "A night bus to the hospital", author=ADA)
    two = await add(store, "Bike hangars on every street", author=ADA)
    other = await add(store, "Paid placements", theme="jobs", author=ADA)
    for number in (one, two):
        await store.vote(PROGRAMME, number, BO, in_channel(), 2)  # bo spends both
    await store.vote(PROGRAMME, one, CY, in_channel(), 2)
    await store.vote(PROGRAMME, other, DI, in_channel(), 2)  # di took part elsewhere
    await store.vote(PROGRAMME, other, TEAMS_EVE, in_channel(platform="teams"), 2)
    await store.keep_personal(PROGRAMME, TEAMS_EVE, CHAT)
    left = await store.with_votes_left(PROGRAMME, "health", 2)
    assert sorted(r.key for r in left) == sorted([ADA.key, CY.key, DI.key, TEAMS_EVE.key])
    assert next(r for r in left if r.key == TEAMS_EVE.key).personal == CHAT
    assert next(r for r in left if r.key == CY.key).personal is None
    await store.set_person_nudges(PROGRAMME, CY, muted=True)
    left = await store.with_votes_left(PROGRAMME, "health", 2)
    assert CY.key not in {r.key for r in left}


async def test_backers_who_opted_in_and_a_named_owner(store) -> None:
    one = await add(store, "A night bus to the hospital", author=ADA)
    for voter in (BO, CY, DI):
        await store.vote(PROGRAMME, one, voter, in_channel(), 3)
    await store.set_person_nudges(PROGRAMME, BO, notified=True)
    await store.set_person_nudges(PROGRAMME, DI, notified=True, muted=True)
    await store.set_person_nudges(PROGRAMME, ADA, notified=True)  # not a backer
    assert await store.opted_in_backers(PROGRAMME, one) == [Recipient(BO.key)]
    assert await store.opted_in_backers(PROGRAMME, 999) == []
    assert await store.recipient(PROGRAMME, "slack:UNEVERSEEN") == Recipient("slack:UNEVERSEEN")
    assert await store.recipient(PROGRAMME, DI.key) is None
    await store.keep_personal(PROGRAMME, TEAMS_EVE, CHAT)
    assert await store.recipient(PROGRAMME, TEAMS_EVE.key) == Recipient(TEAMS_EVE.key, CHAT)


async def test_a_direct_nudge_carries_its_person_and_forgetting_them_removes_it(
    store, clock
) -> None:
    await add(store, "A night bus to the hospital", author=ADA)
    await store.vote(PROGRAMME, 1, TEAMS_EVE, in_channel(platform="teams"), 3)
    await store.save_reference(PROGRAMME, CHAT, {"conversation": {"id": "a:1on1"}})
    await store.keep_personal(PROGRAMME, TEAMS_EVE, CHAT)
    await store.set_person_nudges(PROGRAMME, TEAMS_EVE, notified=True)
    to_eve = NewNudge(
        PROGRAMME, "k:eve", NudgeKind.YOU_SAID, CHAT, "t", "x", clock.now(), None, TEAMS_EVE.key
    )
    to_chan = NewNudge(PROGRAMME, "k:chan", NudgeKind.YOU_SAID, in_channel(), "t", "x", clock.now())
    assert await store.queue_nudges([to_eve, to_chan]) == 2
    data = await store.personal_data(PROGRAMME, "teams", "29:eve")
    assert data.nudges == {"muted": False, "notified": True, "personal": True}
    assert await store.forget(PROGRAMME, "teams", "29:eve", TEAMS_EVE, "forgotten-x") is not None
    assert await store.person_nudges(PROGRAMME, TEAMS_EVE.key) == PersonNudges()
    assert await store.reference(PROGRAMME, CHAT) is None
    [left] = await store.claim_nudges(clock.now(), 10)
    assert (left.to, left.where.channel_id) == (None, "general")
    assert await store.opted_in_backers(PROGRAMME, 1) == []


async def test_a_claimed_direct_nudge_names_its_person(store, clock) -> None:
    eve = NewNudge(
        PROGRAMME, "k", NudgeKind.REMINDER, CHAT, "t", "x", clock.now(), None, TEAMS_EVE.key
    )
    await store.queue_nudges([eve])
    [claimed] = await store.claim_nudges(clock.now(), 5, frozenset({"teams"}))
    assert (claimed.to, claimed.where.channel_id) == (TEAMS_EVE.key, "a:1on1")
