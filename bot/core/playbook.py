"""A programme's script from TOML: themes, challenges, actors, styles of action, audiences."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.agenda import AgendaStep, EvidenceItem, read_agenda, read_evidence
from bot.core.teaching import LabelledIdea, read_labelled

DEFAULT_PLAYBOOK = "lis-lab.toml"
KEY_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


class PlaybookError(ValueError):
    """A playbook that cannot run; the message names the file and the field at fault."""


@dataclass(frozen=True, slots=True)
class Audience:
    key: str
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Actor:
    key: str
    name: str
    question: str
    government: bool
    examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Stage:
    key: str
    name: str


@dataclass(frozen=True, slots=True)
class StyleCell:
    """A cell of the styles-of-government-action grid: Funder × Scaling = Grants and subsidies."""

    stage_key: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class Style:
    key: str
    name: str
    summary: str
    lever: str
    cells: tuple[StyleCell, ...]

    def cell(self, stage_key: str) -> StyleCell | None:
        return next((c for c in self.cells if c.stage_key == stage_key), None)


@dataclass(frozen=True, slots=True)
class EmergingTheme:
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Theme:
    key: str
    title: str
    question: str
    evidence: tuple[str, ...]
    challenges: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.title


@dataclass(frozen=True, slots=True)
class Playbook:
    """Everything a programme needs to run its workshop, independent of any chat platform."""

    key: str
    name: str
    description: str
    source: str
    timezone: str
    default_audience: str
    anonymous: bool
    votes_per_theme: int
    audiences: tuple[Audience, ...]
    actors: tuple[Actor, ...]
    stages: tuple[Stage, ...]
    styles: tuple[Style, ...]
    emerging_themes: tuple[EmergingTheme, ...]
    themes: tuple[Theme, ...]
    sample_ideas: tuple[str, ...]
    agenda: tuple[AgendaStep, ...] = ()  # none: the programme runs without steps, as before
    evidence: tuple[EvidenceItem, ...] = ()
    labelled: tuple[LabelledIdea, ...] = ()  # `[[suggestion_examples]]`: teach the suggestions

    def theme(self, key: str) -> Theme:
        return next(t for t in self.themes if t.key == key)

    def theme_title(self, key: str) -> str:
        """The theme's title, or its key for a theme this playbook no longer has."""
        return next((t.title for t in self.themes if t.key == key), key)

    def themes_for(self, keys: Iterable[str]) -> tuple[Theme, ...]:
        """The themes `keys` name: the playbook's in its order, then a stand-in titled by its
        key for each theme the playbook no longer has (ideas outlive an edited playbook)."""
        wanted = set(keys)
        known = {t.key for t in self.themes}
        stand_ins = (
            Theme(key=k, title=k, question="", evidence=(), challenges=())
            for k in sorted(wanted - known)
        )
        return (*(t for t in self.themes if t.key in wanted), *stand_ins)

    def actor(self, key: str) -> Actor:
        return next(a for a in self.actors if a.key == key)

    def style(self, key: str) -> Style:
        return next(s for s in self.styles if s.key == key)

    def stage(self, key: str) -> Stage:
        return next(s for s in self.stages if s.key == key)

    def audience(self, key: str) -> Audience:
        return next(a for a in self.audiences if a.key == key)


def load_default() -> Playbook:
    """The write-up's own workshop, shipped inside the package."""
    source = resources.files("bot") / "playbooks" / DEFAULT_PLAYBOOK
    return parse(source.read_text(encoding="utf-8"), origin=f"<bundled {DEFAULT_PLAYBOOK}>")


def load(path: str | Path | None) -> Playbook:
    """Load the playbook at `path`, or the bundled default when no path is given."""
    if not path:
        return load_default()
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlaybookError(f"{file}: cannot be read ({exc.strerror or exc})") from exc
    return parse(text, origin=str(file))


