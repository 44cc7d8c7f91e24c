"""Forgetting a person beyond their own rows: every row that points at them, every column and
history entry that names them by key, the Teams references and Slack installations that name
them, and the participant row that held their platform id."""

from __future__ import annotations

import json
import secrets
from typing import Any

from sqlalchemy import Connection, Text, cast, delete, insert, select, update

from bot.core import domain
from storage import models as m

SLACK = "slack"  # the platform whose installations slack_sdk keeps in our database

# Columns that name a person as `platform:user_id` (who did what, who added whom).
PERSON_KEYS: tuple[Any, ...] = (
    m.History.who,
    m.Organiser.added_by,
    m.ThemePhase.changed_by,
    m.ActionNote.author,
    m.DigestSubscription.created_by,
)

# Every column that points at a participant row, read from the schema so none is missed.
PARTICIPANT_REFERENCES: tuple[Any, ...] = tuple(
    key.parent
    for table in m.Base.metadata.sorted_tables
    for key in table.foreign_keys
    if key.column is m.Participant.__table__.c.id
)


def _unlinked_id() -> str:
    """A random user id: nothing, not even a hash, ties it to the platform id it replaces."""
    return f"forgotten-{secrets.token_hex(12)}"


def move_participant(conn: Connection, old_id: int, platform: str, new_id: str) -> None:
    """Point everything left of a participant at a new row, "Forgotten participant" under
    `new_id`, and strip the old row of its platform id and name.

    The old row itself stays, under another random id, because a process may still cache its id
    (the repository's PARTICIPANT_CACHE): what such a process records next for the returning
    person lands on an empty row, never on the forgotten one and never under their platform id."""
    anonymous = conn.scalar(
        insert(m.Participant)
        .values(platform=platform, user_id=new_id, display_name=domain.FORGOTTEN)
        .returning(m.Participant.id)
    )
    for column in PARTICIPANT_REFERENCES:
        conn.execute(update(column.table).where(column == old_id).values({column: anonymous}))
    conn.execute(
        update(m.Participant)
        .where(m.Participant.id == old_id)
        .values(user_id=_unlinked_id(), display_name="")
    )


def rekey(conn: Connection, old_key: str, new_key: str) -> int:
    """Replace a person's `platform:user_id` wherever a column or a history entry's detail holds
    it, and end their organiser role; returns how many rows changed."""
    changed = 0
    for column in PERSON_KEYS:
        done = conn.execute(update(column.table).where(column == old_key).values({column: new_key}))
        changed += done.rowcount or 0
    roles = conn.execute(delete(m.Organiser).where(m.Organiser.user_key == old_key))
    changed += roles.rowcount or 0
    for row in _mentioning(conn, m.History.id, m.History.detail, old_key):
        detail = {k: new_key if v == old_key else v for k, v in dict(row.document).items()}
        conn.execute(update(m.History).where(m.History.id == row.id).values(detail=detail))
        changed += 1
    return changed


def forget_platform_traces(conn: Connection, platform: str, user_id: str) -> int:
    """A Teams conversation reference keeps who spoke when it was saved, and a Slack
    installation who installed the app; neither is needed to reach the conversation or the
    workspace again. Returns how many rows changed."""
    changed = 0
    references = _mentioning(
        conn, m.Channel.id, m.Channel.reference, user_id, m.Channel.platform == platform
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
        installs = m.SLACK_INSTALLATIONS
        done = conn.execute(
            update(installs).where(installs.c.user_id == user_id).values(user_id="")
        )
        changed += done.rowcount or 0
    return changed


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
