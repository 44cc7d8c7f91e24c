"""The core's Notifier, built by the composition root: each notice goes to its platform's edge."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TypeVar

from aiohttp import web

from bot.core.domain import ConversationRef, PostedMessage
from bot.core.interaction import Card
from bot.core.ports import Notifier, Sent, Unheard

log = logging.getLogger(__name__)

T = TypeVar("T")


class Notifiers:
    """Dispatches by `where.platform` to the notifier each edge registered when mounted, so a
    flag from Slack can reach organisers on Teams (and any platform added later)."""

    def __init__(self) -> None:
        self._by_platform: dict[str, Notifier] = {}

    def register(self, platform: str, notifier: Notifier) -> None:
        self._by_platform[platform] = notifier

    async def send(self, where: ConversationRef, card: Card) -> Sent:
        notifier = self._for(where.platform)
        return await self._safely(
            notifier.send(where, card), Sent.FAILED, where.platform, where.channel_id
        )

    async def update(self, message: PostedMessage, card: Card) -> bool:
        notifier = self._for(message.platform)
        return await self._safely(
            notifier.update(message, card), False, message.platform, message.channel_id
        )

    async def direct(self, where: ConversationRef, user_id: str, card: Card) -> Sent:
        notifier = self._for(where.platform)
        return await self._safely(
            notifier.direct(where, user_id, card), Sent.FAILED, where.platform, where.channel_id
        )

    def _for(self, platform: str) -> Notifier:
        notifier = self._by_platform.get(platform)
        if notifier is None:
            log.warning("no notifier for platform", extra={"platform": platform})
            return Unheard()
        return notifier

    @staticmethod
    async def _safely(delivery: Awaitable[T], failed: T, platform: str, channel: str) -> T:
        try:
            return await delivery
        except Exception:  # the port promises no raise; a broken edge must not fail the caller
            log.exception("notice failed", extra={"platform": platform, "channel": channel})
            return failed


NOTIFIERS = web.AppKey("notifiers", Notifiers)
