"""Emerging themes from across the day: listed for everyone, added and tagged by organisers."""

from __future__ import annotations

from bot.core import cards, emerging_cards, names
from bot.core.domain import Anchor, AnchorKind, Emerging, Idea, Outcome
from bot.core.emerging import EmergingIdeas, key_of
from bot.core.interaction import Context, Delivery, Refresh, Reply, Say, note
from bot.core.plan_views import CellKey
from bot.core.usecases import plan_views, planning
from bot.core.usecases.moderation import refuse_missing_or_merged
from bot.core.workshop import Refusal, Workshop

MAX_TITLE_CHARS = 100
MAX_TEXT_CHARS = 500


async def show(ws: Workshop, ctx: Context) -> list[Reply]:
    """Each emerging theme's leading ideas (a card's list) and count, read by the database:
    the card costs the same at ten ideas or three hundred thousand."""
    programme = ctx.programme_key
    summary = await plan_views.plan_summary(ws, programme)
    gathered = []
    for n, (found, top) in enumerate(summary.emerging):
        listed: tuple[Idea, ...] = ()
        if n < emerging_cards.THEMES_SHOWN and top.count:
            page = await plan_views.plan_cell(ws, programme, CellKey(emerging=found.key), None)
            listed = tuple(page.ideas)[: cards.LIST_LIMIT]
        gathered.append(EmergingIdeas(found, listed, top.count - len(listed)))
    card = emerging_cards.emerging_card(gathered, summary.programme_name)
    return [Say(card, Delivery.PRIVATE)]


async def add(ws: Workshop, ctx: Context, title: str, text: str) -> list[Reply]:
    key = key_of(title)
    if not key or "\x00" in title + text:
        raise Refusal("Please give the emerging theme a title, e.g. `emerging add Be bold: …`.")
    if len(title) > MAX_TITLE_CHARS or len(text) > MAX_TEXT_CHARS:
        raise Refusal(
            f"Please keep an emerging theme's title within {MAX_TITLE_CHARS} characters and "
            f"what it means within {MAX_TEXT_CHARS}. Nothing was added."
        )
    known = await planning.emerging_themes(ws, ctx.programme_key)
    same = next((e for e in known if e.key == key), None)
    new = Emerging(key, title, text, added=True)
    if same is not None or not await ws.emerging.add_emerging(ctx.programme_key, new, ctx.who):
        name = same.name if same else title  # else another organiser added it a moment ago
        raise Refusal(f"There is already an emerging theme called “{name}” (`{key}`).")
    return [
        note(
            f"New emerging theme: {title} — {text} Organisers tag ideas to it with "
            f"`tag <id> {key}`.",
            Delivery.CHANNEL,
        )
    ]


async def tag(ws: Workshop, ctx: Context, number: int, typed: str, tagged: bool) -> list[Reply]:
    known = await planning.emerging_themes(ws, ctx.programme_key)
    try:
        theme = names.resolve(typed, known, "emerging theme")
    except names.NoMatch as exc:
        raise Refusal(f"{exc} `emerging` lists them.") from exc
    idea = await ws.idea(ctx, number)
    if idea.hidden and tagged:
        raise Refusal(f"#{number} is off the plan, so it is not tagged. Nothing changed.")
    result = await ws.emerging.tag(ctx.programme_key, number, theme.key, tagged, ctx.who)
    refuse_missing_or_merged(result, number, "tag" if tagged else "untag")
    if result.outcome is Outcome.ALREADY:
        state = "already tagged" if tagged else "not tagged"
        raise Refusal(f"#{number} is {state} “{theme.name}”. Nothing changed.")
    assert result.idea is not None  # DONE always carries the idea
    said = (
        f"#{number} is now tagged “{theme.name}”."
        if tagged
        else f"#{number} is no longer tagged “{theme.name}”."
    )
    card = cards.idea_card(ws.playbook, result.idea)
    return [Refresh(Anchor(AnchorKind.IDEA, number), card), note(said, Delivery.THREAD)]
