"""How often the suggested actor is right on write-up examples it was not trained on:
repeated 5-fold cross-validation over the playbook's "What can … do?" lists, against the
baseline of always guessing the most common actor.

    .venv/bin/python -m bench.suggestion_accuracy [--repeats 10]
"""

from __future__ import annotations

import argparse
import random
from collections import Counter

from bot.core.playbook import load_default
from bot.core.suggestions import NaiveBayes, actor_examples

FOLDS = 5


def cross_validated(repeats: int) -> tuple[float, float, dict[str, float]]:
    """(accuracy, majority-class baseline, accuracy per actor)."""
    examples = actor_examples(load_default())
    right: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    baseline_right = 0
    for seed in range(repeats):
        shuffled = examples[:]
        random.Random(seed).shuffle(shuffled)
        for fold in range(FOLDS):
            test = shuffled[fold::FOLDS]
            train = [e for i, e in enumerate(shuffled) if i % FOLDS != fold]
            model = NaiveBayes(train)
            majority = Counter(label for _, label, _ in train).most_common(1)[0][0]
            for text, label, _ in test:
                guess = model.guess(text)
                seen[label] += 1
                right[label] += guess is not None and guess.label == label
                baseline_right += majority == label
    total = sum(seen.values())
    per_actor = {label: right[label] / seen[label] for label in seen}
    return sum(right.values()) / total, baseline_right / total, per_actor


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    accuracy, baseline, per_actor = cross_validated(args.repeats)
    print(f"actor suggestions, {FOLDS}-fold cross-validation x {args.repeats}:")
    print(f"  accuracy {accuracy:.1%}   baseline (most common actor) {baseline:.1%}")
    for label, share in sorted(per_actor.items()):
        print(f"  {label:<15} {share:.1%}")


if __name__ == "__main__":
    main()
