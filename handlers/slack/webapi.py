"""The Slack Web API as this edge calls it: answers of any shape read as Slack errors, 429s
waited out (patiently for posts), gateway errors retried.

slack_sdk assumes Slack answers with a JSON object: a 500 in plain text reaches callers as a
string (so `error.response.get(...)` raises AttributeError), a 200 that is not an object fails
inside the SDK, and an HTML error page raises while it is read. The edge's one HTTP session reads
every answer that is not a JSON object as `{}`, so each of those becomes an ordinary
`SlackApiError` with its HTTP status, wherever the call is made (bolt's per-request clients and
the listeners' flows included).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from aiohttp import ClientError, ClientResponse, ClientSession
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import async_default_handlers
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import SlackSettings
from bot.metrics import RETRIES
from handlers.pacing import QUICK, Patience, level, retry_after

log = logging.getLogger(__name__)

# Calls that carry what the core asked to post: waited out for up to pacing.PATIENCE.
POSTS = frozenset(
    {"chat.postMessage", "chat.postEphemeral", "chat.update", "views.publish", "conversations.open"}
)  # conversations.open: the first half of posting a direct message
QUICK_TRIES = 3  # other calls (a name lookup, a modal whose trigger lives 3 s) give up sooner
GATEWAY_ERRORS = frozenset({500, 502, 503, 504})
GATEWAY_RETRIES = 2
GATEWAY_WAIT = 10.0  # seconds, at most, that a gateway error's Retry-After is waited
FAILURES = (SlackApiError, ClientError, TimeoutError)  # what a Web API call raises when it fails


class _Answer(ClientResponse):
    """A Web API answer that reads as a JSON object whatever Slack (or a proxy) sent."""

    @property
    def content_type(self) -> str:
        # slack_sdk returns a text/plain body as a bare string; route it through json() instead.
        kind = super().content_type
        return "application/json" if kind == "text/plain" else kind

    async def json(self, *args: Any, **kwargs: Any) -> Any:
        try:
            data = json.loads(await self.read())
        except ValueError:  # not JSON, or not UTF-8
            return {}
        return data if isinstance(data, dict) else {}


def session() -> ClientSession:
    """The one connection pool every Web API call of the process goes through."""
    return ClientSession(response_class=_Answer)


def failure(error: BaseException) -> tuple[int | None, str]:
    """A failed call's HTTP status and Slack error code, for logs and decisions."""
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", None)
        data = getattr(error.response, "data", None)
        code = data.get("error") if isinstance(data, dict) else None
        return status, str(code or f"http_{status}")
    return None, type(error).__name__


def not_sent(call: str, error: BaseException, **where: str) -> str:
    """Log a failed call once, with where it was going and why (never what it said), and
    return Slack's error code."""
    status, code = failure(error)
    extra = {"call": call, **where, "status": status, "error": code}
    log.log(level(status), f"slack {call} not sent", extra=extra)
    return code


def method_of(url: str) -> str:
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


class RateLimited(AsyncRetryHandler):
    """429: wait as long as `Retry-After` says, then try again; posts for up to
    `pacing.PATIENCE`, other calls `QUICK_TRIES` times within `pacing.QUICK`."""

    def __init__(self) -> None:
        super().__init__(max_retry_count=0)  # the limit is the call's Patience, not a count

    async def can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        values = state.custom_values = state.custom_values or {}
        patience: Patience = values.setdefault("patience", _patience(method_of(request.url)))
        values["wait"] = patience.next_wait(retry_after(_retry_after(response)))
        if values["wait"] is None:
            return False
        RETRIES.labels("slack", "throttled").inc()
        return True

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        await asyncio.sleep((state.custom_values or {}).pop("wait", 0.0))
        state.increment_current_attempt()


def _patience(method: str) -> Patience:
    return Patience() if method in POSTS else Patience(limit=QUICK, tries=QUICK_TRIES)


class GatewayErrors(AsyncRetryHandler):
    """A 500, 502, 503 or 504 (whatever its body) is tried again twice: after its
    `Retry-After` when it gives one (at most `GATEWAY_WAIT`), else with backoff."""

    def __init__(self) -> None:
        super().__init__(max_retry_count=GATEWAY_RETRIES)

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code in GATEWAY_ERRORS

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        RETRIES.labels("slack", "server").inc()
        asked = _retry_after(response) if response is not None else None
        if asked is None:
            await super().prepare_for_next_attempt_async(
                state=state, request=request, response=response, error=error
            )
            return
        state.next_attempt_requested = True
        await asyncio.sleep(min(retry_after(asked), GATEWAY_WAIT))
        state.increment_current_attempt()


def _retry_after(response: HttpResponse) -> str | None:
    values = (v for k, v in response.headers.items() if k.lower() == "retry-after")
    return next((str(v[0]) for v in values if v), None)


def retry_handlers() -> list[AsyncRetryHandler]:
    return [*async_default_handlers(), RateLimited(), GatewayErrors()]


def web_client(settings: SlackSettings, token: str | None) -> AsyncWebClient:
    """Every Web API call goes to SLACK_API_URL, waits out 429s (Retry-After; posts for up
    to pacing.PATIENCE) and retries a 5xx with backoff (see webapi)."""
    base_url = settings.api_url if settings.api_url.endswith("/") else settings.api_url + "/"
    return AsyncWebClient(token=token or None, base_url=base_url, retry_handlers=retry_handlers())
