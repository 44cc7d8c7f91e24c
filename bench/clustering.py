"""How well ideas can be grouped into the write-up's emerging themes, offline: the write-up's
ideas labelled by hand with its seven emerging themes (bench/data/emerging_labels.tsv) against
the groups each method finds, by adjusted Rand index and purity; and the time to group 10,000
ideas. Methods: each idea to the nearest emerging theme's own words (seeded, wordllama), k-means
over wordllama embeddings, and k-means over scikit-learn's TF-IDF (if installed).

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
from bot import meaning
from bot.core.emerging import of_playbook
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


def kmeans(vectors: Matrix, k: int, rounds: int = 20, seed: int = 7) -> list[int]:
    """Spherical k-means (cosine), k-means++ start."""
    rng = np.random.default_rng(seed)
    centres = [vectors[rng.integers(len(vectors))]]
    for _ in range(1, k):
        far = 1 - np.max(vectors @ np.stack(centres).T, axis=1)
        centres.append(vectors[rng.choice(len(vectors), p=far.clip(0) / far.clip(0).sum())])
    centre = np.stack(centres)
    for _ in range(rounds):
        groups = np.argmax(vectors @ centre.T, axis=1)
        for g in range(k):
            members = vectors[groups == g]
            if len(members):
                mean = members.sum(axis=0)
                centre[g] = mean / (np.linalg.norm(mean) or 1.0)
    return [int(g) for g in np.argmax(vectors @ centre.T, axis=1)]


def tfidf(texts: Sequence[str]) -> Matrix | None:
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
    except ImportError:
        return None
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    return np.asarray(matrix.toarray(), dtype=np.float32)


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
    many = synthetic_ideas(args.ideas)
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
