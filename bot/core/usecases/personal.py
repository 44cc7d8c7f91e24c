"""Personal data: what is stored about someone (`my data`) and forgetting them (`forget me`)."""

from __future__ import annotations

import secrets

from bot.core import cards, moderation_cards
from bot.core.domain import Anchor, AnchorKind, Forgotten, Participant
from bot.core.interaction import Context, Delivery, Refresh, Reply, Say, note
from bot.core.usecases.people import participant_key
from bot.core.workshop import Workshop

OPERATOR = Participant("operator", "howcanwe", "the operator")  # history's `who` for the CLI


async def show_data(ws: Workshop, ctx: Context, typed_user: str | None) -> list[Reply]:
    """`my data`, or an organiser's `data <user>` made on that person's request."""
    key = await _whose(ws, ctx, typed_user, "see someone else's data")
    platform, _, user_id = key.partition(":")
    data = await ws.personal.personal_data(ctx.programme_key, platform, user_id)
    if data is None or not (data.ideas or data.votes or data.flags or data.day or data.nudges):
        return [note(f"Nothing is stored about {_you(ctx, key)}.", Delivery.PRIVATE)]
    return [Say(moderation_cards.data_card(data, key == ctx.who.key), Delivery.PRIVATE)]


async def forget(
    ws: Workshop, ctx: Context, typed_user: str | None, confirmed: bool
) -> list[Reply]:
    """Warns first (a button, or `… confirm`), then erases and says exactly what it did."""
    key = await _whose(ws, ctx, typed_user, "forget someone else")
    yours = key == ctx.who.key
    if not confirmed:
        return [Say(moderation_cards.forget_card(key, yours), Delivery.PRIVATE)]
    platform, _, user_id = key.partition(":")
    new_id = f"forgotten-{secrets.token_hex(12)}"  # random: nothing links it to the old id
    done = await ws.personal.forget(ctx.programme_key, platform, user_id, ctx.who, new_id)
    if done is None:
        return [note(f"Nothing is stored about {_you(ctx, key)}, so nothing was forgotten.")]
    removed = [Refresh(Anchor(AnchorKind.IDEA, n), cards.removed_card(n)) for n in done.deleted]
    return [*removed, note(_report(done, yours), Delivery.PRIVATE)]


async def forget_everywhere(ws: Workshop, key: str) -> dict[str, Forgotten]:
    """The operator's erase across programmes (`howcanwe forget`). It is no chat command on
    purpose: an organiser's rights end at their own programme."""
    platform, _, user_id = key.partition(":")
    return await ws.personal.forget_everywhere(platform, user_id, OPERATOR)


def report(done: Forgotten) -> str:
    """What forgetting did in one programme, for the operator."""
    return (
        f"deleted {cards.plural(len(done.deleted), 'idea')} with the "
        f"{cards.plural(done.votes_removed, 'vote')} they had; kept "
        f"{cards.plural(done.votes_kept, 'vote')} as anonymous totals; erased the reasons of "
        f"{cards.plural(done.flags_erased, 'flag')}"
    )


async def _whose(ws: Workshop, ctx: Context, typed_user: str | None, doing: str) -> str:
    if typed_user is None:
        return ctx.who.key
    key = participant_key(ctx, typed_user)
    if key != ctx.who.key:
        await ws.require_organiser(ctx, doing)
    return key


def _you(ctx: Context, key: str) -> str:
    return "you" if key == ctx.who.key else key


def _report(done: Forgotten, yours: bool) -> str:
    merged = (
        f" ({done.merged_or_assigned} of them merged or assigned)"
        if done.merged_or_assigned
        else ""
    )
    whose = "your" if yours else "their"
    written = cards.plural(
        done.contributions_deleted, "hope, risk or challenge", "hopes, risks and challenges"
    )
    return (
        f"Done. Deleted {cards.plural(len(done.deleted), 'idea')}{merged}, with the "
        f"{cards.plural(done.votes_removed, 'vote')} they had (refunded to the voters); kept "
        f"{cards.plural(done.votes_kept, 'vote')} on others' ideas as anonymous totals; erased "
        f"the reasons of {cards.plural(done.flags_erased, 'flag')}; "
        + (f"deleted {whose} {written}; " if done.contributions_deleted else "")
        + f"and replaced {whose} name and id with “Forgotten participant” and a random id."
    )
