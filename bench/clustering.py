"""How well ideas can be grouped into the write-up's emerging themes, offline: the write-up's
ideas labelled by hand with its seven emerging themes (bench/data/emerging_labels.tsv) against
the groups each method finds, by adjusted Rand index and purity; and the time to group 10,000
ideas. Methods: each idea to the nearest emerging theme's own words (seeded, wordllama), k-means
over wordllama embeddings, and k-means over scikit-learn's TF-IDF (if installed). Then what
`themes emerging` proposes (bot.clustering): how many ideas go into an existing theme at each
cosine threshold and how many of those are right (SEEDED and JOINS come from this table), the
quality of its proposals with and without the emerging themes as seeds, and its time at size.

    .venv/bin/python -m bench.clustering [--ideas 10000]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Sequence
from math import comb
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bench.near_duplicates import synthetic_ideas
from bot import clustering, meaning
from bot.clustering import kmeans
from bot.core.emerging import of_playbook
from bot.core.grouping import Group, Seed
from bot.core.playbook import load_default

LABELS = Path(__file__).parent / "data" / "emerging_labels.tsv"
Matrix = npt.NDArray[np.float32]


def labelled() -> list[tuple[str, str]]:
    """(theme key, idea text) for each hand-labelled idea."""
    rows = []
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, text = line.split("\t")
            rows.append((key, text))
    return rows


def adjusted_rand(truth: Sequence[str], found: Sequence[int]) -> float:
    pairs = Counter(zip(truth, found, strict=True))
    index = sum(comb(n, 2) for n in pairs.values())
    rows = sum(comb(n, 2) for n in Counter(truth).values())
    cols = sum(comb(n, 2) for n in Counter(found).values())
    expected = rows * cols / comb(len(truth), 2)
    top = (rows + cols) / 2
    return (index - expected) / (top - expected) if top != expected else 1.0


def purity(truth: Sequence[str], found: Sequence[int]) -> float:
    groups: dict[int, Counter[str]] = {}
    for label, group in zip(truth, found, strict=True):
        groups.setdefault(group, Counter())[label] += 1
    return sum(c.most_common(1)[0][1] for c in groups.values()) / len(truth)


def seeded(vectors: Matrix, seeds: Matrix) -> list[int]:
    """Each idea to the emerging theme whose own words it is nearest."""
    return [int(i) for i in np.argmax(vectors @ seeds.T, axis=1)]


def tfidf(texts: Sequence[str]) -> Matrix | None:
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
    except ImportError:
        return None
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    return np.asarray(matrix.toarray(), dtype=np.float32)


def thresholds(scores: Matrix, truth: Sequence[str], keys: Sequence[str]) -> None:
    """How many ideas reach each cosine to their nearest theme, and how many of those are in
    the right theme: where bot.clustering's SEEDED and JOINS come from."""
    best, top = np.argmax(scores, axis=1), np.max(scores, axis=1)
    right = np.array([keys[b] == t for b, t in zip(best, truth, strict=True)])
    print("  nearest theme at a cosine of at least: ideas reaching it, of them in the right theme")
    for at in (0.25, 0.30, 0.35, 0.40, 0.45, 0.50):
        reach = top >= at
        share = (right & reach).sum() / max(int(reach.sum()), 1)
        marks = {clustering.SEEDED: " (SEEDED)", clustering.JOINS: " (JOINS)"}
        print(f"    {at:.2f}: {int(reach.sum()):3} ideas, {share:.0%} right{marks.get(at, '')}")


def proposed(groups: Sequence[Group]) -> tuple[list[int], list[int]]:
    """The ideas the proposals place, and each one's proposal."""
    placed = [i for g in groups for i in g.members]
    return placed, [n for n, g in enumerate(groups) for _ in g.members]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=10_000)
    args = parser.parse_args()
    rows = labelled()
    truth = [key for key, _ in rows]
    texts = [text for _, text in rows]
    themes = of_playbook(load_default())
    k = len(themes)
    vectors = meaning.embed(texts)
    seeds = meaning.embed([f"{e.name} {e.text}" for e in themes])
    keyed = {e.key: i for i, e in enumerate(themes)}
    print(f"{len(rows)} write-up ideas labelled with {k} emerging themes, {dict(Counter(truth))}")
    found = {
        "seeded by the emerging themes (wordllama)": seeded(vectors, seeds),
        "k-means, wordllama embeddings": kmeans(vectors, k),
    }
    words = tfidf(texts)
    if words is not None:
        norms = np.linalg.norm(words, axis=1, keepdims=True)
        found["k-means, TF-IDF (scikit-learn)"] = kmeans(words / np.where(norms, norms, 1), k)
    baseline = [keyed[Counter(truth).most_common(1)[0][0]]] * len(truth)
    found["baseline: every idea in the biggest theme"] = baseline
    for name, groups in found.items():
        print(
            f"  {name:<45} ARI {adjusted_rand(truth, groups):5.2f}  "
            f"purity {purity(truth, groups):.0%}"
        )
    thresholds(vectors @ seeds.T, truth, [e.key for e in themes])
    as_seeds = [Seed(e.key, f"{e.name} {e.text}") for e in themes]
    for name, given in (("seeded by the emerging themes", as_seeds), ("no seeds", [])):
        groups = clustering.MeaningGrouper().group(texts, given)
        placed, found_in = proposed(groups)
        mine = [truth[i] for i in placed]
        print(
            f"  themes emerging, {name:<30} {len(groups)} proposals, "
            f"{len(placed)} of {len(rows)} ideas placed: ARI {adjusted_rand(mine, found_in):5.2f}  "
            f"purity {purity(mine, found_in):.0%}"
        )
    many = synthetic_ideas(args.ideas)
    start = time.perf_counter()
    proposals = clustering.MeaningGrouper().group(many, as_seeds)
    print(
        f"{args.ideas:,} ideas proposed as {len(proposals)} groups by `themes emerging` in "
        f"{time.perf_counter() - start:.2f} s"
    )
    start = time.perf_counter()
    embedded = meaning.embed(many)
    embedding = time.perf_counter() - start
    kmeans(embedded, k + 5)
    total = time.perf_counter() - start
    print(
        f"{args.ideas:,} ideas grouped in {total:.2f} s "
        f"(embedding {embedding:.2f} s, k-means into {k + 5} groups {total - embedding:.2f} s)"
    )


if __name__ == "__main__":
    main()
