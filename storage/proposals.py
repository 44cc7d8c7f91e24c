"""Participants' actor proposals: one per person per idea, replaced in place by a later one."""

from __future__ import annotations

from sqlalchemy import Connection, select

from bot.core import domain
from storage import models as m
from storage.store import Store


class SqlProposals(Store):
    """Implements `bot.core.ports.ProposalStore`."""

    async def propose(
        self,
        programme: str,
        number: int,
        who: domain.Participant,
        where: domain.ConversationRef,
        assignment: domain.Assignment,
    ) -> domain.ProposalResult:
        def tx(conn: Connection) -> domain.ProposalResult:
            pid = self._programme_id(conn, programme)
            # Shared: a merge or hide of the idea (which lock it for update) finishes first.
            row = conn.execute(
                select(m.Idea.id, m.Idea.merged_into, m.Idea.hidden)
                .where(m.Idea.programme_id == pid, m.Idea.number == number)
                .with_for_update(read=True)
            ).first()
            if row is None:
                return domain.ProposalResult(domain.ProposalOutcome.NO_SUCH_IDEA)
            if row.merged_into is not None or row.hidden:
                outcome = (
                    domain.ProposalOutcome.MERGED
                    if row.merged_into is not None
                    else domain.ProposalOutcome.HIDDEN
                )
                return domain.ProposalResult(outcome, self._one_idea(conn, pid, number))
            person = self._participant_id(conn, who)
            before = conn.execute(
                select(
                    m.ActorProposal.actor_key, m.ActorProposal.style_key, m.ActorProposal.stage_key
                )
                .where(m.ActorProposal.idea_id == row.id, m.ActorProposal.participant_id == person)
                .with_for_update()
            ).first()
            earlier = domain.Assignment(*before) if before else None
            if earlier == assignment:
                return domain.ProposalResult(
                    domain.ProposalOutcome.SAME, self._one_idea(conn, pid, number), earlier
                )
            _, _, audience = self._channel_row(conn, pid, where)
            said = {
                "actor_key": assignment.actor_key,
                "style_key": assignment.style_key,
                "stage_key": assignment.stage_key,
                "audience": audience,
                "proposed_at": self._clock.now(),
            }
            stmt = self._insert(m.ActorProposal).values(
                idea_id=row.id, participant_id=person, **said
            )
            conn.execute(
                stmt.on_conflict_do_update(index_elements=["idea_id", "participant_id"], set_=said)
            )
            self._log(
                conn,
                pid,
                number,
                who.key,
                "actor.proposed",
                actor=assignment.actor_key,
                style=assignment.style_key,
                stage=assignment.stage_key,
            )
            outcome = (
                domain.ProposalOutcome.REPLACED if earlier else domain.ProposalOutcome.PROPOSED
            )
            return domain.ProposalResult(outcome, self._one_idea(conn, pid, number), earlier)

        return await self._write(tx)

    async def proposal_of(
        self, programme: str, number: int, who: domain.Participant
    ) -> domain.Assignment | None:
        def tx(conn: Connection) -> domain.Assignment | None:
            pid = self._programme_id(conn, programme)
            row = conn.execute(
                select(
                    m.ActorProposal.actor_key, m.ActorProposal.style_key, m.ActorProposal.stage_key
                )
                .join(m.Idea, m.Idea.id == m.ActorProposal.idea_id)
                .join(m.Participant, m.Participant.id == m.ActorProposal.participant_id)
                .where(
                    m.Idea.programme_id == pid,
                    m.Idea.number == number,
                    m.Participant.platform == who.platform,
                    m.Participant.user_id == who.user_id,
                )
            ).first()
            return domain.Assignment(*row) if row else None

        return await self._read(tx)
