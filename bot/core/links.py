"""Signed, expiring links to the web view: anyone holding one may read one programme's plan.

A token is `<payload>.<mac>`: the payload names the programme and when the link expires, the mac
is an HMAC of it under a key derived from the dashboard secret, so rotating the secret revokes
every link handed out. Both parts use lower-case base32, which no chat markup mangles.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

PURPOSE = b"howcanwe plan link v1"  # a new purpose string would revoke every link
MAC_BYTES = 20  # 160 bits of HMAC-SHA256: past guessing, short enough for a chat message


@dataclass(frozen=True, slots=True)
class Links:
    """Signs and checks the tokens of links to `public_url` (the bot's base URL)."""

    public_url: str
    secret: str = field(repr=False)
    lifetime: timedelta

    def sign(self, programme: str, now: datetime) -> str:
        """A token that opens `programme`'s pages until `now + lifetime`."""
        expires = int((now + self.lifetime).timestamp())
        payload = f"{expires}:{programme}".encode()
        return f"{_b32(payload)}.{_b32(self._mac(payload))}"

    def verify(self, token: str, now: datetime) -> str | None:
        """The programme a valid, unexpired token names; None for anything else."""
        encoded, dot, mac = token.partition(".")
        payload, signature = _unb32(encoded), _unb32(mac)
        if not dot or payload is None or signature is None:
            return None
        if not hmac.compare_digest(signature, self._mac(payload)):
            return None
        expires, colon, programme = payload.decode(errors="replace").partition(":")
        if not colon or not expires.isdigit() or int(expires) <= now.timestamp():
            return None
        return programme

    def url(self, programme: str, now: datetime, path: str = "/plan") -> str:
        """An absolute link to `path` of `programme`, signed from `now`."""
        query = urlencode({"programme": programme, "t": self.sign(programme, now)})
        return f"{self.public_url.rstrip('/')}{path}?{query}"

    def _mac(self, payload: bytes) -> bytes:
        key = hmac.new(self.secret.encode(), PURPOSE, hashlib.sha256).digest()
        return hmac.new(key, payload, hashlib.sha256).digest()[:MAC_BYTES]


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode().rstrip("=").lower()


def _unb32(text: str) -> bytes | None:
    try:
        return base64.b32decode(text.upper() + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        return None
