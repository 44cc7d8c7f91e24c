"""Who may read the web view: a signed link for the programme, the dashboard token, or the
short-lived cookie the dashboard token is exchanged for.

Signed links (`?programme=…&t=…`) carry their credential forward in every link a page prints:
they come from chat, so they must work in any browser, however they were opened. The dashboard
token is the deployment's long-lived secret: a page opened with `?token=` answers with a cookie
and sends the browser straight on to the same address without it, so the secret leaves the
address bar, the history and printed page headers. The cookie holds a signed token that expires
within hours, is HttpOnly (no script reads it), SameSite=Strict (no other site's request carries
it) and Secure when the view is served over https; pages opened with it print links with no
credential at all. `Authorization: Bearer` (for scripts) needs neither. Responses say
`Referrer-Policy: no-referrer` so a credential in an address never leaves with a click.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar
from urllib.parse import urlencode

from aiohttp import web

from bot.core.links import Links

BEARER = "Bearer "
TOKEN_PARAM = "token"
COOKIE = "howcanwe_view"
COOKIE_PATH = "/"  # the pages and downloads share the site's root (/, /plan, /plan.csv, /themes/…)
COOKIE_KEY_SUFFIX = "|view-cookie"
COOKIE_LIFETIME = timedelta(hours=8)  # a working day; the dashboard token opens a new one
# Pages are HTML with inline SVG: no scripts, no frames, no outside hosts; the one form (the
# organisers' workbook upload) posts to this site only.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
R = TypeVar("R", bound=web.StreamResponse)
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


@dataclass(frozen=True, slots=True)
class Access:
    """A request allowed to read `programme`; `query` is the credential its links carry (none
    when the browser holds the cookie). `organiser`: it came with the dashboard token (or the
    cookie only the token opens), not with a link handed out in chat, so it may also bring
    action updates back."""

    programme: str
    query: str = ""
    organiser: bool = False

    def href(self, path: str, params: Mapping[str, str] | None = None) -> str:
        """The address of `path` (with `params`) that carries this access's credential."""
        query = "&".join(q for q in (urlencode(params or {}), self.query) if q)
        return f"{path}?{query}" if query else path


@dataclass(frozen=True, slots=True)
class Exchange:
    """The dashboard token arrived in the address: set the cookie, then send the browser on to
    `location`, the same address without the token."""

    cookie: str
    location: str
    secure: bool

    def set_cookie(self, response: web.StreamResponse) -> None:
        response.set_cookie(
            COOKIE,
            self.cookie,
            max_age=int(COOKIE_LIFETIME.total_seconds()),
            path=COOKIE_PATH,
            secure=self.secure,
            httponly=True,
            samesite="Strict",
        )


@dataclass(frozen=True, slots=True)
class Gate:
    """Checks credentials against the dashboard token and the tokens signed with it."""

    default_programme: str
    signer: Links | None  # None: no dashboard token is set, so nobody may read the pages

    def admit(
        self, request: web.Request, now: datetime, exchange: bool = True
    ) -> Access | Exchange | None:
        """Who may read; with `exchange`, a dashboard token in the address is swapped for the
        cookie (pages), else it is taken as it is (downloads, which scripts fetch and which
        never stay in the address bar)."""
        signer = self.signer
        if signer is None:
            return None
        programme = request.query.get("programme") or self.default_programme
        token = request.query.get("t", "")
        if token and signer.verify(token, now) == programme:
            return Access(programme, urlencode({"programme": programme, "t": token}))
        # The dashboard token opens the deployment's own programme; another programme (a Slack
        # workspace installed through OAuth) is opened by a link from its own chat.
        ours = programme == self.default_programme
        if TOKEN_PARAM in request.query:
            if not (ours and same(request.query[TOKEN_PARAM], signer.secret)):
                return None
            if exchange:
                cookie = cookie_signer(signer).sign(programme, now)
                return Exchange(cookie, _without_token(request), _secure(request, signer))
        if ours and (TOKEN_PARAM in request.query or same(bearer(request), signer.secret)):
            fresh = signer.sign(programme, now)
            return Access(programme, urlencode({"programme": programme, "t": fresh}), True)
        held = request.cookies.get(COOKIE, "")
        if held and cookie_signer(signer).verify(held, now) == programme:
            return Access(programme, organiser=True)
        return None


def cookie_signer(signer: Links) -> Links:
    """The cookie's own key and lifetime: a link handed out in chat, set as the cookie by hand,
    must not pass for the dashboard token's cookie (which may bring action updates back)."""
    return replace(signer, lifetime=COOKIE_LIFETIME, secret=signer.secret + COOKIE_KEY_SUFFIX)


def same(offered: str, secret: str) -> bool:
    """Constant-time, so response times say nothing about how much of a guess was right."""
    return bool(offered) and hmac.compare_digest(offered.encode(), secret.encode())


def bearer(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    return header[len(BEARER) :].strip() if header.startswith(BEARER) else ""


def _without_token(request: web.Request) -> str:
    """The address asked for, less the token: the same page, its other parameters kept."""
    kept = [(k, v) for k, v in request.query.items() if k != TOKEN_PARAM]
    return str(request.rel_url.with_query(kept))


def _secure(request: web.Request, signer: Links) -> bool:
    """Secure when the browser reached us over https: directly, or at the public https URL a
    proxy terminates TLS for (the request itself then arrives over plain http)."""
    return request.secure or signer.public_url.startswith("https://")


Page = Callable[[web.Request, Access], Awaitable[web.StreamResponse]]
Refuse = Callable[[web.Request], web.StreamResponse]
Forward = Callable[[web.Request, str], web.StreamResponse]


def guarded(
    gate: Gate,
    now: Callable[[], datetime],
    page: Page,
    refuse: Refuse,
    forward: Forward | None,
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A handler that answers only an admitted request, and marks every answer private.

    On a page the token is swapped by a page that sends the browser on (`forward`), not by an
    HTTP redirect: browsers withhold a SameSite=Strict cookie from a redirect at the end of a
    click on another site (a link in an e-mail), but send it when our own page moves on. A
    download (`forward` None) answers a token in its address with the file itself.
    """

    async def handler(request: web.Request) -> web.StreamResponse:
        verdict = gate.admit(request, now(), exchange=forward is not None)
        response: web.StreamResponse
        if isinstance(verdict, Exchange) and forward is not None:
            response = forward(request, verdict.location)
            verdict.set_cookie(response)
        elif not isinstance(verdict, Access):
            response = refuse(request)
        else:
            response = await page(request, verdict)
        return private(response)

    return handler


def private(response: R) -> R:
    """The headers every page and download carries (a page may say how long it keeps); a
    streamed download takes them before its first byte, as it cannot after."""
    for name, value in PRIVATE_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
