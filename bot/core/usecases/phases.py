"""A theme's phases: collecting ideas, then voting only, then closed with its plan final."""

from __future__ import annotations

from dataclasses import replace

from bot.core import cards
from bot.core.domain import Anchor, AnchorKind, Phase, PostedPrompt
from bot.core.interaction import Card, Context, Delivery, Refresh, Reply, note
from bot.core.playbook import Theme
from bot.core.workshop import Refusal, Workshop

ANNOUNCED = {
    Phase.COLLECTING: "{theme} is open: ideas and votes are welcome.",
    Phase.VOTING: "{theme} is now voting: no new ideas, but votes are still counted.",
    Phase.CLOSED: "{theme} is closed: no more ideas or votes, and its plan is final.",
}
DESCRIBED = {
    Phase.COLLECTING: "collecting ideas",
    Phase.VOTING: "voting only: new ideas are closed",
    Phase.CLOSED: "closed: the plan is final",
}


async def phase_of(ws: Workshop, programme: str, theme_key: str) -> Phase:
    return (await ws.plan.phases(programme)).get(theme_key, Phase.COLLECTING)


async def change(ws: Workshop, ctx: Context, typed_theme: str, phase: Phase) -> list[Reply]:
    theme = ws.theme(typed_theme)
    await ws.plan.set_phase(ctx.programme_key, theme.key, phase, ctx.who)
    posted = await ws.prompts.prompts_of_theme(ctx.programme_key, theme.key)
    theme = await with_promoted(ws, ctx.programme_key, theme.key)
    refreshed: list[Reply] = [
        Refresh(Anchor(AnchorKind.PROMPT, p.id), _card(ws, theme, p, phase)) for p in posted
    ]
    return [note(ANNOUNCED[phase].format(theme=theme.title), Delivery.CHANNEL), *refreshed]


async def prompt_card(ws: Workshop, programme: str, prompt: PostedPrompt) -> Card:
    """A posted prompt's card as it reads now (its theme's phase may have changed)."""
    theme = await with_promoted(ws, programme, prompt.theme_key)
    return _card(ws, theme, prompt, await phase_of(ws, programme, theme.key))


async def with_promoted(ws: Workshop, programme: str, theme_key: str) -> Theme:
    """The theme with the challenges participants proposed and organisers promoted after the
    playbook's own: a promoted challenge's prompt has the index past the playbook's."""
    theme = ws.playbook.theme(theme_key)
    promoted = [c.text for c in await ws.agenda.promoted(programme) if c.theme_key == theme_key]
    # places are handed out one after another from the playbook's count, so the list lines up
    return replace(theme, challenges=(*theme.challenges, *promoted)) if promoted else theme


def _card(ws: Workshop, theme: Theme, prompt: PostedPrompt, phase: Phase) -> Card:
    return cards.prompt_card(
        ws.playbook, theme, prompt.challenge_index, prompt.id, DESCRIBED[phase]
    )


async def require_collecting(ws: Workshop, programme: str, theme: Theme) -> None:
    """New ideas are taken only while a theme is collecting them."""
    phase = await phase_of(ws, programme, theme.key)
    if phase is Phase.VOTING:
        raise Refusal(
            f"{theme.title} is in its voting phase: new ideas are closed, but you can still "
            "vote for the ideas already in. Nothing was saved."
        )
    if phase is Phase.CLOSED:
        raise Refusal(f"{theme.title} is closed and its plan is final. Nothing was saved.")
