"""A proposed assignment carried by a button (`<number>:<actor>:<style>:<stage>`), and the same
assignment as the words a command takes (`12 authority funder scaling`)."""

from __future__ import annotations

from bot.core.domain import Assignment


def encode(number: int, said: Assignment) -> str:
    return ":".join([str(number), said.actor_key, said.style_key or "", said.stage_key or ""])


def decode(value: str) -> tuple[int, Assignment] | None:
    """The idea number and assignment a button carries; None for a value of another shape."""
    parts = value.split(":")
    if len(parts) != 4 or not parts[0].isdigit() or not parts[1]:
        return None
    return int(parts[0]), Assignment(parts[1], parts[2] or None, parts[3] or None)


def words(value: str) -> str:
    """ "12:authority:funder:" → "12 authority funder": what `propose` and `assign` take."""
    return " ".join(part for part in value.split(":") if part)
