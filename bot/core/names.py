"""Matching what people type ("infra", "Funder", "early") to playbook keys, never by guesswork.

A key or name matches when it equals what was typed, starts with it, or has a later word that
starts with it; more than one match is refused, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol, TypeVar


class Named(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=Named)


class NoMatch(Exception):
    """Nothing, or more than one thing, answers to what was typed; the message says which."""


def normalise(text: str) -> str:
    """Lower case, with runs of spaces, underscores and dashes folded to one dash."""
    return re.sub(r"[\s_\-]+", "-", text.strip().lower()).strip("-")


def resolve(typed: str, items: Sequence[N], kind: str) -> N:
    """The item whose key or name equals, or unambiguously starts with, what was typed."""
    wanted = normalise(typed)
    if not wanted:
        raise NoMatch(f"Please name a {kind}: {_choices(items)}.")
    exact = [i for i in items if wanted in (i.key, normalise(i.name))]
    if exact:
        return exact[0]
    partial = [i for i in items if i.key.startswith(wanted) or normalise(i.name).startswith(wanted)]
    if not partial:  # "infra" for investing-in-infrastructure: the start of a later word
        partial = [i for i in items if any(_word_start(wanted, n) for n in (i.key, i.name))]
    if len(partial) == 1:
        return partial[0]
    if partial:
        keys = ", ".join(f"`{i.key}`" for i in partial)
        raise NoMatch(f"'{typed}' could be any of {keys}; type a little more of the {kind}.")
    raise NoMatch(f"There is no {kind} called '{typed}'. Try one of: {_choices(items)}.")


def _choices(items: Sequence[Named]) -> str:
    return ", ".join(f"`{i.key}`" for i in items)


def _word_start(wanted: str, text: str) -> bool:
    words = normalise(text).split("-")
    return any("-".join(words[k:]).startswith(wanted) for k in range(1, len(words)))
