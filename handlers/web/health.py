"""`GET /healthz`: 200 when the process can reach its database, 503 when it cannot."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)


def register(app: web.Application, ping: Callable[[], Awaitable[None]]) -> None:
    async def healthz(_request: web.Request) -> web.Response:
        try:
            await ping()
        except Exception:
            log.exception("health check failed")
            return web.json_response(
                {"status": "unavailable", "database": "unreachable"}, status=503
            )
        return web.json_response({"status": "ok", "database": "ok"})

    app.router.add_get("/healthz", healthz)
