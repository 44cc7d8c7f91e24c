"""Actor proposals and emerging themes in Teams, end to end: Action.Submit presses and the
card updated in place through the fake connector."""

from __future__ import annotations

from tests.handlers.teams import teams_activities as ta
from tests.handlers.teams.conftest import Teams
from tests.handlers.teams.test_facilitation import addressed_to, submits, updates_of


async def test_a_participant_proposes_from_the_card_and_an_organiser_confirms(
    teams: Teams,
) -> None:
    prompt_id, _ = await teams.prompt("infrastructure")
    card_id, card = await teams.idea(prompt_id, "WECA to fund more frequent train services")
    [propose] = [a for title, a in submits(card).items() if title.startswith("Propose: ")]
    assert propose["data"]["action_id"] == "idea.propose"

    calls = await teams.ok(
        ta.submit(propose["data"], card_id, teams.url, user=ta.BOB, thread=prompt_id)
    )
    [update] = updates_of(calls, card_id)
    assert "Proposed\nCombined authority" in update.text
    [said] = [c for c in calls if c.method != "update"]
    assert "Your proposal for #1 is in" in said.text and addressed_to(said) == ta.BOB[0]
    [confirm] = [a for title, a in submits(update).items() if title.startswith("Confirm: ")]

    [refusal] = await teams.ok(ta.submit(confirm["data"], card_id, teams.url, thread=prompt_id))
    assert "Only organisers" in refusal.text

    calls = await teams.ok(
        ta.submit(confirm["data"], card_id, teams.url, user=ta.ORGANISER, thread=prompt_id)
    )
    [update] = updates_of(calls, card_id)
    assert "Actor\nCombined authority" in update.text
    (idea,) = await teams.services.repo.ideas("default")
    assert idea.assignment is not None and idea.assignment.actor_key == "authority"


async def test_propose_typed_in_teams_replaces_the_earlier_proposal(teams: Teams) -> None:
    prompt_id, _ = await teams.prompt()
    await teams.idea(prompt_id, "Community energy co-ops")
    await teams.ok(ta.mention("propose 1 organisations", teams.url, user=ta.BOB))
    calls = await teams.ok(ta.mention("propose 1 individuals", teams.url, user=ta.BOB))
    assert any(
        "It replaces your earlier one (Organisations and businesses)" in c.text for c in calls
    )
    (idea,) = await teams.services.repo.ideas("default")
    assert [(p.assignment.actor_key, p.count) for p in idea.proposals] == [("individuals", 1)]
    refused = await teams.ok(ta.mention("emerging add Be bold: take risks", teams.url, user=ta.BOB))
    assert any("Only organisers can add emerging themes." in c.text for c in refused)
    added = await teams.ok(
        ta.mention("emerging add Be bold: take risks", teams.url, user=ta.ORGANISER)
    )
    assert any("New emerging theme: Be bold" in c.text for c in added)
