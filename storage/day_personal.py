"""A participant's part in the day's steps, for `my data` and `forget` (`storage.personal`)."""

from __future__ import annotations

from sqlalchemy import Connection, delete, select, update

from bot.core.agenda import Kind
from storage import models as m
from storage.database import as_utc as _utc


def own_entries(conn: Connection, pid: int, person_id: int) -> tuple[dict[str, object], ...]:
    """What the person wrote (hopes, risks, challenges), backed and reacted in the programme."""
    written = conn.execute(
        select(
            m.Contribution.kind,
            m.Contribution.number,
            m.Contribution.text,
            m.Contribution.theme_key,
            m.Contribution.created_at,
        )
        .where(m.Contribution.programme_id == pid, m.Contribution.participant_id == person_id)
        .order_by(m.Contribution.created_at, m.Contribution.id)
    )
    backed = conn.execute(
        select(m.Contribution.kind, m.Contribution.number, m.Backing.backed_at)
        .join(m.Contribution, m.Contribution.id == m.Backing.contribution_id)
        .where(m.Backing.programme_id == pid, m.Backing.participant_id == person_id)
        .order_by(m.Backing.backed_at, m.Contribution.id)
    )
    reacted = conn.execute(
        select(
            m.EvidenceReaction.evidence_key,
            m.EvidenceReaction.reaction,
            m.EvidenceReaction.comment,
            m.EvidenceReaction.reacted_at,
        )
        .where(
            m.EvidenceReaction.programme_id == pid,
            m.EvidenceReaction.participant_id == person_id,
        )
        .order_by(m.EvidenceReaction.reacted_at, m.EvidenceReaction.evidence_key)
    )
    return (
        *(
            {
                "kind": r.kind,
                "id": f"{Kind(r.kind).prefix}{r.number}",
                "text": r.text,
                "theme": r.theme_key,
                "at": _utc(r.created_at).isoformat(),
            }
            for r in written
        ),
        *(
            {
                "kind": "backing",
                "of": f"{Kind(r.kind).prefix}{r.number}",
                "at": _utc(r.backed_at).isoformat(),
            }
            for r in backed
        ),
        *(
            {
                "kind": "reaction",
                "evidence": r.evidence_key,
                "reaction": r.reaction,
                "comment": r.comment,
                "at": _utc(r.reacted_at).isoformat(),
            }
            for r in reacted
        ),
    )


def erase_own(conn: Connection, pid: int, person_id: int) -> tuple[int, int]:
    """Delete what the person wrote in the programme — a challenge already promoted to a prompt
    stays, as the programme's own — and erase their evidence comments; their backings and
    reactions stay, moved with the rest to the forgotten participant. (deleted, rows touched)"""
    mine = select(m.Contribution.id).where(
        m.Contribution.programme_id == pid,
        m.Contribution.participant_id == person_id,
        m.Contribution.promoted_at.is_(None),
    )
    conn.execute(delete(m.Backing).where(m.Backing.contribution_id.in_(mine)))
    deleted = conn.execute(delete(m.Contribution).where(m.Contribution.id.in_(mine)))
    comments = conn.execute(
        update(m.EvidenceReaction)
        .where(
            m.EvidenceReaction.programme_id == pid,
            m.EvidenceReaction.participant_id == person_id,
            m.EvidenceReaction.comment.is_not(None),
        )
        .values(comment=None)
    )
    count = deleted.rowcount or 0
    return count, count + (comments.rowcount or 0)
