"""The Slack edge's state and flows: from an acked request to the core and back to Slack."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import SlackSettings
from bot.core.engine import Engine
from bot.core.interaction import POST_PROMPT, ButtonPressed, Context, Intent, Rejected, Reply
from handlers.coalescer import Coalescer
from handlers.slack import blockkit
from handlers.slack.background import Tasks
from handlers.slack.delivery import Poster
from handlers.slack.origin import PLATFORM, Origin
from handlers.slack.webapi import retry_handlers

log = logging.getLogger(__name__)

ACK_BUDGET = 2.0  # seconds a modal submission may wait for the core before a plain ack
NAMES_CACHED = 5000

Ack = Callable[..., Awaitable[Any]]


def web_client(settings: SlackSettings, token: str | None) -> AsyncWebClient:
    """Every Web API call goes to SLACK_API_URL, waits out 429s (Retry-After; posts for up
    to pacing.PATIENCE) and retries a 5xx with backoff (see webapi)."""
    base_url = settings.api_url if settings.api_url.endswith("/") else settings.api_url + "/"
    return AsyncWebClient(token=token or None, base_url=base_url, retry_handlers=retry_handlers())


class SlackEdge:
    """One per process: the bolt app, the programme rule, background work and delivery."""

    def __init__(
        self,
        settings: SlackSettings,
        programme_key: str,
        engine: Callable[[], Engine],
        bolt: AsyncApp,
    ) -> None:
        self.settings = settings
        self.bolt = bolt
        self._programme_key = programme_key
        self._engine = engine
        self.tasks = Tasks()
        self.poster = Poster(engine, Coalescer(self.tasks.spawn))
        self._names: dict[tuple[str, str], str] = {}

    @property
    def engine(self) -> Engine:
        return self._engine()

    @property
    def multi_workspace(self) -> bool:
        return bool(self.settings.client_id and self.settings.client_secret)

    def programme(self, team_id: str) -> str:
        """One shared programme for a single workspace; one per workspace when installed by
        OAuth, so that workspaces never see each other's ideas."""
        return f"slack-{team_id}" if self.multi_workspace else self._programme_key

    def context(self, origin: Origin) -> Context:
        return origin.context(self.programme(origin.team_id))

    # ---- flows, run after the ack --------------------------------------------------------

    async def run(self, client: AsyncWebClient, origin: Origin, intent: Intent) -> None:
        origin, ctx, replies = await self.handle(client, origin, intent)
        await self.poster.deliver(client, origin, ctx, replies)

    async def handle(
        self, client: AsyncWebClient, origin: Origin, intent: Intent
    ) -> tuple[Origin, Context, list[Reply]]:
        origin = await self.named(client, origin)
        ctx = self.context(origin)
        replies = await self.engine.handle(ctx, intent)
        return origin, ctx, replies

    async def run_event(
        self, client: AsyncWebClient, body: Mapping[str, Any], origin: Origin, intent: Intent
    ) -> None:
        """Events API callbacks are retried by Slack; only the first sighting is acted on."""
        if await self.first_sighting(body):
            await self.run(client, origin, intent)

    async def first_sighting(self, body: Mapping[str, Any]) -> bool:
        event_id = str(body.get("event_id") or "")
        if not event_id:
            return True
        first = await self.engine.workshop.repo.first_sighting(PLATFORM, event_id)
        if not first:
            log.info("repeated slack event ignored", extra={"event_id": event_id})
        return first

    async def submit(
        self, ack: Ack, client: AsyncWebClient, origin: Origin, intent: Intent, field: str | None
    ) -> None:
        """A modal submission: a refusal the core gives quickly is shown in the modal itself
        (`response_action="errors"`); a slow answer is acked first and delivered afterwards."""
        work = self.tasks.spawn(self.handle(client, origin, intent))
        done, _ = await asyncio.wait({work}, timeout=ACK_BUDGET)
        if not done:
            await ack()
            self.tasks.spawn(self._deliver_later(client, work))
            return
        origin, ctx, replies = work.result()
        refusals = [r.reason for r in replies if isinstance(r, Rejected)]
        if refusals and field:
            await ack(response_action="errors", errors={field: " ".join(refusals)})
            return
        await ack()
        self.tasks.spawn(self.poster.deliver(client, origin, ctx, replies))

    async def _deliver_later(
        self, client: AsyncWebClient, work: asyncio.Task[tuple[Origin, Context, list[Reply]]]
    ) -> None:
        origin, ctx, replies = await work
        await self.poster.deliver(client, origin, ctx, replies)

    async def publish_home(
        self, client: AsyncWebClient, body: Mapping[str, Any], origin: Origin
    ) -> None:
        if not await self.first_sighting(body):
            return
        origin = await self.named(client, origin)
        card = await self.engine.home(self.context(origin))
        try:
            await client.views_publish(user_id=origin.user_id, view=blockkit.home_view(card))
        except SlackApiError as error:
            log.warning("views.publish failed", extra={"error": error.response.get("error")})

    async def pick_channel(self, client: AsyncWebClient, origin: Origin, theme_key: str) -> None:
        """App Home's "Post next": first ask which channel (the prompt needs one)."""
        theme = next((t for t in self.engine.playbook.themes if t.key == theme_key), None)
        if theme is None:
            await self.run(client, origin, ButtonPressed(POST_PROMPT, theme_key))
            return
        label = f"Post the next {theme.title} challenge into this channel:"
        try:
            await client.views_open(
                trigger_id=origin.trigger_id, view=blockkit.channel_picker(theme.key, label)
            )
        except SlackApiError as error:
            log.warning("views.open failed", extra={"error": error.response.get("error")})

    async def named(self, client: AsyncWebClient, origin: Origin) -> Origin:
        """Events carry no display name: ask users.info once per person and remember it."""
        if origin.user_name or not origin.user_id:
            return origin
        key = (origin.team_id, origin.user_id)
        name = self._names.get(key)
        if name is None:
            name = await self._lookup_name(client, origin.user_id)
            if len(self._names) >= NAMES_CACHED:
                self._names.clear()
            self._names[key] = name
        return origin.named(name)

    async def _lookup_name(self, client: AsyncWebClient, user_id: str) -> str:
        try:
            response = await client.users_info(user=user_id)
        except SlackApiError as error:
            log.info(
                "users.info failed", extra={"user": user_id, "error": error.response.get("error")}
            )
            return ""
        user = response.get("user") or {}
        profile = user.get("profile") or {}
        return str(
            profile.get("display_name") or profile.get("real_name") or user.get("name") or ""
        )
