"""Bolt listeners: decode the payload, let the core decide and commit, ack, then reply."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.domain import ConversationRef
from bot.core.interaction import POST_PROMPT, ButtonPressed, Intent
from handlers.slack import codec, origin
from handlers.slack.flows import Ack, SlackEdge
from handlers.slack.origin import PLATFORM, Authority, Origin

log = logging.getLogger(__name__)

ANY = re.compile(r".+")


def register(bolt: AsyncApp, edge: SlackEdge) -> None:
    """Commands, buttons, menus, modals and events all arrive on the one bolt app."""

    # Bolt tries listeners in the order they are registered: clicks, the most frequent
    # request by far (a burst of votes), are matched first.
    @bolt.action(ANY)
    async def action(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        where = _authorised(origin.from_action(body), context)
        pressed = codec.action_intent(action)
        if pressed.action_id == POST_PROMPT and not where.channel_id:
            await ack()
            edge.tasks.spawn(edge.pick_channel(client, where, pressed.value))
            return
        await edge.act(ack, client, where, pressed)

    @bolt.command(re.compile(r"^/"))
    async def command(
        ack: Ack, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> BoltResponse | None:
        """A trigger id is unique per invocation: a replayed command is recognised."""
        intent = codec.command_intent(str(body.get("text") or ""))
        where = _authorised(origin.from_command(body), context)
        return await edge.act_once(ack, client, where, intent, _trigger(body))

    @bolt.view_submission(ANY)
    async def submission(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        submitted = codec.submission_intent(view)
        meta = codec.Metadata.unpack(str(view.get("private_metadata") or ""))
        intent: Intent = submitted
        if submitted.action_id == POST_PROMPT:
            channel = submitted.fields.get(codec.CHANNEL_FIELD, "")
            where = origin.from_view(body, channel, "", None)
            intent = ButtonPressed(POST_PROMPT, meta.form)
        else:
            where = origin.from_view(body, meta.channel_id, meta.channel_name, meta.thread_ts)
        field = codec.first_input(view)
        where = _authorised(where, context)
        await edge.submit(ack, client, where, intent, field, _trigger(body) or None)

    @bolt.event("message")
    async def message(
        ack: Ack,
        body: dict[str, Any],
        event: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        """A thread reply is an idea, stored with the event's id: Slack's retry of an event
        acked late, or after a crash, adds nothing and loses nothing."""
        changed = codec.change_intent(event)
        if changed is not None:
            await _follow(ack, body, changed, context, client)
            return
        posted = codec.message_intent(event, context.bot_user_id)
        if posted is None:
            await ack()
            return
        where = _authorised(origin.from_event(body, event), context)
        await edge.act(ack, client, where, posted, _event(body) or None)

    async def _follow(
        ack: Ack,
        body: dict[str, Any],
        changed: tuple[Mapping[str, Any], Intent],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        """An edited or deleted thread reply: the idea it created follows. Acting twice on
        Slack's retry changes nothing more (the text is already new, the idea already gone)."""
        reply, intent = changed
        where = _authorised(origin.from_event(body, reply), context)
        await edge.act(ack, client, where, intent)

    @bolt.event("app_mention")
    async def mention(
        ack: Ack,
        body: dict[str, Any],
        event: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> BoltResponse | None:
        if not codec.is_person_speaking(event):
            await ack()
            return None
        intent = codec.mention_intent(str(event.get("text") or ""))
        where = _authorised(origin.from_event(body, event), context)
        return await edge.act_once(ack, client, where, intent, _event(body))

    @bolt.event("app_home_opened")
    async def home(
        ack: Ack,
        body: dict[str, Any],
        event: Mapping[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        if event.get("tab", "home") == "home":
            where = _authorised(origin.from_event(body, event), context)
            edge.tasks.spawn(edge.publish_home(client, _event(body), where))

    # Bolt's own revocation listeners delete only the bot row on `tokens_revoked` (the
    # installation row keeps the token, and authorize finds it there) and delete by the event's
    # team even when an org-wide install's rows have none: the whole installation that bolt
    # authorised is removed instead, before the ack.
    @bolt.event("app_uninstalled")
    async def uninstalled(ack: Ack, context: AsyncBoltContext) -> None:
        await _forget(context, "app_uninstalled")
        await ack()

    @bolt.event("tokens_revoked")
    async def revoked(ack: Ack, event: Mapping[str, Any], context: AsyncBoltContext) -> None:
        tokens = event.get("tokens")
        if isinstance(tokens, Mapping) and tokens.get("bot"):  # the only token the app keeps
            await _forget(context, "tokens_revoked")
        await ack()

    async def _forget(context: AsyncBoltContext, why: str) -> None:
        """Nothing more is sent with the workspace's token: in OAuth mode its installation is
        deleted before the ack; its digests stop straight after (organisers are told where
        they can be reached; had this process died first, each would stop at its next run)."""
        authority = _authority(context)
        workspace = ConversationRef(PLATFORM, authority.key, "")
        programme = edge.programme(authority.key)
        edge.tasks.spawn(edge.engine.lost_access(programme, workspace, whole_workspace=True))
        if edge.installs is None:  # SLACK_BOT_TOKEN comes from the environment
            log.info(
                "slack bot token no longer valid: set a new SLACK_BOT_TOKEN", extra={"why": why}
            )
            return
        await edge.installs.forget(authority, why)


def _authority(context: AsyncBoltContext) -> Authority:
    """The installation bolt chose the request's token by (bolt reads `authorizations` of
    events and `view.app_installed_team_id` of modals before the team the payload names)."""
    return Authority(
        str(context.team_id or ""),
        str(context.enterprise_id or ""),
        bool(context.is_enterprise_install),
    )


def _authorised(where: Origin, context: AsyncBoltContext) -> Origin:
    """The request as the authorising installation's: its programme, its channels, its token.
    A payload naming another team (a Slack Connect channel, or a forged mix) is answered as the
    authorised team's, never partly as each."""
    authority = _authority(context)
    if authority.team_id and where.team_id and where.team_id != authority.team_id:
        log.info(
            "slack request names another team than the one authorised",
            extra={"claimed": where.team_id, "team": authority.team_id},
        )
    return where.through(authority)


def _event(body: Mapping[str, Any]) -> str:
    """An Events API callback's id, the same on Slack's retries."""
    event_id = str(body.get("event_id") or "")
    return f"event:{event_id}" if event_id else ""


def _trigger(body: Mapping[str, Any]) -> str:
    """A slash command's or a modal submission's trigger id, unique per invocation."""
    trigger_id = str(body.get("trigger_id") or "")
    return f"trigger:{trigger_id}" if trigger_id else ""
