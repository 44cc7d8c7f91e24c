"""The core's `Notifier` port for Teams: cards posted or rewritten unprompted (digests, flags for
organisers, a card acted on from another platform), through the conversation references stored
when the bot was added to a conversation."""

from __future__ import annotations

import logging

import aiohttp
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import ConversationReference

from bot.core.domain import ConversationRef, PostedMessage
from bot.core.interaction import Card
from bot.core.ports import Sent
from handlers.teams.auth import Gate
from handlers.teams.connector import ConnectorError
from handlers.teams.listeners import WorkshopBot
from handlers.teams.origin import PLATFORM, origin

log = logging.getLogger(__name__)

GONE_STATUSES = frozenset({403, 404})  # bot removed from the conversation; conversation deleted


class TeamsNotifier:
    """Posts a card, unprompted, to a conversation the bot was added to, in the programme every
    Teams conversation belongs to (the bot's)."""

    def __init__(self, adapter: CloudAdapter, bot: WorkshopBot, app_id: str, gate: Gate) -> None:
        self._adapter = adapter
        self._bot = bot
        self._app_id = app_id
        self._gate = gate

    async def send(self, where: ConversationRef, card: Card) -> Sent:
        """GONE when the bot was never added there, or was removed (403) or the conversation
        deleted (404); FAILED when the connector could not be reached even after retries."""
        programme_key = self._bot.programme_key
        stored = await self._bot.engine.reference(programme_key, where)
        if stored is None:
            log.info("no teams reference", extra={"conversation": where.channel_id})
            return Sent.GONE
        reference = ConversationReference().deserialize(stored)
        if not self._reachable(reference):
            return Sent.FAILED
        outcome: list[Sent] = []

        async def post(turn: TurnContext) -> None:
            outbox = self._bot.outbox(turn, origin(turn.activity))
            try:
                await outbox.announce(card)
            except ConnectorError as error:
                gone = error.status in GONE_STATUSES
                outcome.append(Sent.GONE if gone else Sent.FAILED)
                log.warning(
                    "teams notice refused",
                    extra={"conversation": where.channel_id, "status": error.status},
                )
            except (aiohttp.ClientError, OSError, TimeoutError) as error:
                outcome.append(Sent.FAILED)
                log.warning(
                    "teams notice failed",
                    extra={"conversation": where.channel_id, "error": str(error)},
                )
            else:
                outcome.append(Sent.POSTED)

        await self._adapter.continue_conversation(reference, post, self._app_id)
        return outcome[0] if outcome else Sent.FAILED

    async def direct(self, where: ConversationRef, user_id: str, card: Card) -> Sent:
        """`where` is the person's personal chat with the bot (its reference was stored when
        they wrote there): a direct message is a post to it."""
        return await self.send(where, card)

    async def update(self, message: PostedMessage, card: Card) -> bool:
        """Rewrite a card the bot posted earlier (acted on from another platform)."""
        where = ConversationRef(PLATFORM, message.workspace_id, message.channel_id)
        stored = await self._bot.engine.reference(self._bot.programme_key, where)
        if stored is None:
            log.info("no teams reference", extra={"conversation": message.channel_id})
            return False
        reference = ConversationReference().deserialize(stored)
        if not self._reachable(reference):
            return False

        async def rewrite(turn: TurnContext) -> None:
            outbox = self._bot.outbox(turn, origin(turn.activity))
            await outbox.update(message.channel_id, message.message_id, card)

        await self._adapter.continue_conversation(reference, rewrite, self._app_id)
        return True

    def _reachable(self, reference: ConversationReference) -> bool:
        """A stored reference may have come from an activity nobody vouched for (saved while
        the endpoint was open, say): its service URL must pass the gate as it stands now."""
        if self._gate.may_call(reference.service_url or ""):
            return True
        conversation = reference.conversation.id if reference.conversation else ""
        log.warning("teams conversation not called", extra={"conversation": conversation})
        return False
