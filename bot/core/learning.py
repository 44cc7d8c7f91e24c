"""The suggester's port: a learner turns labelled examples into a classifier that guesses a
label for new text and says why (the closest examples). The core ships a small naive Bayes
(`bot.core.suggestions.NaiveBayes`); the composition root may hand in a model that reads
meaning (`bot.meaning`), which the core never imports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

# (text, label, weight): organisers' confirmed assignments weigh more than the write-up's.
Example = tuple[str, str, float]


@dataclass(frozen=True, slots=True)
class Guess:
    label: str
    confidence: float  # how sure, 0 to 1 (the posterior, or the share of the neighbours' vote)
    closest: tuple[str, ...] = ()  # the training examples of `label` nearest the text: the why


class Classifier(Protocol):
    def guess(self, text: str) -> Guess | None:
        """The best label for `text`, or None when there was nothing to learn from."""
        ...


class Learner(Protocol):
    def __call__(self, examples: Sequence[Example]) -> Classifier:
        """Train on the examples (may take a while: callers run big trainings off the loop)."""
        ...
