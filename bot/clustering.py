"""Ideas grouped into emerging themes by meaning, offline (wordllama's bundled embeddings, as
`bot.meaning`): each idea to the nearest seeded emerging theme when close enough, spherical
k-means over the rest, each new group labelled by its key words (TF-IDF against all the ideas).

The thresholds come from bench.clustering on the write-up's hand-labelled ideas
(bench/data/emerging_labels.tsv), which prints how each one trades joining for precision."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from math import log

import numpy as np
import numpy.typing as npt

from bot import meaning
from bot.core.grouping import Group, Seed
from bot.core.similarity import STOP_WORDS

Matrix = npt.NDArray[np.float32]

SEEDED = 0.35  # cosine to a seed's centre that puts an idea in that emerging theme
JOINS = 0.45  # stricter for a new idea joining a confirmed theme with nobody looking
PER_GROUP = 4  # ideas per proposed group, on average: k for k-means
MAX_GROUPS = 12  # new groups proposed at once (a card stays readable)
MIN_MEMBERS = 2  # a group of one is not a theme
LABEL_WORDS = 3
CENTRES_KEPT = 64  # emerging themes' centres kept, each for its words and tagged ideas
WORD = re.compile(r"[a-z][a-z'-]{2,}")
# Words that say where or how much, not what: never a theme's label ("Along, bike, broadband").
# The duplicate check's stop words are fewer, since there they change what counts as the same.
NOT_KEY_WORDS = STOP_WORDS | frozenset(
    [
        "across",
        "after",
        "against",
        "all",
        "along",
        "also",
        "among",
        "any",
        "around",
        "before",
        "being",
        "below",
        "between",
        "both",
        "each",
        "every",
        "few",
        "going",
        "just",
        "like",
        "make",
        "many",
        "much",
        "other",
        "over",
        "same",
        "some",
        "such",
        "through",
        "under",
        "very",
        "via",
        "within",
        "without",
    ]
)


def kmeans(vectors: Matrix, k: int, rounds: int = 20, seed: int = 7) -> list[int]:
    """Spherical k-means (cosine) with a k-means++ start: each row's group."""
    k = max(1, min(k, len(vectors)))
    rng = np.random.default_rng(seed)
    centres = [vectors[rng.integers(len(vectors))]]
    for _ in range(1, k):
        far = (1 - np.max(vectors @ np.stack(centres).T, axis=1)).clip(0)
        total = far.sum()
        pick = rng.choice(len(vectors), p=far / total) if total > 0 else rng.integers(len(vectors))
        centres.append(vectors[pick])
    centre = np.stack(centres)
    for _ in range(rounds):
        groups = np.argmax(vectors @ centre.T, axis=1)
        for g in range(k):
            members = vectors[groups == g]
            if len(members):
                mean = members.sum(axis=0)
                centre[g] = mean / (np.linalg.norm(mean) or 1.0)
    return [int(g) for g in np.argmax(vectors @ centre.T, axis=1)]


def words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if w not in NOT_KEY_WORDS]


def label(members: Sequence[set[str]], seen_in: Counter[str], total: int) -> str:
    """The group's key words: most frequent in it, weighted by how rare across all `total`
    ideas (`seen_in`: how many ideas each word is in)."""
    inside = Counter(w for found in members for w in found)
    score = {w: n * log((1 + total) / (1 + seen_in[w])) for w, n in inside.items()}
    top: list[str] = []
    for word in sorted(score, key=lambda w: (-score[w], w)):
        if not any(word[:5] == kept[:5] for kept in top):  # "afford" and "affordable": once
            top.append(word)
    top = top[:LABEL_WORDS]
    return ", ".join(top).capitalize() if top else "Other ideas"


def centres(seeds: Sequence[Seed]) -> Matrix:
    """Each seed's centre, one row per seed."""
    rows = [centre(seed) for seed in seeds]
    return np.stack(rows) if rows else np.zeros((0, 256), dtype=np.float32)


@lru_cache(maxsize=CENTRES_KEPT)
def centre(seed: Seed) -> Matrix:
    """A seed's own words and its tagged ideas, each idea counting as much. Kept: every new
    idea is held against the same confirmed themes, which change only when one is tagged."""
    vectors = meaning.embed([seed.text, *seed.examples])
    mean = vectors.sum(axis=0)
    found: Matrix = mean / (np.linalg.norm(mean) or 1.0)
    found.flags.writeable = False
    return found


class MeaningGrouper:
    """Implements `bot.core.grouping.Grouper`."""

    def group(self, texts: Sequence[str], seeds: Sequence[Seed]) -> list[Group]:
        if not texts:
            return []
        vectors = meaning.embed(texts)
        left = list(range(len(texts)))
        found: list[Group] = []
        if seeds:
            scores = vectors @ centres(seeds).T
            best = np.argmax(scores, axis=1)
            for s, seed in enumerate(seeds):
                members = tuple(i for i in left if best[i] == s and scores[i, s] >= SEEDED)
                if members:
                    found.append(Group(members, seed.key, seed.key))
            taken = {i for g in found for i in g.members}
            left = [i for i in left if i not in taken]
        if len(left) >= MIN_MEMBERS:
            found.extend(self._new_groups(texts, vectors, left))
        return found

    @staticmethod
    def _new_groups(texts: Sequence[str], vectors: Matrix, left: list[int]) -> list[Group]:
        """k-means over the ideas no seed took, each group of two or more labelled."""
        k = min(MAX_GROUPS, max(1, round(len(left) / PER_GROUP)))
        assigned = kmeans(vectors[left], k)
        found = [set(words(text)) for text in texts]
        seen_in = Counter(w for ws in found for w in ws)
        groups = []
        for g in sorted(set(assigned)):
            members = tuple(i for i, a in zip(left, assigned, strict=True) if a == g)
            if len(members) >= MIN_MEMBERS:
                named = label([found[i] for i in members], seen_in, len(texts))
                groups.append(Group(members, named))
        return groups

    def nearest(self, text: str, seeds: Sequence[Seed]) -> str | None:
        if not seeds:
            return None
        scores = centres(seeds) @ meaning.embed([text])[0]
        best = int(np.argmax(scores))
        return seeds[best].key if scores[best] >= JOINS else None
