"""Near-duplicate detection on the write-up's own repeats, and what it must leave alone."""

from __future__ import annotations

import pytest

from bot.core.playbook import load_default
from bot.core.similarity import Fingerprint, IdeaIndex, similarity


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
    index = IdeaIndex()
    flagged = []
    for number, text in enumerate(texts, 1):
        flagged += [(texts[m.number - 1], text) for m in index.nearest(text)]
        index.add(number, text)
    assert len(flagged) == 30
    for earlier, later in flagged:
        shorter, longer = sorted(
            (Fingerprint.of(earlier), Fingerprint.of(later)), key=lambda f: len(f.stems)
        )
        assert len(shorter.stems & longer.stems) >= 0.6 * len(shorter.stems), (earlier, later)


def test_the_index_forgets_removed_ideas_and_ranks_the_closest_first() -> None:
    index = IdeaIndex()
    index.add_all(
        [
            (1, "Community hubs that offer business mentoring and signposting"),
            (2, "Community hubs that offer business mentoring"),
            (3, "Something else entirely about buses"),
        ]
    )
    assert [m.number for m in index.nearest("community hubs offering business mentoring")] == [2, 1]
    index.remove(2)
    assert [m.number for m in index.nearest("community hubs offering business mentoring")] == [1]
    assert index.nearest("   ") == []


def test_an_idea_edited_or_removed_and_added_back_is_matched_by_its_latest_text() -> None:
    index = IdeaIndex()
    index.add(2, "Free bus travel for apprentices")
    index.add(2, "Open school playing fields to the public at weekends")
    assert len(index) == 1 and 2 in index
    assert not index.nearest("Free bus travel for apprentices")
    assert [m.number for m in index.nearest("Open school playing fields to the public")] == [2]
    index.remove(2)
    assert len(index) == 0 and 2 not in index and not index.nearest("Open school playing fields")
    index.add(9, "Open school playing fields to the public at weekends")
    assert [m.number for m in index.nearest("open school playing-fields to the public")] == [9]
