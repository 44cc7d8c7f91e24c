"""The Slack edge's per-process state and the flows its listeners run: from an acked request to
the core and back to Slack."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import SlackSettings
from bot.core.domain import Claim
from bot.core.engine import Engine
from bot.core.interaction import (
    POST_PROMPT,
    ButtonPressed,
    Context,
    Intent,
    Refresh,
    Rejected,
    Reply,
)
from handlers import turns
from handlers.coalescer import Coalescer
from handlers.slack import codec, tenancy, webapi
from handlers.slack.background import Tasks
from handlers.slack.delivery import Poster
from handlers.slack.installs import Installs
from handlers.slack.origin import PLATFORM, Origin

log = logging.getLogger(__name__)

NAME_BUDGET = 1.0  # seconds to learn a person's name before their request goes on without it
NAMES_CACHED = 5000
BUSY = 409  # a retry of a request still being handled: not a 2xx, so Slack tries again later

Ack = Callable[..., Awaitable[Any]]


class SlackEdge:
    """One per process: the bolt app, the programme rule, background work and delivery."""

    def __init__(
        self,
        settings: SlackSettings,
        programme_key: str,
        engine: Callable[[], Engine],
        bolt: AsyncApp,
        installs: Installs | None = None,
    ) -> None:
        self.settings = settings
        self.bolt = bolt
        self.installs = installs  # OAuth mode's installations; None with one SLACK_BOT_TOKEN
        self._programme_key = programme_key
        self._engine = engine
        self.tasks = Tasks()
        self.poster = Poster(engine, Coalescer(self.tasks.spawn))
        self._names: dict[tuple[str, str], str] = {}

    @property
    def engine(self) -> Engine:
        return self._engine()

    def programme(self, installation: str) -> str:
        """One shared programme for a single workspace; one per installation when installed by
        OAuth (`slack-<team id>`, or `slack-<enterprise id>` for an org-wide install), so that
        workspaces never see each other's ideas, unless pooled on purpose."""
        if not self.installs:
            return self._programme_key
        return tenancy.programme_for(installation, self.settings.programmes)

    def context(self, origin: Origin) -> Context:
        return origin.context(self.programme(origin.team_id))

    # ---- flows: what the core stores is committed before the ack --------------------------

    async def act(
        self,
        ack: Ack,
        client: AsyncWebClient,
        origin: Origin,
        intent: Intent,
        request_key: str | None = None,
    ) -> None:
        """The core decides and commits, then Slack hears the ack, then the replies go out: a
        click or an idea that was acknowledged survives the process being killed at any
        moment. (Slack allows 3 s for the ack; a batch of votes commits in milliseconds.)"""
        origin, ctx, replies = await self.decide(client, origin, intent, request_key)
        await ack()
        if all(isinstance(r, Refresh) for r in replies):  # a vote: its card update is queued,
            await self.poster.deliver(client, origin, ctx, replies)  # no call waited for here
        else:
            self.tasks.spawn(self.poster.deliver(client, origin, ctx, replies))

    async def act_once(
        self, ack: Ack, client: AsyncWebClient, origin: Origin, intent: Intent, request_id: str
    ) -> BoltResponse | None:
        """`act` for a request Slack may send again (an event after a slow ack or a failure)
        or someone may replay (a slash command): recorded as handled once acted on (see
        handlers.turns). A request someone is acting on right now is answered BUSY (409), so that
        Slack tries again later; one handled already is acked."""
        async with turns.handling(self.engine.turns, PLATFORM, request_id) as claim:
            if claim is Claim.NEW:
                await self.act(ack, client, origin, intent)
                return None
        if claim is Claim.HELD:
            return BoltResponse(status=BUSY, body="")
        await ack()
        return None

    async def decide(
        self,
        client: AsyncWebClient,
        origin: Origin,
        intent: Intent,
        request_key: str | None = None,
    ) -> tuple[Origin, Context, list[Reply]]:
        """The core's decision, committed (see `Engine.decide`); the copies of refreshed cards
        are found when their coalesced update is sent (`Poster`)."""
        origin = await self.named(client, origin)
        ctx = replace(self.context(origin), request_key=request_key)
        return origin, ctx, await self.engine.decide(ctx, intent)

    async def submit(
        self,
        ack: Ack,
        client: AsyncWebClient,
        origin: Origin,
        intent: Intent,
        field: str | None,
        request_key: str | None,
    ) -> None:
        """A modal submission: a refusal is shown in the modal itself
        (`response_action="errors"`), so nothing typed is lost; otherwise the modal closes
        once the idea is stored."""
        origin, ctx, replies = await self.decide(client, origin, intent, request_key)
        refusals = [r.reason for r in replies if isinstance(r, Rejected)]
        if refusals and field:
            await ack(response_action="errors", errors={field: " ".join(refusals)})
            return
        await ack()
        self.tasks.spawn(self.poster.deliver(client, origin, ctx, replies))

    async def publish_home(self, client: AsyncWebClient, event_id: str, origin: Origin) -> None:
        async with turns.handling(self.engine.turns, PLATFORM, event_id) as claim:
            if claim is not Claim.NEW:
                return
            origin = await self.named(client, origin)
            card = await self.engine.home(self.context(origin))
        try:
            await client.views_publish(user_id=origin.user_id, view=codec.home_view(card))
        except webapi.FAILURES as error:
            webapi.not_sent("views.publish", error, user=origin.user_id)

    async def pick_channel(self, client: AsyncWebClient, origin: Origin, theme_key: str) -> None:
        """App Home's "Post next": first ask which channel (the prompt needs one)."""
        theme = next((t for t in self.engine.playbook.themes if t.key == theme_key), None)
        if theme is None:
            pressed = ButtonPressed(POST_PROMPT, theme_key)  # the core says what is wrong
            origin, ctx, replies = await self.decide(client, origin, pressed)
            await self.poster.deliver(client, origin, ctx, replies)
            return
        label = f"Post the next {theme.title} challenge into this channel:"
        try:
            await client.views_open(
                trigger_id=origin.trigger_id, view=codec.channel_picker(theme.key, label)
            )
        except webapi.FAILURES as error:
            webapi.not_sent("views.open", error, user=origin.user_id)

    async def named(self, client: AsyncWebClient, origin: Origin) -> Origin:
        """Events carry no display name: ask users.info once per person and remember it."""
        if origin.user_name or not origin.user_id:
            return origin
        key = (origin.team_id, origin.user_id)
        name = self._names.get(key)
        if name is None:
            try:
                lookup = self._lookup_name(client, origin.user_id)
                name = await asyncio.wait_for(lookup, NAME_BUDGET)
            except TimeoutError:  # the ack cannot wait for a slow Web API
                log.info("users.info too slow", extra={"user": origin.user_id})
            if name is None:  # asked again next time
                return origin
            if len(self._names) >= NAMES_CACHED:
                self._names.clear()
            self._names[key] = name
        return origin.named(name)

    async def _lookup_name(self, client: AsyncWebClient, user_id: str) -> str | None:
        """The person's display name; None when Slack could not say (asked again next time)."""
        try:
            response = await client.users_info(user=user_id)
        except webapi.FAILURES as error:  # the request goes on without the name
            webapi.not_sent("users.info", error, user=user_id)
            return None
        user = response.get("user") or {}
        profile = user.get("profile") or {}
        return str(
            profile.get("display_name") or profile.get("real_name") or user.get("name") or ""
        )
