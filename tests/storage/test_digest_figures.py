"""A digest names exactly the ideas the plan's one ranking rule (`plan.rank`) would pick from
every idea: its SQL shortlists only the first few per theme, actor and newness, so check it on a
programme with ties, merges, hidden ideas and assigned and unassigned ideas in every theme."""

from __future__ import annotations

import random
from datetime import timedelta

from bot.core import digest as d
from bot.core.domain import Assignment, ConversationRef, NewIdea, Participant
from bot.core.plan import rank

ORGANISER = Participant("slack", "UORG", "Olive")
WHERE = ConversationRef("slack", "T1", "C1", "general")
IDEAS = 80


def numbers(ideas: object) -> list[int]:
    return [idea.number for idea in ideas]  # type: ignore[attr-defined]


async def test_the_digest_names_the_ideas_a_full_ranking_would(services, clock) -> None:
    ws, repo = services.engine.workshop, services.repo
    key = services.settings.programme_key
    await ws.ready(key)
    rng = random.Random(4)
    themes = [theme.key for theme in ws.playbook.themes[:2]]
    for n in range(1, IDEAS + 1):
        clock.advance(hours=2)
        author = Participant("slack", f"A{n}", f"Author {n}")
        await repo.add_idea(NewIdea(key, f"Idea {n}", rng.choice(themes), author, WHERE, None))
    since, until = clock.now() - timedelta(hours=50), clock.now() + timedelta(hours=1)
    voters = [Participant("slack", f"V{i}", f"Voter {i}") for i in range(10)]
    for n in range(1, IDEAS + 1):  # few distinct counts: many ties, broken by number
        for voter in rng.sample(voters, rng.choice([0, 1, 1, 2, 2, 3, 6])):
            await repo.vote(key, n, voter, WHERE, budget=1000)
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
        assert numbers(shown.top) == numbers(mine[: d.TOP_IDEAS])
        new = [idea for idea in mine if since <= idea.created_at < until]
        assert numbers(shown.newest) == numbers(new[: d.NEW_IDEAS])
        assert shown.new_ideas == len(new)
        for actor in ("individuals", "authority"):
            cell = [i for i in mine if i.assignment and i.assignment.actor_key == actor]
            assert numbers(shown.cells[actor]) == numbers(cell[: d.CELL_IDEAS])
            assert shown.cell_sizes[actor] == len(cell)
    waiting = [idea for idea in live if idea.assignment is None]
    assert numbers(figures.unassigned) == numbers(waiting[: d.UNASSIGNED_IDEAS])
    by_number = {idea.number: idea for idea in live}
    for named in figures.unassigned + tuple(i for t in figures.themes.values() for i in t.top):
        assert named.votes == by_number[named.number].votes
        assert dict(named.votes_by_audience) == by_number[named.number].votes_by_audience
    assert figures.merged == ((5, 2), (17, 14), (71, 68))
