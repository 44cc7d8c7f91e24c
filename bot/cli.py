"""The `howcanwe` command line: serve, clock, doctor, chat, export, import, db upgrade, forget.

Each command imports the heavy parts only it needs (the web app with Slack and Teams, the
scheduler, the doctor's clients, the document libraries), so `export`, `forget` or `--version`
start in a fraction of the time `serve` does."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path

from dotenv import load_dotenv

from bot import logs, operators
from bot.config import DEFAULT_DB_WAIT_SECONDS, ConfigError, Settings
from bot.core import action_sheet, export, organisers
from bot.core.domain import Participant
from bot.core.playbook import PlaybookError
from bot.core.usecases import briefs, personal
from bot.documents import files
from bot.notifiers import Notifiers
from bot.operators import UnknownProgramme
from bot.services import open_services
from handlers.console import listeners
from handlers.console.notifier import ConsoleNotifier
from storage import programmes
from storage.database import SchemaOutOfDate, upgrade
from storage.reachability import DatabaseUnavailable, reach

log = logging.getLogger("howcanwe")
TEAMS_PACKAGE = "howcanwe-teams.zip"
LONG_RUNNING = ("serve", "clock")  # restarted in a loop by process managers: they wait
# Exit statuses (README: The command line).
CONFIG_PROBLEM, DATABASE_UNAVAILABLE, INTERRUPTED = 2, 3, 130
NOT_CONFIRMED = 1  # `programme delete` without --confirm: nothing was deleted
SHEET_REFUSED = 1  # `import actions`: a row or the file was refused, so nothing was changed


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="howcanwe",
        description="Run a participatory policy workshop in Slack, Teams or a console.",
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {version('howcanwe')}")
    sub = top.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="serve Slack, Teams and the web on $PORT (default 3978)")
    sub.add_parser("clock", help="run scheduled jobs (one such process per deployment)")
    sub.add_parser(
        "doctor", help="check the configuration and every connection it implies, before going live"
    )
    talk = sub.add_parser("chat", help="a console conversation with the workshop")
    talk.add_argument(
        "--as", dest="role", choices=("participant", "organiser"), default="participant"
    )
    talk.add_argument("--user", default=_default_user(), help="who you are (default: your login)")
    talk.add_argument("--channel", default="general", help="which channel you are in")
    out = sub.add_parser(
        "export", help="write the action plan as JSON, CSV, Markdown, a workbook or the brief"
    )
    out.add_argument("--format", choices=(*export.FORMATS, *files.FORMATS), default="json")
    out.add_argument("--output", help="file to write (default: standard output)")
    out.add_argument("--programme", help="the programme to export (default: $HOWCANWE_PROGRAMME)")
    listing = sub.add_parser(
        "programmes", help="list the programmes with their Slack installs and counts"
    )
    listing.add_argument("--format", choices=("text", "json"), default="text")
    one = sub.add_parser("programme", help="operator tasks on one programme")
    one.add_argument("action", choices=("delete",), help="delete: the programme and its data")
    one.add_argument("key", help="the programme's key, as `howcanwe programmes` lists it")
    one.add_argument("--confirm", action="store_true", help="really delete it")
    db = sub.add_parser("db", help="database tasks")
    db.add_argument("action", choices=("upgrade",), help="upgrade: apply migrations")
    pack = sub.add_parser("teams-package", help="write the Teams app package (zip) to upload")
    pack.add_argument(
        "--output", default=TEAMS_PACKAGE, help=f"zip to write (default {TEAMS_PACKAGE})"
    )
    bring = sub.add_parser("import", help="bring back organisers' updates from the workbook")
    bring.add_argument("what", choices=("actions",), help="actions: the workbook's Actions sheet")
    bring.add_argument("file", help="the workbook (.xlsx) exported with --format xlsx")
    bring.add_argument("--programme", help="the programme to update (default: $HOWCANWE_PROGRAMME)")
    bring.add_argument("--user", default=_default_user(), help="who made the changes (history)")
    erase = sub.add_parser(
        "forget", help="erase a person in every programme (organisers can only in their own)"
    )
    erase.add_argument("user", help="platform:user_id, e.g. slack:U0123ABCD")
    erase.add_argument("--confirm", action="store_true", help="do it (it cannot be undone)")
    return top


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "you"


async def serve(settings: Settings) -> None:
    from aiohttp import web

    from bot.app import create_app, tune_garbage_collector

    app = create_app(settings)
    runner = web.AppRunner(app, access_log=logging.getLogger("aiohttp.access"))
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    tune_garbage_collector()
    log.info("serving", extra={"host": settings.host, "port": settings.port})
    try:
        await until_stopped()
    finally:
        await runner.cleanup()


async def until_stopped() -> None:
    """Wait for SIGTERM (how platforms stop a process) or SIGINT, then return to clean up."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    log.info("stopping")


