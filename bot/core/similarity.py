"""Near-duplicate ideas: the same words in another order, small edits, or one idea inside another.

Ideas are reduced to sets of word stems (stop words dropped) and of character trigrams; an
inverted index over stems, kept by storage with the ideas, finds the few candidates worth
scoring, so a check against 300,000 ideas scores dozens, not all of them
(bench/near_duplicates.py measures it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from math import ceil
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.core.letters import jaccards

STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "do",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "more",
        "most",
        "not",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "up",
        "us",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)
# Thresholds, tuned on the write-up's own repeats (tests/bot/test_similarity.py).
SAME_WORDS = 0.6  # Jaccard of word stems: the same words, reordered or slightly changed
CONTAINED = 0.8  # share of the shorter idea's stems found in the longer one ...
CONTAINED_MIN_WORDS = 5  # ... when the shorter one says at least this much
SAME_LETTERS = 0.7  # Jaccard of character trigrams: typos and small edits ...
TRIGRAM_MIN_WORDS = 3  # ... in ideas long enough ("Idea 1" and "Idea 2" are not duplicates)
MIN_SHARED_WHEN_CONTAINED = ceil(CONTAINED * CONTAINED_MIN_WORDS)
WORD = re.compile(r"\w+")
STEMS_CACHED = 2**15  # words whose stems are remembered (a few MiB at most)
Counts = npt.NDArray[np.integer[Any]]
Bools = npt.NDArray[np.bool_]


@lru_cache(maxsize=STEMS_CACHED)
def _stem(word: str) -> str:
    """A light English stemmer: enough to match "premises"/"premise", "hubs"/"hub". Cached:
    ideas repeat the same few thousand words, and stemming was most of building the index."""
    for suffix in ("ational", "ation", "ings", "ing", "ies", "ied", "ness", "ment", "ers", "es"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    if word.endswith("ed") and len(word) > 5:
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def normalise(text: str) -> str:
    """Lower case, accents folded, punctuation as spaces."""
    folded = text.casefold()
    if not folded.isascii():  # plain ASCII has no accents to fold: most ideas skip this
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(WORD.findall(folded))


def stems(text: str) -> list[str]:
    """The text's word stems in order, stop words dropped."""
    return [_stem(w) for w in normalise(text).split() if w not in STOP_WORDS]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """Word stems for matching, and the normalised text for trigrams, which are computed only
    for the few candidates scored."""

    stems: frozenset[str]
    plain: str

    @classmethod
    def of(cls, text: str) -> Fingerprint:
        plain = normalise(text)
        return cls(frozenset(_stem(w) for w in plain.split() if w not in STOP_WORDS), plain)

    def trigrams(self) -> frozenset[str]:
        return frozenset(self.plain[i : i + 3] for i in range(max(len(self.plain) - 2, 0)))


def similarity(a: Fingerprint, b: Fingerprint, a3: frozenset[str] | None = None) -> float:
    """How much two ideas say the same thing, 0 to 1; at or above 1.0 means a near-duplicate
    (scores are scaled so that each test's threshold maps to 1.0). `a3`, `a`'s trigrams if
    known, spares computing them again for every idea a probe is compared with."""
    if not a.stems or not b.stems:
        return 0.0
    shared = len(a.stems & b.stems)
    same_words = shared / len(a.stems | b.stems) / SAME_WORDS
    shorter = min(len(a.stems), len(b.stems))
    contained = shared / shorter / CONTAINED if shorter >= CONTAINED_MIN_WORDS else 0.0
    best = max(same_words, contained)
    if best >= 1.0 or shared == 0 or shorter < TRIGRAM_MIN_WORDS:
        return best
    a3, b3 = a.trigrams() if a3 is None else a3, b.trigrams()
    same_letters = len(a3 & b3) / len(a3 | b3) / SAME_LETTERS if a3 and b3 else 0.0
    return max(best, same_letters)


SLACK = 1e-9  # the bounds below are loosened by this, so rounding never drops a match


def needed(probe: Fingerprint) -> int:
    """The fewest stems an idea must share with `probe` to be its near-duplicate: fewer, and
    neither the same-words nor the contained test can reach its threshold (the trigram test is
    tried only on ideas that share this many too, so that a check scores dozens of ideas)."""
    return max(1, min(ceil(SAME_WORDS * len(probe.stems)), MIN_SHARED_WHEN_CONTAINED))


def by_words(shared: Counts, probe_stems: int, stem_counts: Counts) -> tuple[Bools, Bools]:
    """For many candidates at once, from counts alone: whether the same-words or contained
    test reaches 1.0, and whether the trigram test is tried at all."""
    shorter = np.minimum(stem_counts, probe_stems)
    union = np.maximum(probe_stems + stem_counts.astype(np.int64) - shared, 1)
    same_words = shared / union >= SAME_WORDS - SLACK
    contained = (shorter >= CONTAINED_MIN_WORDS) & (
        shared / np.maximum(shorter, 1) >= CONTAINED - SLACK
    )
    words: Bools = same_words | contained
    letters: Bools = ~words & (shorter >= TRIGRAM_MIN_WORDS)
    return words, letters


@dataclass(frozen=True, slots=True)
class Match:
    number: int
    score: float


def nearest(
    probe: Fingerprint, candidates: Sequence[tuple[int, str]], limit: int = 3
) -> list[Match]:
    """The candidates (number, text) that nearly repeat the probe, best first (empty when none
    does). Candidates are what storage found sharing at least `needed(probe)` stems with it;
    only those that do are scored, and the trigram test, the dearest, is first screened for all
    of them at once (bot.core.letters)."""
    if not probe.stems or not candidates:
        return []
    prints = [(number, Fingerprint.of(text)) for number, text in candidates]
    least = needed(probe)
    prints = [(n, p) for n, p in prints if len(probe.stems & p.stems) >= least]
    if not prints:
        return []
    shared = np.fromiter((len(probe.stems & p.stems) for _, p in prints), np.int64, len(prints))
    sizes = np.fromiter((len(p.stems) for _, p in prints), np.int64, len(prints))
    worth, letters = by_words(shared, len(probe.stems), sizes)
    if letters.any():
        chosen = np.flatnonzero(letters)
        same = jaccards(probe.plain, [prints[i][1].plain.encode() for i in chosen.tolist()])
        worth[chosen[~(same < SAME_LETTERS - SLACK)]] = True
    trigrams = probe.trigrams()
    matches = []
    for i in np.flatnonzero(worth).tolist():
        number, found = prints[i]
        score = similarity(probe, found, trigrams)
        if score >= 1.0:
            matches.append(Match(number, score))
    matches.sort(key=lambda m: (-m.score, m.number))
    return matches[:limit]
