"""Notices the core sends unprompted (a flag for organisers) posted to a Slack channel."""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.core.domain import ConversationRef, PostedMessage
from bot.core.interaction import Card
from bot.core.ports import Sent
from handlers.slack import blockkit
from handlers.slack.edge import SlackEdge, web_client
from handlers.slack.webapi import FAILURES, not_sent

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


class SlackNotifier:
    """chat.postMessage with the bot token (in OAuth mode, the workspace's installation's)."""

    def __init__(self, edge: SlackEdge) -> None:
        self._edge = edge

    async def send(self, where: ConversationRef, card: Card) -> Sent:
        try:
            client = await self._client(where.workspace_id)
            if client is None:
                log.warning("slack notice: no installation", extra={"team": where.workspace_id})
                return Sent.GONE
            await client.chat_postMessage(channel=where.channel_id, **blockkit.message(card))
        except FAILURES as error:
            code = not_sent("chat.postMessage", error, channel=where.channel_id)
            return Sent.GONE if code in GONE else Sent.FAILED
        return Sent.POSTED

    async def update(self, message: PostedMessage, card: Card) -> bool:
        try:
            client = await self._client(message.workspace_id)
            if client is None:
                return False
            await client.chat_update(
                channel=message.channel_id, ts=message.message_id, **blockkit.message(card)
            )
        except FAILURES as error:
            not_sent("chat.update", error, channel=message.channel_id)
            return False
        return True

    async def _client(self, team_id: str) -> AsyncWebClient | None:
        bolt = self._edge.bolt
        if not self._edge.multi_workspace:
            return bolt.client
        store = bolt.installation_store
        if store is None:
            return None
        found = await store.async_find_installation(enterprise_id=None, team_id=team_id)
        if found is None or not found.bot_token:
            return None
        client = web_client(self._edge.settings, found.bot_token)
        client.session = bolt.client.session  # the edge's one connection pool
        return client
