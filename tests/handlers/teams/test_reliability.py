"""Re-sent activities, throttled connectors and bad input: nothing changes twice, nothing crashes."""

from __future__ import annotations

import logging

import pytest

from bot.core.domain import ConversationRef, Participant
from bot.core.interaction import Command, Context, MessagePosted
from bot.logs import context_of
from handlers.pacing import MOST_TRIES
from tests.handlers.teams import teams_activities as ta
from tests.handlers.teams.conftest import Teams


async def test_a_re_sent_activity_changes_nothing(teams: Teams) -> None:
    prompt_id, _ = await teams.prompt()
    card_id, _ = await teams.idea(prompt_id)
    vote = ta.submit(
        {"action_id": "idea.vote", "value": "1"}, card_id, teams.url, user=ta.BOB, thread=prompt_id
    )

    first = await teams.ok(vote)
    again = await teams.ok(vote)  # Teams re-sends when the bot was slow

    assert len(first) == 1 and again == []
    idea = await teams.services.repo.idea("default", 1)
    assert idea is not None and idea.votes == 1


async def test_a_re_sent_idea_is_recorded_once(teams: Teams) -> None:
    prompt_id, _ = await teams.prompt()
    reply = ta.message("Community energy", teams.url, thread=prompt_id)

    await teams.ok(reply)
    assert await teams.ok(reply) == []

    assert len(await teams.services.repo.ideas("default", None)) == 1


async def test_throttled_and_failing_connector_calls_are_retried(teams: Teams) -> None:
    teams.connector.fail_next(429, {"Retry-After": "0"})
    teams.connector.fail_next(502, {"Retry-After": "0"})

    calls = await teams.ok(ta.mention("prompt inclusive-growth", teams.url, user=ta.ORGANISER))

    assert [c.method for c in calls] == ["failed", "failed", "post"]
    prompt = await teams.services.repo.prompt("default", 1)
    assert prompt is not None  # and the post was recorded as the prompt's thread:
    [idea] = await teams.ok(ta.message("Retry-proof idea", teams.url, thread=calls[-1].returned))
    assert "#1" in idea.text


async def test_a_post_throttled_many_times_over_is_still_posted(teams: Teams) -> None:
    for _ in range(12):  # three times what used to be given up on
        teams.connector.fail_next(429, {"Retry-After": "0"})

    calls = await teams.ok(ta.mention("prompt inclusive-growth", teams.url, user=ta.ORGANISER))

    assert [c.method for c in calls] == ["failed"] * 12 + ["post"]
    [idea] = await teams.ok(ta.message("Patient idea", teams.url, thread=calls[-1].returned))
    assert "#1" in idea.text  # the post was recorded as the prompt's thread


async def test_a_post_throttled_past_patience_is_logged_as_an_error_with_its_card(
    teams: Teams, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    prompt_id, _ = await teams.prompt()
    throttled = MOST_TRIES + 1
    for _ in range(throttled):
        teams.connector.fail_next(429, {"Retry-After": "0"})

    calls = await teams.ok(ta.message("Secret plan for the canal", teams.url, thread=prompt_id))

    assert [c.method for c in calls] == ["failed"] * throttled
    assert await teams.services.repo.idea("default", 1) is not None  # the idea is kept
    [given_up] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert given_up.getMessage() == "teams reply not sent"
    assert context_of(given_up) == {
        "call": "reply",
        "conversation": f"{ta.CHANNEL};messageid={prompt_id}",
        "card": "idea 1",
        "status": 429,
        "error": "Throttled",
    }
    assert given_up.exc_info is None
    assert "canal" not in caplog.text


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, b"<html><body><h1>500 Internal Server Error</h1></body></html>"),
        (502, b"<html>Bad Gateway</html>"),
        (400, b"\xff\xfe not even text"),
        (403, b"[1, 2, 3]"),
        (404, b""),
    ],
    ids=["html-500", "html-502", "bytes-400", "array-403", "empty-404"],
)
async def test_a_connector_error_body_of_any_shape_is_logged_once_without_a_traceback(
    teams: Teams, caplog: pytest.LogCaptureFixture, status: int, body: bytes
) -> None:
    caplog.set_level(logging.INFO)
    attempts = 4 if status == 502 else 1  # a gateway error is retried; others are not
    for _ in range(attempts):
        teams.connector.fail_next(status, {"Retry-After": "0"}, body)

    response = await teams.send(ta.mention("idea Quiet canal walks", teams.url))
    await teams.settle()

    assert response.status == 201
    assert [c.method for c in teams.connector.calls] == ["failed"] * attempts
    [failed] = [r for r in caplog.records if r.getMessage() == "teams reply not sent"]
    assert failed.levelno == logging.WARNING and failed.exc_info is None
    assert context_of(failed)["status"] == status and context_of(failed)["error"] == ""
    assert all(r.exc_info is None for r in caplog.records)
    assert "canal" not in caplog.text


async def test_a_refused_connector_call_is_logged_and_the_turn_still_answers(teams: Teams) -> None:
    teams.connector.fail_next(403)

    response = await teams.send(ta.mention("help", teams.url))
    await teams.settle()

    assert response.status == 201
    assert [c.method for c in teams.connector.calls] == ["failed"]


