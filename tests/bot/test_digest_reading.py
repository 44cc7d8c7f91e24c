"""A digest people read to the end: a typical week of twenty ideas in about 300 words, a quiet
week in two lines, and a very busy week still within Slack's and Teams' limits with nothing cut;
each built through the engine and rendered by each platform's codec."""

from __future__ import annotations

import json
import random

from bot.core.domain import ConversationRef, Participant
from bot.core.interaction import Card, Command, Context, Link
from bot.core.usecases import digests
from handlers.slack import codec as slack
from handlers.teams import codec as teams

ORGANISER = Participant("slack", "UORG", "Olive")
CHANNELS = {
    "community": ConversationRef("slack", "T1", "town", "town"),
    "business": ConversationRef("teams", "tenant", "biz", "biz"),
    "authority": ConversationRef("slack", "T1", "weca", "weca"),
}
THEMES = ("inclusive", "environment", "fostering", "infra")
WORDS = [
    "community",
    "energy",
    "hubs",
    "apprenticeships",
    "buses",
    "rural",
    "broadband",
    "libraries",
    "skills",
    "mentoring",
    "housing",
    "retrofit",
    "cycle",
    "lanes",
    "start-ups",
    "makerspaces",
    "clinics",
    "procurement",
    "carers",
    "schools",
    "evening",
    "courses",
    "co-operatives",
    "markets",
    "parks",
    "data",
    "sharing",
    "grants",
    "universities",
]


async def say(services, who: Participant, where: ConversationRef, text: str) -> None:
    await services.engine.handle(Context(who, where), Command(text))


def idea_text(rng: random.Random, words: int, unique: bool = False) -> str:
    """Plain words for a typical week; for a long week, words made unique (as many long ideas
    are not near-duplicates of each other)."""
    chosen = (
        rng.choice(WORDS) + (str(rng.randrange(10**6)) if unique else "") for _ in range(words)
    )
    return "Open " + " ".join(chosen) + f" {rng.random():.6f}"


async def week(services, clock, ideas: int, words: int, decisions: int, merges: int) -> Card:
    """A week of `ideas` ideas (each `words` words long) from three audiences, votes from a
    dozen people, `decisions` assignments with a status and a note each, and `merges` merges;
    then the digest of that week."""
    rng = random.Random(ideas)
    for audience, where in CHANNELS.items():
        await say(services, ORGANISER, where, f"channel {audience}")
    start = clock.now()
    places = list(CHANNELS.values())
    for n in range(1, ideas + 1):
        author = Participant(places[n % 3].platform, f"A{n % 7}", f"Author {n % 7}")
        text = idea_text(rng, words, unique=words > 20)
        await say(services, author, places[n % 3], f"idea {THEMES[n % 4]}: {text}")
    for v in range(12):
        voter = Participant(places[v % 3].platform, f"V{v}", f"Voter {v}")
        for n in rng.sample(range(1, ideas + 1), min(ideas, 4)):
            await say(services, voter, places[v % 3], f"vote {n}")
    for n in range(1, decisions + 1):
        await say(services, ORGANISER, places[0], f"assign {n} authority funder scaling")
        await say(services, ORGANISER, places[0], f'action {n} agreed owner "WECA team {n}"')
        await say(services, ORGANISER, places[0], f'action {n} note "{idea_text(rng, words)}"')
    for n in range(merges):
        source, target = ideas - n, ideas - n - merges
        await say(services, ORGANISER, places[0], f"merge {source} into {target}")
    clock.advance(hours=1)
    return await digests.build(
        services.engine.workshop, "default", start, clock.now(), "Europe/London"
    )


def words_in(card: Card) -> int:
    return len(card.as_text().split())


async def test_a_typical_week_of_twenty_ideas_reads_in_about_300_words(services, clock) -> None:
    card = await week(services, clock, ideas=20, words=9, decisions=2, merges=1)
    text = card.as_text()
    assert 250 <= words_in(card) <= 350, text  # "about 300"
    lines = text.splitlines()
    assert lines[2].startswith("20 new ideas, 48 votes, 26 participants. Above all: #1 ")
    for heading in ("Decided this period", "What changed by theme"):
        assert heading in lines
    assert "The action plan now" not in text


async def test_a_quiet_week_is_two_lines(services, clock) -> None:
    await services.engine.workshop.ready("default")
    clock.advance(days=7)
    card = await digests.build(
        services.engine.workshop, "default", clock.now(), clock.now(), "Europe/London"
    )
    body = [b for b in card.blocks if not isinstance(b, Link)]
    assert len(Card("", tuple(body)).as_text().splitlines()) == 2
    assert words_in(card) <= 35  # title, period, the line and the links


async def test_a_very_busy_week_fits_slack_and_teams_with_nothing_cut(services, clock) -> None:
    card = await week(services, clock, ideas=240, words=60, decisions=40, merges=30)
    message = slack.message(card)
    blocks = message["blocks"]
    assert len(blocks) <= slack.MESSAGE_BLOCKS
    assert slack.text_units(blocks) <= slack.TEXT_BUDGET
    assert slack.units(message["text"]) <= slack.FALLBACK_CHARS
    assert all(slack.text_units(b) <= slack.SECTION_CHARS for b in blocks)
    assert slack.MORE not in json.dumps(blocks)  # nothing dropped to fit
    adaptive = teams.card(card)
    assert len(json.dumps(adaptive).encode()) <= teams.MAX_CARD_BYTES < 28 * 1024
    assert teams.MORE not in json.dumps(adaptive)
    text = card.as_text()
    assert "and 35 more ideas decided on (`history <id>` tells each)" in text
    assert (
        "Merged: #240 into #210, #239 into #209, #238 into #208, #237 into #207, #236 into #206 and 25 more"
        in text
    )
    assert "Inclusive growth: 52 new ideas" in text
    assert words_in(card) <= 700
