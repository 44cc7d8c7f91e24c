"""The Lab day's steps: the agenda a playbook declares, its evidence, and what participants add
along the way (hopes, risks, challenge proposals, evidence reactions, the closing synthesis)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.core.domain import Participant

MAX_CONTRIBUTION_CHARS = 500
MAX_COMMENT_CHARS = 500
MAX_SYNTHESIS_CHARS = 20_000


class StepKind(StrEnum):
    """What a step's card does; the write-up's day runs them in this order."""

    FRAMING = "framing"
    EVIDENCE = "evidence"
    CHALLENGES = "challenges"
    IDEAS = "ideas"
    ACTORS = "actors"
    PLAN = "plan"
    SYNTHESIS = "synthesis"


class Kind(StrEnum):
    """What a participant can write and others back: numbered h1, r1, c1 per programme."""

    HOPE = "hope"
    RISK = "risk"
    CHALLENGE = "challenge"

    @property
    def prefix(self) -> str:
        return self.value[0]


class Reaction(StrEnum):
    """The write-up's three evidence questions: what's interesting, surprising, inspiring."""

    INTERESTING = "interesting"
    SURPRISING = "surprising"
    INSPIRES = "inspires"


@dataclass(frozen=True, slots=True)
class AgendaStep:
    key: str
    kind: StepKind
    title: str
    text: str = ""

    @property
    def name(self) -> str:
        return self.title


@dataclass(frozen=True, slots=True)
class EvidenceTable:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One slide of the evidence: its headline, points, full tables and source."""

    key: str
    theme_key: str
    title: str
    points: tuple[str, ...] = ()
    tables: tuple[EvidenceTable, ...] = ()
    source: str = ""

    @property
    def name(self) -> str:
        return self.title


@dataclass(frozen=True, slots=True)
class Contribution:
    """A hope, risk or proposed challenge, with who backs it by audience."""

    kind: Kind
    number: int
    text: str
    theme_key: str | None
    author: Participant
    audience: str
    created_at: datetime
    backers: Mapping[str, int] = field(default_factory=dict)  # audience → people backing
    challenge_index: int | None = None  # once promoted: its place among its theme's challenges

    @property
    def promoted(self) -> bool:
        return self.challenge_index is not None

    @property
    def ref(self) -> str:
        return f"{self.kind.prefix}{self.number}"

    @property
    def total(self) -> int:
        return sum(self.backers.values())


def ranked(items: list[Contribution]) -> list[Contribution]:
    """Most backed first, then the earlier one: the plan's own ranking rule."""
    return sorted(items, key=lambda c: (-c.total, c.number))


def promotion_order(challenge: Contribution) -> tuple[str, int]:
    """Promoted challenges by theme, each theme's in the order of their places."""
    return (challenge.theme_key or "", challenge.challenge_index or 0)


class Backed(StrEnum):
    COUNTED = "counted"
    ALREADY = "already"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class Tally:
    """Reactions to one evidence item: reaction → audience → people, and the comments left."""

    counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    comments: tuple[tuple[str, str], ...] = ()  # (audience, comment), oldest first

    def total(self, reaction: Reaction) -> int:
        return sum(self.counts.get(reaction.value, {}).values())


@dataclass(frozen=True, slots=True)
class Synthesis:
    """'What we heard': the organisers' draft, and the text as last published (if ever)."""

    text: str
    by: str
    saved_at: datetime
    published_at: datetime | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class Standing:
    """Where the programme and its channels stand on the agenda, and whether it is closed.
    `channels` maps a channel's (platform, workspace, channel) to its own step and name."""

    step: str | None = None
    channels: Mapping[tuple[str, str, str], tuple[str, str]] = field(default_factory=dict)
    closed_at: datetime | None = None

    def step_of(self, place: tuple[str, str, str]) -> str | None:
        own = self.channels.get(place)
        return own[0] if own else self.step


# ---- reading the playbook's [[agenda]] and [[evidence]] ----------------------------------------

Fail = Callable[[str, str], Exception]


def _text(data: dict[str, Any], name: str, where: str, fail: Fail) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise fail(f"{where}{name}", "must be a string")
    return value.strip()


def _required(data: dict[str, Any], name: str, where: str, fail: Fail) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise fail(f"{where}{name}", "must be a non-empty string")
    return value.strip()


def _tables(data: dict[str, Any], name: str, where: str, fail: Fail) -> list[dict[str, Any]]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise fail(f"{where}{name}", "must be an array of tables ([[...]])")
    return value


def read_agenda(data: dict[str, Any], fail: Fail) -> tuple[AgendaStep, ...]:
    steps = []
    for i, item in enumerate(_tables(data, "agenda", "", fail)):
        where = f"agenda[{i}]."
        kind = _required(item, "kind", where, fail)
        if kind not in {k.value for k in StepKind}:
            kinds = ", ".join(k.value for k in StepKind)
            raise fail(f"{where}kind", f"{kind!r} is not one of {kinds}")
        steps.append(
            AgendaStep(
                key=_required(item, "key", where, fail),
                kind=StepKind(kind),
                title=_required(item, "title", where, fail),
                text=_text(item, "text", where, fail),
            )
        )
    return tuple(steps)


def read_evidence(
    data: dict[str, Any], theme_keys: set[str], fail: Fail
) -> tuple[EvidenceItem, ...]:
    items = []
    for i, item in enumerate(_tables(data, "evidence", "", fail)):
        where = f"evidence[{i}]."
        theme = _required(item, "theme", where, fail)
        if theme not in theme_keys:
            raise fail(f"{where}theme", f"{theme!r} is not a theme")
        points = item.get("points", [])
        if not isinstance(points, list) or not all(isinstance(p, str) for p in points):
            raise fail(f"{where}points", "must be a list of strings")
        items.append(
            EvidenceItem(
                key=_required(item, "key", where, fail),
                theme_key=theme,
                title=_required(item, "title", where, fail),
                points=tuple(p.strip() for p in points if p.strip()),
                tables=tuple(
                    _table(t, f"{where}tables[{j}].", fail)
                    for j, t in enumerate(_tables(item, "tables", where, fail))
                ),
                source=_text(item, "source", where, fail),
            )
        )
    return tuple(items)


def _table(data: dict[str, Any], where: str, fail: Fail) -> EvidenceTable:
    columns = data.get("columns")
    rows = data.get("rows")
    if not isinstance(columns, list) or not columns or not all(isinstance(c, str) for c in columns):
        raise fail(f"{where}columns", "must be a list of column headings")
    if not isinstance(rows, list) or not all(
        isinstance(r, list) and len(r) == len(columns) for r in rows
    ):
        raise fail(f"{where}rows", f"must be a list of rows of {len(columns)} cells each")
    return EvidenceTable(
        caption=_text(data, "caption", where, fail),
        columns=tuple(columns),
        rows=tuple(tuple(str(cell) for cell in row) for row in rows),
    )


@dataclass(frozen=True, slots=True)
class Day:
    """Everything of the day's steps the web view and the export show, read at once."""

    standing: Standing
    hopes: tuple[Contribution, ...]
    risks: tuple[Contribution, ...]
    challenges: tuple[Contribution, ...]
    tallies: Mapping[str, Tally]
    synthesis: Synthesis | None  # published only: a draft stays with the organisers
