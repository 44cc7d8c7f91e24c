"""A participant's part in the day's steps, for `my data` and `forget` (`storage.personal`)."""

from __future__ import annotations

from sqlalchemy import Connection, delete, select, update

from bot.core.agenda import Kind
from storage import day_tables as d
from storage.database import as_utc as _utc


def own_entries(conn: Connection, pid: int, person_id: int) -> tuple[dict[str, object], ...]:
    """What the person wrote (hopes, risks, challenges), backed and reacted in the programme."""
    written = conn.execute(
        select(
            d.Contribution.kind,
            d.Contribution.number,
            d.Contribution.text,
            d.Contribution.theme_key,
            d.Contribution.created_at,
        )
        .where(d.Contribution.programme_id == pid, d.Contribution.participant_id == person_id)
        .order_by(d.Contribution.created_at, d.Contribution.id)
    )
    backed = conn.execute(
        select(d.Contribution.kind, d.Contribution.number, d.Backing.backed_at)
        .join(d.Contribution, d.Contribution.id == d.Backing.contribution_id)
        .where(d.Backing.programme_id == pid, d.Backing.participant_id == person_id)
        .order_by(d.Backing.backed_at, d.Contribution.id)
    )
    reacted = conn.execute(
        select(
            d.EvidenceReaction.evidence_key,
            d.EvidenceReaction.reaction,
            d.EvidenceReaction.comment,
            d.EvidenceReaction.reacted_at,
        )
        .where(
            d.EvidenceReaction.programme_id == pid,
            d.EvidenceReaction.participant_id == person_id,
        )
        .order_by(d.EvidenceReaction.reacted_at, d.EvidenceReaction.evidence_key)
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
    mine = select(d.Contribution.id).where(
        d.Contribution.programme_id == pid,
        d.Contribution.participant_id == person_id,
        d.Contribution.promoted_at.is_(None),
    )
    conn.execute(delete(d.Backing).where(d.Backing.contribution_id.in_(mine)))
    deleted = conn.execute(delete(d.Contribution).where(d.Contribution.id.in_(mine)))
    comments = conn.execute(
        update(d.EvidenceReaction)
        .where(
            d.EvidenceReaction.programme_id == pid,
            d.EvidenceReaction.participant_id == person_id,
            d.EvidenceReaction.comment.is_not(None),
        )
        .values(comment=None)
    )
    count = deleted.rowcount or 0
    return count, count + (comments.rowcount or 0)
