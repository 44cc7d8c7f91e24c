"""Actor proposals, in memory (`storage.proposals`): one per person per idea."""

from __future__ import annotations

from bot.core import domain
from tests.fakes.memory import Memory, ProposalRow


class MemoryProposals(Memory):
    """Implements `bot.core.ports.ProposalStore`."""

    async def propose(
        self,
        programme: str,
        number: int,
        who: domain.Participant,
        where: domain.ConversationRef,
        assignment: domain.Assignment,
    ) -> domain.ProposalResult:
        row = self._idea_row(programme, number)
        if row is None:
            return domain.ProposalResult(domain.ProposalOutcome.NO_SUCH_IDEA)
        if row.merged_into is not None:
            return domain.ProposalResult(domain.ProposalOutcome.MERGED, self._idea(row))
        if row.hidden:
            return domain.ProposalResult(domain.ProposalOutcome.HIDDEN, self._idea(row))
        person = self._person(who)
        before = self._proposals.get((row.id, person))
        earlier = before.said if before else None
        if earlier == assignment:
            return domain.ProposalResult(domain.ProposalOutcome.SAME, self._idea(row), earlier)
        audience = self._channel(programme, where).audience
        seq = before.seq if before else self._next_id()
        now = self._clock.now()
        self._proposals[(row.id, person)] = ProposalRow(assignment, audience, now, seq)
        self._log(
            programme,
            number,
            who.key,
            "actor.proposed",
            actor=assignment.actor_key,
            style=assignment.style_key,
            stage=assignment.stage_key,
        )
        outcome = domain.ProposalOutcome.REPLACED if earlier else domain.ProposalOutcome.PROPOSED
        return domain.ProposalResult(outcome, self._idea(row), earlier)

    async def proposal_of(
        self, programme: str, number: int, who: domain.Participant
    ) -> domain.Assignment | None:
        row = self._idea_row(programme, number)
        known = self._people.get((who.platform, who.user_id))
        if row is None or known is None:
            return None
        found = self._proposals.get((row.id, known[0]))
        return found.said if found else None
