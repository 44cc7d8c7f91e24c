"""Posting a theme's "How can we…?" challenges into a channel (organisers only)."""

from __future__ import annotations

from bot.core import cards
from bot.core.domain import Anchor, AnchorKind, Phase
from bot.core.interaction import Context, Delivery, Reply, Say, ShowForm
from bot.core.usecases import phases
from bot.core.workshop import Refusal, Workshop


async def post_prompt(ws: Workshop, ctx: Context, typed_theme: str, n: int | None) -> list[Reply]:
    """Post the n-th challenge, or the next one not yet posted in this channel."""
    await ws.require_organiser(ctx, "post prompts")
    theme = ws.theme(typed_theme)
    phase = await phases.phase_of(ws, ctx.programme_key, theme.key)
    if phase is Phase.CLOSED:
        raise Refusal(f"{theme.title} is closed; `open {theme.key}` reopens it first.")
    count = len(theme.challenges)
    if n is not None:
        if not 1 <= n <= count:
            raise Refusal(f"{theme.title} has challenges 1 to {count}; there is no number {n}.")
        index = n - 1
    else:
        posted = await ws.prompts.posted_challenges(ctx.programme_key, ctx.where, theme.key)
        remaining = [i for i in range(count) if i not in posted]
        if not remaining:
            raise Refusal(
                f"All {count} challenges of {theme.title} have been posted here. "
                f"Post one again with `prompt {theme.key} <1-{count}>`."
            )
        index = remaining[0]
    prompt = await ws.prompts.record_prompt(ctx.programme_key, ctx.where, theme.key, index, ctx.who)
    card = await phases.prompt_card(ws, ctx.programme_key, prompt)
    return [Say(card, Delivery.CHANNEL, Anchor(AnchorKind.PROMPT, prompt.id))]


async def open_idea_form(ws: Workshop, ctx: Context, prompt_ref: str) -> list[Reply]:
    """The Add an idea button: a form bound to the prompt it was pressed on."""
    prompt = (
        await ws.prompts.prompt(ctx.programme_key, int(prompt_ref))
        if prompt_ref.isdigit()
        else None
    )
    if prompt is None:
        raise Refusal("That prompt is no longer available; ask an organiser to post it again.")
    theme = await phases.with_promoted(ws, ctx.programme_key, prompt.theme_key)
    return [ShowForm(cards.idea_form(theme, theme.challenges[prompt.challenge_index], prompt.id))]
