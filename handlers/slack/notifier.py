"""The core's `Notifier` port for Slack: notices the core sends unprompted (a flag for organisers,
a digest, a reminder to one person) and cards rewritten from elsewhere, posted to a Slack
channel or a direct message."""

from __future__ import annotations

import logging

from slack_sdk.oauth.installation_store import Installation
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.domain import ConversationRef, PostedMessage
from bot.core.interaction import Card
from bot.core.ports import Sent
from handlers.slack import codec
from handlers.slack.flows import SlackEdge
from handlers.slack.installs import authority_of
from handlers.slack.webapi import FAILURES, not_sent, web_client

log = logging.getLogger(__name__)

# chat.postMessage errors that no retry will fix: the channel or the bot's access is gone.
GONE = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "account_inactive",
        "invalid_auth",
        "token_revoked",
        "team_access_not_granted",
        "restricted_action",
        "missing_scope",
    }
)


# conversations.open errors that mean this person can't be messaged (a deactivated or external
# user, a bot): trying again will not help.
CANNOT_DM = frozenset({"user_not_found", "user_disabled", "cannot_dm_bot", "not_allowed"})


# Answers meaning the installation's token is dead for good: a reinstall brings a new one.
DEAD_TOKEN = frozenset({"account_inactive", "invalid_auth", "token_revoked"})


class SlackNotifier:
    """chat.postMessage with the bot token: in OAuth mode, that of the installation the channel
    is reached through (see installs). A workspace that is no longer installed is sent nothing;
    a token Slack calls dead removes its installation, so it is never used again."""

    def __init__(self, edge: SlackEdge) -> None:
        self._edge = edge

    async def send(self, where: ConversationRef, card: Card) -> Sent:
        found = await self._client(where.workspace_id)
        if found is None:
            _skipped("chat.postMessage", where.workspace_id, where.channel_id)
            return Sent.GONE
        client, installation = found
        try:
            await client.chat_postMessage(channel=where.channel_id, **codec.message(card))
        except FAILURES as error:
            code = not_sent("chat.postMessage", error, channel=where.channel_id)
            await self._dead(installation, code)
            return Sent.GONE if code in GONE else Sent.FAILED
        return Sent.POSTED

    async def direct(self, where: ConversationRef, user_id: str, card: Card) -> Sent:
        """conversations.open with the person's user id (the `im:write` scope), in the
        workspace of `where`, then chat.postMessage to that IM; 429s are waited out by the
        client, as for every call."""
        found = await self._client(where.workspace_id)
        if found is None:
            _skipped("conversations.open", where.workspace_id, user_id)
            return Sent.GONE
        client, installation = found
        try:
            opened = await client.conversations_open(users=user_id)
            channel = str((opened.get("channel") or {}).get("id") or "")
            await client.chat_postMessage(channel=channel, **codec.message(card))
        except FAILURES as error:
            code = not_sent("direct message", error, user=user_id)
            await self._dead(installation, code)
            return Sent.GONE if code in GONE or code in CANNOT_DM else Sent.FAILED
        return Sent.POSTED

    async def update(self, message: PostedMessage, card: Card) -> bool:
        found = await self._client(message.workspace_id)
        if found is None:
            _skipped("chat.update", message.workspace_id, message.channel_id)
            return False
        client, installation = found
        try:
            await client.chat_update(
                channel=message.channel_id, ts=message.message_id, **codec.message(card)
            )
        except FAILURES as error:
            code = not_sent("chat.update", error, channel=message.channel_id)
            await self._dead(installation, code)
            return False
        return True

    async def _client(self, key: str) -> tuple[AsyncWebClient, Installation | None] | None:
        """The client for an installation's channels, with the installation (None with one
        SLACK_BOT_TOKEN); None when the installation is gone."""
        bolt, installs = self._edge.bolt, self._edge.installs
        if installs is None:
            return bolt.client, None
        found = await installs.find(key)
        if found is None or not found.bot_token:
            return None
        client = web_client(self._edge.settings, found.bot_token)
        client.session = bolt.client.session  # the edge's one connection pool
        return client, found

    async def _dead(self, installation: Installation | None, code: str) -> None:
        """Slack said the token is dead (revoked, or the workspace deactivated) and no event
        told us: forget the installation before anything else is sent with it."""
        installs = self._edge.installs
        if installs is None or installation is None or code not in DEAD_TOKEN:
            return
        await installs.forget(authority_of(installation), code)


def _skipped(method: str, installation: str, channel: str) -> None:
    log.info(
        "slack send skipped: not installed",
        extra={"method": method, "installation": installation, "channel": channel},
    )
