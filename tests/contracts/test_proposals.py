"""The ProposalStore contract: one proposal per person per idea (a later one replaces it),
tallied by what was proposed, counted for the channel's audience, refused for merged and
hidden ideas, in the history."""

from __future__ import annotations

from bot.core.domain import Assignment, Proposal, ProposalOutcome
from tests.conftest import in_channel, person
from tests.contracts.conftest import PROGRAMME
from tests.contracts.helpers import add

ADA, BO, CY, OLIVE = person("ada"), person("bo"), person("cy"), person("olive")
AUTHORITY = Assignment("authority", "funder", "scaling")
ORGS = Assignment("organisations")


async def test_one_proposal_per_person_per_idea_tallied_most_first(store) -> None:
    await add(store, "Trams")
    first = await store.propose(PROGRAMME, 1, ADA, in_channel(), ORGS)
    assert (first.outcome, first.earlier) == (ProposalOutcome.PROPOSED, None)
    await store.propose(PROGRAMME, 1, BO, in_channel(), AUTHORITY)
    await store.propose(PROGRAMME, 1, CY, in_channel(), AUTHORITY)
    changed = await store.propose(PROGRAMME, 1, ADA, in_channel(), AUTHORITY)
    assert (changed.outcome, changed.earlier) == (ProposalOutcome.REPLACED, ORGS)
    assert changed.idea is not None and changed.idea.proposals == (Proposal(AUTHORITY, 3),)
    same = await store.propose(PROGRAMME, 1, ADA, in_channel(), AUTHORITY)
    assert (same.outcome, same.earlier) == (ProposalOutcome.SAME, AUTHORITY)
    await store.propose(PROGRAMME, 1, BO, in_channel(), ORGS)
    idea = await store.idea(PROGRAMME, 1)
    assert idea is not None and idea.proposals == (Proposal(AUTHORITY, 2), Proposal(ORGS, 1))
    assert await store.proposal_of(PROGRAMME, 1, BO) == ORGS
    assert await store.proposal_of(PROGRAMME, 1, OLIVE) is None
    entries = [(e.who, e.action, e.detail) for e in await store.history(PROGRAMME, 1)]
    assert entries[1] == (
        ADA.key,
        "actor.proposed",
        {"actor": "organisations", "style": None, "stage": None},
    )
    assert len(entries) == 1 + 5  # SAME recorded nothing


async def test_equal_tallies_keep_the_first_proposed_first(store) -> None:
    await add(store, "Trams")
    await store.propose(PROGRAMME, 1, ADA, in_channel(), ORGS)
    await store.propose(PROGRAMME, 1, BO, in_channel(), AUTHORITY)
    idea = await store.idea(PROGRAMME, 1)
    assert idea is not None and idea.proposals == (Proposal(ORGS, 1), Proposal(AUTHORITY, 1))


async def test_merged_hidden_and_missing_ideas_take_no_proposals(store) -> None:
    await add(store, "a")
    await add(store, "b")
    await add(store, "c")
    await store.merge(PROGRAMME, 2, 1, OLIVE)
    await store.set_hidden(PROGRAMME, 3, True, OLIVE, 3)
    merged = await store.propose(PROGRAMME, 2, ADA, in_channel(), ORGS)
    assert merged.outcome is ProposalOutcome.MERGED
    hidden = await store.propose(PROGRAMME, 3, ADA, in_channel(), ORGS)
    assert hidden.outcome is ProposalOutcome.HIDDEN
    missing = await store.propose(PROGRAMME, 9, ADA, in_channel(), ORGS)
    assert missing.outcome is ProposalOutcome.NO_SUCH_IDEA
    for number in (2, 3):
        idea = await store.idea(PROGRAMME, number)
        assert idea is not None and idea.proposals == ()
