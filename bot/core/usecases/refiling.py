"""Re-filing an idea under another theme or challenge (organisers), its votes following it."""

from __future__ import annotations

from bot.core import cards
from bot.core.domain import Anchor, AnchorKind, Idea, Phase
from bot.core.interaction import Context, Delivery, Refresh, Reply, note
from bot.core.playbook import Theme
from bot.core.usecases.moderation import refuse_missing_or_merged
from bot.core.usecases.phases import with_promoted
from bot.core.workshop import Refusal, Workshop


async def move(
    ws: Workshop, ctx: Context, number: int, typed_theme: str, challenge: int | None
) -> list[Reply]:
    """`move <id> <theme> [challenge]`. Votes follow the idea (see `ModerationStore.move`); a
    closed theme's plan is final, so nothing moves into or out of one. Challenges participants
    proposed and organisers promoted count after the playbook's own."""
    theme = await with_promoted(ws, ctx.programme_key, ws.theme(typed_theme).key)
    index = _challenge_index(theme, challenge)
    idea = await ws.idea(ctx, number)
    if idea.merged_into is not None:
        raise Refusal(
            f"#{number} is part of #{idea.merged_into}; move #{idea.merged_into} instead."
        )
    if idea.theme_key == theme.key and idea.challenge == index:
        raise Refusal(f"#{number} is already filed there ({_where(ws, idea)}). Nothing moved.")
    phases = await ws.plan.phases(ctx.programme_key)
    for key, way in ((idea.theme_key, "out of"), (theme.key, "into")):
        if phases.get(key) is Phase.CLOSED:
            raise Refusal(
                f"{ws.playbook.theme_title(key)} is closed and its plan is final: no idea "
                f"moves {way} it. Nothing moved."
            )
    budget = ws.playbook.votes_per_theme
    result = await ws.moderation.move(ctx.programme_key, number, theme.key, index, ctx.who, budget)
    refuse_missing_or_merged(result, number, "move")
    assert result.idea is not None  # DONE always carries the idea
    moved = result.idea
    said = f"#{number} moved from {_where(ws, idea)} to {_where(ws, moved)}."
    if moved.theme_key != idea.theme_key and result.voters:
        said += f" Its {cards.plural(result.voters, 'vote')} moved with it"
        said += (
            f"; {result.uncharged} of its voters had used all their votes for "
            f"{theme.title}, so theirs stays without using their budget."
            if result.uncharged
            else f", each now counted in its voter's budget for {theme.title}."
        )
    refresh = Refresh(Anchor(AnchorKind.IDEA, number), cards.idea_card(ws.playbook, moved))
    return [refresh, note(said, Delivery.THREAD)]


def _challenge_index(theme: Theme, challenge: int | None) -> int | None:
    if challenge is None:
        return None
    if not 1 <= challenge <= len(theme.challenges):
        raise Refusal(
            f"{theme.title} has challenges 1 to {len(theme.challenges)}; `themes` lists them. "
            "Nothing moved."
        )
    return challenge - 1


def _where(ws: Workshop, idea: Idea) -> str:
    title = ws.playbook.theme_title(idea.theme_key)
    return f"{title}, challenge {idea.challenge + 1}" if idea.challenge is not None else title
