"""The sketch screen (bot.core.sketches) drops no near-duplicate: on random ideas, a check of
the screened candidates flags exactly what a check of them all flags."""

from __future__ import annotations

import random

import numpy as np

from bot.core import sketches
from bot.core.similarity import Fingerprint, Match, nearest, needed

WORDS = [
    "bus",
    "free",
    "travel",
    "apprentices",
    "community",
    "hubs",
    "business",
    "mentoring",
    "school",
    "playing",
    "fields",
    "weekends",
    "parking",
    "bike",
    "station",
    "railway",
    "secure",
    "housing",
    "council",
    "green",
    "energy",
    "young",
    "people",
    "the",
    "for",
    "of",
    "and",
    "in",
    "at",
    "to",
    "with",
    "more",
]


def _typo(word: str, rng: random.Random) -> str:
    place = rng.randrange(len(word))
    return word[:place] + rng.choice("aeiouxyz") + word[place + 1 :]


def _variant(text: str, rng: random.Random) -> str:
    """A near repeat, or not: words reordered, misspelt, dropped or added."""
    words = text.split()
    for _ in range(rng.randint(0, 3)):
        change = rng.randrange(4)
        if change == 0:
            rng.shuffle(words)
        elif change == 1:
            i = rng.randrange(len(words))
            words[i] = _typo(words[i], rng)
        elif change == 2 and len(words) > 1:
            words.pop(rng.randrange(len(words)))
        else:
            words.insert(rng.randrange(len(words) + 1), rng.choice(WORDS))
    return " ".join(words)


def _checked(
    probe: Fingerprint, ideas: list[str], screen: sketches.Screen | None
) -> tuple[list[Match], int]:
    """What a check flags among the ideas sharing enough stems with the probe (as storage
    finds them), screened or not, and how many candidates it scored."""
    least = needed(probe)
    shared = [len(probe.stems & Fingerprint.of(text).stems) for text in ideas]
    candidates = [(n, text) for n, (text, s) in enumerate(zip(ideas, shared, strict=True), 1)]
    counts = np.array(shared)
    enough = counts >= least
    found = [c for c, keep in zip(candidates, enough, strict=True) if keep]
    if screen is not None and found:
        kept = screen.keeps(counts[enough], [sketches.of(text) for _, text in found])
        found = [c for c, keep in zip(found, kept, strict=True) if keep]
    return nearest(probe, found, limit=len(ideas)), len(found)


def test_the_screen_flags_exactly_what_scoring_every_candidate_flags() -> None:
    rng = random.Random(20)
    ideas = [" ".join(rng.choices(WORDS, k=rng.randint(1, 14))) for _ in range(300)]
    ideas += [_variant(rng.choice(ideas), rng) for _ in range(300)]
    flagged = scored = screened = 0
    for text in [_variant(rng.choice(ideas), rng) for _ in range(300)]:
        probe = Fingerprint.of(text)
        (every, all_scored), (kept, kept_scored) = (
            _checked(probe, ideas, None),
            _checked(probe, ideas, sketches.Screen(probe)),
        )
        assert kept == every, text
        flagged += bool(every)
        scored, screened = scored + all_scored, screened + kept_scored
    assert flagged > 200  # the random repeats are mostly near-duplicates ...
    assert screened < scored / 3  # ... and most candidates are ruled out unscored


def test_an_unknown_sketch_is_kept() -> None:
    probe = Fingerprint.of("free bus travel for apprentices")
    kept = sketches.Screen(probe).keeps(np.array([1, 1]), [None, sketches.of("bus lanes")])
    assert kept.tolist() == [True, False]
