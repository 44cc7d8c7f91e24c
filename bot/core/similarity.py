"""Near-duplicate ideas: the same words in another order, small edits, or one idea inside another.

Ideas are reduced to sets of word stems (stop words dropped) and of character trigrams; an
inverted index over stems finds the few candidates worth scoring, so a check against 100,000
ideas looks at dozens, not all of them (bench/near_duplicates.py measures it).
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from math import ceil

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


def _stem(word: str) -> str:
    """A light English stemmer: enough to match "premises"/"premise", "hubs"/"hub"."""
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
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", plain))


def stems(text: str) -> list[str]:
    """The text's word stems in order, stop words dropped."""
    return [_stem(w) for w in normalise(text).split() if w not in STOP_WORDS]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """Word stems for matching, and the normalised text for trigrams, which are computed only
    for the few candidates scored (keeping them for 100,000 ideas would cost too much memory)."""

    stems: frozenset[str]
    plain: str

    @classmethod
    def of(cls, text: str) -> Fingerprint:
        plain = normalise(text)
        return cls(frozenset(_stem(w) for w in plain.split() if w not in STOP_WORDS), plain)

    def trigrams(self) -> frozenset[str]:
        return frozenset(self.plain[i : i + 3] for i in range(max(len(self.plain) - 2, 0)))


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """How much two ideas say the same thing, 0 to 1; at or above 1.0 means a near-duplicate
    (scores are scaled so that each test's threshold maps to 1.0)."""
    if not a.stems or not b.stems:
        return 0.0
    shared = len(a.stems & b.stems)
    same_words = shared / len(a.stems | b.stems) / SAME_WORDS
    shorter = min(len(a.stems), len(b.stems))
    contained = shared / shorter / CONTAINED if shorter >= CONTAINED_MIN_WORDS else 0.0
    best = max(same_words, contained)
    if best >= 1.0 or shared == 0 or shorter < TRIGRAM_MIN_WORDS:
        return best
    a3, b3 = a.trigrams(), b.trigrams()
    same_letters = len(a3 & b3) / len(a3 | b3) / SAME_LETTERS if a3 and b3 else 0.0
    return max(best, same_letters)


@dataclass(frozen=True, slots=True)
class Match:
    number: int
    score: float


class IdeaIndex:
    """Fingerprints of a programme's ideas, with an inverted index from stem to idea numbers."""

    def __init__(self) -> None:
        self._prints: dict[int, Fingerprint] = {}
        self._postings: dict[str, array[int]] = {}
        self.last_seen = 0  # highest storage id loaded, for incremental catch-up

    def __len__(self) -> int:
        return len(self._prints)

    def add(self, number: int, text: str) -> None:
        if number in self._prints:
            self.remove(number)
        fingerprint = Fingerprint.of(text)
        self._prints[number] = fingerprint
        for stem in fingerprint.stems:
            self._postings.setdefault(stem, array("I")).append(number)

    def remove(self, number: int) -> None:
        """Forget an idea (hidden, merged, erased); its postings are skipped from now on."""
        self._prints.pop(number, None)

    def add_all(self, ideas: Iterable[tuple[int, str]]) -> None:
        for number, text in ideas:
            self.add(number, text)

    def nearest(self, text: str, limit: int = 3) -> list[Match]:
        """The closest near-duplicates of `text`, best first (empty when there are none).

        Prefix filtering: a near-duplicate shares at least `needed` stems with the probe, so
        it must hold one of the probe's (len - needed + 1) rarest stems; only those postings
        are read, and every candidate is then scored exactly."""
        probe = Fingerprint.of(text)
        if not probe.stems:
            return []
        needed = max(1, min(ceil(SAME_WORDS * len(probe.stems)), MIN_SHARED_WHEN_CONTAINED))
        rarest = sorted(probe.stems, key=lambda s: len(self._postings.get(s, ())))
        candidates: set[int] = set()
        for stem in rarest[: len(rarest) - needed + 1]:
            candidates.update(self._postings.get(stem, ()))
        matches = []
        for number in candidates:
            fingerprint = self._prints.get(number)
            if fingerprint is None or len(probe.stems & fingerprint.stems) < needed:
                continue
            score = similarity(probe, fingerprint)
            if score >= 1.0:
                matches.append(Match(number, score))
        matches.sort(key=lambda m: (-m.score, m.number))
        return matches[:limit]
