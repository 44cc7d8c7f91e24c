"""Who may read the web view: a signed link for the programme, or the dashboard token.

Pages carry their credential forward in every link they print (`?programme=…&t=…`) rather than
in a cookie: downloads, printing and a link copied from the address bar then work alike, with no
session state and nothing a cross-site request could ride on. A request that came with the
dashboard token gets a freshly signed, expiring token in its links, so the long-lived secret
is not copied into every address the browser keeps. Responses say `Referrer-Policy: no-referrer`
so a token in the address never leaves with a click.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from aiohttp import web

from bot.core.links import Links

BEARER = "Bearer "
# Pages are read-only HTML with inline SVG: no scripts, no frames, no forms, no outside hosts.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


@dataclass(frozen=True, slots=True)
class Access:
    """A request allowed to read `programme`; `query` is the credential its links carry."""

    programme: str
    query: str

    def href(self, path: str) -> str:
        return f"{path}?{self.query}"


@dataclass(frozen=True, slots=True)
class Gate:
    """Checks credentials against the dashboard token and the links signed with it."""

    default_programme: str
    signer: Links | None  # None: no dashboard token is set, so nobody may read the pages

    def admit(self, request: web.Request, now: datetime) -> Access | None:
        signer = self.signer
        if signer is None:
            return None
        programme = request.query.get("programme") or self.default_programme
        token = request.query.get("t", "")
        if token and signer.verify(token, now) == programme:
            return Access(programme, urlencode({"programme": programme, "t": token}))
        # The dashboard token opens the deployment's own programme; another programme (a Slack
        # workspace installed through OAuth) is opened by a link from its own chat.
        offered = _offered_secret(request)
        if programme == self.default_programme and _same(offered, signer.secret):
            fresh = signer.sign(programme, now)
            return Access(programme, urlencode({"programme": programme, "t": fresh}))
        return None


def _same(offered: str, secret: str) -> bool:
    """Constant-time, so response times say nothing about how much of a guess was right."""
    return bool(offered) and hmac.compare_digest(offered.encode(), secret.encode())


def _offered_secret(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    if header.startswith(BEARER):
        return header[len(BEARER) :].strip()
    return request.query.get("token", "")


Page = Callable[[web.Request, Access], Awaitable[web.StreamResponse]]
Refuse = Callable[[web.Request], web.StreamResponse]


def guarded(
    gate: Gate, now: Callable[[], datetime], page: Page, refuse: Refuse
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A handler that answers only an admitted request, and marks every answer private."""

    async def handler(request: web.Request) -> web.StreamResponse:
        access = gate.admit(request, now())
        response = refuse(request) if access is None else await page(request, access)
        response.headers.update(PRIVATE_HEADERS)
        return response

    return handler
