"""The shape of a command declaration, shared by `bot.core.grammar` and the modules that
declare commands of their own (`bot.core.agenda_grammar`, `bot.core.curating_grammar`,
`bot.core.nudge_grammar`), so those need not import grammar."""

from __future__ import annotations

import re
import shlex
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from bot.core.domain import Phase
from bot.core.interaction import Context, Reply
from bot.core.workshop import Workshop

# The words that move a theme through its phases, now (grammar) or at a time (nudge_grammar).
PHASE_WORDS = {"open": Phase.COLLECTING, "voting": Phase.VOTING, "close": Phase.CLOSED}
SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


class GrammarError(ValueError):
    """What was typed is not a command we understand; the message says what would be."""


@dataclass(frozen=True, slots=True)
class Form:
    """One way to type a command, as `help` and the README show it. `organisers` is what only
    organisers may do with it, in the words of the refusal ("Only organisers can …"); None: anyone
    may."""

    syntax: str
    summary: str
    organisers: str | None = None

    @property
    def word(self) -> str:
        return self.syntax.split()[0]


class Parsed:
    """What a command line means, ready for its use case."""

    __slots__ = ()


C = TypeVar("C", bound=Parsed)


def _anything(word: str, rest: str) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Declared(Generic[C]):
    """One command. `parse` gets the first word (after aliases) and the rest of the line;
    `claims` lets two commands share a first word (`organisers`, `organisers here`);
    `form_of` says which form a parsed line is, when there is more than one."""

    words: tuple[str, ...]
    forms: tuple[Form, ...]
    parse: Callable[[str, str], C]
    run: Callable[[Workshop, Context, C], Awaitable[list[Reply]]]
    form_of: Callable[[C, Context], Form] | None = None
    claims: Callable[[str, str], bool] = _anything

    def form(self, cmd: C, ctx: Context) -> Form:
        """The form `cmd` was typed in, which says who may use it."""
        return self.form_of(cmd, ctx) if self.form_of else self.forms[0]

    async def enact(self, ws: Workshop, ctx: Context, cmd: C) -> list[Reply]:
        """Refuse a form only organisers may use before its use case runs; then run it."""
        form = self.form(cmd, ctx)
        if form.organisers is not None:
            await ws.require_organiser(ctx, form.organisers)
        return await self.run(ws, ctx, cmd)


def tokens(text: str) -> list[str]:
    """Split on spaces, honouring "quoted phrases" (straight or curly quotes)."""
    try:
        return shlex.split(text.translate(SMART_QUOTES))
    except ValueError:
        return text.split()


def usage(word: str, commands: Iterable[Declared[Any]]) -> str:
    """`Usage: …` with every form `word` has among `commands`, for a reply that teaches."""
    syntaxes = [f.syntax for d in commands for f in d.forms if f.word == word]
    return f"Usage: `{' | '.join(syntaxes) or word + ' <id>'}`"


def idea_number(text: str, word: str, commands: Iterable[Declared[Any]]) -> int:
    """The idea number `text` opens with (`12` or `#12`); the refusal shows `word`'s usage."""
    first = text.split()[0] if text.split() else ""
    match = re.fullmatch(r"#?(\d{1,9})", first)
    if not match:
        if not first:
            raise GrammarError(f"Which idea? {usage(word, commands)}, e.g. `{word} 12`.")
        raise GrammarError(f"'{first}' is not an idea number; ideas are numbered like #12.")
    return int(match.group(1))


def unquote(text: str) -> str:
    """ "Bath Spa University" → Bath Spa University; straight or curly quotes."""
    stripped = text.strip().translate(SMART_QUOTES)
    if len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in "\"'":
        return stripped[1:-1]
    return stripped
