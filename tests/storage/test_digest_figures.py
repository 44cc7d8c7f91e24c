"""A digest names exactly the ideas the plan would: the period's new ideas by the one ranking rule
(`plan.rank`) and the ideas backed across audiences by the one measure; its SQL reads only the
period's ideas and a shortlist by counts, so check it on a programme with ties, merges, hidden
ideas, assigned and unassigned ideas and two audiences in every theme."""

from __future__ import annotations

import random
from datetime import timedelta

from bot.core import digest as d
from bot.core.domain import Assignment, ConversationRef, NewIdea, Participant
from bot.core.plan import rank
from bot.core.usecases.planning import action_plan

ORGANISER = Participant("slack", "UORG", "Olive")
WHERE = ConversationRef("slack", "T1", "C1", "general")
ELSEWHERE = ConversationRef("slack", "T1", "C2", "firms")
IDEAS = 80


def numbers(ideas: object) -> list[int]:
    return [idea.number for idea in ideas]  # type: ignore[attr-defined]


async def test_the_digest_names_the_ideas_a_full_ranking_would(services, clock) -> None:
    ws, repo = services.engine.workshop, services.repo
    key = services.settings.programme_key
    await ws.ready(key)
    await repo.set_channel_audience(key, ELSEWHERE, "business", ORGANISER)
    rng = random.Random(4)
    themes = [theme.key for theme in ws.playbook.themes[:2]]
    for n in range(1, IDEAS + 1):
        clock.advance(hours=2)
        author = Participant("slack", f"A{n}", f"Author {n}")
        await repo.add_idea(NewIdea(key, f"Idea {n}", rng.choice(themes), author, WHERE, None))
    since, until = clock.now() - timedelta(hours=50), clock.now() + timedelta(hours=1)
    voters = [Participant("slack", f"V{i}", f"Voter {i}") for i in range(10)]
    for n in range(1, IDEAS + 1):  # few distinct counts: many ties, broken by number
        for v, voter in enumerate(rng.sample(voters, rng.choice([0, 1, 1, 2, 2, 3, 6, 9]))):
            await repo.vote(key, n, voter, WHERE if v % 3 else ELSEWHERE, budget=1000)
    actors = [Assignment("individuals"), Assignment("authority", "funder", "scaling")]
    for n in rng.sample(range(1, IDEAS + 1), IDEAS // 3):
        await repo.assign(key, n, rng.choice(actors), ORGANISER)
    for source in (5, 17, 71):
        await repo.merge(key, source, source - 3, ORGANISER)
    for n in (9, 76):
        await repo.set_hidden(key, n, True, ORGANISER, budget=1000)

    figures = await repo.digest_figures(key, since, until)

    live = rank(i for i in await repo.ideas(key) if i.merged_into is None and not i.hidden)
    for theme in themes:
        mine = [idea for idea in live if idea.theme_key == theme]
        shown = figures.themes[theme]
        new = [idea for idea in mine if since <= idea.created_at < until]
        assert numbers(shown.newest) == numbers(new[: d.NEW_IDEAS])
        assert shown.new_ideas == len(new) and shown.ideas == len(mine)
        assert shown.actions == sum(1 for i in mine if i.assignment)
    plan = await action_plan(ws, key)
    backed = sorted(
        ((tp.consensus(i) or 0.0, i) for tp in plan.themes for i in tp.broadly_backed(None)),
        key=lambda found: (-found[0], -found[1].votes, found[1].number),
    )
    assert backed, "the programme should have ideas backed across audiences"
    assert [b.idea.number for b in figures.backed] == [i.number for _, i in backed][
        : d.BACKED_IDEAS
    ]
    by_number = {idea.number: idea for idea in live}
    for named in [b.idea for b in figures.backed] + [
        i for t in figures.themes.values() for i in t.newest
    ]:
        assert named.votes == by_number[named.number].votes
        assert dict(named.votes_by_audience) == by_number[named.number].votes_by_audience
    merges = [(x.number, x.into) for x in figures.decisions if x.kind is d.Decided.MERGED]
    assert merges == [(5, 2), (17, 14), (71, 68)]