async def clock(settings: Settings) -> None:
    """The one process that runs scheduled jobs when web processes scale out; it posts digests
    to every configured platform itself."""
    from bot import scheduler
    from bot.app import outbound_notifiers
    from handlers.web import metrics

    async with (
        open_services(settings) as services,
        outbound_notifiers(settings, lambda: services.engine) as notifiers,
    ):
        services.engine.workshop.notifier = notifiers
        async with (
            metrics.served(
                settings.host, settings.clock_metrics_port, settings.web.dashboard_token
            ),
            scheduler.running(services.engine.workshop, services.repo.record_tick),
        ):
            await until_stopped()


async def console(settings: Settings, args: argparse.Namespace) -> None:
    from bot import scheduler

    extra = (
        frozenset({f"{listeners.PLATFORM}:{args.user}"})
        if args.role == "organiser"
        else frozenset()
    )
    async with open_services(settings, extra_organisers=extra) as services:
        conversation = listeners.ConsoleChat(
            services.engine, args.user, args.channel, settings.programme_key
        )
        workshop = services.engine.workshop
        notifiers = Notifiers()  # reminders and notes for console channels are printed here
        notifiers.register(listeners.PLATFORM, ConsoleNotifier(sys.stdout))
        workshop.notifier = notifiers
        async with scheduler.nudging(workshop, frozenset({listeners.PLATFORM})):
            await listeners.run(conversation, listeners.stdin_line, sys.stdout, sys.stdin.isatty())


async def export_plan(
    settings: Settings, fmt: str, output: str | None, programme: str | None
) -> None:
    """The plan of `programme` (one that exists), or of HOWCANWE_PROGRAMME."""
    async with open_services(settings) as services:
        if programme is not None and not await programmes.exists(services.db, programme):
            raise UnknownProgramme(programme)
        workshop = services.engine.workshop
        key = programme or settings.programme_key
        now = workshop.clock.now()
        if fmt == "pdf":  # from aggregates: the brief never needs the whole plan
            made = await briefs.make(workshop, key, "export", "cli")
            chunks: AsyncIterator[bytes] = _one(await files.brief_bytes(made))
        else:
            chunks = files.export_chunks(services.engine, key, fmt, now)
        if output is None:
            async for chunk in chunks:
                await asyncio.to_thread(sys.stdout.buffer.write, chunk)
            await asyncio.to_thread(sys.stdout.buffer.flush)
            return
        written = await _write(Path(output), chunks)
    log.info("exported", extra={"format": fmt, "file": output, "bytes": written})


