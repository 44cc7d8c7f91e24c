"""The `howcanwe` command line, run as organisers run it: a real process, real files, real HTTP."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from aiohttp import ClientSession
from sqlalchemy import func, select, update
from sqlalchemy.engine import make_url

from bot.core.domain import ConversationRef, Participant
from bot.core.interaction import Command, Context
from bot.core.nudges import NewNudge, NudgeKind
from storage.nudge_tables import Nudge
from tests.conftest import POSTGRES_URL, _require_postgres, process_environment
from tests.handlers.slack.fake_slack import FakeSlack

SCRIPT = """\
/prompt inclusive
Community hubs that offer business mentoring
/channel business
/prompt infra
/idea Work with residents to grow ride sharing locally
/vote 1
/vote 2
/assign 1 combined funder scaling
/assign 2 individuals
/plan
"""


def run(args: list[str], env: dict[str, str], cwd: Path, stdin: str = "", timeout: float = 60):
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**process_environment(), **env},
        cwd=cwd,
        timeout=timeout,
        check=False,
    )


def test_chat_runs_the_workshop_from_a_script(env, tmp_path: Path) -> None:
    done = run(
        ["chat", "--as", "organiser", "--user", "olive", "--channel", "town"], env, tmp_path, SCRIPT
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Inclusive growth — challenge 1 of 8" in out
    assert "#1 · Inclusive growth\nCommunity hubs that offer business mentoring" in out
    assert "From now on, ideas and votes from this channel count as Business." in out
    assert "#2 · Investing in infrastructure" in out
    assert "You have 4 of 5 votes left for Inclusive growth" in out
    assert "↻ #1 · Inclusive growth" in out  # the refreshed card, as it reads after the vote
    assert "Votes: 1 vote — business 1" in out
    assert "#1 is now Combined authority · as Funder · Scaling: Grants and subsidies." in out
    assert "2 ideas, 2 votes from 1 participant." in out


def test_a_participant_in_the_console_is_refused_organiser_commands(env, tmp_path) -> None:
    done = run(["chat", "--user", "ann"], env, tmp_path, "/prompt infra\nan idea with no prompt\n")
    assert "! Only organisers can post prompts." in done.stdout
    assert "(No prompt to reply to yet. Commands start with /, e.g. /help.)" in done.stdout


def test_export_writes_json_csv_and_markdown(env, tmp_path: Path) -> None:
    assert (
        run(["chat", "--as", "organiser", "--user", "olive"], env, tmp_path, SCRIPT).returncode == 0
    )
    for fmt in ("json", "csv", "md"):
        done = run(
            ["export", "--format", fmt, "--output", str(tmp_path / f"plan.{fmt}")], env, tmp_path
        )
        assert done.returncode == 0, done.stderr

    data = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert data["programme"]["name"] == "Local Industrial Strategy Lab"
    assert [t["key"] for t in data["themes"]] == [
        "inclusive-growth",
        "environment-for-growth",
        "fostering-innovation",
        "investing-in-infrastructure",
    ]
    inclusive = data["themes"][0]
    assert len(inclusive["prompts"]) == 8
    (idea,) = inclusive["ideas"]
    assert set(idea) >= {
        "id",
        "text",
        "theme",
        "author",
        "platform",
        "channel",
        "audience",
        "created_at",
        "votes",
        "votes_by_audience",
        "actor",
        "style",
        "stage",
    }
    assert idea["id"] == 1 and idea["author"] == "olive" and idea["platform"] == "console"
    assert (idea["actor"], idea["style"], idea["stage"]) == ("authority", "funder", "scaling")
    assert idea["votes"] == 1
    assert idea["votes_by_audience"] == {
        "community": 0,
        "business": 1,
        "authority": 0,
        "stakeholders": 0,
    }
    assert idea["created_at"].endswith("Z")

    rows = list(csv.DictReader(io.StringIO((tmp_path / "plan.csv").read_text(encoding="utf-8"))))
    assert [r["id"] for r in rows] == ["1", "2"]
    assert rows[1]["actor"] == "individuals" and rows[1]["audience"] == "business"
    assert rows[0]["votes_business"] == "1"

    markdown = (tmp_path / "plan.md").read_text(encoding="utf-8")
    assert "# Action plan — Local Industrial Strategy Lab" in markdown
    assert "| Inclusive growth | 0 | 0 | 1 | 0 |" in markdown
    assert "- **#1** Community hubs that offer business mentoring" in markdown


def test_export_to_standard_output(env, tmp_path: Path) -> None:
    done = run(["export", "--format", "json"], env, tmp_path)
    assert done.returncode == 0
    assert json.loads(done.stdout)["themes"][0]["ideas"] == []


def test_a_broken_playbook_stops_start_up_naming_file_and_field(env, tmp_path: Path) -> None:
    book = tmp_path / "broken.toml"
    book.write_text('[programme]\nkey = "x"\nname = "X"\n[voting]\nvotes_per_theme = "five"\n')
    done = run(["export"], {**env, "HOWCANWE_PLAYBOOK": str(book)}, tmp_path)
    assert done.returncode == 2
    assert f"{book}: voting.votes_per_theme: must be a whole number" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_configuration_is_named(env, tmp_path: Path) -> None:
    done = run(["export"], {**env, "HOWCANWE_ORGANISERS": "alice"}, tmp_path)
    assert done.returncode == 2
    assert "HOWCANWE_ORGANISERS: 'alice' should be platform:user_id" in done.stderr


def test_db_upgrade_then_serve_answers_health_checks(empty_database_url, tmp_path) -> None:
    env = {"DATABASE_URL": empty_database_url, "HOWCANWE_AUTO_MIGRATE": "false"}
    refused = run(["export"], env, tmp_path)
    assert refused.returncode == 2 and "howcanwe db upgrade" in refused.stderr
    assert run(["db", "upgrade"], env, tmp_path).returncode == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        env={**process_environment(), **env, "PORT": str(port), "HOST": "127.0.0.1"},
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    ) as server:
        try:
            body = _get_when_up(f"http://127.0.0.1:{port}/healthz", server)
            assert json.loads(body) == {"status": "ok", "database": "ok"}
        finally:
            server.terminate()
            code = server.wait(timeout=20)
        output = server.stdout.read() if server.stdout else b""
    assert code == 0  # SIGTERM is a clean stop
    assert b"stopping" in output


def test_the_clock_process_runs_until_told_to_stop(database_url, tmp_path) -> None:
    lines = []
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "clock"],
        env={
            **process_environment(),
            "DATABASE_URL": database_url,
            "HOWCANWE_AUTO_MIGRATE": "true",
        },
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as clock:
        try:
            assert clock.stdout is not None
            for line in clock.stdout:  # bounded by the process's own start-up
                lines.append(line)
                if "forgot old event ids" in line:
                    break
        finally:
            clock.terminate()
            code = clock.wait(timeout=20)
    assert any("clock started" in line for line in lines), lines
    assert code == 0


def _clock_process(database_url: str, fake: FakeSlack, cwd: Path):
    """`howcanwe clock` posting to the fake Slack, quiet hours off."""
    return asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "clock",
        env={
            **process_environment(),
            "DATABASE_URL": database_url,
            "SLACK_SIGNING_SECRET": "secret",
            "SLACK_BOT_TOKEN": "xoxb-clock",
            "SLACK_API_URL": fake.api_url,
            "HOWCANWE_QUIET_HOURS": "",
        },
        cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def test_the_clock_process_posts_due_digests_to_slack_itself(
    services, database_url, tmp_path
) -> None:
    """The clock process serves no route: it opens Slack's notifier alone (SLACK_API_URL points
    at the local fake Web API) and posts the digest that fell due while nothing was running."""
    organiser = Participant("slack", "UORG", "Olive")
    where = ConversationRef("slack", "T1", "CSTAKE", "stakeholders")
    await services.engine.handle(Context(organiser, where), Command("digest daily 17:30 UTC"))
    fake = FakeSlack()
    await fake.start()
    clock = await _clock_process(database_url, fake, tmp_path)
    try:
        await asyncio.wait_for(fake.until("chat.postMessage", 1), timeout=60)
    finally:
        clock.terminate()
        code = await clock.wait()
        await fake.close()
    (posted,) = fake.of("chat.postMessage")
    assert posted["channel"] == "CSTAKE"
    assert posted["blocks"][0]["text"]["text"] == "Digest — Local Industrial Strategy Lab"
    assert code == 0


async def _recorded(services, count: int) -> None:
    """Until `count` nudges are recorded as done (or ten seconds have gone)."""
    for _ in range(100):
        async with services.db.connect() as conn:
            done = select(func.count()).where(Nudge.state == "done")
            if (await conn.execute(done)).scalar_one() >= count:
                return
        await asyncio.sleep(0.1)
    pytest.fail(f"fewer than {count} nudges were recorded")


async def test_nudges_a_killed_clock_claimed_are_sent_by_the_next_after_the_lease(
    services, database_url, tmp_path
) -> None:
    """`kill -9` mid-round: what the clock recorded stays sent; what it claimed and never
    recorded is held for the lease (moved back here, as 16 minutes passing would), then the
    next clock sends it. Every channel hears its nudge; only sends in flight can repeat."""
    repo = services.repo
    await services.engine.workshop.ready("default")
    channels = [f"C{n:03}" for n in range(60)]
    now = datetime.now(UTC)
    await repo.queue_nudges(
        [
            NewNudge(
                "default",
                f"k{c}",
                NudgeKind.REMINDER,
                ConversationRef("slack", "T1", c, c.lower()),
                "Reminder",
                "Voting closes in an hour",
                now,
            )
            for c in channels
        ]
    )
    first = FakeSlack()
    await first.start()
    clock = await _clock_process(database_url, first, tmp_path)
    try:
        await asyncio.wait_for(first.until("chat.postMessage", 30), timeout=60)
        first.hold("chat.postMessage")  # the rest hang, as if the clock died while sending
        await _recorded(services, 25)  # the first outcomes are written meanwhile
    finally:
        clock.kill()
        await clock.wait()
        await first.close()
    async with services.db.begin() as conn:
        left = (await conn.execute(select(func.count()).where(Nudge.state != "done"))).scalar_one()
        await conn.execute(  # their lease has run out
            update(Nudge)
            .where(Nudge.state == "claimed")
            .values(claimed_at=datetime.now(UTC) - timedelta(minutes=16))
        )
    second = FakeSlack()
    await second.start()
    clock = await _clock_process(database_url, second, tmp_path)
    try:
        await asyncio.wait_for(second.until("chat.postMessage", left), timeout=60)
    finally:
        clock.terminate()
        await clock.wait()
        await second.close()
    heard = first.of("chat.postMessage") + second.of("chat.postMessage")
    assert {p["channel"] for p in heard} == set(channels)  # nobody left out
    heard_once = len(first.of("chat.postMessage"))
    twice = heard_once + len(second.of("chat.postMessage")) - len(channels)
    assert 0 <= twice <= 25 + 8  # a batch of outcomes and the sends in flight, at most


def _get_when_up(url: str, server: subprocess.Popen, attempts: int = 300) -> bytes:
    for _ in range(attempts):
        if server.poll() is not None:
            pytest.fail(f"server exited: {server.stdout.read().decode() if server.stdout else ''}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"{url} did not answer")


def test_howcanwe_playbook_selects_another_workshop(env, tmp_path: Path) -> None:
    book = tmp_path / "parks.toml"
    book.write_text(
        '[programme]\nkey = "parks"\nname = "Parks Lab"\n'
        '[[audiences]]\nkey = "residents"\nname = "Residents"\n'
        '[[actors]]\nkey = "council"\nname = "Council"\n'
        '[[stages]]\nkey = "now"\nname = "Now"\n'
        '[[themes]]\nkey = "green"\ntitle = "Greener parks"\nchallenges = ["Plant more trees?"]\n',
        encoding="utf-8",
    )
    env = {**env, "HOWCANWE_PLAYBOOK": str(book)}
    done = run(
        ["chat", "--as", "organiser", "--user", "olive"], env, tmp_path, "/prompt green\nOaks\n"
    )
    assert "Greener parks — challenge 1 of 1" in done.stdout
    assert "By: olive (residents)" in done.stdout
    data = json.loads(run(["export"], env, tmp_path).stdout)
    assert data["programme"]["name"] == "Parks Lab"
    assert data["themes"][0]["ideas"][0]["votes_by_audience"] == {"residents": 0}


# ---- a database that cannot be reached ------------------------------------------------------

PASSWORD = "pw-s3cret"
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (INFO|WARNING) [\w.]+: ")


def _free_port() -> int:
    """A local port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _nobody_listening() -> str:
    return f"postgresql://app:{PASSWORD}@127.0.0.1:{_free_port()}/plan"


