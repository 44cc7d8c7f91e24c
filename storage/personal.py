"""A participant's personal data: what is stored of them, and forgetting them."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from bot.core import domain
from storage import erasure, plan_ranks, postings, tallies
from storage import models as m
from storage.database import as_utc as _utc
from storage.day_personal import erase_own, own_entries
from storage.store import EDITED, Store

log = logging.getLogger(__name__)


class SqlPersonalData(Store):
    """Implements `bot.core.ports.PersonalDataStore`."""

    def _person(self, conn: Connection, platform: str, user_id: str) -> Any:
        return conn.execute(
            select(m.Participant.id, m.Participant.display_name).where(
                m.Participant.platform == platform, m.Participant.user_id == user_id
            )
        ).first()

    async def personal_data(
        self, programme: str, platform: str, user_id: str
    ) -> domain.PersonalData | None:
        """Everything stored about one participant in the programme; None if we know nothing."""

        def tx(conn: Connection) -> domain.PersonalData | None:
            pid = self._programme_id(conn, programme)
            person = self._person(conn, platform, user_id)
            nudges = erasure.nudge_settings(conn, pid, f"{platform}:{user_id}")
            if person is None:  # never took part, but may have set how they are nudged
                if nudges is None:
                    return None
                return domain.PersonalData(
                    domain.Participant(platform, user_id), (), (), (), nudges=nudges
                )
            ideas = conn.execute(
                select(m.Idea.number, m.Idea.text, m.Idea.theme_key, m.Idea.created_at)
                .where(m.Idea.programme_id == pid, m.Idea.author_id == person.id)
                .order_by(m.Idea.number)
            )
            votes = conn.execute(
                select(m.Idea.number, m.Vote.cast_at, m.Vote.audience)
                .join(m.Idea, m.Idea.id == m.Vote.idea_id)
                .where(m.Idea.programme_id == pid, m.Vote.participant_id == person.id)
                .order_by(m.Vote.cast_at)
            )
            flags = conn.execute(
                select(m.Idea.number, m.Flag.reason, m.Flag.flagged_at)
                .join(m.Idea, m.Idea.id == m.Flag.idea_id)
                .where(m.Idea.programme_id == pid, m.Flag.participant_id == person.id)
                .order_by(m.Flag.id)
            )
            said = conn.execute(
                select(
                    m.Idea.number,
                    m.ActorProposal.actor_key,
                    m.ActorProposal.style_key,
                    m.ActorProposal.stage_key,
                    m.ActorProposal.proposed_at,
                )
                .join(m.Idea, m.Idea.id == m.ActorProposal.idea_id)
                .where(m.Idea.programme_id == pid, m.ActorProposal.participant_id == person.id)
                .order_by(m.Idea.number)
            )
            return domain.PersonalData(
                domain.Participant(platform, user_id, person.display_name),
                tuple(
                    {
                        "id": r.number,
                        "text": r.text,
                        "theme": r.theme_key,
                        "created_at": _utc(r.created_at).isoformat(),
                    }
                    for r in ideas
                ),
                tuple(
                    {
                        "idea": r.number,
                        "cast_at": _utc(r.cast_at).isoformat(),
                        "audience": r.audience,
                    }
                    for r in votes
                ),
                tuple(
                    {
                        "idea": r.number,
                        "reason": r.reason,
                        "flagged_at": _utc(r.flagged_at).isoformat(),
                    }
                    for r in flags
                ),
                own_entries(conn, pid, person.id),
                tuple(
                    {
                        "idea": r.number,
                        "actor": r.actor_key,
                        "style": r.style_key,
                        "stage": r.stage_key,
                        "proposed_at": _utc(r.proposed_at).isoformat(),
                    }
                    for r in said
                ),
                nudges,
            )

        return await self._read(tx)

    async def forget(
        self, programme: str, platform: str, user_id: str, by: domain.Participant, new_id: str
    ) -> domain.Forgotten | None:
        """Erase a participant within the programme: delete their ideas there, refund the votes
        those ideas had, keep their votes on others' ideas under the new, unlinkable `new_id`,
        erase their flags' reasons and end their organiser role there. Their platform id and name
        go from the participant row only once nothing of theirs is left in another programme.
        Then, on SQLite, empty the write-ahead log so that what was erased is in no file. None if
        nothing about them is stored in the programme."""

        def tx(conn: Connection) -> domain.Forgotten | None:
            pid = self._programme_id(conn, programme)
            person = self._person(conn, platform, user_id)
            done = self._forget_in(conn, pid, programme, platform, user_id, person, by, new_id)
            if done is not None:
                erasure.forget_if_gone(conn, person.id if person else None, platform, user_id)
            return done

        done = await self._write(tx)
        await self._forgotten(platform, user_id, erased=done is not None)
        return done

    async def forget_everywhere(
        self, platform: str, user_id: str, by: domain.Participant
    ) -> dict[str, domain.Forgotten]:
        """`forget` in every programme at once, each under its own random id, in one
        transaction; then nothing anywhere holds the person's platform id or name. What was done
        in each programme where something was stored, by programme key."""

        def tx(conn: Connection) -> dict[str, domain.Forgotten]:
            person = self._person(conn, platform, user_id)
            done = {}
            for pid, key in conn.execute(select(m.Programme.id, m.Programme.key)):
                new_id = erasure.unlinked_id()
                forgotten = self._forget_in(conn, pid, key, platform, user_id, person, by, new_id)
                if forgotten is not None:
                    done[key] = forgotten
            erasure.forget_if_gone(conn, person.id if person else None, platform, user_id)
            return done

        done = await self._write(tx)
        await self._forgotten(platform, user_id, erased=True)
        return done

    async def _forgotten(self, platform: str, user_id: str, erased: bool) -> None:
        """After an erasure: no cached id for the person, and on SQLite nothing in the log."""
        self._participants.pop(f"{platform}:{user_id}", None)
        if erased and not await self._runner.checkpoint():
            log.warning("erased data may stay in the write-ahead log until its next checkpoint")

    def _forget_in(
        self,
        conn: Connection,
        pid: int,
        programme: str,
        platform: str,
        user_id: str,
        person: Any,
        by: domain.Participant,
        new_id: str,
    ) -> domain.Forgotten | None:
        """One programme's part of forgetting; None when nothing of the person was in it."""
        old_key, new_key = f"{platform}:{user_id}", f"{platform}:{new_id}"
        done, touched = (
            self._erase(conn, pid, person.id, platform, new_id)
            if person is not None
            else (domain.Forgotten((), 0, 0, 0, 0), 0)
        )
        touched += erasure.rekey(conn, pid, old_key, new_key)
        touched += erasure.forget_platform_traces(conn, pid, programme, platform, user_id)
        touched += erasure.forget_nudges(conn, pid, old_key)
        if not touched:
            return None
        self._log(conn, pid, None, by.key if by.key != old_key else new_key, "person.forgotten")
        return done

    def _erase(
        self, conn: Connection, pid: int, person_id: int, platform: str, new_id: str
    ) -> tuple[domain.Forgotten, int]:
        """Delete the person's ideas and drafts in the programme, erase their flags' reasons
        there, and move what is left of them there to a new participant under `new_id`; and
        how many rows that touched."""
        own = conn.execute(
            select(
                m.Idea.id,
                m.Idea.number,
                m.Idea.theme_key,
                m.Idea.hidden,
                m.Idea.merged_into,
                m.Idea.actor_key,
                m.Idea.text,
            ).where(m.Idea.programme_id == pid, m.Idea.author_id == person_id)
        ).all()
        ids = [idea.id for idea in own]
        tallies.hold(conn, ids)
        before = tallies.of_ideas(conn, ids)
        removed = 0
        for idea in own:
            voters = list(
                conn.scalars(select(m.Vote.participant_id).where(m.Vote.idea_id == idea.id))
            )
            if not idea.hidden:  # a hidden idea's voters were refunded when it was hidden
                self._refund(conn, pid, voters, idea.theme_key)
            removed += len(voters)
        if ids:
            # Ideas merged into a deleted one stand alone again (their votes had moved).
            alone = conn.scalars(
                update(m.Idea)
                .where(m.Idea.merged_into.in_(ids))
                .values(merged_into=None)
                .returning(m.Idea.id)
            ).all()
            conn.execute(delete(m.Vote).where(m.Vote.idea_id.in_(ids)))
            # The ideas go too: all they added to the tallies and the activity counts comes off.
            tallies.apply(conn, self._dialect, tallies.Tallies() - before)
            conn.execute(delete(m.Flag).where(m.Flag.idea_id.in_(ids)))
            conn.execute(delete(m.ActionNote).where(m.ActionNote.idea_id.in_(ids)))
            plan_ranks.follow(conn, self._dialect, alone, leaving=ids)
            conn.execute(delete(m.Idea).where(m.Idea.id.in_(ids)))
            postings.lock(conn, pid)
            for idea in own:
                postings.unpost(conn, pid, idea.id, postings.keys(idea.text))
            # Their earlier texts, kept in the history of edits, go with them.
            numbers = [idea.number for idea in own]
            conn.execute(
                delete(m.History).where(
                    m.History.programme_id == pid,
                    m.History.idea_number.in_(numbers),
                    m.History.action == EDITED,
                )
            )
        drafts = conn.execute(
            delete(m.Draft).where(m.Draft.programme_id == pid, m.Draft.author_id == person_id)
        )
        erased = conn.execute(
            update(m.Flag)
            .where(m.Flag.participant_id == person_id, erasure.in_programme(m.Flag.idea_id, pid))
            .values(reason=None)
        )
        contributions, day_rows = erase_own(conn, pid, person_id)
        kept = conn.scalar(
            select(func.count())
            .select_from(m.Vote)
            .where(m.Vote.participant_id == person_id, erasure.in_programme(m.Vote.idea_id, pid))
        )
        moved = erasure.move_participant(conn, person_id, pid, platform, new_id)
        forgotten = domain.Forgotten(
            deleted=tuple(sorted(idea.number for idea in own)),
            merged_or_assigned=sum(
                1 for i in own if i.merged_into is not None or i.actor_key is not None
            ),
            votes_removed=removed,
            votes_kept=int(kept or 0),
            flags_erased=int(erased.rowcount or 0),
            contributions_deleted=contributions,
        )
        return forgotten, len(own) + (drafts.rowcount or 0) + moved + day_rows
