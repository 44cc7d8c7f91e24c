"""Forgetting a person within one programme: every row of the programme that points at them,
every column and history entry that names them by key, the Teams references and Slack
installations that name them; and, once nothing of theirs is left in any programme, the
participant row that held their platform id and name."""

from __future__ import annotations

import json
import secrets
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Text,
    cast,
    delete,
    exists,
    insert,
    or_,
    select,
    true,
    update,
)

from bot.core import domain
from storage import day_tables as d
from storage import models as m
from storage import nudge_tables as t

SLACK = "slack"  # the platform whose installations slack_sdk keeps in our database
SLACK_PROGRAMME = "slack-"  # a Slack workspace's (or org-wide install's) programme key prefix

# Columns that name a person as `platform:user_id` (who did what, who added whom).
PERSON_KEYS: tuple[Any, ...] = (
    m.History.who,
    m.Organiser.added_by,
    m.ThemePhase.changed_by,
    m.ActionNote.author,
    m.DigestSubscription.created_by,
    d.ProgrammeDay.synthesis_by,
    t.PhaseSchedule.by_key,
    t.NudgeSchedule.created_by,
    t.NudgeMute.muted_by,
    t.FollowUpAsk.owner_key,
    m.Idea.owner,  # an action's owner, when named by platform id (`owner "slack:U123"`)
)

# Every column that points at a participant row, read from the schema so none is missed.
PARTICIPANT_REFERENCES: tuple[Any, ...] = tuple(
    key.parent
    for table in m.Base.metadata.sorted_tables
    for key in table.foreign_keys
    if key.column is m.Participant.__table__.c.id
)


def unlinked_id() -> str:
    """A random user id: nothing, not even a hash, ties it to the platform id it replaces."""
    return f"forgotten-{secrets.token_hex(12)}"


def in_programme(column: Any, pid: int) -> Any:
    """The condition that a row of `column`'s table belongs to programme `pid`: every table
    that names a person belongs to one, directly or through an idea (a new table that does
    neither fails here, so that erasure is decided for it rather than missed)."""
    table = column.table
    if "programme_id" in table.c:
        return table.c.programme_id == pid
    if "idea_id" in table.c:
        return table.c.idea_id.in_(select(m.Idea.id).where(m.Idea.programme_id == pid))
    raise LookupError(f"{table.name} belongs to no programme: decide how it is forgotten")


def move_participant(conn: Connection, old_id: int, pid: int, platform: str, new_id: str) -> int:
    """Point the person's rows in programme `pid` at a new participant, "Forgotten participant"
    under `new_id`; returns how many rows moved (none: no new participant is kept)."""
    anonymous = conn.scalar(
        insert(m.Participant)
        .values(platform=platform, user_id=new_id, display_name=domain.FORGOTTEN)
        .returning(m.Participant.id)
    )
    moved = _repoint(conn, PARTICIPANT_REFERENCES, old_id, anonymous, pid)
    if not moved:
        conn.execute(delete(m.Participant).where(m.Participant.id == anonymous))
    return moved


def _repoint(conn: Connection, columns: tuple[Any, ...], old: Any, new: Any, pid: int) -> int:
    """Set every one of `columns` that holds `old` in programme `pid` to `new`; returns how many
    rows changed."""
    changed = 0
    for column in columns:
        held = update(column.table).where(column == old, in_programme(column, pid))
        done = conn.execute(held.values({column: new}))
        changed += done.rowcount or 0
    return changed


def rekey(conn: Connection, pid: int, old_key: str, new_key: str) -> int:
    """Replace a person's `platform:user_id` wherever a column or a history entry's detail holds
    it in programme `pid`, and end their organiser role there; returns how many rows changed."""
    changed = _repoint(conn, PERSON_KEYS, old_key, new_key, pid)
    roles = conn.execute(
        delete(m.Organiser).where(m.Organiser.programme_id == pid, m.Organiser.user_key == old_key)
    )
    changed += roles.rowcount or 0
    mentions = _mentioning(
        conn, m.History.id, m.History.detail, old_key, m.History.programme_id == pid
    )
    for row in mentions:
        detail = {k: new_key if v == old_key else v for k, v in dict(row.document).items()}
        conn.execute(update(m.History).where(m.History.id == row.id).values(detail=detail))
        changed += 1
    return changed


def forget_platform_traces(
    conn: Connection, pid: int, programme: str, platform: str, user_id: str
) -> int:
    """A Teams conversation reference keeps who spoke when it was saved, and a Slack
    installation who installed the app; neither is needed to reach the conversation or the
    workspace again. Forgets both in programme `pid` (`programme` is its key); returns how many
    rows changed."""
    changed = 0
    references = _mentioning(
        conn,
        m.Channel.id,
        m.Channel.reference,
        user_id,
        m.Channel.platform == platform,
        m.Channel.programme_id == pid,
    )
    for row in references:
        reference = dict(row.document)
        speaker = reference.get("user")
        if isinstance(speaker, dict) and speaker.get("id") == user_id:
            del reference["user"]
            conn.execute(
                update(m.Channel).where(m.Channel.id == row.id).values(reference=reference)
            )
            changed += 1
    if platform == SLACK:
        changed += _forget_installer(conn, user_id, _installations_of(pid, programme))
    return changed