async def test_bad_http_requests_get_a_clear_4xx_never_a_500(
    teams: Teams, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    not_json = await teams.http.post(
        "/api/messages", data=b"{nope", headers={"Content-Type": "application/json"}
    )
    wrong_type = await teams.http.post(
        "/api/messages", data=b"hello", headers={"Content-Type": "text/plain"}
    )
    no_type = await teams.http.post("/api/messages", json={"text": "hi"})
    not_an_object = await teams.http.post("/api/messages", json=["message"])
    nowhere = ta.mention("help", teams.url)
    del nowhere["conversation"]
    no_sender = ta.mention("help", teams.url) | {"from": {"name": "Nobody"}}
    to_nobody = ta.mention("help", teams.url)
    del to_nobody["recipient"]
    unaddressed = [await teams.send(a) for a in (nowhere, no_sender, to_nobody)]
    not_objects: list[object] = ["just text", [1], 7]
    values = [await teams.send(ta.submit(v, "1", teams.url)) for v in not_objects]  # type: ignore[arg-type]
    ill_typed = await teams.http.post(
        "/api/messages", json={"type": "message", "entities": "x", "from": 3}
    )
    await teams.settle()

    assert (not_json.status, wrong_type.status, no_type.status, not_an_object.status) == (
        400,
        415,
        400,
        400,
    )
    assert ill_typed.status in (201, 400)
    assert [r.status for r in unaddressed + values] == [400] * 6
    assert teams.connector.calls == []
    for response in (not_json, wrong_type, no_type, not_an_object, ill_typed, *unaddressed):
        assert "Traceback" not in await response.text()
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.WARNING] == []


async def test_stale_or_forged_card_submits_get_a_friendly_reply(teams: Teams) -> None:
    prompt_id, _ = await teams.prompt()
    for value in (
        {"nothing": "here"},
        {"action_id": "idea.explode", "value": "1"},
        {"action_id": "idea.vote", "value": "999"},
    ):
        [reply] = await teams.ok(ta.submit(value, prompt_id, teams.url))
        assert "out of date" in reply.text or "There is no idea #999" in reply.text


async def test_an_unchanged_assign_form_says_what_to_do(teams: Teams) -> None:
    prompt_id, _ = await teams.prompt()
    value = {"action_id": "idea.assign", "initial": {"choice.0": ""}}

    [reply] = await teams.ok(ta.submit(value, prompt_id, teams.url, user=ta.ORGANISER))

    assert "Nothing changed" in reply.text


async def test_an_empty_idea_from_the_cards_input_is_refused_clearly(teams: Teams) -> None:
    prompt_id, prompt_ref = await teams.prompt()
    value = {
        "action_id": "prompt.add_idea",
        "metadata": prompt_ref,
        "fields": ["idea"],
        "field.idea": "   ",
    }

    [reply] = await teams.ok(ta.submit(value, prompt_id, teams.url))

    assert "Your idea is empty" in reply.text
    assert await teams.services.repo.ideas("default", None) == []


async def test_unknown_commands_and_plain_chatter_are_handled_politely(teams: Teams) -> None:
    [unknown] = await teams.ok(ta.mention("dance", teams.url))
    chatter = await teams.ok(ta.message("lunch anyone?", teams.url))  # not in a prompt's chain

    assert "help" in unknown.text
    assert chatter == []


async def test_an_idea_from_slack_and_votes_from_teams_count_in_one_plan(teams: Teams) -> None:
    engine = teams.services.engine
    slack = Context(
        Participant("slack", "U1", "Sam"),
        ConversationRef("slack", "T1", "C1", "general"),
        "default",
    )
    organiser = Context(Participant("slack", "UORG", "Olive"), slack.where, "default")
    [say] = await engine.handle(organiser, Command("prompt inclusive-growth"))
    await engine.posted(organiser, say.anchor, "1700.0001")  # type: ignore[union-attr]
    thread = ConversationRef("slack", "T1", "C1", "general", "1700.0001")
    await engine.handle(Context(slack.who, thread, "default"), MessagePosted("Shared workspaces"))

    [note] = await teams.ok(ta.mention("vote 1", teams.url, user=ta.BOB))
    await teams.ok(ta.mention("vote 1", teams.url, user=ta.ALICE))

    assert "Your vote for #1 is in" in note.text
    [plan] = await teams.ok(ta.mention("plan", teams.url))
    assert "Shared workspaces — 2 votes" in plan.text
    idea = await teams.services.repo.idea("default", 1)
    assert idea is not None and idea.platform == "slack" and idea.votes == 2


async def test_invokes_the_bot_does_not_use_get_a_clean_not_implemented(teams: Teams) -> None:
    for name in ("adaptiveCard/action", "task/fetch", "composeExtension/query", "nonsense"):
        invoke = ta.activity(
            "invoke", teams.url, name=name, value={"action": {"type": "Action.Execute"}}
        )

        response = await teams.send(invoke)

        assert response.status in (200, 400, 501), (name, response.status)
        assert "Traceback" not in await response.text()
