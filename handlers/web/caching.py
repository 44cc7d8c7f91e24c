"""Plan pages revalidated by ETag: the plan's revision (moved on by every write, in any
process) and who is asking make the tag, so a browser asking again gets a 304 while nothing
changed, and one reader's page (its links carry their credential) never answers another's.

`Cache-Control: private, no-cache`: the browser keeps the page and asks before showing it
again; shared caches (proxies) keep nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from aiohttp import web

from bot.core.engine import Engine
from handlers.web.auth import Access, Page

KEPT_BY_BROWSER = "private, no-cache"
R = TypeVar("R", bound=web.StreamResponse)


@dataclass(frozen=True, slots=True)
class Tag:
    """The ETag a page made now carries."""

    value: str

    def mark(self, response: R) -> R:
        response.headers["ETag"] = self.value
        response.headers["Cache-Control"] = KEPT_BY_BROWSER
        return response


def tag(revision: int, access: Access, request: web.Request) -> Tag:
    """Weak: the same page, not the same bytes (the "as of" time moves on)."""
    who = f"{access.programme}\\n{access.query}\\n{access.organiser}\\n{request.path_qs}"
    digest = hashlib.sha256(who.encode()).hexdigest()[:20]
    return Tag(f'W/"{revision}-{digest}"')


Render = Callable[[web.Request, Access, Engine], Awaitable[web.Response]]


def revalidated(engine: Callable[[], Engine], render: Render) -> Page:
    """A page answered with 304 while the browser holds it at the plan's current revision,
    else rendered and tagged (a page that is not there, 404, carries no tag)."""

    async def page(request: web.Request, access: Access) -> web.StreamResponse:
        core = engine()
        kept = await unchanged(request, access, core)
        if isinstance(kept, web.StreamResponse):
            return kept
        response = await render(request, access, core)
        return kept.mark(response) if response.status == 200 else response

    return page


async def unchanged(request: web.Request, access: Access, core: Engine) -> web.Response | Tag:
    """304 when the browser already holds this page at the plan's current revision, else the
    tag the fresh page is to carry."""
    current = tag(await core.plan_revision(access.programme), access, request)
    held = {t.strip() for t in request.headers.get("If-None-Match", "").split(",")}
    if current.value in held or "*" in held:
        return current.mark(web.Response(status=304))
    return current
