"""The AgendaStore contract: agenda positions per programme and channel, contributions numbered
per kind and backed once per person, reactions once per person and kind, the synthesis kept
apart from what was last published, the programme's close."""

from __future__ import annotations

import asyncio

from bot.core.agenda import Backed, Kind, Reaction
from tests.conftest import in_channel, person
from tests.contracts.conftest import PROGRAMME

ADA, BO, OLIVE = person("ada"), person("bo"), person("olive")


async def test_the_programme_and_channels_stand_at_steps(store) -> None:
    assert (await store.standing(PROGRAMME)).step is None
    lab, town = in_channel("lab"), in_channel("town")
    await store.channel(PROGRAMME, town)
    await store.move_to(PROGRAMME, lab, "evidence", OLIVE)
    standing = await store.standing(PROGRAMME)
    assert standing.step is None
    assert standing.step_of(("console", "local", "lab")) == "evidence"
    await store.move_to(PROGRAMME, None, "framing", OLIVE)
    standing = await store.standing(PROGRAMME)
    assert standing.step == "framing" and not standing.channels  # everyone together again
    assert [c.channel_id for c in await store.programme_channels(PROGRAMME)] == ["town", "lab"]


async def test_contributions_are_numbered_per_kind_and_backed_once(store) -> None:
    lab = in_channel("lab")
    await store.set_channel_audience(PROGRAMME, lab, "experts", OLIVE)
    h1 = await store.contribute(PROGRAMME, Kind.HOPE, "a brand", None, ADA, in_channel())
    r1 = await store.contribute(PROGRAMME, Kind.RISK, "nothing happens", None, ADA, in_channel())
    h2 = await store.contribute(PROGRAMME, Kind.HOPE, "learners", None, BO, lab)
    c1 = await store.contribute(PROGRAMME, Kind.CHALLENGE, "How?", "health", BO, lab)
    assert [h1.ref, r1.ref, h2.ref, c1.ref] == ["h1", "r1", "h2", "c1"]
    assert (h2.audience, c1.theme_key) == ("experts", "health")
    assert await store.back(PROGRAMME, Kind.HOPE, 2, ADA, lab) is Backed.COUNTED
    assert await store.back(PROGRAMME, Kind.HOPE, 2, ADA, in_channel()) is Backed.ALREADY
    assert await store.back(PROGRAMME, Kind.HOPE, 2, BO, in_channel()) is Backed.COUNTED
    assert await store.back(PROGRAMME, Kind.HOPE, 9, BO, in_channel()) is Backed.MISSING
    found = await store.contribution(PROGRAMME, Kind.HOPE, 2)
    assert found is not None and dict(found.backers) == {"experts": 1, "public": 1}
    assert found.author.user_id == "bo" and found.text == "learners"
    assert [c.ref for c in await store.contributions(PROGRAMME, Kind.HOPE)] == ["h1", "h2"]
    assert await store.contribution(PROGRAMME, Kind.RISK, 2) is None


async def test_backings_from_many_at_once_count_once_each(store) -> None:
    await store.contribute(PROGRAMME, Kind.HOPE, "a brand", None, ADA, in_channel())
    clicks = [store.back(PROGRAMME, Kind.HOPE, 1, p, in_channel()) for p in (ADA, BO, ADA, BO)]
    outcomes = await asyncio.gather(*clicks)
    assert sorted(outcomes) == [Backed.ALREADY, Backed.ALREADY, Backed.COUNTED, Backed.COUNTED]
    found = await store.contribution(PROGRAMME, Kind.HOPE, 1)
    assert found is not None and found.total == 2


async def test_challenges_are_promoted_once_to_the_next_places_of_their_theme(store) -> None:
    for text, theme in (("first?", "health"), ("second?", "health"), ("third?", "wealth")):
        await store.contribute(PROGRAMME, Kind.CHALLENGE, text, theme, ADA, in_channel())
    assert await store.promote(PROGRAMME, 2, OLIVE, 3) == 3  # after the playbook's three
    assert await store.promote(PROGRAMME, 3, OLIVE, 2) == 2  # another theme: its own places
    assert await store.promote(PROGRAMME, 1, OLIVE, 3) == 4
    assert await store.promote(PROGRAMME, 1, OLIVE, 3) is None
    assert [(c.ref, c.challenge_index) for c in await store.promoted(PROGRAMME)] == [
        ("c2", 3),
        ("c1", 4),
        ("c3", 2),
    ]
    assert all(c.promoted for c in await store.contributions(PROGRAMME, Kind.CHALLENGE))