def parse(text: str, origin: str) -> Playbook:
    """Parse and validate playbook TOML; every error names `origin` and the field at fault."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlaybookError(f"{origin}: not valid TOML ({exc})") from exc
    return _Reader(origin).playbook(data)


T = TypeVar("T")


class _Reader:
    """Walks the TOML tree, keeping the dotted path of where it is for error messages."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def fail(self, where: str, problem: str) -> PlaybookError:
        return PlaybookError(f"{self.origin}: {where}: {problem}")

    def table(self, data: dict[str, Any], name: str, where: str) -> dict[str, Any]:
        value = data.get(name)
        if not isinstance(value, dict):
            raise self.fail(f"{where}{name}", "missing table")
        return value

    def string(
        self, data: dict[str, Any], name: str, where: str, default: str | None = None
    ) -> str:
        value = data.get(name, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}{name}", "must be a non-empty string")
        return value.strip()

    def key(self, data: dict[str, Any], where: str) -> str:
        value = self.string(data, "key", where)
        if not set(value) <= KEY_CHARS or value[0] == "-":
            raise self.fail(f"{where}key", f"{value!r} must use only a-z, 0-9 and '-'")
        return value

    def strings(
        self, data: dict[str, Any], name: str, where: str, empty_ok: bool
    ) -> tuple[str, ...]:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(f"{where}{name}", "must be a list of non-empty strings")
        if not value and not empty_ok:
            raise self.fail(f"{where}{name}", "must list at least one entry")
        return tuple(v.strip() for v in value)

    def items(
        self,
        data: dict[str, Any],
        name: str,
        where: str,
        build: Callable[[dict[str, Any], str], T],
        empty_ok: bool = False,
    ) -> tuple[T, ...]:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(f"{where}{name}", "must be an array of tables ([[...]])")
        if not value and not empty_ok:
            raise self.fail(f"{where}{name}", "must have at least one entry")
        built = tuple(build(item, f"{where}{name}[{i}].") for i, item in enumerate(value))
        self.unique_keys(built, f"{where}{name}")
        return built

    def unique_keys(self, built: Sequence[object], where: str) -> None:
        seen: set[str] = set()
        for item in built:
            key = getattr(item, "key", None) or getattr(item, "stage_key", None)
            if key is None:
                continue
            if key in seen:
                raise self.fail(where, f"key {key!r} is used twice")
            seen.add(key)

    def playbook(self, data: dict[str, Any]) -> Playbook:
        programme = self.table(data, "programme", "")
        voting = data.get("voting", {})
        if not isinstance(voting, dict):
            raise self.fail("voting", "must be a table")
        budget = voting.get("votes_per_theme", 5)
        if not isinstance(budget, int) or isinstance(budget, bool) or not 1 <= budget <= 1000:
            raise self.fail("voting.votes_per_theme", "must be a whole number from 1 to 1000")
        audiences = self.items(data, "audiences", "", self.audience)
        stages = self.items(data, "stages", "", self.stage)
        stage_keys = [s.key for s in stages]
        styles = self.items(data, "styles", "", lambda d, w: self.style(d, w, stage_keys), True)
        actors = self.items(data, "actors", "", self.actor)
        if styles and not any(a.government for a in actors):
            raise self.fail("actors", "styles are listed, so one actor must have government = true")
        default_audience = self.string(
            programme, "default_audience", "programme.", audiences[0].key
        )
        if default_audience not in {a.key for a in audiences}:
            raise self.fail(
                "programme.default_audience", f"{default_audience!r} is not an audience"
            )
        timezone = self.string(programme, "timezone", "programme.", "UTC")
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise self.fail("programme.timezone", f"{timezone!r} is not a known time zone") from exc
        anonymous = programme.get("anonymous", False)
        if not isinstance(anonymous, bool):
            raise self.fail("programme.anonymous", "must be true or false")
        themes = self.items(data, "themes", "", self.theme)
        agenda = read_agenda(data, self.fail)
        self.unique_keys(agenda, "agenda")
        evidence = read_evidence(data, {t.key for t in themes}, self.fail)
        self.unique_keys(evidence, "evidence")
        labelled = read_labelled(
            data,
            {a.key: a.government for a in actors},
            {s.key for s in styles},
            {t.key for t in themes},
            self.fail,
        )
        return Playbook(
            key=self.key(programme, "programme."),
            name=self.string(programme, "name", "programme."),
            description=str(programme.get("description", "")).strip(),
            source=str(programme.get("source", "")).strip(),
            timezone=timezone,
            default_audience=default_audience,
            anonymous=anonymous,
            votes_per_theme=budget,
            audiences=audiences,
            actors=actors,
            stages=stages,
            styles=styles,
            emerging_themes=self.items(data, "emerging_themes", "", self.emerging, True),
            themes=themes,
            sample_ideas=tuple(
                self.string(item, "text", f"sample_ideas[{i}].")
                for i, item in enumerate(data.get("sample_ideas", []))
            ),
            agenda=agenda,
            evidence=evidence,
            labelled=labelled,
        )

    def audience(self, data: dict[str, Any], where: str) -> Audience:
        return Audience(
            key=self.key(data, where),
            name=self.string(data, "name", where),
            description=str(data.get("description", "")).strip(),
        )

    def actor(self, data: dict[str, Any], where: str) -> Actor:
        government = data.get("government", False)
        if not isinstance(government, bool):
            raise self.fail(f"{where}government", "must be true or false")
        name = self.string(data, "name", where)
        return Actor(
            key=self.key(data, where),
            name=name,
            question=self.string(data, "question", where, f"What can {name.lower()} do?"),
            government=government,
            examples=self.strings(data, "examples", where, empty_ok=True),
        )

    def stage(self, data: dict[str, Any], where: str) -> Stage:
        return Stage(key=self.key(data, where), name=self.string(data, "name", where))

    def style(self, data: dict[str, Any], where: str, stage_keys: list[str]) -> Style:
        cells = self.items(data, "cells", where, self.cell, empty_ok=True)
        for i, cell in enumerate(cells):
            if cell.stage_key not in stage_keys:
                raise self.fail(f"{where}cells[{i}].stage", f"{cell.stage_key!r} is not a stage")
        return Style(
            key=self.key(data, where),
            name=self.string(data, "name", where),
            summary=str(data.get("summary", "")).strip(),
            lever=str(data.get("lever", "")).strip(),
            cells=cells,
        )

    def cell(self, data: dict[str, Any], where: str) -> StyleCell:
        return StyleCell(
            stage_key=self.string(data, "stage", where),
            name=self.string(data, "name", where),
            description=self.string(data, "description", where),
        )

    def emerging(self, data: dict[str, Any], where: str) -> EmergingTheme:
        return EmergingTheme(
            title=self.string(data, "title", where), text=self.string(data, "text", where)
        )

    def theme(self, data: dict[str, Any], where: str) -> Theme:
        title = self.string(data, "title", where)
        return Theme(
            key=self.key(data, where),
            title=title,
            question=self.string(data, "question", where, f"How can we make progress on {title}?"),
            evidence=self.strings(data, "evidence", where, empty_ok=True),
            challenges=self.strings(data, "challenges", where, empty_ok=False),
        )
