"""Near-duplicate detection on the write-up's own repeats, and what it must leave alone."""

from __future__ import annotations

import pytest

from bot.core.playbook import load_default
from bot.core.similarity import Fingerprint, nearest, similarity


def near(a: str, b: str) -> bool:
    return similarity(Fingerprint.of(a), Fingerprint.of(b)) >= 1.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (  # repeated word for word
            "Provide scale up funding scheme and close market gap for premises.",
            "Provide scale up funding scheme and close market gap for premises.",
        ),
        (  # one idea inside a longer one
            "Create an innovation brand that provides strong leadership. Combined innovation "
            "platforms and appropriate infrastructure / facilities at scale and pace?",
            "Create an innovation brand that provides strong leadership. Combined innovation "
            "platforms and appropriate infrastructure / facilities at scale and pace. Builds "
            "links nationally and internationally for inward investment.",
        ),
        (  # the same words in another order
            "Create community hubs that offer business mentoring",
            "Business mentoring offered in community hubs",
        ),
        (  # small edits and a typo
            "Adopt an inclusive growth charter, led by evidence from LEP and CA.",
            "Adopt an inclusive grwoth charter. Led by evidence from the LEP and CA",
        ),
        ("Empower students' thinking.", "Empower student's thinking."),
        ("Lead in best practice.", "lead in best practice"),
    ],
)
def test_near_duplicates_are_found(a: str, b: str) -> None:
    assert near(a, b) and near(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Idea 1", "Idea 2"),
        ("Invest in electric vehicle infrastructure", "Ride bikes and use public transport."),
        ("Trial universal basic income.", "Fund research."),
        ("Adopt schools.", "Adult Learning."),
        ("", "Anything at all"),
    ],
)
def test_different_ideas_are_not(a: str, b: str) -> None:
    assert not near(a, b)


def test_every_pair_flagged_in_the_writeup_is_a_real_repeat() -> None:
    """All 195 texts of the write-up's lists, added one by one: each flag must be a repeat."""
    book = load_default()
    texts = [e for a in book.actors for e in a.examples]
    texts += [c for t in book.themes for c in t.challenges] + list(book.sample_ideas)
    flagged = []
    for number, text in enumerate(texts, 1):
        earlier = list(enumerate(texts[: number - 1], 1))
        flagged += [(texts[m.number - 1], text) for m in nearest(Fingerprint.of(text), earlier)]
    assert len(flagged) == 30
    for earlier, later in flagged:
        shorter, longer = sorted(
            (Fingerprint.of(earlier), Fingerprint.of(later)), key=lambda f: len(f.stems)
        )
        assert len(shorter.stems & longer.stems) >= 0.6 * len(shorter.stems), (earlier, later)


def test_the_closest_come_first_and_ideas_sharing_too_few_stems_are_not_scored() -> None:
    ideas = [
        (1, "Community hubs that offer business mentoring and signposting"),
        (2, "Community hubs that offer business mentoring"),
        (3, "Something else entirely about buses"),
    ]
    probe = Fingerprint.of("community hubs offering business mentoring")
    assert [m.number for m in nearest(probe, ideas)] == [2, 1]
    assert [m.number for m in nearest(probe, ideas, limit=1)] == [2]
    assert nearest(Fingerprint.of("   "), ideas) == []
    # Trigrams alone would match this typo'd repeat, but it shares too few stems to be scored.
    hubs = "Community hubs that offer business mentoring and signposting for local start-ups"
    typo = Fingerprint.of(
        "Community hubz that offer busines mentorng and signpostng for local startups"
    )
    assert similarity(typo, Fingerprint.of(hubs)) >= 1.0
    assert nearest(typo, [(4, hubs)]) == []
