"""The operator's commands across programmes, run as a real `howcanwe` process: `programmes`,
`programme delete` and `export --programme`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from sqlalchemy import func, select

from bot.core.interaction import Command, Context
from bot.services import Services
from storage import models as m
from tests.conftest import in_channel, person
from tests.test_cli import run


async def say(services: Services, programme: str, who: str, text: str) -> None:
    ctx = Context(person(who), in_channel("town"), programme)
    await services.engine.handle(ctx, Command(text))


async def two_programmes(services: Services) -> None:
    """Workspace T1's programme with two ideas and a vote; `default` with one idea by a person
    who took part in both (ideas tagged with their theme: no organiser posted a prompt)."""
    await say(services, "slack-T1", "ann", "idea inclusive: Night buses to the harbour")
    await say(services, "slack-T1", "ben", "idea inclusive: Rooftop solar on schools")
    await say(services, "slack-T1", "ann", "vote 2")
    await say(services, "default", "ben", "idea inclusive: Repair cafes in every library")


async def install_t1(services: Services) -> None:
    """Workspace T1 installs the app, stored by slack_sdk's own installation store."""
    store = AsyncSQLAlchemyInstallationStore(
        "client",
        engine=services.db,
        bots_table_name=m.SLACK_BOTS.name,
        installations_table_name=m.SLACK_INSTALLATIONS.name,
    )
    await store.async_save(
        Installation(
            app_id="A1",
            team_id="T1",
            team_name="Acme",
            user_id="UINSTALLER",
            bot_token="xoxb-t1",
            bot_id="B1",
            bot_user_id="UBOT",
            installed_at=datetime(2026, 3, 1, tzinfo=UTC).timestamp(),
        )
    )


async def test_programmes_lists_each_with_its_counts_and_slack_install(
    services: Services, env, tmp_path: Path
) -> None:
    await two_programmes(services)
    await install_t1(services)

    listed = run(["programmes", "--format", "json"], env, tmp_path)
    text = run(["programmes"], env, tmp_path)

    assert listed.returncode == 0, listed.stderr
    found = {p["key"]: p for p in json.loads(listed.stdout)}
    assert sorted(found) == ["default", "slack-T1"]
    t1 = found["slack-T1"]
    assert (t1["ideas"], t1["votes"], t1["people"]) == (2, 1, 2)
    assert [(i["team_id"], i["org_wide"]) for i in t1["slack_installs"]] == [("T1", False)]
    assert found["default"]["slack_installs"] == []
    assert "slack-T1\n" in text.stdout and "2 ideas, 1 vote, 2 people" in text.stdout
    assert "Slack: workspace Acme (T1), installed 2026-03-01" in text.stdout


async def test_a_programme_is_deleted_only_when_confirmed_and_alone(
    services: Services, env, tmp_path: Path
) -> None:
    await two_programmes(services)

    asked = run(["programme", "delete", "slack-T1"], env, tmp_path)
    assert asked.returncode == 1
    assert "Run it again with --confirm" in asked.stdout
    assert len(await services.repo.ideas("slack-T1")) == 2

    done = run(["programme", "delete", "slack-T1", "--confirm"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Deleted programme slack-T1: 2 ideas, 1 vote; 1 person" in done.stdout
    async with services.db.connect() as conn:
        keys = set(await conn.scalars(select(m.Programme.key)))
        people = set(await conn.scalars(select(m.Participant.user_id)))
        ideas = await conn.scalar(select(func.count()).select_from(m.Idea))
    assert keys == {"default"}
    assert "ann" not in people  # took part only in the deleted programme
    assert "ben" in people  # still part of `default`
    assert ideas == 1

    missing = run(["programme", "delete", "slack-T1", "--confirm"], env, tmp_path)
    assert missing.returncode == 2
    assert "there is no programme 'slack-T1'" in missing.stderr


async def test_export_reads_the_programme_named(services: Services, env, tmp_path: Path) -> None:
    await two_programmes(services)

    exported = run(["export", "--programme", "slack-T1"], env, tmp_path)
    unknown = run(["export", "--programme", "slack-T9"], env, tmp_path)

    assert exported.returncode == 0, exported.stderr
    themes = json.loads(exported.stdout)["themes"]
    texts = {idea["text"] for theme in themes for idea in theme["ideas"]}
    assert texts == {"Night buses to the harbour", "Rooftop solar on schools"}
    assert unknown.returncode == 2
    assert unknown.stderr.strip().endswith("`howcanwe programmes` lists them")