async def test_promotions_at_once_take_distinct_places(store) -> None:
    for n in range(4):
        await store.contribute(PROGRAMME, Kind.CHALLENGE, f"q{n}?", "health", ADA, in_channel())
    places = await asyncio.gather(*(store.promote(PROGRAMME, n, OLIVE, 8) for n in range(1, 5)))
    assert sorted(places) == [8, 9, 10, 11]


async def test_reactions_count_once_per_person_and_kind_and_keep_the_latest_comment(
    store, clock
) -> None:
    lab = in_channel("lab")
    await store.set_channel_audience(PROGRAMME, lab, "experts", OLIVE)
    assert await store.react(PROGRAMME, "uni", Reaction.INTERESTING, ADA, in_channel(), None)
    clock.advance(minutes=1)
    assert not await store.react(PROGRAMME, "uni", Reaction.INTERESTING, ADA, in_channel(), "Bath!")
    assert await store.react(PROGRAMME, "uni", Reaction.SURPRISING, ADA, in_channel(), None)
    assert await store.react(PROGRAMME, "uni", Reaction.INTERESTING, BO, lab, "Oxford?")
    tally = (await store.tallies(PROGRAMME))["uni"]
    assert {k: dict(v) for k, v in tally.counts.items()} == {
        "interesting": {"public": 1, "experts": 1},
        "surprising": {"public": 1},
    }
    assert tally.comments == (("public", "Bath!"), ("experts", "Oxford?"))
    assert tally.total(Reaction.INSPIRES) == 0


async def test_the_synthesis_draft_is_kept_apart_from_what_was_published(store) -> None:
    assert await store.synthesis(PROGRAMME) is None
    draft = await store.save_synthesis(PROGRAMME, "draft one", OLIVE, publish=False)
    assert draft.published is None and draft.published_at is None
    out = await store.save_synthesis(PROGRAMME, "final", OLIVE, publish=True)
    assert out.published == "final" and out.published_at is not None
    await store.save_synthesis(PROGRAMME, "second thoughts", OLIVE, publish=False)
    kept = await store.synthesis(PROGRAMME)
    assert kept is not None
    assert (kept.text, kept.published, kept.by) == ("second thoughts", "final", OLIVE.key)


async def test_the_programme_closes_and_reopens_once_each(store) -> None:
    assert await store.set_closed(PROGRAMME, True, OLIVE)
    assert not await store.set_closed(PROGRAMME, True, OLIVE)
    assert (await store.standing(PROGRAMME)).closed_at is not None
    assert await store.set_closed(PROGRAMME, False, OLIVE)
    assert (await store.standing(PROGRAMME)).closed_at is None


async def test_my_data_lists_the_day_and_forgetting_deletes_what_was_written(store, clock) -> None:
    await store.contribute(PROGRAMME, Kind.HOPE, "a brand", None, ADA, in_channel())
    await store.contribute(PROGRAMME, Kind.CHALLENGE, "How?", "health", ADA, in_channel())
    await store.contribute(PROGRAMME, Kind.CHALLENGE, "Why not?", "health", ADA, in_channel())
    await store.promote(PROGRAMME, 2, OLIVE, 3)
    await store.contribute(PROGRAMME, Kind.RISK, "talk only", None, BO, in_channel())
    clock.advance(seconds=1)
    await store.back(PROGRAMME, Kind.RISK, 1, ADA, in_channel())
    await store.back(PROGRAMME, Kind.HOPE, 1, BO, in_channel())
    await store.react(PROGRAMME, "uni", Reaction.INSPIRES, ADA, in_channel(), "Bath!")
    data = await store.personal_data(PROGRAMME, "console", "ada")
    assert data is not None
    assert [(d["kind"], d.get("id") or d.get("of") or d.get("evidence")) for d in data.day] == [
        ("hope", "h1"),
        ("challenge", "c1"),
        ("challenge", "c2"),
        ("backing", "r1"),
        ("reaction", "uni"),
    ]
    done = await store.forget(PROGRAMME, "console", "ada", OLIVE, "forgotten-ada")
    assert done is not None and done.contributions_deleted == 2  # c2 is a prompt now: it stays
    assert [c.ref for c in await store.promoted(PROGRAMME)] == ["c2"]
    assert await store.contributions(PROGRAMME, Kind.HOPE) == []
    (risk,) = await store.contributions(PROGRAMME, Kind.RISK)
    assert risk.total == 1  # the backing stays, no longer linked to ada
    tally = (await store.tallies(PROGRAMME))["uni"]
    assert tally.total(Reaction.INSPIRES) == 1 and tally.comments == ()
    after = await store.personal_data(PROGRAMME, "console", "ada")
    assert after is None or after.day == ()
