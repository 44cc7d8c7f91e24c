"""`GET /metrics`: the Prometheus metrics, for whoever holds the dashboard token.

Private like the web view: the figures say how busy a workshop is and when it fails. A scraper
sends `Authorization: Bearer <HOWCANWE_DASHBOARD_TOKEN>` (Prometheus: `authorization:
credentials:`); without the token set, nobody may read them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from bot.metrics import ACK_SECONDS, ACKS
from handlers.web.auth import PRIVATE_HEADERS, bearer, same

log = logging.getLogger(__name__)

PATH = "/metrics"
PLATFORM_ROUTES = {"/slack/events": "slack", "/api/messages": "teams"}


def register(app: web.Application, token: str) -> None:
    async def metrics(request: web.Request) -> web.Response:
        if not (token and same(bearer(request), token)):
            return web.Response(
                status=401,
                text="Send the dashboard token: Authorization: Bearer <HOWCANWE_DASHBOARD_TOKEN>\n",
                headers={**PRIVATE_HEADERS, "WWW-Authenticate": 'Bearer realm="howcanwe"'},
            )
        response = web.Response(body=generate_latest(REGISTRY), headers=PRIVATE_HEADERS)
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    app.router.add_get(PATH, metrics)


@asynccontextmanager
async def served(host: str, port: int, token: str) -> AsyncIterator[None]:
    """`GET /metrics` alone on its own port: the clock process serves no other route."""
    if not port:
        yield
        return
    app = web.Application()
    register(app, token)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, host, port).start()
            log.info("metrics served", extra={"host": host, "port": port})
        except OSError as error:  # digests matter more than their figures: run on without
            log.warning("metrics not served", extra={"port": port, "error": str(error)})
        yield
    finally:
        await runner.cleanup()


@web.middleware
async def count_acks(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Times the platforms' routes: what Slack and Teams wait for before they retry."""
    platform = PLATFORM_ROUTES.get(request.path)
    if platform is None:
        return await handler(request)
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as answer:
        status = answer.status
        raise
    finally:
        ACK_SECONDS.labels(platform).observe(time.perf_counter() - started)
        ACKS.labels(platform, str(status)).inc()
