"""The commands that find emerging themes in the ideas (issue 15): `themes emerging` proposes
them, and organisers confirm, rename, merge or drop a proposal by its short id. They share
their first word with `themes` (the themes and their challenges), which keeps its meaning
alone. Declared as `bot.core.grammar` declares the rest; grammar adds them to `COMMANDS`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.declaring import Declared, Form, GrammarError, Parsed, tokens, unquote
from bot.core.interaction import Context, Reply
from bot.core.usecases import theme_finding
from bot.core.workshop import Workshop

SUBWORDS = ("emerging", "confirm", "rename", "merge", "drop")


@dataclass(frozen=True, slots=True)
class FindThemes(Parsed):
    """`themes emerging`: propose emerging themes from the ideas."""


@dataclass(frozen=True, slots=True)
class ActOnTheme(Parsed):
    """`themes confirm|drop <id>` and `themes rename <id> <label>`."""

    action: str
    ref: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class MergeThemes(Parsed):
    """`themes merge <id> into <id>`."""

    source: str
    target: str


def claims(word: str, rest: str) -> bool:
    """A `themes` line whose next word is one of ours (so `themes` alone is not)."""
    return rest.split(" ", 1)[0].lower() in SUBWORDS if rest else False


def _parse(word: str, rest: str) -> FindThemes | ActOnTheme | MergeThemes:
    action, _, after = rest.partition(" ")
    action = action.lower()
    parts = tokens(after)
    if action == "emerging":
        return FindThemes()
    if not parts:
        raise GrammarError(
            f"Which proposal? e.g. `themes {action} t1` (`themes emerging` lists them)."
        )
    if action == "rename":
        label = unquote(after.strip()[len(parts[0]) :]) if len(parts) > 1 else ""
        if not label:
            raise GrammarError(
                "Usage: `themes rename <id> <label>`, e.g. `themes rename t2 Bold bets`."
            )
        return ActOnTheme(action, parts[0], label)
    if action == "merge":
        if len(parts) != 3 or parts[1].lower() != "into":
            raise GrammarError(
                "Usage: `themes merge <id> into <id>`, e.g. `themes merge t3 into t1`."
            )
        return MergeThemes(parts[0], parts[2])
    if len(parts) != 1:
        raise GrammarError(f"Usage: `themes {action} <id>`, e.g. `themes {action} t1`.")
    return ActOnTheme(action, parts[0])


FIND = Form(
    "themes emerging",
    "propose emerging themes from the ideas: into the existing ones, then new groups",
    "propose emerging themes",
)
CONFIRM = Form(
    "themes confirm <id>",
    "make a proposed theme an emerging theme and tag its ideas (the **Confirm** button)",
    "confirm emerging themes",
)
RENAME = Form("themes rename <id> <label>", "relabel a proposed theme", "rename proposed themes")
MERGE = Form(
    "themes merge <id> into <id>", "put one proposed theme's ideas in another", "merge themes"
)
DROP = Form(
    "themes drop <id>", "set a proposed theme aside (the **Drop** button)", "drop proposed themes"
)


def _form(cmd: FindThemes | ActOnTheme | MergeThemes, ctx: Context) -> Form:
    if isinstance(cmd, FindThemes):
        return FIND
    if isinstance(cmd, MergeThemes):
        return MERGE
    return {"confirm": CONFIRM, "rename": RENAME, "drop": DROP}[cmd.action]


async def _run(
    ws: Workshop, ctx: Context, cmd: FindThemes | ActOnTheme | MergeThemes
) -> list[Reply]:
    if isinstance(cmd, FindThemes):
        return await theme_finding.find(ws, ctx)
    if isinstance(cmd, MergeThemes):
        return await theme_finding.merge(ws, ctx, cmd.source, cmd.target)
    if cmd.action == "rename":
        return await theme_finding.rename(ws, ctx, cmd.ref, cmd.label)
    if cmd.action == "confirm":
        return await theme_finding.confirm(ws, ctx, cmd.ref)
    return await theme_finding.drop(ws, ctx, cmd.ref)


COMMANDS: tuple[Declared[Any], ...] = (
    Declared(
        ("themes",),
        (FIND, CONFIRM, RENAME, MERGE, DROP),
        _parse,
        _run,
        form_of=_form,
        claims=claims,
    ),
)
