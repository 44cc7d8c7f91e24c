"""Challenges written by participants: proposed (`challenge <theme> How can we …?`), backed,
and promoted by organisers to prompts beside the playbook's own."""

from __future__ import annotations

from bot.core import agenda_cards
from bot.core.agenda import Kind, StepKind, ranked
from bot.core.domain import Anchor, AnchorKind, Phase
from bot.core.interaction import Context, Delivery, Reply, Say
from bot.core.usecases import phases
from bot.core.usecases.agenda import require_open
from bot.core.usecases.contributions import added_card, checked, parse_ref
from bot.core.workshop import Refusal, Workshop

USAGE = "challenge <theme> How can we …?"


async def propose(ws: Workshop, ctx: Context, typed_theme: str, question: str) -> list[Reply]:
    theme = ws.theme(typed_theme)
    if not question.strip():
        raise Refusal(
            f"A challenge needs its question, e.g. `challenge {theme.key} How can we …?`. "
            "Nothing was saved."
        )
    text = checked(question, "challenge", USAGE)
    await require_open(ws, ctx)
    if await phases.phase_of(ws, ctx.programme_key, theme.key) is Phase.CLOSED:
        raise Refusal(f"{theme.title} is closed and its plan is final. Nothing was saved.")
    added = await ws.agenda.contribute(
        ctx.programme_key, Kind.CHALLENGE, text, theme.key, ctx.who, ctx.where
    )
    return [Say(added_card(added, f"{theme.title}: challenge"), Delivery.THREAD)]


async def listing(ws: Workshop, ctx: Context, typed_theme: str | None) -> list[Reply]:
    proposals = ranked(list(await ws.agenda.contributions(ctx.programme_key, Kind.CHALLENGE)))
    if typed_theme:
        key = ws.theme(typed_theme).key
        proposals = [p for p in proposals if p.theme_key == key]
    step = next((s for s in ws.playbook.agenda if s.kind is StepKind.CHALLENGES), None)
    card = agenda_cards.challenges_card(step, ws.playbook, proposals)
    return [Say(card, Delivery.PRIVATE)]


async def promote(ws: Workshop, ctx: Context, typed: str) -> list[Reply]:
    """Organisers make a proposal a prompt, posted here with its own thread for ideas."""
    kind, number = parse_ref(typed)
    if kind is not Kind.CHALLENGE:
        raise Refusal(f"Only challenges are promoted to prompts, e.g. `promote c{number}`.")
    programme = ctx.programme_key
    proposal = await ws.agenda.contribution(programme, Kind.CHALLENGE, number)
    if proposal is None or proposal.theme_key is None:
        raise Refusal(f"There is no c{number}. `challenges` lists them.")
    theme = ws.playbook.theme(proposal.theme_key)
    if await phases.phase_of(ws, programme, theme.key) is Phase.CLOSED:
        raise Refusal(f"{theme.title} is closed; `open {theme.key}` reopens it first.")
    index = await ws.agenda.promote(programme, number, ctx.who, len(theme.challenges))
    if index is None:  # promoted before: post the same prompt here too
        index = proposal.challenge_index
        assert index is not None
    prompt = await ws.prompts.record_prompt(programme, ctx.where, theme.key, index, ctx.who)
    card = await phases.prompt_card(ws, programme, prompt)
    return [Say(card, Delivery.CHANNEL, Anchor(AnchorKind.PROMPT, prompt.id))]
