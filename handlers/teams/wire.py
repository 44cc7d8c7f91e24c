"""How a Bot Connector body goes on the wire: compact UTF-8 JSON.

One function, so that the card codec measures a card in exactly the bytes the connector sends:
JSON's ASCII escapes would send an emoji as 12 bytes and a CJK character as 6, where UTF-8 needs
4 and 3, and Teams' size limit counts what arrives.
"""

from __future__ import annotations

import json
from typing import Any


def wire(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