@pytest.mark.parametrize("command", [["export"], ["db", "upgrade"], ["chat"]])
def test_one_shot_commands_stop_at_once_with_one_line_naming_the_database(
    command: list[str], tmp_path: Path
) -> None:
    url = _nobody_listening()
    done = run(command, {"DATABASE_URL": url}, tmp_path)
    assert done.returncode == 3
    port = make_url(url).port
    assert done.stderr == (
        f"howcanwe: DATABASE_URL: cannot reach the database at app@127.0.0.1:{port}/plan: "
        "connection refused; is the server running, on that port?\n"
    )
    assert PASSWORD not in done.stdout


@pytest.mark.parametrize("command", ["serve", "clock"])
def test_serve_and_clock_wait_for_the_database_then_give_up_in_one_line(
    command: str, tmp_path: Path
) -> None:
    env = {
        "DATABASE_URL": _nobody_listening(),
        "HOWCANWE_DB_WAIT_SECONDS": "1",
        "PORT": str(_free_port()),
        "HOST": "127.0.0.1",
    }
    done = run([command], env, tmp_path)
    assert done.returncode == 3
    *logged, last = done.stderr.splitlines()
    assert last.startswith("howcanwe: DATABASE_URL: cannot reach the database at app@127.0.0.1:")
    assert "connection refused" in last and "(gave up after " in last
    assert all(LOG_LINE.match(line) for line in logged), logged  # no traceback, log lines only
    waits = [line for line in logged if "database not reachable yet, trying again" in line]
    assert waits and all("WARNING storage.reachability" in line for line in waits)
    assert PASSWORD not in done.stderr + done.stdout


