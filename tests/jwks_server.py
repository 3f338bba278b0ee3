"""A JWKS and OpenID Connect discovery server on a loopback port, for the tests that start it.

``JWKSServer`` serves ``/jwks.json`` (``.jwks``, replaceable to rotate keys) and
``/.well-known/openid-configuration`` (naming ``.issuer`` and the JWKS URL), counts the
requests of each path, and can be made to fail (``.down = True``: 503), to redirect, to send an
oversized body, to hang until released, or to drip its answer a byte at a time
(``.dripping = True``: for up to 30 s, or until stopped).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from tests.conftest import read_key

JWKS_PATH = "/jwks.json"
DISCOVERY_PATH = "/.well-known/openid-configuration"


def public_jwk(private_pem: str, kid: str | None, alg: str = "RS256") -> dict[str, Any]:
    """The public JWK of a private key of tests/keys (PEM text), with ``kid`` and ``alg``."""
    algorithm = RSAAlgorithm if alg.startswith(("RS", "PS")) else ECAlgorithm
    key = algorithm(algorithm.SHA256).prepare_key(private_pem).public_key()
    jwk = algorithm.to_jwk(key, as_dict=True)
    jwk.update({"use": "sig", "alg": alg})
    if kid is not None:
        jwk["kid"] = kid
    return jwk


RSA_PRIVATE = read_key("rsa_private.pem")
RSA2_PRIVATE = read_key("rsa2_private.pem")
EC_PRIVATE = read_key("ec_private.pem")


class JWKSServer:
    def __init__(self) -> None:
        self.jwks: dict[str, Any] = {"keys": [public_jwk(RSA_PRIVATE, "k1")]}
        self.hits: Counter[str] = Counter()
        self.down = False
        self.redirect: str | None = None
        self.oversized = False
        self.hang = threading.Event()
        self.hanging = False
        self.dripping = False
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with server.lock:
                    server.hits[self.path] += 1
                if server.hanging:
                    server.hang.wait(120)
                if server.dripping:
                    return self._drip()
                if server.down:
                    return self._send(503, {"error": "down"})
                if server.redirect and self.path == JWKS_PATH:
                    self.send_response(302)
                    self.send_header("Location", server.redirect)
                    self.end_headers()
                    return None
                if self.path in (JWKS_PATH, "/moved/jwks.json"):
                    if server.oversized:
                        return self._send(200, {"keys": [], "pad": "x" * 300_000})
                    return self._send(200, server.jwks)
                if self.path == DISCOVERY_PATH:
                    return self._send(
                        200, {"issuer": server.issuer, "jwks_uri": server.url(JWKS_PATH)}
                    )
                return self._send(404, {"error": "not found"})

            def _send(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _drip(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                for _ in range(600):
                    if server.hang.wait(0.05):
                        break
                    try:
                        self.wfile.write(b" ")
                        self.wfile.flush()
                    except OSError:
                        break

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.issuer = f"http://127.0.0.1:{self.port}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> JWKSServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.hang.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(120)

    @property
    def fetches(self) -> int:
        """How many times the JWK Set was fetched."""
        return self.hits[JWKS_PATH]
