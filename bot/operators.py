"""The operator's commands across programmes: list them with their installs and counts, delete
one. They run from the command line only: in chat everyone acts within their own programme."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import datetime
from typing import Any, TextIO

from bot.config import Settings
from bot.core.cards import plural
from bot.services import open_services
from handlers.slack import tenancy
from storage import programmes
from storage.programmes import Install, Summary


class UnknownProgramme(LookupError):
    def __init__(self, key: str) -> None:
        super().__init__(f"there is no programme {key!r}; `howcanwe programmes` lists them")


async def list_programmes(settings: Settings, fmt: str, out: TextIO = sys.stdout) -> None:
    """Each programme, with the Slack installs whose people work in it (the Slack edge's rule)."""
    async with open_services(settings) as services:
        found = await programmes.summaries(services.db)
        installed = await programmes.installs(services.db)
    by_programme: dict[str, list[Install]] = {}
    for install in installed:
        key = tenancy.programme_for(tenancy.owner_of(install), settings.slack.programmes)
        by_programme.setdefault(key, []).append(install)
    keys = sorted({s.key for s in found} | set(by_programme))
    summaries = {s.key: s for s in found}
    if fmt == "json":
        listed = [_as_json(k, summaries.get(k), by_programme.get(k, [])) for k in keys]
        out.write(json.dumps(listed, indent=2) + "\n")
        return
    for key in keys:
        out.write(_as_text(key, summaries.get(key), by_programme.get(key, [])) + "\n")
    if not keys:
        out.write("No programme yet: the first message to the bot starts one.\n")


def _as_json(key: str, summary: Summary | None, installs: list[Install]) -> dict[str, Any]:
    return {
        "key": key,
        **({k: _plain(v) for k, v in asdict(summary).items() if k != "key"} if summary else {}),
        "slack_installs": [{k: _plain(v) for k, v in asdict(i).items()} for i in installs],
    }


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _as_text(key: str, summary: Summary | None, installs: list[Install]) -> str:
    lines = [key]
    if summary is None:
        lines.append("  nothing stored yet")
    else:
        channels = ", ".join(f"{n} {p}" for p, n in sorted(summary.channels.items())) or "none"
        last = f"{summary.last_idea_at:%Y-%m-%d %H:%M} UTC" if summary.last_idea_at else "never"
        lines += [
            f"  {summary.name}, since {summary.created_at:%Y-%m-%d}",
            f"  {plural(summary.ideas, 'idea')}, {plural(summary.votes, 'vote')}, "
            f"{plural(summary.people, 'person', 'people')}; channels: {channels}; "
            f"last idea: {last}",
        ]
    for install in installs:
        lines.append(f"  Slack: {_install_text(install)}")
    return "\n".join(lines)


def _install_text(install: Install) -> str:
    if install.org_wide:
        who = f"organisation {install.enterprise_name or ''} ({install.enterprise_id}), org-wide"
    else:
        who = f"workspace {install.team_name or ''} ({install.team_id})"
    return f"{who}, installed {install.installed_at:%Y-%m-%d}"


async def delete_programme(
    settings: Settings, key: str, confirmed: bool, out: TextIO = sys.stdout
) -> bool:
    """Delete the programme when `confirmed`; otherwise say what would go. True if deleted."""
    async with open_services(settings) as services:
        found = {s.key: s for s in await programmes.summaries(services.db)}
        if key not in found:
            raise UnknownProgramme(key)
        if not confirmed:
            summary = found[key]
            out.write(
                f"This deletes programme {key} ({plural(summary.ideas, 'idea')}, "
                f"{plural(summary.votes, 'vote')}, {plural(summary.people, 'person', 'people')}) "
                "and cannot be undone. "
                "Run it again with --confirm to delete it.\n"
            )
            return False
        deleted = await programmes.delete_programme(services.db, key)
    if deleted is None:  # another operator was quicker
        raise UnknownProgramme(key)
    out.write(
        f"Deleted programme {key}: {plural(deleted.ideas, 'idea')}, "
        f"{plural(deleted.votes, 'vote')}; {plural(deleted.people_removed, 'person', 'people')} "
        "who took part nowhere else removed.\n"
    )
    return True
