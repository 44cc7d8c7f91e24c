"""The core's Notifier, built by the composition root: each notice goes to its platform's edge."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.core.domain import ConversationRef
from bot.core.interaction import Card
from bot.core.ports import Notifier

log = logging.getLogger(__name__)


class Notifiers:
    """Dispatches by `where.platform` to the notifier each edge registered when mounted, so a
    flag from Slack can reach organisers on Teams (and any platform added later)."""

    def __init__(self) -> None:
        self._by_platform: dict[str, Notifier] = {}

    def register(self, platform: str, notifier: Notifier) -> None:
        self._by_platform[platform] = notifier

    async def send(self, where: ConversationRef, card: Card) -> bool:
        notifier = self._by_platform.get(where.platform)
        if notifier is None:
            log.warning("no notifier for platform", extra={"platform": where.platform})
            return False
        try:
            return await notifier.send(where, card)
        except Exception:  # the port promises no raise; a broken edge must not fail the caller
            log.exception(
                "notice failed", extra={"platform": where.platform, "channel": where.channel_id}
            )
            return False


NOTIFIERS = web.AppKey("notifiers", Notifiers)