async def _one(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _write(path: Path, chunks: AsyncIterator[bytes]) -> int:
    """Chunks into a file beside `path`, renamed to it once whole: a failed export leaves the
    earlier file as it was, never half of a new one."""
    partial = path.with_name(f".{path.name}.partial")
    written = 0
    with await asyncio.to_thread(partial.open, "wb") as file:
        try:
            async for chunk in chunks:
                written += await asyncio.to_thread(file.write, chunk)
        except BaseException:
            await asyncio.to_thread(partial.unlink, True)
            raise
    await asyncio.to_thread(partial.replace, path)
    return written


def teams_package(settings: Settings, output: str) -> int:
    """The app package with this bot's id; uploaded in Teams (Apps → Manage your apps)."""
    from handlers.teams import package

    try:
        data = package.build(settings.teams.app_id, version("howcanwe"), settings.teams.listing)
    except package.PackageError as exc:
        print(f"howcanwe: {exc}", file=sys.stderr)
        return CONFIG_PROBLEM
    Path(output).write_bytes(data)
    log.info("teams package written", extra={"file": output, "bytes": len(data)})
    return 0


async def db_upgrade(settings: Settings) -> None:
    engine = await reach(settings.database_url, settings.db_wait_seconds or 0.0)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    load_dotenv(".env", override=False)
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"howcanwe: configuration error: {exc}", file=sys.stderr)
        return CONFIG_PROBLEM
    if settings.db_wait_seconds is None:
        wait = DEFAULT_DB_WAIT_SECONDS if args.command in LONG_RUNNING else 0.0
        settings = replace(settings, db_wait_seconds=wait)
    quiet = args.command in ("chat", "doctor")  # their output is for people, not the log
    logs.configure("WARNING" if quiet else settings.log_level, settings.log_format)
    try:
        match args.command:
            case "serve":
                asyncio.run(serve(settings))
            case "clock":
                asyncio.run(clock(settings))
            case "doctor":
                from bot import doctor

                return asyncio.run(doctor.run(settings, sys.stdout))
            case "chat":
                asyncio.run(console(settings, args))
            case "export":
                asyncio.run(export_plan(settings, args.format, args.output, args.programme))
            case "programmes":
                asyncio.run(operators.list_programmes(settings, args.format))
            case "programme":
                if not asyncio.run(operators.delete_programme(settings, args.key, args.confirm)):
                    return NOT_CONFIRMED
            case "db":
                asyncio.run(db_upgrade(settings))
            case "teams-package":
                return teams_package(settings, args.output)
            case "forget":
                return asyncio.run(forget_everywhere(settings, args.user, args.confirm))
            case "import":
                return asyncio.run(import_actions(settings, args.file, args.programme, args.user))
    except (PlaybookError, SchemaOutOfDate, UnknownProgramme) as exc:
        print(f"howcanwe: {exc}", file=sys.stderr)
        return CONFIG_PROBLEM
    except DatabaseUnavailable as exc:
        print(f"howcanwe: DATABASE_URL: {exc}", file=sys.stderr)
        return DATABASE_UNAVAILABLE
    except KeyboardInterrupt:
        return INTERRUPTED
    return 0


async def import_actions(settings: Settings, file: str, programme: str | None, user: str) -> int:
    """The Actions sheet of a workbook, applied all together or not at all; the report (or
    every rejected row with its reason) on standard output."""
    from bot.documents import workbook

    try:
        data = await asyncio.to_thread(_read_upto, Path(file), action_sheet.MAX_BYTES)
        rows = await asyncio.to_thread(workbook.read_actions, data)
    except OSError as exc:
        print(f"howcanwe import: {file}: {exc.strerror or exc}", file=sys.stderr)
        return SHEET_REFUSED
    except action_sheet.SheetRefused as exc:
        print(f"howcanwe import: {exc} Nothing was changed.", file=sys.stderr)
        return SHEET_REFUSED
    from bot.app import outbound_notifiers

    async with (
        open_services(settings) as services,
        outbound_notifiers(settings, lambda: services.engine) as notifiers,
    ):
        if programme is not None and not await programmes.exists(services.db, programme):
            raise UnknownProgramme(programme)
        services.engine.workshop.notifier = notifiers  # the changed ideas' cards are rewritten
        by = Participant(listeners.PLATFORM, user, user)
        report = await services.engine.import_actions(programme or settings.programme_key, rows, by)
        print("\n".join(report.lines()), flush=True)
        await services.engine.announced()
    return 0 if report.ok else SHEET_REFUSED


def _read_upto(path: Path, limit: int) -> bytes:
    """The file, or one byte more than `limit`: enough to refuse it without reading it all."""
    with path.open("rb") as handle:
        return handle.read(limit + 1)


async def forget_everywhere(settings: Settings, user: str, confirmed: bool) -> int:
    """The operator's erase across programmes: `forget` in each programme the person is in,
    and then their platform id and name are in no table at all."""
    try:
        key = organisers.user_key(user, user)
    except organisers.BadEntry as exc:
        print(f"howcanwe forget: {exc}", file=sys.stderr)
        return CONFIG_PROBLEM
    if not confirmed:
        print(
            f"howcanwe forget: this erases {key} in every programme and cannot be undone; "
            "add --confirm to do it",
            file=sys.stderr,
        )
        return CONFIG_PROBLEM
    async with open_services(settings) as services:
        done = await personal.forget_everywhere(services.engine.workshop, key)
    for programme, forgotten in sorted(done.items()):
        print(f"{programme}: {personal.report(forgotten)}")
    print(f"{key} is forgotten everywhere" if done else f"Nothing is stored about {key}.")
    return 0
