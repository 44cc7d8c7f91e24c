"""Who could act on an idea: a small naive Bayes classifier over word stems and stem pairs,
trained on the playbook's "What can … do?" lists and styles grid, and on organisers' own
assignments as the programme grows. It only ever suggests; an organiser confirms."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from bot.core.playbook import Playbook
from bot.core.similarity import stems

# Organisers' confirmed assignments weigh more than the playbook's examples: they are this
# programme's own judgement.
CONFIRMED_WEIGHT = 2.0


def features(text: str) -> list[str]:
    """Stems, and adjacent stem pairs (so "parking charge" means more than its words)."""
    words = stems(text)
    return words + [f"{a}_{b}" for a, b in pairwise(words)]


@dataclass(frozen=True, slots=True)
class Guess:
    label: str
    confidence: float  # the posterior probability of `label`, 0 to 1


class NaiveBayes:
    """Multinomial naive Bayes with add-one smoothing; small, fast, and honest about it."""

    def __init__(self, examples: Iterable[tuple[str, str, float]]) -> None:
        self._counts: dict[str, defaultdict[str, float]] = {}
        self._priors: defaultdict[str, float] = defaultdict(float)
        for text, label, weight in examples:
            self._priors[label] += weight
            counts = self._counts.setdefault(label, defaultdict(float))
            for feature in features(text):
                counts[feature] += weight
        self._totals = {label: sum(c.values()) for label, c in self._counts.items()}
        self._vocabulary = len({f for c in self._counts.values() for f in c})

    def guess(self, text: str) -> Guess | None:
        if not self._priors:
            return None
        seen = features(text)
        total = sum(self._priors.values())
        scores = {}
        for label, prior in self._priors.items():
            counts, size = self._counts[label], self._totals[label] + self._vocabulary + 1
            scores[label] = math.log(prior / total) + sum(
                math.log((counts.get(f, 0.0) + 1) / size) for f in seen
            )
        best = max(scores, key=lambda label: (scores[label], label))
        top = scores[best]
        confidence = 1 / sum(math.exp(score - top) for score in scores.values())
        return Guess(best, confidence)


@dataclass(frozen=True, slots=True)
class Confirmed:
    """An organiser's assignment of an idea: training data for its programme."""

    text: str
    actor_key: str
    style_key: str | None


def actor_examples(playbook: Playbook) -> list[tuple[str, str, float]]:
    return [(text, actor.key, 1.0) for actor in playbook.actors for text in actor.examples]


def style_examples(playbook: Playbook) -> list[tuple[str, str, float]]:
    """Each style described by its summary, lever, and its grid cells' names and descriptions."""
    examples = []
    for style in playbook.styles:
        examples.append((f"{style.summary} {style.lever}", style.key, 1.0))
        examples += [(f"{cell.name} {cell.description}", style.key, 1.0) for cell in style.cells]
    return examples


@dataclass(frozen=True, slots=True)
class Suggester:
    """The programme's two models: actor for every idea; style for the government's ideas."""

    actors: NaiveBayes
    styles: NaiveBayes
    government: str | None

    @classmethod
    def train(cls, playbook: Playbook, confirmed: Sequence[Confirmed]) -> Suggester:
        known = {a.key for a in playbook.actors}
        actor_data = actor_examples(playbook) + [
            (c.text, c.actor_key, CONFIRMED_WEIGHT) for c in confirmed if c.actor_key in known
        ]
        styles = {s.key for s in playbook.styles}
        style_data = style_examples(playbook) + [
            (c.text, c.style_key, CONFIRMED_WEIGHT) for c in confirmed if c.style_key in styles
        ]
        government = next((a.key for a in playbook.actors if a.government), None)
        return cls(NaiveBayes(actor_data), NaiveBayes(style_data), government)

    def suggest(self, text: str) -> tuple[str | None, str | None]:
        """(actor key, style key or None); (None, None) when the playbook gives no examples."""
        actor = self.actors.guess(text)
        if actor is None:
            return None, None
        style = self.styles.guess(text) if actor.label == self.government else None
        return actor.label, style.label if style else None
