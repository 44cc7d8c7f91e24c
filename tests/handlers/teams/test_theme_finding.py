"""`themes emerging` in Teams, end to end: the proposals card with Action.Submit buttons, the
organiser's Confirm and Drop, a participant's press refused, the confirmed theme in `emerging`."""

from __future__ import annotations

from tests.handlers.teams import teams_activities as ta
from tests.handlers.teams.conftest import Teams
from tests.handlers.teams.test_facilitation import addressed_to, submits

IDEAS = (
    "Affordable homes for key workers near the new business parks",
    "Build social housing on empty brownfield sites owned by the council",
    "Community land trusts so local people can own homes they can afford",
)


async def test_an_organiser_confirms_a_proposed_theme_from_the_card(teams: Teams) -> None:
    prompt_id, _ = await teams.prompt()
    for text in IDEAS:
        await teams.idea(prompt_id, text)
    [card] = await teams.ok(ta.mention("themes emerging", teams.url, user=ta.ORGANISER))
    assert addressed_to(card) == ta.ORGANISER[0]
    stored = await teams.services.repo.proposed_themes("default")
    proposal = next(p for p in stored if p.emerging_key is None and 1 in p.numbers)
    ref, size = proposal.ref, len(proposal.numbers)
    assert f"{ref} · new: {proposal.label} ({size} ideas)" in card.text
    confirm, drop = submits(card)[f"Confirm {ref}"], submits(card)[f"Drop {ref}"]
    assert confirm["data"]["action_id"] == "theme.confirm" and drop["data"]["value"] == ref

    [refusal] = await teams.ok(ta.submit(confirm["data"], card.returned, teams.url))
    assert "Only organisers can sort proposed emerging themes" in refusal.text
    calls = await teams.ok(ta.submit(confirm["data"], card.returned, teams.url, user=ta.ORGANISER))
    said = next(c for c in calls if f"confirmed ({ref})" in c.text)
    tagged = ", ".join(f"#{n}" for n in proposal.numbers)
    assert f"Emerging theme “{proposal.label}” confirmed ({ref}): {tagged} tagged" in said.text
    [again] = await teams.ok(ta.submit(drop["data"], card.returned, teams.url, user=ta.ORGANISER))
    assert f"{ref} is already confirmed. Nothing changed." in again.text
    [listed] = await teams.ok(ta.mention("emerging", teams.url, user=ta.BOB))
    assert f"{proposal.label} ({size} ideas)" in listed.text
