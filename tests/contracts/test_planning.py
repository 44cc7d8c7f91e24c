"""The PlanStore contract: assignments and actions, notes, phases, and the programme's figures."""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.action_sheet import ActionChange
from bot.core.domain import ActionNote, Assignment, Phase, ProgrammeStats, Status
from bot.core.participation import HourCount
from bot.core.suggestions import Confirmed
from tests.conftest import in_channel, person
from tests.contracts.conftest import PROGRAMME
from tests.contracts.helpers import add

ADA, BO, OLIVE = person("ada"), person("bo"), person("olive")


async def test_an_assigned_idea_becomes_a_proposed_action_until_unassigned(store) -> None:
    await add(store, "a")
    assignment = Assignment("government", "regulate", "pilot")
    assigned = await store.assign(PROGRAMME, 1, assignment, OLIVE)
    assert assigned is not None
    assert (assigned.assignment, assigned.status) == (assignment, Status.PROPOSED)
    await store.update_action(PROGRAMME, 1, Status.AGREED, None, OLIVE)
    again = await store.assign(PROGRAMME, 1, Assignment("business"), OLIVE)
    assert again is not None and (again.assignment, again.status) == (
        Assignment("business"),
        Status.AGREED,
    )
    cleared = await store.assign(PROGRAMME, 1, None, OLIVE)
    assert cleared is not None and (cleared.assignment, cleared.status) == (None, None)
    assert await store.assign(PROGRAMME, 9, assignment, OLIVE) is None
    actions = [(e.action, e.detail) for e in await store.history(PROGRAMME, 1)][1:]
    assert actions[0] == (
        "idea.assigned",
        {"actor": "government", "style": "regulate", "stage": "pilot"},
    )
    assert actions[-1] == ("idea.unassigned", {})


async def test_the_latest_assignments_are_the_suggesters_examples(store, clock) -> None:
    for text in ("a", "b", "c"):
        await add(store, text)
    await store.assign(PROGRAMME, 1, Assignment("government", "regulate"), OLIVE)
    clock.advance(minutes=1)
    await store.assign(PROGRAMME, 2, Assignment("business"), OLIVE)
    clock.advance(minutes=1)
    await store.assign(PROGRAMME, 3, Assignment("citizens"), OLIVE)
    clock.advance(minutes=1)
    await store.assign(PROGRAMME, 3, None, OLIVE)
    assert await store.confirmed(PROGRAMME, 5) == [
        Confirmed("b", "business", None),
        Confirmed("a", "government", "regulate"),
    ]
    assert await store.confirmed(PROGRAMME, 1) == [Confirmed("b", "business", None)]


async def test_an_action_changes_status_and_owner_and_keeps_notes(store, clock) -> None:
    await add(store, "a")
    await store.assign(PROGRAMME, 1, Assignment("government"), OLIVE)
    owned = await store.update_action(PROGRAMME, 1, None, "Transport dept", OLIVE)
    assert owned is not None and (owned.status, owned.owner) == (Status.PROPOSED, "Transport dept")
    done = await store.update_action(PROGRAMME, 1, Status.DONE, None, OLIVE)
    assert done is not None and (done.status, done.owner) == (Status.DONE, "Transport dept")
    assert await store.update_action(PROGRAMME, 9, Status.DONE, None, OLIVE) is None
    assert await store.notes(PROGRAMME, 1) == []
    first = await store.add_note(PROGRAMME, 1, "started", OLIVE)
    clock.advance(days=1)
    latest = await store.add_note(PROGRAMME, 1, "finished", BO)
    assert first is not None and first.latest_note == ActionNote(
        "started", OLIVE.key, clock.now() - timedelta(days=1)
    )
    assert latest is not None and latest.latest_note == ActionNote("finished", BO.key, clock.now())
    assert [n.text for n in await store.notes(PROGRAMME, 1)] == ["started", "finished"]
    assert await store.add_note(PROGRAMME, 9, "nothing", OLIVE) is None
    assert await store.notes(PROGRAMME, 9) == []
    actions = [(e.action, e.detail) for e in await store.history(PROGRAMME, 1)]
    assert ("action.status", {"status": "done", "owner": None}) in actions
    assert actions[-1] == ("action.note", {})


