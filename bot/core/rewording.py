"""Duplicates by meaning, the core's port: a window of a programme's newest ideas that a model
reading meaning compares a new idea with, to catch a rewording that shares few words with the
idea it repeats. The composition root hands in the model (`bot.rewordings`) when it is
installed; the core never imports it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

# (storage id, number, text), oldest first: as `IdeaStore.idea_texts` gives them.
Rows = Sequence[tuple[int, int, str]]


class Window(Protocol):
    """The newest ideas, up to the window's size; older ones drop out as new ones come in."""

    last_seen: int  # the storage id of the newest idea added

    def add(self, rows: Rows) -> None:
        """Take in ideas stored after `last_seen` (CPU work: callers run it off the loop)."""
        ...

    def nearest(self, text: str) -> Sequence[int]:
        """The numbers of the ideas `text` may reword, closest first (CPU work, as `add`)."""
        ...


class WindowFactory(Protocol):
    def __call__(self, reference: Sequence[str], size: int) -> Window:
        """An empty window; `reference` is the playbook's own ideas, which show the model how
        close ideas of this programme's kind are to each other anyway (CPU work)."""
        ...