@pytest.mark.parametrize(
    ("url", "said"),
    [
        (
            "postgresql://app:{pw}@no-such-host.invalid/plan",
            "at app@no-such-host.invalid/plan: unknown host",
        ),
        ("app:{pw}@db.example.org:5432/plan", "is not a database URL"),  # no scheme
        ("mysql://app:{pw}@127.0.0.1/plan", "mysql databases are not supported"),
        ("sqlite:///{file}/howcanwe.db", "cannot create the folder {file} for the SQLite file"),
    ],
)
def test_a_misconfigured_database_is_named_in_one_line(url: str, said: str, tmp_path: Path) -> None:
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("")
    done = run(["export"], {"DATABASE_URL": url.format(pw=PASSWORD, file=a_file)}, tmp_path)
    assert done.returncode == 3
    assert done.stderr.startswith("howcanwe: DATABASE_URL: ") and done.stderr.count("\n") == 1
    assert said.format(file=a_file) in done.stderr
    assert PASSWORD not in done.stderr


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (
            {"database": "howcanwe_no_such_database"},
            'database "howcanwe_no_such_database" does not exist',
        ),
        ({"username": "howcanwe_no_such_role"}, 'role "howcanwe_no_such_role" does not exist'),
    ],
)
def test_a_server_that_refuses_the_database_or_user_is_named_in_one_line(
    change: dict[str, str], said: str, postgres_available: bool, tmp_path: Path
) -> None:
    _require_postgres(postgres_available)
    url = make_url(POSTGRES_URL).set(password=PASSWORD, **change)
    done = run(["export"], {"DATABASE_URL": url.render_as_string(hide_password=False)}, tmp_path)
    assert done.returncode == 3
    assert done.stderr.startswith("howcanwe: DATABASE_URL: cannot use the database at ")
    assert f"@{url.host}:{url.port}/" in done.stderr and said in done.stderr
    assert done.stderr.count("\n") == 1 and PASSWORD not in done.stderr