async def test_action_changes_from_a_sheet_are_applied_together_with_history(store) -> None:
    for text in ("a", "b", "c"):
        await add(store, text)
    for number in (1, 2):
        await store.assign(PROGRAMME, number, Assignment("government"), OLIVE)
    changes = [
        ActionChange(1, Status.IN_PROGRESS, "Transport dept", "pilot funded"),
        ActionChange(2, note="waiting for the budget"),
        ActionChange(3, owner="nobody yet"),  # ideas stay as they are unless changed
    ]
    assert await store.apply_actions(PROGRAMME, changes, OLIVE) == 3
    ideas = {i.number: i for i in await store.ideas(PROGRAMME)}
    one, two = ideas[1], ideas[2]
    assert (one.status, one.owner) == (Status.IN_PROGRESS, "Transport dept")
    assert one.latest_note is not None and one.latest_note.text == "pilot funded"
    assert (two.status, two.owner) == (Status.PROPOSED, None)
    assert two.latest_note is not None and two.latest_note.author == OLIVE.key
    actions = [(e.action, e.detail) for e in await store.history(PROGRAMME, 1)]
    assert ("action.status", {"status": "in-progress", "owner": "Transport dept"}) in actions
    assert actions[-1] == ("action.note", {})
    assert [e.action for e in await store.history(PROGRAMME, 2)][-1] == "action.note"
    assert await store.apply_actions(PROGRAMME, [ActionChange(9, Status.DONE)], OLIVE) == 0
    assert await store.apply_actions(PROGRAMME, [], OLIVE) == 0


async def test_phases_are_kept_per_theme(store) -> None:
    assert await store.phases(PROGRAMME) == {}
    await store.set_phase(PROGRAMME, "health", Phase.VOTING, OLIVE)
    await store.set_phase(PROGRAMME, "transport", Phase.CLOSED, OLIVE)
    await store.set_phase(PROGRAMME, "health", Phase.COLLECTING, OLIVE)
    assert await store.phases(PROGRAMME) == {"health": Phase.COLLECTING, "transport": Phase.CLOSED}
    await store.ensure_programme("q", "Another", "public")
    assert await store.phases("q") == {}


async def test_the_figures_count_ideas_votes_and_people(store) -> None:
    assert await store.stats(PROGRAMME) == ProgrammeStats(0, 0, 0)
    await add(store, "a", author=ADA)
    await add(store, "b", author=ADA, theme="transport")
    await add(store, "c", author=BO)
    lab = in_channel("lab")
    await store.set_channel_audience(PROGRAMME, lab, "experts", OLIVE)
    await store.vote(PROGRAMME, 1, ADA, in_channel(), 3)
    await store.vote(PROGRAMME, 1, person("cy"), lab, 3)
    await store.vote(PROGRAMME, 3, person("cy"), lab, 3)
    await store.vote(PROGRAMME, 2, person("dee"), in_channel(), 3)
    assert await store.stats(PROGRAMME) == ProgrammeStats(3, 4, 4)
    assert await store.theme_voters(PROGRAMME) == {
        "health": {"public": 1, "experts": 1},
        "transport": {"public": 1},
    }
    await store.set_hidden(PROGRAMME, 2, True, OLIVE, 3)
    assert await store.theme_voters(PROGRAMME) == {"health": {"public": 1, "experts": 1}}
    assert await store.stats(PROGRAMME) == ProgrammeStats(3, 1 + 3, 4)  # hidden still counted


async def test_participation_is_counted_per_utc_hour_and_audience(store, clock) -> None:
    assert await store.participation(PROGRAMME) == []
    lab = in_channel("lab")
    await store.set_channel_audience(PROGRAMME, lab, "experts", OLIVE)
    await add(store, "a")
    await add(store, "b", where=lab)
    await store.vote(PROGRAMME, 1, BO, lab, 3)
    clock.advance(days=1)
    await add(store, "c")
    await store.vote(PROGRAMME, 1, ADA, in_channel(), 3)
    await store.vote(PROGRAMME, 3, BO, in_channel(), 3)
    await add(store, "hidden")
    await store.vote(PROGRAMME, 4, person("cy"), in_channel(), 3)
    await store.set_hidden(PROGRAMME, 4, True, OLIVE, 3)
    first = clock.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=1)
    assert await store.participation(PROGRAMME) == [
        HourCount(first, "experts", 1, 1),
        HourCount(first, "public", 1, 0),
        HourCount(first + timedelta(days=1), "public", 1, 2),
    ]
    assert isinstance(first, date)
