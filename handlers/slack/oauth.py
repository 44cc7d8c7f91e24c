"""Multi-workspace install: Slack's OAuth flow, installations kept in the project's database."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import SlackSettings
from bot.core.domain import Participant
from bot.core.engine import Engine
from handlers.slack import tenancy
from handlers.slack.scopes import BOT_SCOPES
from storage.models import SLACK_BOTS, SLACK_INSTALLATIONS, SLACK_OAUTH_STATES

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600


def installation_store(slack: SlackSettings, db: AsyncEngine) -> AsyncSQLAlchemyInstallationStore:
    """slack_sdk's own SQLAlchemy installation store, on the tables migration 0002 creates."""
    return AsyncSQLAlchemyInstallationStore(
        slack.client_id,
        engine=db,
        bots_table_name=SLACK_BOTS.name,
        installations_table_name=SLACK_INSTALLATIONS.name,
    )


def settings(
    slack: SlackSettings,
    db: AsyncEngine,
    store: AsyncSQLAlchemyInstallationStore,
    engine: Callable[[], Engine],
) -> AsyncOAuthSettings:
    """The install flow, keeping installations in `store` and its state on migration 0002's
    table; whoever installs the app in a workspace becomes its programme's first organiser."""
    return AsyncOAuthSettings(
        client_id=slack.client_id,
        client_secret=slack.client_secret,
        scopes=list(BOT_SCOPES),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=store,
        state_store=AsyncSQLAlchemyOAuthStateStore(
            STATE_SECONDS, engine=db, table_name=SLACK_OAUTH_STATES.name
        ),
        callback_options=AsyncCallbackOptions(
            success=_installed(engine, slack.programmes), failure=_failed
        ),
    )


def _installed(
    engine: Callable[[], Engine], pooled: Mapping[str, str]
) -> Callable[[AsyncSuccessArgs], Awaitable[BoltResponse]]:
    async def installed(args: AsyncSuccessArgs) -> BoltResponse:
        """The install is saved; its installer organises the workspace's (or, installed for a
        whole Enterprise Grid org, the org's) programme, then sees bolt's own page."""
        done = args.installation
        owner = done.enterprise_id if done.is_enterprise_install else done.team_id
        if owner and done.user_id:
            programme = tenancy.programme_for(owner, pooled)
            await engine().installed(programme, Participant("slack", done.user_id))
        return await args.default.success(args)

    return installed


async def _failed(args: AsyncFailureArgs) -> BoltResponse:
    return await args.default.failure(args)


def register(app: web.Application, flow: AsyncOAuthFlow) -> None:
    """GET /slack/install starts an install; Slack sends people back to /slack/oauth_redirect."""
    app.router.add_get(INSTALL_PATH, _page(flow.handle_installation))
    app.router.add_get(REDIRECT_PATH, _page(flow.handle_callback))


def _page(step: Callable[[AsyncBoltRequest], Awaitable[BoltResponse]]) -> Handler:
    async def page(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await step(await to_bolt_request(request)))

    return page