async def test_serve_waits_for_a_database_that_comes_up_late(
    postgres_available: bool, postgres_session_database: str | None, tmp_path: Path
) -> None:
    """The server is reached through a local port that opens only once `serve` has said it is
    waiting: then it starts, and answers health checks."""
    _require_postgres(postgres_available)
    assert postgres_session_database is not None
    real = make_url(postgres_session_database)
    late_port, web_port = _free_port(), _free_port()
    env = {
        **process_environment(),
        "DATABASE_URL": real.set(port=late_port).render_as_string(hide_password=False),
        "HOWCANWE_AUTO_MIGRATE": "false",
        "PORT": str(web_port),
        "HOST": "127.0.0.1",
    }
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "serve",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    proxy = None
    try:
        assert server.stderr is not None
        await asyncio.wait_for(_until(server.stderr, "database not reachable yet"), 60)
        relay = partial(_relay, host=str(real.host), port=int(real.port or 5432))
        proxy = await asyncio.start_server(relay, "127.0.0.1", late_port)
        await asyncio.wait_for(_until(server.stderr, "INFO howcanwe: serving"), 60)
        async with (
            ClientSession() as http,
            http.get(f"http://127.0.0.1:{web_port}/healthz") as health,
        ):
            assert health.status == 200
    finally:
        server.terminate()
        code = await server.wait()
        if proxy is not None:
            proxy.close()
    assert code == 0


