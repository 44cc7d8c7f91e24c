"""The commands for sorting ideas (issue 14, part B): participants' proposals of who should act,
emerging themes and their tags, re-filing, the plan by actor, and the typed twins of the buttons
that confirm a suggestion, keep a flagged idea or add a held-back one. Declared as
`bot.core.grammar` declares the rest; grammar adds them to `COMMANDS`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.core.declaring import (
    Declared,
    Form,
    GrammarError,
    Parsed,
    idea_number,
    tokens,
    unquote,
    usage,
)
from bot.core.usecases import assignment, by_actor, emerging, ideas, moderation, proposals, refiling


def _hint(word: str) -> str:
    return usage(word, COMMANDS)


def _idea_number(text: str, word: str) -> int:
    return idea_number(text, word, COMMANDS)


@dataclass(frozen=True, slots=True)
class Move(Parsed):
    """`move <id> <theme> [challenge]`: organisers re-file an idea."""

    number: int
    theme: str
    challenge: int | None = None


@dataclass(frozen=True, slots=True)
class PlanByActor(Parsed):
    """`plan by actor [actor]`: the plan grouped by actor across themes."""

    actor: str | None = None


@dataclass(frozen=True, slots=True)
class AddMine(Parsed):
    """`add mine <n>`: the Add mine anyway button, typed (n: the held-back idea's number)."""

    draft: int


@dataclass(frozen=True, slots=True)
class Confirm(Parsed):
    """`confirm <id>`: the Confirm button, typed."""

    number: int


@dataclass(frozen=True, slots=True)
class Keep(Parsed):
    """`keep <id>`: the Keep button on a flag, typed."""

    number: int


BY_ACTOR = re.compile(r"(?i)by\s+actors?\b\s*(.*)", re.DOTALL)


def _move(word: str, rest: str) -> Move:
    number = _idea_number(rest, "move")
    parts = tokens(rest)[1:]
    if not parts:
        raise GrammarError(f"Move #{number} where? {_hint('move')}, e.g. `move {number} infra 2`.")
    if len(parts) > 1 and re.fullmatch(r"\d{1,4}", parts[-1]):
        return Move(number, " ".join(parts[:-1]), int(parts[-1]))
    return Move(number, " ".join(parts))


def _plan_by_actor(word: str, rest: str) -> PlanByActor:
    match = BY_ACTOR.fullmatch(rest.strip())
    actor = match.group(1).strip() if match else ""
    return PlanByActor(actor or None)


def _add_mine(word: str, rest: str) -> AddMine:
    parts = rest.split()
    if len(parts) != 2 or parts[0].lower() != "mine" or not parts[1].isdigit():
        raise GrammarError(f"{_hint('add')}: the number is in the note that held your idea back.")
    return AddMine(int(parts[1]))


@dataclass(frozen=True, slots=True)
class Propose(Parsed):
    """`propose <id> <actor> [style] [stage]`: a participant's say in who should act."""

    number: int
    actor: str
    style: str | None = None
    stage: str | None = None


@dataclass(frozen=True, slots=True)
class ShowEmerging(Parsed):
    """`emerging`: the emerging themes and the ideas tagged to them."""


@dataclass(frozen=True, slots=True)
class AddEmerging(Parsed):
    """`emerging add <title>: <text>`: organisers add an emerging theme."""

    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Tag(Parsed):
    """`tag <id> <emerging theme>` / `untag …`: organisers tag an idea to an emerging theme."""

    number: int
    emerging: str
    tagged: bool


def _propose(word: str, rest: str) -> Propose:
    parts = tokens(rest)
    number = _idea_number(rest, "propose")
    if len(parts) < 2:
        raise GrammarError(f"Who should act on #{number}? {_hint('propose')}.")
    style = parts[2] if len(parts) > 2 else None
    stage = " ".join(parts[3:]) if len(parts) > 3 else None
    return Propose(number, parts[1], style, stage)


def _emerging(word: str, rest: str) -> ShowEmerging | AddEmerging:
    if not rest:
        return ShowEmerging()
    head, _, after = rest.partition(" ")
    title, colon, text = after.partition(":")
    if head.lower() != "add" or not colon or not title.strip() or not text.strip():
        raise GrammarError(
            "Usage: `emerging` to see them, or `emerging add <title>: <what it means>`, "
            "e.g. `emerging add Be bold: take good risks`."
        )
    return AddEmerging(unquote(title), text.strip())


def _tag(word: str, rest: str) -> Tag:
    number = _idea_number(rest, word)
    parts = rest.split(None, 1)
    if len(parts) < 2:
        raise GrammarError(f"Which emerging theme? {_hint(word)}. `emerging` lists them.")
    return Tag(number, parts[1].strip(), tagged=word == "tag")


EMERGING_SHOW = Form("emerging", "the emerging themes from across the day, with their ideas")
EMERGING_ADD = Form("emerging add <title>: <text>", "add an emerging theme", "add emerging themes")
TAG = Form("tag <id> <emerging theme>", "tag an idea to an emerging theme", "tag ideas")
UNTAG = Form("untag <id> <emerging theme>", "take an idea's emerging-theme tag off", "tag ideas")

COMMANDS: tuple[Declared[Any], ...] = (
    Declared(
        ("propose",),
        (
            Form(
                "propose <id> <actor> [style] [stage]",
                "say who you think should act on an idea (one proposal per idea; a new one "
                "replaces it)",
            ),
        ),
        _propose,
        lambda ws, ctx, cmd: proposals.propose_typed(
            ws, ctx, cmd.number, cmd.actor, cmd.style, cmd.stage
        ),
    ),
    Declared(
        ("emerging",),
        (EMERGING_SHOW, EMERGING_ADD),
        _emerging,
        lambda ws, ctx, cmd: (
            emerging.show(ws, ctx)
            if isinstance(cmd, ShowEmerging)
            else emerging.add(ws, ctx, cmd.title, cmd.text)
        ),
        form_of=lambda cmd, ctx: EMERGING_SHOW if isinstance(cmd, ShowEmerging) else EMERGING_ADD,
    ),
    Declared(
        ("tag", "untag"),
        (TAG, UNTAG),
        _tag,
        lambda ws, ctx, cmd: emerging.tag(ws, ctx, cmd.number, cmd.emerging, cmd.tagged),
        form_of=lambda cmd, ctx: TAG if cmd.tagged else UNTAG,
    ),
    Declared(
        ("move",),
        (
            Form(
                "move <id> <theme> [challenge]",
                "re-file an idea under another theme or challenge; its votes follow it",
                "move ideas",
            ),
        ),
        _move,
        lambda ws, ctx, cmd: refiling.move(ws, ctx, cmd.number, cmd.theme, cmd.challenge),
    ),
    Declared(
        ("plan",),
        (Form("plan by actor [actor]", "what each actor can do, across themes"),),
        _plan_by_actor,
        lambda ws, ctx, cmd: by_actor.show(ws, ctx, cmd.actor),
        claims=lambda word, rest: BY_ACTOR.fullmatch(rest.strip()) is not None,
    ),
    Declared(
        ("add",),
        (Form("add mine <n>", "add your idea held back as a near-duplicate (Add mine anyway)"),),
        _add_mine,
        lambda ws, ctx, cmd: ideas.add_anyway(ws, ctx, str(cmd.draft)),
    ),
    Declared(
        ("confirm",),
        (Form("confirm <id>", "accept the bot's suggested actor for an idea", "assign ideas"),),
        lambda word, rest: Confirm(_idea_number(rest, word)),
        lambda ws, ctx, cmd: assignment.confirm(ws, ctx, cmd.number),
    ),
    Declared(
        ("keep",),
        (Form("keep <id>", "dismiss an idea's flags: it stays as it is", "dismiss flags"),),
        lambda word, rest: Keep(_idea_number(rest, word)),
        lambda ws, ctx, cmd: moderation.keep(ws, ctx, cmd.number),
    ),
)
