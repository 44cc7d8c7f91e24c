"""Who organises, and whose voices a channel carries."""

from __future__ import annotations

import logging

from bot.core.domain import Participant
from bot.core.interaction import Context, Delivery, Reply, note
from bot.core.workshop import Refusal, Workshop

log = logging.getLogger(__name__)


async def channel_audience(ws: Workshop, ctx: Context, typed: str | None) -> list[Reply]:
    if typed is None:
        channel = await ws.people.channel(ctx.programme_key, ctx.where)
        name = (
            ws.playbook.audience(channel.audience).name
            if channel.audience in _keys(ws)
            else channel.audience
        )
        return [
            note(
                f"This channel's voices count as {name}. Organisers change it with "
                "`channel <audience>`.",
                Delivery.PRIVATE,
            )
        ]
    await ws.require_organiser(ctx, "set a channel's audience")
    audience = ws.audience(typed)
    await ws.people.set_channel_audience(ctx.programme_key, ctx.where, audience.key, ctx.who)
    return [
        note(
            f"From now on, ideas and votes from this channel count as {audience.name}.",
            Delivery.CHANNEL,
        )
    ]


async def list_organisers(ws: Workshop, ctx: Context) -> list[Reply]:
    keys = sorted(await ws.organisers(ctx.programme_key))
    if not keys:
        return [
            note("No organisers yet: set HOWCANWE_ORGANISERS (see .env.example).", Delivery.PRIVATE)
        ]
    return [note("Organisers: " + ", ".join(keys), Delivery.PRIVATE)]


async def change_organiser(ws: Workshop, ctx: Context, add: bool, typed: str) -> list[Reply]:
    await ws.require_organiser(ctx, "change who organises")
    user_key = participant_key(ctx, typed)
    if not add and user_key in ws.env_organisers.of(ctx.programme_key):
        raise Refusal(f"{user_key} is an organiser through HOWCANWE_ORGANISERS; change it there.")
    if not add and user_key == ctx.who.key:
        raise Refusal("You cannot remove yourself; ask another organiser.")
    changed = await ws.people.set_organiser(ctx.programme_key, user_key, add, ctx.who)
    if add:
        said = (
            f"{user_key} is now an organiser."
            if changed
            else f"{user_key} already is an organiser."
        )
    else:
        said = (
            f"{user_key} is no longer an organiser."
            if changed
            else f"{user_key} was not an organiser."
        )
    return [note(said, Delivery.THREAD)]


async def installed(ws: Workshop, programme_key: str, installer: Participant) -> None:
    """Whoever installs the app in a workspace organises its programme from the start, so a new
    workspace never waits for the operator to name someone."""
    if await ws.people.set_organiser(programme_key, installer.key, True, installer):
        log.info("installer made organiser", extra={"programme": programme_key})


def participant_key(ctx: Context, typed: str) -> str:
    """`platform:id` as typed, or a bare id on the caller's own platform."""
    text = typed.strip().lstrip("@")
    if not text or any(c.isspace() for c in text):
        raise Refusal("Name the user as `platform:id`, e.g. `slack:U123ABC`, or by their id.")
    platform, colon, user_id = text.partition(":")
    if colon and platform in ("slack", "teams", "console") and user_id:
        return text
    return f"{ctx.who.platform}:{text}"


def _keys(ws: Workshop) -> set[str]:
    return {a.key for a in ws.playbook.audiences}