async def _until(stream: asyncio.StreamReader, text: str) -> None:
    while line := (await stream.readline()).decode():
        if text in line:
            return
    pytest.fail(f"the process ended without saying {text!r}")


async def _relay(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, port: int
) -> None:
    """Pass bytes both ways between a client and the real server."""
    upstream_reader, upstream_writer = await asyncio.open_connection(host, port)

    async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        finally:
            sink.close()

    await asyncio.gather(
        pipe(reader, upstream_writer), pipe(upstream_reader, writer), return_exceptions=True
    )


def test_export_writes_the_workbook_and_the_brief_and_imports_actions_back(
    env, tmp_path: Path
) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    assert (
        run(["chat", "--as", "organiser", "--user", "olive"], env, tmp_path, SCRIPT).returncode == 0
    )
    for fmt in ("xlsx", "pdf"):
        done = run(
            ["export", "--format", fmt, "--output", str(tmp_path / f"plan.{fmt}")], env, tmp_path
        )
        assert done.returncode == 0, done.stderr
        assert "fontTools" not in done.stderr  # the fonts it embeds are not logged line by line
    text = PdfReader(tmp_path / "plan.pdf").pages[0].extract_text()
    assert "Local Industrial Strategy Lab: the action plan" in text
    assert "Community hubs that offer business mentoring" in text

    book = load_workbook(tmp_path / "plan.xlsx")
    sheet = book["Actions"]
    header = [c.value for c in sheet[1]]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    assert sorted(rows) == [1, 2]
    rows[1][header.index("status")].value = "in-progress"
    rows[1][header.index("owner")].value = "Bath Spa University"
    rows[2][header.index("latest_note")].value = "first meeting held"
    book.save(tmp_path / "back.xlsx")
    done = run(["import", "actions", str(tmp_path / "back.xlsx"), "--user", "olive"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "2 actions updated, 0 rows unchanged.",
        "The cards of 2 changed ideas are being rewritten where they were posted.",
    ]
    md = run(["export", "--format", "md"], env, tmp_path).stdout
    assert "  - Action: in-progress · owner Bath Spa University" in md
    assert "first meeting held" in md

    rows[2][header.index("status")].value = "finished"
    rows[1][header.index("owner")].value = '=HYPERLINK("http://evil.example")'
    book.save(tmp_path / "bad.xlsx")
    done = run(["import", "actions", str(tmp_path / "bad.xlsx")], env, tmp_path)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "Nothing was changed: 2 rows could not be taken. Correct the rows listed and bring the "
        "sheet back.",
        "Row 2: owner holds a formula; type the value itself.",
        "Row 3: there is no status 'finished'; use one of: proposed, agreed, in-progress, done, "
        "dropped.",
    ]
    (tmp_path / "notes.txt").write_text("not a workbook", encoding="utf-8")
    done = run(["import", "actions", str(tmp_path / "notes.txt")], env, tmp_path)
    assert done.returncode == 1 and "not an Excel workbook" in done.stderr
    assert "Traceback" not in done.stderr
