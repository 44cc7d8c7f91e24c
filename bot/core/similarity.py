"""Near-duplicate ideas: the same words in another order, small edits, or one idea inside another.

Ideas are reduced to sets of word stems (stop words dropped) and of character trigrams; an
inverted index over stems finds the few candidates worth scoring, so a check against 300,000
ideas scores dozens, not all of them (bench/near_duplicates.py measures it).
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Iterable
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
    for the few candidates scored (keeping them for 100,000 ideas would cost too much memory)."""

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


COUNT_CAP = 65_535  # stems counted per idea (unsigned 16 bits)
SLACK = 1e-9  # the bounds below are loosened by this, so rounding never drops a match


def _by_words(shared: Counts, probe_stems: int, stem_counts: Counts) -> tuple[Bools, Bools]:
    """For many candidates at once, from counts alone: whether the same-words or contained
    test could reach 1.0 (the stems shared are at most `shared`: an edited idea's old postings
    may count too), and whether the trigram test is tried at all."""
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


class IdeaIndex:
    """A programme's ideas as packed arrays, with an inverted index from stem to idea numbers.

    Each idea keeps only its stems (as numbers into one shared list of stems) and its
    normalised text (UTF-8, for the trigrams of the few candidates scored), packed into flat
    arrays: about 120 bytes an idea, where a set and a string per idea took over 1 KiB
    (bench/near_duplicates.py measures both)."""

    def __init__(self) -> None:
        self._stem_ids: dict[str, int] = {}
        self._stem_names: list[str] = []
        self._postings: dict[int, array[int]] = {}
        self._slot_of = array("i")  # idea number -> its slot, -1 when absent
        self._stems = array("I")  # every slot's stem ids, one after another
        self._stems_from = array("Q", [0])  # where each slot's stem ids start (and end)
        self._text = bytearray()  # every slot's normalised text, one after another
        self._text_from = array("Q", [0])
        self._stem_counts = array("H")  # per slot: for a bound on all candidates at once
        self._size = 0
        self.last_seen = 0  # highest storage id loaded, for incremental catch-up

    def __len__(self) -> int:
        return self._size

    def add(self, number: int, text: str) -> None:
        if number in self:
            self.remove(number)
        fingerprint = Fingerprint.of(text)
        ids = [self._stem_id(stem) for stem in fingerprint.stems]
        self._stems.extend(ids)
        self._stems_from.append(len(self._stems))
        self._text += fingerprint.plain.encode()
        self._text_from.append(len(self._text))
        self._stem_counts.append(min(len(ids), COUNT_CAP))
        if number >= len(self._slot_of):
            self._slot_of.extend([-1] * (number + 1 - len(self._slot_of)))
        self._slot_of[number] = len(self._stems_from) - 2
        self._size += 1
        for stem in ids:
            self._postings.setdefault(stem, array("I")).append(number)

    def __contains__(self, number: object) -> bool:
        return (
            isinstance(number, int)
            and 0 <= number < len(self._slot_of)
            and (self._slot_of[number] >= 0)
        )

    def remove(self, number: int) -> None:
        """Forget an idea (hidden, merged, erased); its postings are skipped from now on."""
        if number in self:
            self._slot_of[number] = -1
            self._size -= 1

    def add_all(self, ideas: Iterable[tuple[int, str]]) -> None:
        for number, text in ideas:
            self.add(number, text)

    def nearest(self, text: str, limit: int = 3) -> list[Match]:
        """The closest near-duplicates of `text`, best first (empty when there are none).

        A near-duplicate shares at least `needed` stems with the probe: the postings of the
        probe's stems are counted at once (numpy, not a Python loop over hundreds of
        thousands of numbers), and only ideas holding enough of them are scored exactly."""
        probe = Fingerprint.of(text)
        if not probe.stems:
            return []
        needed = max(1, min(ceil(SAME_WORDS * len(probe.stems)), MIN_SHARED_WHEN_CONTAINED))
        known = {self._stem_ids[s] for s in probe.stems if s in self._stem_ids}
        if len(known) < needed:
            return []
        # Copied out (tobytes), never viewed: a view would stop a catch-up thread's append.
        postings = [np.frombuffer(self._postings[s].tobytes(), dtype=np.uintc) for s in known]
        counts = np.bincount(np.concatenate(postings))
        numbers = np.flatnonzero(counts >= needed)
        slots = np.frombuffer(self._slot_of.tobytes(), dtype=np.intc)[numbers]
        present = slots >= 0
        numbers, slots, shared = numbers[present], slots[present], counts[numbers][present]
        words, letters = _by_words(
            shared, len(probe.stems), np.frombuffer(self._stem_counts.tobytes(), np.ushort)[slots]
        )
        worth = words
        if letters.any():
            texts = [self._text_bytes(slot) for slot in slots[letters].tolist()]
            same = jaccards(probe.plain, texts)
            worth[np.flatnonzero(letters)[~(same < SAME_LETTERS - SLACK)]] = True
        trigrams = probe.trigrams()
        matches = []
        for number, slot in zip(numbers[worth].tolist(), slots[worth].tolist(), strict=True):
            ids = self._stems[self._stems_from[slot] : self._stems_from[slot + 1]]
            if len(known.intersection(ids)) < needed:
                continue  # an old text's postings counted (the idea was edited)
            score = similarity(probe, self._fingerprint(slot, ids), trigrams)
            if score >= 1.0:
                matches.append(Match(number, score))
        matches.sort(key=lambda m: (-m.score, m.number))
        return matches[:limit]

    def _stem_id(self, stem: str) -> int:
        found = self._stem_ids.get(stem)
        if found is None:
            found = self._stem_ids[stem] = len(self._stem_names)
            self._stem_names.append(stem)
        return found

    def _text_bytes(self, slot: int) -> bytes:
        return bytes(self._text[self._text_from[slot] : self._text_from[slot + 1]])

    def _fingerprint(self, slot: int, ids: array[int]) -> Fingerprint:
        plain = self._text_bytes(slot).decode()
        return Fingerprint(frozenset(self._stem_names[i] for i in ids), plain)
