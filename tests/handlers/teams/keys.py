"""An offline Bot Framework token issuer: an RSA key, its OpenID metadata and JWKS served from a
separate thread on 127.0.0.1 (botbuilder fetches keys with blocking `requests`), and signed tokens."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.com"
KEY_ID = "test-key-1"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Issuer:
    """Signs tokens the way the Bot Framework channel does, with a key only this test knows."""

    def __init__(self, key: rsa.RSAPrivateKey, metadata_url: str) -> None:
        self.key = key
        self.metadata_url = metadata_url

    def token(
        self,
        audience: str,
        service_url: str,
        *,
        key: rsa.RSAPrivateKey | None = None,
        kid: str = KEY_ID,
        issuer: str = ISSUER,
        expires_in: int = 3600,
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": issuer,
            "aud": audience,
            "serviceurl": service_url,
            "nbf": now - 60,
            "iat": now - 60,
            "exp": now + expires_in,
        }
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": kid})


@contextmanager
def serving(key: rsa.RSAPrivateKey) -> Iterator[Issuer]:
    jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    jwk |= {"kid": KEY_ID, "use": "sig", "endorsements": ["msteams"]}
    documents: dict[str, Any] = {"/keys": {"keys": [jwk]}}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(documents.get(self.path, {})).encode()
            self.send_response(200 if self.path in documents else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            """Keep the test output quiet: http.server logs every request to stderr."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    documents["/.well-known/openidconfiguration"] = {"issuer": ISSUER, "jwks_uri": base + "/keys"}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Issuer(key, base + "/.well-known/openidconfiguration")
    finally:
        server.shutdown()
        server.server_close()
