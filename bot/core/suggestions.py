"""Who could act on an idea, and why: a classifier (the composition root's learner, or the small
naive Bayes here) trained on the playbook's "What can … do?" lists and styles grid, and on
organisers' own assignments as the programme grows. It only ever suggests; an organiser
confirms."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from bot.core.domain import Assignment, Suggestion
from bot.core.learning import Classifier, Example, Guess, Learner
from bot.core.playbook import Playbook
from bot.core.similarity import stems

# Organisers' confirmed assignments weigh more than the playbook's examples: they are this
# programme's own judgement.
CONFIRMED_WEIGHT = 2.0


def features(text: str) -> list[str]:
    """Stems, and adjacent stem pairs (so "parking charge" means more than its words)."""
    words = stems(text)
    return words + [f"{a}_{b}" for a, b in pairwise(words)]


CLOSEST = 5  # a classifier's nearest examples, of which ...
REASONS = 2  # ... this many of the write-up's own are quoted as the reason for a suggestion


class NaiveBayes:
    """Multinomial naive Bayes with add-one smoothing; small, fast, and honest about it."""

    def __init__(self, examples: Iterable[Example]) -> None:
        self._counts: dict[str, defaultdict[str, float]] = {}
        self._priors: defaultdict[str, float] = defaultdict(float)
        self._examples: defaultdict[str, list[tuple[str, frozenset[str]]]] = defaultdict(list)
        for text, label, weight in examples:
            self._priors[label] += weight
            counts = self._counts.setdefault(label, defaultdict(float))
            seen = features(text)
            self._examples[label].append((text, frozenset(seen)))
            for feature in seen:
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
        return Guess(best, confidence, self._closest(best, frozenset(seen)))

    def _closest(self, label: str, seen: frozenset[str]) -> tuple[str, ...]:
        """The label's examples sharing the most features with the text (none if none do)."""
        shared = [(len(seen & f), text) for text, f in self._examples[label] if seen & f]
        shared.sort(key=lambda pair: -pair[0])
        return tuple(text for _, text in shared[:CLOSEST])


@dataclass(frozen=True, slots=True)
class Confirmed:
    """An organiser's assignment of an idea: training data for its programme."""

    text: str
    actor_key: str
    style_key: str | None


def actor_examples(playbook: Playbook) -> list[Example]:
    """Each actor's write-up list and the playbook's labelled ideas; the styles grid describes
    what government does, so its cells teach the government actor too."""
    listed = [(text, actor.key, 1.0) for actor in playbook.actors for text in actor.examples]
    listed += [(idea.text, idea.actor_key, 1.0) for idea in playbook.labelled]
    government = next((a.key for a in playbook.actors if a.government), None)
    if government is None:
        return listed
    return listed + [(text, government, 1.0) for text, _, _ in grid_examples(playbook)]


def style_examples(playbook: Playbook) -> list[Example]:
    """The styles grid and the playbook's labelled ideas of the government actor, by style."""
    labelled = [(i.text, i.style_key, 1.0) for i in playbook.labelled if i.style_key]
    return grid_examples(playbook) + labelled


def grid_examples(playbook: Playbook) -> list[Example]:
    """Each style described by its summary, lever, and its grid cells' names and descriptions."""
    examples = []
    for style in playbook.styles:
        examples.append((f"{style.summary} {style.lever}", style.key, 1.0))
        examples += [(f"{cell.name} {cell.description}", style.key, 1.0) for cell in style.cells]
    return examples


@dataclass(frozen=True, slots=True)
class Suggester:
    """The programme's two models: actor for every idea; style for the government's ideas."""

    actors: Classifier
    styles: Classifier
    government: str | None
    # The write-up's examples: the only ones quoted as reasons, since organisers' assignments
    # are participants' ideas, which may be erased.
    quotable: frozenset[str] = frozenset()

    @classmethod
    def train(
        cls, playbook: Playbook, confirmed: Sequence[Confirmed], learner: Learner = NaiveBayes
    ) -> Suggester:
        known = {a.key for a in playbook.actors}
        actor_data = actor_examples(playbook) + [
            (c.text, c.actor_key, CONFIRMED_WEIGHT) for c in confirmed if c.actor_key in known
        ]
        styles = {s.key for s in playbook.styles}
        style_data = style_examples(playbook) + [
            (c.text, c.style_key, CONFIRMED_WEIGHT) for c in confirmed if c.style_key in styles
        ]
        government = next((a.key for a in playbook.actors if a.government), None)
        quotable = frozenset(text for text, _, _ in actor_examples(playbook))
        return cls(learner(actor_data), learner(style_data), government, quotable)

    def suggest(self, text: str) -> tuple[str | None, str | None]:
        """(actor key, style key or None); (None, None) when the playbook gives no examples."""
        suggested = self.suggestion(text)
        if suggested is None:
            return None, None
        return suggested.assignment.actor_key, suggested.assignment.style_key

    def suggestion(self, text: str) -> Suggestion | None:
        """The suggestion with its reasons: the write-up's examples nearest the text."""
        actor, style = self.guesses(text)
        if actor is None:
            return None
        because = tuple(t for t in actor.closest if t in self.quotable)[:REASONS]
        return Suggestion(Assignment(actor.label, style.label if style else None), because)

    def guesses(self, text: str) -> tuple[Guess | None, Guess | None]:
        """The actor guess and, for the government, the style guess, each with its reasons."""
        actor = self.actors.guess(text)
        if actor is None or actor.label != self.government:
            return actor, None
        return actor, self.styles.guess(text)
