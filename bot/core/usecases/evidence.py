"""Evidence reactions: each piece of evidence as its own card, with interesting / surprising /
inspires counted once per person and kind, tallied by audience, and an optional comment."""

from __future__ import annotations

from bot.core import agenda_cards, names
from bot.core.agenda import MAX_COMMENT_CHARS, EvidenceItem, Reaction, Tally
from bot.core.interaction import Context, Delivery, Reply, Say
from bot.core.usecases.agenda import require_open
from bot.core.workshop import Refusal, Workshop

REACTIONS = ", ".join(f"`{r.value}`" for r in Reaction)


def item_named(ws: Workshop, typed: str) -> EvidenceItem:
    if not ws.playbook.evidence:
        raise Refusal("This programme's playbook has no evidence to react to.")
    try:
        return names.resolve(typed, ws.playbook.evidence, "piece of evidence")
    except names.NoMatch as exc:
        raise Refusal(f"{exc} `evidence` lists them.") from exc


async def listing(ws: Workshop, ctx: Context) -> list[Reply]:
    tallies = await ws.agenda.tallies(ctx.programme_key)
    return [Say(agenda_cards.evidence_list_card(ws.playbook, tallies), Delivery.PRIVATE)]


async def post(ws: Workshop, ctx: Context, typed: str) -> list[Reply]:
    """Organisers post one piece of evidence here, as its own card with reaction buttons."""
    item = item_named(ws, typed)
    tally = (await ws.agenda.tallies(ctx.programme_key)).get(item.key, Tally())
    return [Say(agenda_cards.evidence_card(item, ws.playbook, tally), Delivery.CHANNEL)]


async def react(
    ws: Workshop,
    ctx: Context,
    typed_item: str,
    typed_reaction: str,
    comment: str | None,
    delivery: Delivery = Delivery.PRIVATE,
) -> list[Reply]:
    """Count a reaction once; the reply is the item's card with its tallies as they now are
    (replacing the card a button was pressed on)."""
    item = item_named(ws, typed_item)
    reaction = next((r for r in Reaction if r.value.startswith(typed_reaction.lower())), None)
    if reaction is None or not typed_reaction:
        raise Refusal(
            f"'{typed_reaction}' is not a reaction; choose {REACTIONS}. Nothing was changed."
        )
    if comment is not None and len(comment) > MAX_COMMENT_CHARS:
        raise Refusal(
            f"Your comment is {len(comment):,} characters long; please keep it within "
            f"{MAX_COMMENT_CHARS}. Nothing was changed."
        )
    await require_open(ws, ctx)
    await ws.agenda.react(ctx.programme_key, item.key, reaction, ctx.who, ctx.where, comment)
    tally = (await ws.agenda.tallies(ctx.programme_key)).get(item.key, Tally())
    return [Say(agenda_cards.evidence_card(item, ws.playbook, tally), delivery)]
