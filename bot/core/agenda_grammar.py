"""The commands of the Lab day's steps (agenda, framing, evidence, challenges, synthesis),
declared as `bot.core.grammar` declares the rest; grammar adds them to `COMMANDS`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.agenda import Kind
from bot.core.declaring import Declared, Form, GrammarError, Parsed, tokens
from bot.core.interaction import Context, Reply
from bot.core.usecases import agenda, challenges, contributions, evidence, synthesis
from bot.core.workshop import Workshop


@dataclass(frozen=True, slots=True)
class ShowAgenda(Parsed):
    """`agenda`: where the programme and this channel stand."""


@dataclass(frozen=True, slots=True)
class MoveStep(Parsed):
    step: str
    everywhere: bool


@dataclass(frozen=True, slots=True)
class Contribute(Parsed):
    kind: Kind
    text: str


@dataclass(frozen=True, slots=True)
class ShowFraming(Parsed):
    """`framing`: the hopes and risks, most backed first."""


@dataclass(frozen=True, slots=True)
class Back(Parsed):
    ref: str


@dataclass(frozen=True, slots=True)
class Evidence(Parsed):
    item: str | None = None


@dataclass(frozen=True, slots=True)
class React(Parsed):
    item: str
    reaction: str
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Propose(Parsed):
    theme: str
    question: str


@dataclass(frozen=True, slots=True)
class ListChallenges(Parsed):
    theme: str | None = None


@dataclass(frozen=True, slots=True)
class Promote(Parsed):
    ref: str


@dataclass(frozen=True, slots=True)
class SynthesisCommand(Parsed):
    action: str  # "show", "edit", "redraft" or "publish"
    text: str = ""


@dataclass(frozen=True, slots=True)
class ProgrammeState(Parsed):
    closed: bool


def _step(word: str, rest: str) -> MoveStep:
    parts = rest.split()
    everywhere = bool(parts) and parts[-1].lower() == "all"
    step = " ".join(parts[:-1] if everywhere else parts)
    if not step:
        raise GrammarError("Which step? Usage: `step <step> [all]`; `agenda` lists the steps.")
    return MoveStep(step, everywhere)


def _contribute(word: str, rest: str) -> Contribute:
    if not rest:
        raise GrammarError(f"Your {word} is empty. Usage: `{word} <your answer>`.")
    return Contribute(Kind(word), rest)


def _back(word: str, rest: str) -> Back:
    if not rest:
        raise GrammarError("Back what? Usage: `back <h1|r1|c1>`, e.g. `back h3`.")
    return Back(rest.split()[0])


def _react(word: str, rest: str) -> React:
    parts = rest.split(None, 2)
    if len(parts) < 2:
        raise GrammarError(
            "Usage: `react <item> interesting|surprising|inspires [comment]`; "
            "`evidence` lists the items."
        )
    comment = " ".join(parts[2].split()) if len(parts) > 2 else None
    return React(parts[0], parts[1], comment or None)


def _propose(word: str, rest: str) -> Propose:
    parts = tokens(rest)
    if not parts:
        raise GrammarError("Usage: `challenge <theme> How can we …?`; `themes` lists the themes.")
    theme, _, question = rest.strip().partition(" ")
    return Propose(theme, question.strip())


def _promote(word: str, rest: str) -> Promote:
    if not rest:
        raise GrammarError("Which challenge? Usage: `promote <c1>`; `challenges` lists them.")
    return Promote(rest.split()[0])


def _synthesis(word: str, rest: str) -> SynthesisCommand:
    head, _, text = rest.strip().partition(" ")
    action = head.lower() or "show"
    if action not in ("show", "edit", "redraft", "publish") or (action == "edit") != bool(text):
        raise GrammarError(
            "Usage: `synthesis` (see the draft), `synthesis edit <text>`, `synthesis redraft` "
            "or `synthesis publish`."
        )
    return SynthesisCommand(action, text.strip())


def _programme(word: str, rest: str) -> ProgrammeState:
    if rest.lower() not in ("close", "reopen"):
        raise GrammarError("Usage: `programme close` or `programme reopen`.")
    return ProgrammeState(rest.lower() == "close")


EVIDENCE_LIST = Form("evidence", "the evidence, with reactions so far")
EVIDENCE_POST = Form(
    "evidence <item>", "post a piece of evidence here with its reaction buttons", "post evidence"
)
SYNTHESIS_FORMS = (
    Form("synthesis", "the draft of “what we heard”, from the whole day", "draft the synthesis"),
    Form(
        "synthesis edit <text>", "replace the synthesis draft with your text", "draft the synthesis"
    ),
    Form("synthesis redraft", "draft the synthesis afresh from the day", "draft the synthesis"),
    Form(
        "synthesis publish",
        "publish “what we heard” to every channel and the web view",
        "publish the synthesis",
    ),
)
SYNTHESIS_FORM_OF = dict(zip(("show", "edit", "redraft", "publish"), SYNTHESIS_FORMS, strict=True))
CLOSE = Form(
    "programme close",
    "close the whole programme: every theme final, no more contributions",
    "close the programme",
)
REOPEN = Form("programme reopen", "lift the programme's close", "close the programme")


async def _run_synthesis(ws: Workshop, ctx: Context, cmd: SynthesisCommand) -> list[Reply]:
    if cmd.action == "edit":
        return await synthesis.edit(ws, ctx, cmd.text)
    if cmd.action == "redraft":
        return await synthesis.redraft(ws, ctx)
    if cmd.action == "publish":
        return await synthesis.publish(ws, ctx)
    return await synthesis.show(ws, ctx)


async def _evidence(ws: Workshop, ctx: Context, cmd: Evidence) -> list[Reply]:
    return await (evidence.post(ws, ctx, cmd.item) if cmd.item else evidence.listing(ws, ctx))


COMMANDS: tuple[Declared[Any], ...] = (
    Declared(
        ("agenda",),
        (Form("agenda", "the day's steps, and where the programme and this channel stand"),),
        lambda word, rest: ShowAgenda(),
        lambda ws, ctx, cmd: agenda.show(ws, ctx),
    ),
    Declared(
        ("step",),
        (
            Form(
                "step <step> [all]",
                "move this channel (or, with `all`, every channel) to a step and post its card",
                "move the agenda",
            ),
        ),
        _step,
        lambda ws, ctx, cmd: agenda.move(ws, ctx, cmd.step, cmd.everywhere),
    ),
    Declared(
        ("hope",),
        (Form("hope <text>", "what good would look like: others can back it"),),
        _contribute,
        lambda ws, ctx, cmd: contributions.add(ws, ctx, cmd.kind, cmd.text),
    ),
    Declared(
        ("risk",),
        (Form("risk <text>", "a risk to what we want: others can back it"),),
        _contribute,
        lambda ws, ctx, cmd: contributions.add(ws, ctx, cmd.kind, cmd.text),
    ),
    Declared(
        ("framing",),
        (Form("framing", "the hopes and risks, most backed first"),),
        lambda word, rest: ShowFraming(),
        lambda ws, ctx, cmd: contributions.framing(ws, ctx),
    ),
    Declared(
        ("back",),
        (Form("back <h1|r1|c1>", "back a hope, a risk or a proposed challenge (once each)"),),
        _back,
        lambda ws, ctx, cmd: contributions.back(ws, ctx, cmd.ref),
    ),
    Declared(
        ("evidence",),
        (EVIDENCE_LIST, EVIDENCE_POST),
        lambda word, rest: Evidence(rest or None),
        _evidence,
        form_of=lambda cmd, ctx: EVIDENCE_POST if cmd.item else EVIDENCE_LIST,
    ),
    Declared(
        ("react",),
        (
            Form(
                "react <item> interesting|surprising|inspires [comment]",
                "react to a piece of evidence, with a comment if you like",
            ),
        ),
        _react,
        lambda ws, ctx, cmd: evidence.react(ws, ctx, cmd.item, cmd.reaction, cmd.comment),
    ),
    Declared(
        ("challenge",),
        (Form("challenge <theme> <question>", "propose a “How can we…?” challenge"),),
        _propose,
        lambda ws, ctx, cmd: challenges.propose(ws, ctx, cmd.theme, cmd.question),
    ),
    Declared(
        ("challenges",),
        (Form("challenges [theme]", "the challenges participants proposed, most backed first"),),
        lambda word, rest: ListChallenges(rest or None),
        lambda ws, ctx, cmd: challenges.listing(ws, ctx, cmd.theme),
    ),
    Declared(
        ("promote",),
        (
            Form(
                "promote <c1>",
                "make a proposed challenge a prompt, posted here",
                "promote challenges",
            ),
        ),
        _promote,
        lambda ws, ctx, cmd: challenges.promote(ws, ctx, cmd.ref),
    ),
    Declared(
        ("synthesis",),
        SYNTHESIS_FORMS,
        _synthesis,
        _run_synthesis,
        form_of=lambda cmd, ctx: SYNTHESIS_FORM_OF[cmd.action],
    ),
    Declared(
        ("programme", "program"),
        (CLOSE, REOPEN),
        _programme,
        lambda ws, ctx, cmd: synthesis.close_programme(ws, ctx, cmd.closed),
        form_of=lambda cmd, ctx: CLOSE if cmd.closed else REOPEN,
    ),
)
