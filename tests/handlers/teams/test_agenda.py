"""The day's steps in Teams: activities over HTTP into the real app, replies to a fake
connector, on SQLite and PostgreSQL."""

from __future__ import annotations

from bot.core.agenda import Kind
from tests.handlers.teams import teams_activities as ta
from tests.handlers.teams.conftest import Teams, actions


async def test_the_framing_step_posts_its_card_and_a_back_press_counts_once(teams: Teams) -> None:
    await teams.ok(ta.mention("hope Learners in every office", teams.url))
    calls = await teams.ok(ta.mention("step framing", teams.url, user=ta.ORGANISER))
    [note] = [c for c in calls if c.method == "reply"]
    assert "This channel is now at" in note.text
    [post] = [c for c in calls if c.method == "post"]
    assert post.conversation == ta.CHANNEL
    assert "What does good look like?" in post.text and "Learners in every office" in post.text
    back = next(a for a in actions(post.card) if a["title"] == "Back h1")
    assert back["data"] == {"action_id": "day.back", "value": "h1"}
    card_id = "framing-card"
    first = await teams.ok(ta.submit(back["data"], card_id, teams.url, user=ta.BOB))
    again = await teams.ok(ta.submit(back["data"], card_id, teams.url, user=ta.BOB))
    assert "You back h1 now (1 backing it)." in first[0].text
    assert "You already back h1" in again[0].text
    (hope,) = await teams.services.repo.contributions("default", Kind.HOPE)
    assert hope.total == 1


async def test_a_reaction_press_updates_the_evidence_card_in_place(teams: Teams) -> None:
    [post] = await teams.ok(ta.mention("evidence growing", teams.url, user=ta.ORGANISER))
    inspires = next(a for a in actions(post.card) if a["title"] == "Inspires")
    card_id = "evidence-card"
    [update] = await teams.ok(ta.submit(inspires["data"], card_id, teams.url, user=ta.BOB))
    assert update.method == "update" and update.activity_id == card_id
    assert facts(update.card)["Inspires"] == "1 — Community 1"
    assert facts(update.card)["65+"] == "38% · 42% · 45%"  # the table, every column


def facts(card: dict) -> dict[str, str]:
    return {
        f["title"]: f["value"]
        for block in card["body"]
        if block["type"] == "FactSet"
        for f in block["facts"]
    }


async def test_participants_are_refused_organiser_steps_in_teams(teams: Teams) -> None:
    for line in ("step plan all", "programme close", "promote c1", "synthesis publish"):
        [refusal] = await teams.ok(ta.mention(line, teams.url, user=ta.BOB))
        assert refusal.method == "reply" and "Only organisers can" in refusal.text, line
    standing = await teams.services.repo.standing("default")
    assert standing.step is None and standing.closed_at is None
