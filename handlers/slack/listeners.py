"""Bolt listeners: ack at once, decode the payload, and leave the rest to background work."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.interaction import POST_PROMPT, ButtonPressed, Intent
from handlers.slack import blockkit, origin
from handlers.slack.edge import Ack, SlackEdge

ANY = re.compile(r".+")


def register(bolt: AsyncApp, edge: SlackEdge) -> None:
    """Commands, buttons, menus, modals and events all arrive on the one bolt app."""

    # Bolt tries listeners in the order they are registered: clicks, the most frequent
    # request by far (a burst of votes), are matched first.
    @bolt.action(ANY)
    async def action(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        where = origin.from_action(body)
        pressed = blockkit.action_intent(action)
        if pressed.action_id == POST_PROMPT and not where.channel_id:
            edge.tasks.spawn(edge.pick_channel(client, where, pressed.value))
            return
        edge.tasks.spawn(edge.run(client, where, pressed), limited=True)

    @bolt.command(re.compile(r"^/"))
    async def command(ack: Ack, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        intent = blockkit.command_intent(str(body.get("text") or ""))
        edge.tasks.spawn(edge.run(client, origin.from_command(body), intent), limited=True)

    @bolt.view_submission(ANY)
    async def submission(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        submitted = blockkit.submission_intent(view)
        meta = blockkit.Metadata.unpack(str(view.get("private_metadata") or ""))
        intent: Intent = submitted
        if submitted.action_id == POST_PROMPT:
            channel = submitted.fields.get(blockkit.CHANNEL_FIELD, "")
            where = origin.from_view(body, channel, "", None)
            intent = ButtonPressed(POST_PROMPT, meta.form)
        else:
            where = origin.from_view(body, meta.channel_id, meta.channel_name, meta.thread_ts)
        await edge.submit(ack, client, where, intent, blockkit.first_input(view))

    @bolt.event("message")
    async def message(
        ack: Ack,
        body: dict[str, Any],
        event: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        posted = blockkit.message_intent(event, context.bot_user_id)
        if posted is not None:
            edge.tasks.spawn(
                edge.run_event(client, body, origin.from_event(body, event), posted), limited=True
            )

    @bolt.event("app_mention")
    async def mention(
        ack: Ack, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        if not blockkit.is_person_speaking(event):
            return
        intent = blockkit.mention_intent(str(event.get("text") or ""))
        edge.tasks.spawn(
            edge.run_event(client, body, origin.from_event(body, event), intent), limited=True
        )

    @bolt.event("app_home_opened")
    async def home(
        ack: Ack, body: dict[str, Any], event: Mapping[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        if event.get("tab", "home") == "home":
            edge.tasks.spawn(
                edge.publish_home(client, body, origin.from_event(body, event)), limited=True
            )