def nudge_settings(conn: Connection, pid: int, person_key: str) -> dict[str, bool] | None:
    """The person's own nudge settings in programme `pid` (`my data`); None if never set."""
    row = conn.execute(
        select(t.NudgePerson).where(
            t.NudgePerson.programme_id == pid, t.NudgePerson.person_key == person_key
        )
    ).first()
    if row is None:
        return None
    return {
        "muted": row.muted_at is not None,
        "notified": row.notified_at is not None,
        "personal": row.personal_channel_id is not None,
    }


def forget_nudges(conn: Connection, pid: int, person_key: str) -> int:
    """The person's nudge settings, the reference of their 1:1 chat with the bot, and the
    direct nudges queued or sent to them in programme `pid`; returns how many rows changed."""
    changed = 0
    personal = conn.scalar(
        select(t.NudgePerson.personal_channel_id).where(
            t.NudgePerson.programme_id == pid, t.NudgePerson.person_key == person_key
        )
    )
    if personal is not None:
        gone = conn.execute(
            update(m.Channel).where(m.Channel.id == personal).values(reference=None)
        )
        changed += gone.rowcount or 0
    for table, column in ((t.NudgePerson, t.NudgePerson.person_key), (t.Nudge, t.Nudge.person_key)):
        done = conn.execute(delete(table).where(table.programme_id == pid, column == person_key))
        changed += done.rowcount or 0
    return changed


def forget_if_gone(conn: Connection, person_id: int | None, platform: str, user_id: str) -> bool:
    """Once nothing of the person is left in any programme, their participant row loses their
    platform id and name, and no Slack installation remembers them as its installer. True if
    that happened.

    The row itself stays, under another random id, because a process may still cache its id
    (the repository's PARTICIPANT_CACHE): what such a process records next for the returning
    person lands on an empty row, never on the forgotten one and never under their platform id."""
    key = f"{platform}:{user_id}"
    if person_id is not None and _referenced(conn, person_id):
        return False
    named = [select(column).where(column == key) for column in PERSON_KEYS]
    named.append(select(m.Organiser.user_key).where(m.Organiser.user_key == key))
    if any(conn.scalar(select(exists(query))) for query in named):
        return False
    if _mentioning(conn, m.History.id, m.History.detail, key):
        return False
    if any(
        isinstance(row.document.get("user"), dict) and row.document["user"].get("id") == user_id
        for row in _mentioning(
            conn, m.Channel.id, m.Channel.reference, user_id, m.Channel.platform == platform
        )
    ):
        return False
    if person_id is not None:
        conn.execute(
            update(m.Participant)
            .where(m.Participant.id == person_id)
            .values(user_id=unlinked_id(), display_name="")
        )
    if platform == SLACK:
        _forget_installer(conn, user_id, true())
    return True


def _referenced(conn: Connection, person_id: int) -> bool:
    return any(
        conn.scalar(select(exists(select(column).where(column == person_id))))
        for column in PARTICIPANT_REFERENCES
    )


def _installations_of(pid: int, programme: str) -> Any:
    """A programme's Slack installations: those of the workspaces its channels are in, and the
    one its key names (`slack-<team>`, or `slack-<enterprise>` for an org-wide install)."""
    installs = m.SLACK_INSTALLATIONS
    workspaces = select(m.Channel.workspace_id).where(
        m.Channel.programme_id == pid, m.Channel.platform == SLACK
    )
    mine: list[ColumnElement[bool]] = [installs.c.team_id.in_(workspaces)]
    if programme.startswith(SLACK_PROGRAMME):
        named = programme.removeprefix(SLACK_PROGRAMME)
        mine += [installs.c.team_id == named, installs.c.enterprise_id == named]
    return or_(*mine)


def _forget_installer(conn: Connection, user_id: str, where: Any) -> int:
    installs = m.SLACK_INSTALLATIONS
    done = conn.execute(
        update(installs).where(installs.c.user_id == user_id, where).values(user_id="")
    )
    return done.rowcount or 0


def _mentioning(conn: Connection, key: Any, document: Any, text: str, *where: Any) -> list[Any]:
    """Rows whose JSON `document` contains `text` somewhere (as JSON writes it): a LIKE narrows
    the search to the few rows worth reading."""
    needle = json.dumps(text)[1:-1]
    return list(
        conn.execute(
            select(key.label("id"), document.label("document")).where(
                cast(document, Text).contains(needle, autoescape=True), *where
            )
        )
    )
