"""Replies out to Slack: posts, ephemeral notes, modals, and coalesced in-place updates."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiohttp import ClientError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.core.domain import Anchor
from bot.core.engine import Engine
from bot.core.interaction import (
    Card,
    Context,
    Delivery,
    Form,
    Refresh,
    Rejected,
    Reply,
    Say,
    ShowForm,
    Text,
)
from handlers.coalescer import Coalescer
from handlers.pacing import about
from handlers.slack import codec
from handlers.slack.origin import Origin
from handlers.slack.webapi import FAILURES, failure, not_sent

log = logging.getLogger(__name__)

NOT_IN_CHANNEL = (
    "I can't post in this channel yet. Invite me with `/invite @howcanwe`, then try again."
)
NOT_POSTED = (
    "Slack did not take my message for this channel just now, so it is not shown there. "
    "What you did is saved."
)
# chat.postMessage errors that mean the bot is not (or no longer) in the channel.
NO_ACCESS = frozenset({"not_in_channel", "channel_not_found", "is_archived"})
NO_MODAL = "That form could not be opened here; please press the button again."


class Poster:
    """Carries out the core's replies for one request, in order."""

    def __init__(self, engine: Callable[[], Engine], coalescer: Coalescer) -> None:
        self._engine = engine
        self._coalescer = coalescer

    async def deliver(
        self, client: AsyncWebClient, origin: Origin, ctx: Context, replies: list[Reply]
    ) -> None:
        for reply in replies:
            match reply:
                case Refresh():
                    self._refresh(client, ctx, reply)
                case Say(card=card, delivery=Delivery.CHANNEL, anchor=anchor):
                    await self._post(client, origin, ctx, card, None, anchor)
                case Say(card=card, delivery=Delivery.THREAD, anchor=anchor):
                    await self._post(client, origin, ctx, card, origin.thread_ts, anchor)
                case Say(card=card, delivery=Delivery.REPLACE) if origin.message_ts:
                    self._replace(client, origin.channel_id, origin.message_ts, card)
                case Say(card=card):
                    await self.private(client, origin, card)
                case Rejected():
                    await self.private(client, origin, reply.card())
                case ShowForm(form=form):
                    await self._open(client, origin, form)

    def _replace(self, client: AsyncWebClient, channel: str, ts: str, card: Card) -> None:
        payload = codec.message(card)
        self._coalescer.submit((channel, ts), lambda: _update(client, channel, ts, payload))

    def _refresh(self, client: AsyncWebClient, ctx: Context, refresh: Refresh) -> None:
        """Where the card's copies are and how it reads are looked up when the update is sent,
        once per burst of votes rather than once per click, so the newest state always wins."""
        engine = self._engine()
        programme, workspace = ctx.programme_key, ctx.where.workspace_id
        anchor = refresh.anchor

        async def update_copies() -> None:
            copies = await engine.refresh_copies(ctx, refresh)
            here = [c for c in copies if c.workspace_id == workspace]
            card = await engine.card(programme, anchor) if here else None
            if card is None:
                return
            payload = codec.message(card)
            for copy in here:
                await _update(client, copy.channel_id, copy.message_id, payload, about(anchor))

        self._coalescer.submit((programme, workspace, anchor), update_copies)

    async def _post(
        self,
        client: AsyncWebClient,
        origin: Origin,
        ctx: Context,
        card: Card,
        thread_ts: str | None,
        anchor: Anchor | None,
    ) -> None:
        try:
            response = await client.chat_postMessage(
                channel=origin.channel_id, thread_ts=thread_ts, **codec.message(card)
            )
        except FAILURES as error:
            code = not_sent(
                "chat.postMessage", error, channel=origin.channel_id, card=about(anchor)
            )
            note = NOT_IN_CHANNEL if code in NO_ACCESS else NOT_POSTED
            await self.private(client, origin, _note(note))
            return
        if anchor is not None and response.get("ts"):
            await self._engine().posted(ctx, anchor, str(response["ts"]))

    async def private(self, client: AsyncWebClient, origin: Origin, card: Card) -> None:
        """Only the person acting sees it: the slash command's response_url, an ephemeral
        message, or a direct message (from App Home, or where the bot is not a member)."""
        payload = codec.message(card)
        if origin.response_url:
            webhook = AsyncWebhookClient(origin.response_url, session=client.session)
            try:
                response = await webhook.send(
                    response_type="ephemeral", replace_original=False, **payload
                )
            except (ClientError, TimeoutError) as error:
                log.warning("response_url failed", extra={"error": type(error).__name__})
            else:
                if response.status_code == 200:
                    return
                log.warning("response_url failed", extra={"status": response.status_code})
        if origin.channel_id:
            try:
                await client.chat_postEphemeral(
                    channel=origin.channel_id,
                    user=origin.user_id,
                    thread_ts=origin.thread_ts,
                    **payload,
                )
                return
            except FAILURES as error:
                status, code = failure(error)
                log.info(
                    "ephemeral reply failed; sending a direct message",
                    extra={"channel": origin.channel_id, "status": status, "error": code},
                )
        try:
            await client.chat_postMessage(channel=origin.user_id, **payload)
        except FAILURES as error:
            not_sent("chat.postMessage", error, user=origin.user_id)

    async def _open(self, client: AsyncWebClient, origin: Origin, form: Form) -> None:
        if not origin.trigger_id:
            await self.private(client, origin, _note(NO_MODAL))
            return
        metadata = codec.Metadata(
            form.metadata, origin.channel_id, origin.channel_name, origin.thread_ts
        )
        try:
            await client.views_open(trigger_id=origin.trigger_id, view=codec.modal(form, metadata))
        except FAILURES as error:
            not_sent("views.open", error, form=form.action_id)
            await self.private(client, origin, _note(NO_MODAL))


async def _update(
    client: AsyncWebClient, channel: str, ts: str, payload: dict[str, Any], card: str = ""
) -> None:
    try:
        await client.chat_update(channel=channel, ts=ts, **payload)
    except FAILURES as error:
        not_sent("chat.update", error, channel=channel, ts=ts, card=card)


def _note(text: str) -> Card:
    return Card("", (Text(text),))
