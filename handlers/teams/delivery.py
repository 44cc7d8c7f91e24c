"""Replies out to Teams through the Bot Connector: new posts, replies in a chain, in-place updates.

Replies go out after Teams has had its HTTP answer (the intent is already stored by then), so a
slow connector never makes Teams wait or re-send. Teams has no ephemeral messages, so a private
reply is a short card that mentions the person it is for. A call throttled with 429 is tried again
after each Retry-After for up to pacing.PATIENCE; 412, 502, 503 and 504 are retried a few times
with backoff (botbuilder does neither). A call that still fails is logged once and skipped, so one
lost reply never loses the rest of the turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import aiohttp
from botbuilder.core import TurnContext
from botbuilder.schema import ChannelAccount
from botframework.connector.aio import ConnectorClient

from bot.core.domain import Anchor, PostedMessage
from bot.core.engine import Engine
from bot.core.interaction import (
    Card,
    Context,
    Delivery,
    Refresh,
    Rejected,
    Reply,
    Say,
    ShowForm,
)
from bot.metrics import QUEUE_DEPTH, RETRIES
from handlers.coalescer import Coalescer
from handlers.pacing import Patience, about, level, retry_after
from handlers.teams import codec
from handlers.teams.connector import ConnectorError, Connectors, Json
from handlers.teams.origin import Origin

log = logging.getLogger(__name__)

T = TypeVar("T")
TRANSIENT = frozenset({412, 502, 503, 504})
ATTEMPTS = 4  # for a transient error; a 429 is tried for as long as its Patience allows
FIRST_DELAY = 0.5  # seconds, doubled on each retry unless the service says Retry-After
MAX_DELAY = 10.0
SUMMARY_CHARS = 200
SENDING = QUEUE_DEPTH.labels("teams_replies")  # replies still going out after Teams' answer


async def retried(call: Callable[[], Awaitable[T]]) -> T:
    """Run a Bot Connector call, waiting out throttling and transient gateway errors; the
    last error is raised."""
    throttled = Patience()
    transient = 0
    while True:
        try:
            return await call()
        except ConnectorError as error:
            if error.status == 429:
                wait = throttled.next_wait(retry_after(error.retry_after))
            elif error.status in TRANSIENT and transient < ATTEMPTS - 1:
                wait = _delay(error.retry_after, transient)
                transient += 1
            else:
                wait = None
            if wait is None:
                raise
            RETRIES.labels("teams", "throttled" if error.status == 429 else "server").inc()
            await asyncio.sleep(wait)


async def with_retries(call: Callable[[], Awaitable[T]], what: str, **where: str) -> T | None:
    """`retried`, with a failure logged once (where the call was going and why, never what it
    said) and skipped (None), so one lost reply never loses the rest of the turn. A 429 that
    gets here was waited out for as long as its Patience allows."""
    message = f"teams {what} not sent"
    try:
        return await retried(call)
    except ConnectorError as error:
        extra = {"call": what, **where, "status": error.status, "error": error.code}
        log.log(level(error.status), message, extra=extra)
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        log.warning(message, extra={"call": what, **where, "error": str(error)})
    except Exception:  # e.g. MSAL could not get the bot a token
        log.exception(message, extra={"call": what, **where})
    return None


def _delay(retry_after: str | None, attempt: int) -> float:
    if retry_after is not None:
        with contextlib.suppress(ValueError):  # not a number of seconds: back off instead
            return min(max(float(retry_after), 0.0), MAX_DELAY)
    return min(FIRST_DELAY * 2.0**attempt, MAX_DELAY)


class Deliveries:
    """Replies still being sent after Teams got its answer; awaited at shutdown (and by tests)."""

    def __init__(self) -> None:
        self._running: set[asyncio.Task[None]] = set()

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._running.add(task)
        SENDING.inc()
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        SENDING.dec()
        if not task.cancelled() and task.exception() is not None:
            log.error("teams delivery failed", exc_info=task.exception())

    async def idle(self) -> None:
        """Wait until every delivery started so far (and any they start) has finished."""
        while self._running:
            await asyncio.wait(set(self._running))


def _account(account: ChannelAccount | None) -> Json:
    return {"id": account.id, "name": account.name} if account else {}


class Outbox:
    """Sends one turn's replies, in order, through the turn's connector client."""

    def __init__(
        self,
        turn: TurnContext,
        origin: Origin,
        engine: Engine,
        connectors: Connectors,
        coalescer: Coalescer,
    ) -> None:
        self._origin = origin
        self._engine = engine
        self._connectors = connectors
        self._coalescer = coalescer
        self._incoming = turn.activity
        self._client: ConnectorClient = turn.turn_state[turn.adapter.BOT_CONNECTOR_CLIENT_KEY]

    async def deliver(self, ctx: Context, replies: list[Reply]) -> None:
        for reply in replies:
            match reply:
                case Say(card=card, delivery=delivery, anchor=anchor):
                    await self._say(ctx, card, delivery, anchor)
                case Refresh(anchor=anchor, card=card, copies=copies) if copies:
                    self._refresh(ctx, anchor, card, copies)
                case ShowForm(form=form):
                    await self.reply(codec.form(form), form.title)
                case Rejected(reason=reason):
                    await self._private(reply.card(), reason)

    def _refresh(
        self, ctx: Context, anchor: Anchor, card: Card | None, copies: tuple[PostedMessage, ...]
    ) -> None:
        """Coalesced per card: a burst of votes updates it once or twice, not once per vote
        (Teams allows a bot a few operations a second per conversation). How the card reads
        is looked up when the update is sent, so the newest state always wins."""
        engine, programme = self._engine, ctx.programme_key

        async def update_copies() -> None:
            latest = await engine.card(programme, anchor) or card
            if latest is None:
                return
            for copy in copies:
                await self.update(copy.channel_id, copy.message_id, latest, anchor)

        self._coalescer.submit((programme, anchor), update_copies)

    async def post(self, card: Card, anchor: Anchor | None = None) -> str | None:
        """A new message in the conversation (a new post in a channel); returns its id."""
        where = {"conversation": self._origin.conversation_id, "card": about(anchor)}
        return await with_retries(self._posting(card), "post", **where)

    async def announce(self, card: Card) -> str | None:
        """`post`, raising when the connector refuses, for callers that tell a conversation
        gone for good (403, 404) from one that failed for now."""
        return await retried(self._posting(card))

    def _posting(self, card: Card) -> Callable[[], Awaitable[str | None]]:
        conversation = self._origin.conversation_id
        activity = self._outgoing(codec.card(card), card.as_text(), conversation)
        return lambda: self._connectors.post(self._client, conversation, activity, None)

    async def reply(self, content: Json, summary: str, anchor: Anchor | None = None) -> str | None:
        """A reply in the reply chain the activity belongs to (a plain message in a chat)."""
        conversation = self._incoming.conversation.id
        activity = self._outgoing(content, summary, conversation)
        target = self._origin.thread_id or self._incoming.reply_to_id or self._incoming.id
        if target:
            activity["replyToId"] = target
        return await with_retries(
            lambda: self._connectors.post(self._client, conversation, activity, target),
            "reply",
            conversation=conversation,
            card=about(anchor),
        )

    async def update(
        self, conversation: str, message_id: str, card: Card, anchor: Anchor | None = None
    ) -> None:
        activity = self._outgoing(codec.card(card), card.as_text(), conversation)
        activity["id"] = message_id
        await with_retries(
            lambda: self._connectors.update(self._client, conversation, message_id, activity),
            "update",
            conversation=conversation,
            card=about(anchor),
        )

    async def _say(
        self, ctx: Context, card: Card, delivery: Delivery, anchor: Anchor | None
    ) -> None:
        match delivery:
            case Delivery.CHANNEL:
                posted = await self.post(card, anchor)
            case Delivery.PRIVATE:
                posted = await self._private(card, card.as_text())
            case Delivery.REPLACE if self._incoming.reply_to_id:
                replaced = self._incoming.reply_to_id
                await self.update(self._origin.conversation_id, replaced, card, anchor)
                posted = replaced
            case _:
                posted = await self.reply(codec.card(card), card.as_text(), anchor)
        if anchor is not None and posted:
            await self._engine.posted(ctx, anchor, posted)

    async def _private(self, card: Card, summary: str) -> str | None:
        """Teams has no ephemeral message: a reply that opens by mentioning its reader."""
        addressed = (
            None if self._origin.personal else (self._origin.user_id, self._origin.user_name)
        )
        return await self.reply(codec.card(card, addressed), summary)

    def _outgoing(self, content: Json, summary: str, conversation: str) -> Json:
        """The message as Bot Connector JSON (built directly: msrest's serialiser is slow)."""
        incoming = self._incoming
        about = incoming.conversation
        activity: Json = {
            "type": "message",
            "from": _account(incoming.recipient),
            "recipient": _account(incoming.from_property),
            "conversation": {
                "id": conversation,
                "conversationType": about.conversation_type,
                "tenantId": self._origin.known_tenant,
            },
            "attachments": [{"contentType": codec.CONTENT_TYPE, "content": content}],
        }
        if summary:
            activity["summary"] = summary[:SUMMARY_CHARS]
        return activity
