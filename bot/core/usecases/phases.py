"""A theme's phases: collecting ideas, then voting only, then closed with its plan final."""

from __future__ import annotations

from bot.core.domain import Phase
from bot.core.interaction import Context, Delivery, Reply, note
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
    return (await ws.repo.phases(programme)).get(theme_key, Phase.COLLECTING)


async def change(ws: Workshop, ctx: Context, typed_theme: str, phase: Phase) -> list[Reply]:
    await ws.require_organiser(ctx, "change a theme's phase")
    theme = ws.theme(typed_theme)
    await ws.repo.set_phase(ctx.programme_key, theme.key, phase, ctx.who)
    return [note(ANNOUNCED[phase].format(theme=theme.title), Delivery.CHANNEL)]


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
