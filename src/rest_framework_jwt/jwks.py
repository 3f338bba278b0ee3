"""The JWK Set of the key ring, served at ``.well-known/jwks.json`` (``rest_framework_jwt.urls``).

It lists every public key that verifies the package's tokens: the signing key's public half, the
keys kept for verification only, ``JWT_PUBLIC_KEY`` entries and the key directory's keys, as
RSA, EC and OKP JWKs (RFC 7517, 7518, 8037) with ``kid`` (the configured name, else the RFC 7638
thumbprint), ``alg`` and ``use: "sig"``. Only the public members of each key type are copied
(backend.PUBLIC_JWK_MEMBERS), and HMAC secrets are never listed.

The document is built once per key ring and answered with ``Cache-Control: public,
max-age=JWT_JWKS_MAX_AGE`` and an ``ETag``; a matching ``If-None-Match`` gets a 304.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag

from . import _state, backend, claims
from .settings import api_settings

CONTENT_TYPE = "application/json"

_document: tuple[Any, bytes, str] | None = None


def key_set(ring: backend.KeyRing) -> dict[str, list[dict[str, str]]]:
    """The JWK Set of ``ring``: each published key once, in the ring's order."""
    published: list[dict[str, str]] = []
    for key in ring.verification:
        if key.jwk is not None and dict(key.jwk) not in published:
            published.append(dict(key.jwk))
    return {"keys": published}


def document() -> tuple[bytes, str]:
    """The current JWK Set as JSON bytes, and its (quoted) ETag; built once per key ring."""
    global _document
    config = _state.config()
    if _document is None or _document[0] is not config:
        body = json.dumps(key_set(config.ring), separators=(",", ":")).encode()
        _document = (config, body, quote_etag(hashlib.sha256(body).hexdigest()[:32]))
    return _document[1], _document[2]


def jwks_view(request: HttpRequest) -> HttpResponse:
    """GET (or HEAD) the JWK Set. Needs no authentication: it holds public keys only."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    body, etag = document()
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["ETag"] = etag
    patch_cache_control(
        response, public=True, max_age=int(claims.seconds(api_settings.JWT_JWKS_MAX_AGE))
    )
    conditional = get_conditional_response(request, etag=etag, response=response)
    return conditional if conditional is not None else response


__all__ = ["jwks_view"]
