"""The Teams app package: manifest.json with the bot's id, and the two icons, zipped for upload.

The icons are drawn here (a white speech bubble on the accent colour; its outline for the
activity bar), so the package needs no binary files in the repository.
"""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

from bot.config import Listing
from bot.core import grammar

MANIFEST_VERSION = "1.17"
SCHEMA = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.schema.json"
ACCENT = (0x2E, 0x6B, 0x8E)
COLOR_SIZE = 192
OUTLINE_SIZE = 32
# Teams shows at most ten commands per scope. The ten on the menu: what every participant needs,
# in the order of a workshop. Organisers' commands are left to `help`, which lists each person's
# own; the menu is the same for everyone.
MENU = (
    "help",
    "themes",
    "idea",
    "ideas",
    "vote",
    "plan",
    "flag",
    "digest",
    "my data",
    "forget me",
)
SCOPES = ["personal", "team", "groupChat"]
WEBSITE = "https://github.com/howcanwe/howcanwe"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")

Pixel = tuple[int, int, int, int]


class PackageError(ValueError):
    """The package cannot be built as configured; the message says what to set."""


def menu() -> list[dict[str, str]]:
    """The command menu: each of MENU with its summary, from the grammar's declaration."""
    everyone = {_title(form): form for form in grammar.FORMS if form.organisers is None}
    return [{"title": word, "description": everyone[word].summary[:128]} for word in MENU]


def _title(form: grammar.Form) -> str:
    """The words typed before any argument: `my data`, `forget me`, `vote`."""
    words = []
    for word in form.syntax.split():
        if word[:1] in "<[" or "|" in word:
            break
        words.append(word)
    return " ".join(words)


def manifest(app_id: str, version: str, listing: Listing, website: str = WEBSITE) -> dict[str, Any]:
    if not _GUID.match(app_id):
        raise PackageError(
            "MICROSOFT_APP_ID must be the bot's Microsoft App ID (a GUID such as "
            "00000000-0000-0000-0000-000000000000) from its Azure Bot registration."
        )
    for name, url in (
        ("HOWCANWE_PRIVACY_URL", listing.privacy_url),
        ("HOWCANWE_TERMS_URL", listing.terms_url),
    ):
        if not url:
            raise PackageError(
                f"{name}: Teams shows the app's privacy notice and terms of use; set both "
                "HOWCANWE_PRIVACY_URL and HOWCANWE_TERMS_URL to https pages of your own"
            )
    return {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": app_id,
        "developer": {
            "name": listing.name,
            "websiteUrl": website,
            "privacyUrl": listing.privacy_url,
            "termsOfUseUrl": listing.terms_url,
        },
        "name": {
            "short": listing.name,
            "full": f"{listing.name}: a “How can we…?” policy workshop",
        },
        "description": {
            "short": listing.description,
            "full": (
                "howcanwe posts “How can we…?” challenge prompts into channels. Participants "
                "reply with ideas and vote; organisers assign ideas to who should act, and an "
                "action plan results. One programme spans Teams, Slack and a console."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "bots": [
            {
                "botId": app_id,
                "scopes": SCOPES,
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [{"scopes": SCOPES, "commands": menu()}],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [],
    }


def build(app_id: str, version: str, listing: Listing, website: str = WEBSITE) -> bytes:
    """The zip Teams accepts: manifest.json, color.png and outline.png at its root."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        document = manifest(app_id, version, listing, website)
        archive.writestr("manifest.json", json.dumps(document, indent=2))
        archive.writestr("color.png", color_icon())
        archive.writestr("outline.png", outline_icon())
    return buffer.getvalue()


def color_icon() -> bytes:
    """192×192, full colour: a white speech bubble on the accent colour."""
    background: Pixel = (*ACCENT, 255)
    white: Pixel = (255, 255, 255, 255)
    return png(COLOR_SIZE, lambda x, y: white if _bubble(x, y, COLOR_SIZE) else background)


def outline_icon() -> bytes:
    """32×32, white on transparent, as Teams requires for the activity bar."""
    white: Pixel = (255, 255, 255, 255)
    clear: Pixel = (0, 0, 0, 0)
    size = OUTLINE_SIZE

    def pixel(x: int, y: int) -> Pixel:
        inner = _bubble(x, y, size, shrink=0.16)
        return white if _bubble(x, y, size) and not inner else clear

    return png(size, pixel)


def _bubble(x: int, y: int, size: int, shrink: float = 0.0) -> bool:
    """An ellipse with a tail at the lower left: the shape of a chat message."""
    cx, cy = size * 0.5, size * 0.45
    rx, ry = size * (0.36 - shrink), size * (0.27 - shrink)
    inside = ((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2 <= 1
    tail_top, tail_bottom = size * 0.6, size * (0.82 - shrink)
    left = size * (0.3 + shrink)
    tail = tail_top <= y <= tail_bottom and left <= x <= left + (tail_bottom - y) * 0.6
    return inside or (tail and shrink == 0.0)


def png(size: int, pixel: Callable[[int, int], Pixel]) -> bytes:
    """A square RGBA PNG (no imaging library needed for two small icons)."""
    rows = b"".join(
        b"\x00" + b"".join(struct.pack("4B", *pixel(x, y)) for x in range(size))
        for y in range(size)
    )
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows, 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
