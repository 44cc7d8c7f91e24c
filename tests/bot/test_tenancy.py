"""Each programme a tenant: people, organisers and erasure act only within the caller's
programme; the operator's `howcanwe forget` erases across programmes. Through the engine (and
the real command line), on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, parse_organisers
from bot.core.domain import FORGOTTEN, ConversationRef, Participant
from bot.core.interaction import Command, Context
from bot.core.organisers import NamedOrganisers
from bot.services import Services
from tests.bot.test_workshop import refused, said
from tests.storage.traces import stored
from tests.test_cli import run

A, B, C = "slack-TA", "slack-TB", "slack-TC"


@pytest.fixture
def services(database_services: Services) -> Services:
    """Erasure is storage's own work: these run on SQLite and PostgreSQL, not on stand-ins."""
    return database_services


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Organisers per workspace, one in every programme, one in the default programme."""
    entries = "slack:TA:UORGA,slack:TC:UORGC,*/console:root,slack:UDEF"
    return replace(settings, organisers=parse_organisers(entries))


async def cmd(services, programme: str, user: str, text: str, thread: str | None = None):
    team = programme.removeprefix("slack-") if programme.startswith("slack-") else "T0"
    where = ConversationRef("slack", team, "C1", "general", thread)
    context = Context(Participant("slack", user, f"name-{user}"), where, programme)
    return await services.engine.handle(context, Command(text))


async def _two_workspaces(services) -> None:
    """UA2 takes part in A and in C; UA3 organises A."""
    await cmd(services, A, "UA2", "idea inclusive: Trams along the river in A")
    await cmd(services, A, "UA1", "idea inclusive: Night buses in A")
    await cmd(services, A, "UA2", "vote 2")
    await cmd(services, A, "UA2", "flag 2 vague in A")
    await cmd(services, A, "UORGA", "organiser add slack:UA3")
    await cmd(services, C, "UA2", "idea inclusive: Bike lanes in C")
    await cmd(services, C, "UC1", "idea inclusive: Tree planting in C")
    await cmd(services, C, "UA2", "vote 2")
    await cmd(services, C, "UA2", "flag 2 odd in C")


async def test_forget_in_one_workspace_leaves_another_untouched(services, database_url) -> None:
    await _two_workspaces(services)
    done = said(await cmd(services, C, "UORGC", "forget slack:UA2 confirm"))
    # The reply counts only C: one idea, one vote kept, one flag.
    assert "Deleted 1 idea, with the 0 votes they had" in done
    assert "kept 1 vote on others' ideas" in done and "reasons of 1 flag" in done
    # A is untouched: UA2's idea, name, history, vote and flag, and what `my data` says there.
    ideas_a = sorted(await services.repo.ideas(A), key=lambda i: i.number)
    assert [(i.number, i.author.key) for i in ideas_a] == [(1, "slack:UA2"), (2, "slack:UA1")]
    assert ideas_a[0].author.display_name == "name-UA2" and ideas_a[1].votes == 1
    mine = said(await cmd(services, A, "UA2", "my data"))
    assert "Trams along the river in A" in mine and "Votes (1)" in mine and "vague in A" in mine
    assert "slack:UA2" in said(await cmd(services, A, "UORGA", "history 1"))
    assert "slack:UA3" in said(await cmd(services, A, "UORGA", "organisers"))
    # C holds nothing of UA2 any more: no text, no name, no id.
    assert "Nothing is stored about you" in said(await cmd(services, C, "UA2", "my data"))
    (left,) = await services.repo.ideas(C)
    assert left.votes == 1 and "Bike lanes" not in str(await services.repo.open_flags(C))
    flags = said(await cmd(services, C, "UORGC", "flags"))
    assert FORGOTTEN in flags and "odd in C" not in flags
    assert await stored(database_url, ["Bike lanes in C", "odd in C"]) == []


async def test_forget_cannot_reach_another_workspaces_organiser(services) -> None:
    await _two_workspaces(services)
    nothing = said(await cmd(services, C, "UORGC", "forget slack:UA3 confirm"))
    assert "Nothing is stored about slack:UA3, so nothing was forgotten" in nothing
    assert "Nothing is stored about slack:UA3" in said(
        await cmd(services, C, "UORGC", "data slack:UA3")
    )
    assert "slack:UA3" in said(await cmd(services, A, "UORGA", "organisers"))
    # Nor can an organiser of C remove A's organiser, or act as an organiser in A.
    await cmd(services, C, "UORGC", "organiser remove slack:UA3")
    assert "slack:UA3" in said(await cmd(services, A, "UORGA", "organisers"))
    assert "Only organisers can forget someone else" in refused(
        await cmd(services, A, "UORGC", "forget slack:UA2 confirm")
    )


async def test_organisers_are_per_programme(services) -> None:
    await _two_workspaces(services)
    assert said(await cmd(services, B, "UB1", "organisers")) == "Organisers: console:root"
    shown_a = said(await cmd(services, A, "UB1", "organisers"))
    assert shown_a == "Organisers: console:root, slack:UA3, slack:UORGA"
    # slack:TA:UORGA organises TA's programme only; slack:UDEF the default programme only.
    assert "Only organisers" in refused(await cmd(services, B, "UORGA", "prompt inclusive"))
    assert "Only organisers" in refused(await cmd(services, A, "UDEF", "prompt inclusive"))
    assert "challenge 1 of 8" in said(await cmd(services, A, "UORGA", "prompt inclusive"))
    assert "challenge 1 of 8" in said(await cmd(services, "default", "UDEF", "prompt inclusive"))
    refusal = refused(await cmd(services, A, "UORGA", "organiser remove slack:UORGA"))
    assert "through HOWCANWE_ORGANISERS" in refusal
    assert "slack:UA3 is no longer an organiser" in said(
        await cmd(services, A, "UORGA", "organiser remove slack:UA3")
    )


def test_organiser_entries_name_one_programme_or_every_one() -> None:
    entries = parse_organisers(
        "slack:U1, slack:T9:U2, slack:E7:U3, teams:29:1AbC, lis/console:ann, */teams:29:x:y"
    )
    named = NamedOrganisers.from_entries(entries, "default")
    assert named.of("default") == {"slack:U1", "teams:29:1AbC", "teams:29:x:y"}
    assert named.of("slack-T9") == {"slack:U2", "teams:29:x:y"}
    assert named.of("slack-E7") == {"slack:U3", "teams:29:x:y"}
    assert named.of("lis") == {"console:ann", "teams:29:x:y"}
    for bad in ("slack:T9:", "slack::U1", "/slack:U1", "lis/", "mail:ann", "*/ann"):
        with pytest.raises(ConfigError, match="HOWCANWE_ORGANISERS"):
            parse_organisers(bad)


async def test_the_operator_forgets_someone_in_every_programme(
    services, database_url: str, tmp_path: Path
) -> None:
    await _two_workspaces(services)
    await cmd(services, A, "UORGA", "organiser add slack:UA2")
    env = {"DATABASE_URL": database_url, "HOWCANWE_ORGANISERS": ""}
    asked = run(["forget", "slack:UA2"], env, tmp_path)
    assert asked.returncode == 2 and "add --confirm" in asked.stderr
    assert "participants.user_id: ua2" in await stored(database_url, ["UA2"])  # nothing done
    done = run(["forget", "slack:UA2", "--confirm"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"{A}: deleted 1 idea with the 0 votes they had; kept 1 vote" in done.stdout
    assert C in done.stdout and "slack:UA2 is forgotten everywhere" in done.stdout
    needles = ["UA2", "name-UA2", "Trams along the river", "Bike lanes", "vague in A", "odd in C"]
    assert await stored(database_url, needles) == []
    again = run(["forget", "slack:UA2", "--confirm"], env, tmp_path)
    assert again.returncode == 0 and "Nothing is stored about slack:UA2" in again.stdout
    bad = run(["forget", "UA2", "--confirm"], env, tmp_path)
    assert bad.returncode == 2 and "platform:user_id" in bad.stderr
