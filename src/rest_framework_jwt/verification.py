"""Verification: the one place a token is checked, and the :class:`VerifiedToken` it yields.

:func:`verify` is the pipeline's entry point. It honours ``JWT_DECODE_HANDLER`` (and the
decode hook a caller passes, such as drf-jwt's ``jwt_decode_token`` classmethod): with the
package's own handler it runs :func:`decode` directly, so the header and key id are kept;
with any other it calls that handler and wraps the claims it returns. Everything after it
(user lookup, revocation, rotation, views, permissions) takes the object and never decodes
again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from django.utils.functional import cached_property

from . import _state, backend, claims, users
from .exceptions import (
    InvalidClaim,
    InvalidIssuer,
    InvalidSignature,
    TokenError,
    UnknownUser,
    UserLookupError,
)
from .keys import is_hmac
from .settings import api_settings

#: The claim of an impersonation token that names the impersonator (RFC 8693 section 4.1).
ACTOR_CLAIM = "act"
#: The claim that ties a token to the user's current password (JWT_REVOKE_ON_PASSWORD_CHANGE).
PASSWORD_CLAIM = "pwv"
#: The claim that tells access and refresh tokens apart (refresh-token mode).
TYPE_CLAIM = "token_type"
ACCESS = "access"
REFRESH = "refresh"


def _number(value: Any) -> float | None:
    return float(value) if claims.is_numeric_date(value) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def is_key(value: Any) -> bool:
    """True for a string that can go into a store key or a key column as it is: 1 to 64
    printable ASCII characters (no NUL, no lone surrogate, nothing a database refuses)."""
    return (
        isinstance(value, str) and 0 < len(value) <= 64 and value.isascii() and value.isprintable()
    )


def denylist_key(raw: Any, chain_id: Any) -> str:
    """The denylist key of one token: ``t:<chain id>`` (a digest of an id that cannot be a
    key as it is), or ``d:<sha256 of the token's signed part>`` for a token without an id.

    The signed part is the header and the payload (the text before the last dot), not the
    whole token: an ECDSA signature ``(r, s)`` has a second valid form ``(r, n - s)``, so
    anyone holding a revoked ES256 token could make another text of it with a signature that
    verifies. Text that is not three segments is digested whole."""
    if isinstance(chain_id, str) and chain_id:
        if is_key(chain_id):
            return f"t:{chain_id}"
        return "d:" + hashlib.sha256(chain_id.encode("utf-8", "replace")).hexdigest()
    data = raw if isinstance(raw, bytes) else str(raw).encode("ascii", "replace")
    signed, dot, _ = data.rpartition(b".")
    if dot and signed.count(b".") == 1:
        data = signed
    return "d:" + hashlib.sha256(data).hexdigest()


def family_key(family_id: Any) -> str:
    """The denylist key of a refresh-token family (one login session): ``f:<family id>``."""
    return f"f:{family_id}"


def _is_actor_key(pk: Any) -> bool:
    """True for an ``act.user_id`` a user could have: a 64-bit int or a short printable key."""
    if type(pk) is int:
        return abs(pk) < 2**63
    return isinstance(pk, str) and 0 < len(pk) <= 255 and pk.isascii() and pk.isprintable()


def _checked_actor(actor: Any) -> Mapping[str, Any]:
    """``actor`` (an ``act`` claim) if it has the shape of one; raise InvalidClaim otherwise:
    an object whose ``sub`` is a non-empty string and whose ``user_id``, if any, is a key."""
    if not isinstance(actor, Mapping):
        raise InvalidClaim("The act claim must be an object.")
    subject = actor.get("sub")
    if not isinstance(subject, str) or not subject:
        raise InvalidClaim("The act claim must name the actor in sub.")
    pk = actor.get("user_id")
    if pk is not None and not _is_actor_key(pk):
        raise InvalidClaim("The act claim's user_id must be a key.")
    return actor


def _unverified_header(raw: str) -> Mapping[str, Any]:
    try:
        return backend.parse(raw, 0).header
    except TokenError:
        return {}


@dataclass(frozen=True, eq=False)
class VerifiedToken:
    """A token that passed verification: the raw string, its header and claims, read-only.

    The typed accessors read a claim the package uses and check its type (the two that do
    more work, ``issued_at`` and ``actor``, keep their answer). ``claims`` is a read-only
    mapping; ``payload`` is a fresh ``dict`` copy, for the 1.x and drf-jwt hooks that take a
    payload dict.
    """

    raw: str
    claims: Mapping[str, Any]
    _header: Mapping[str, Any] | None = field(default=None, repr=False)

    @classmethod
    def of(
        cls, raw: Any, claims: Mapping[str, Any], header: Mapping[str, Any] | None = None
    ) -> VerifiedToken:
        """The object for ``raw`` (str or bytes) with these verified ``claims`` (copied)."""
        if isinstance(raw, (bytes, bytearray)):
            raw = bytes(raw).decode("ascii", "replace")
        return cls(str(raw), MappingProxyType(dict(claims)), header)

    @property
    def payload(self) -> dict[str, Any]:
        """A copy of the claims as a ``dict``."""
        claims = self.claims
        if type(claims) is MappingProxyType:
            # The proxy's own copy() is the dict's: a C copy, where dict() walks the mapping.
            copied = claims.copy()
            if type(copied) is dict:
                return copied
        return dict(claims)

    @cached_property
    def header(self) -> Mapping[str, Any]:
        """The JOSE header (read without verifying it when a custom decode handler verified
        the token; empty if it cannot be read)."""
        header = self._header if self._header is not None else _unverified_header(self.raw)
        return MappingProxyType(dict(header))

    @property
    def key_id(self) -> str | None:
        """The header's ``kid``, or None."""
        return _text(self.header.get("kid"))

    @cached_property
    def issued_at(self) -> float | None:
        """When the token was issued: ``iat``, else ``orig_iat``, else (1.x tokens carry
        neither) ``exp`` minus ``JWT_EXPIRATION_DELTA``; None without any of them."""
        for name in ("iat", "orig_iat"):
            value = _number(self.claims.get(name))
            if value is not None:
                return value
        if self.expires_at is None:
            return None
        return self.expires_at - claims.seconds(api_settings.JWT_EXPIRATION_DELTA)

    @property
    def expires_at(self) -> float | None:
        """``exp`` as a number, or None."""
        return _number(self.claims.get("exp"))

    @property
    def refresh_started_at(self) -> float | None:
        """``orig_iat`` (the login a classic refresh chain started from), or None."""
        return _number(self.claims.get("orig_iat"))

    @property
    def token_id(self) -> str | None:
        """``jti``, or None."""
        return _text(self.claims.get("jti"))

    @property
    def chain_id(self) -> str | None:
        """The id shared by a classic refresh chain: ``orig_jti``, else ``jti``; None (or an
        empty string) if it has none."""
        return _text(self.claims.get("orig_jti") or self.claims.get("jti"))

    @property
    def family(self) -> str | None:
        """The refresh-token family (``fam``, a UUID in canonical form), or None. Decoding
        refuses a malformed ``fam``; a custom ``JWT_DECODE_HANDLER`` may not, so a malformed
        one counts as none (nothing is stored under it)."""
        value = self.claims.get("fam")
        return value if claims.is_uuid(value) else None

    @property
    def token_type(self) -> str | None:
        """``token_type``: ``"access"`` when absent, None when it is not a string."""
        return _text(self.claims.get(TYPE_CLAIM, ACCESS))

    @property
    def is_impersonation(self) -> bool:
        """True when the token has an ``act`` claim."""
        return ACTOR_CLAIM in self.claims

    @cached_property
    def actor(self) -> Mapping[str, Any] | None:
        """The ``act`` claim (the impersonator), checked for shape, or None; InvalidClaim if
        it is malformed."""
        if ACTOR_CLAIM not in self.claims:
            return None
        return _checked_actor(self.claims[ACTOR_CLAIM])

    @cached_property
    def denylist_keys(self) -> tuple[str, ...]:
        """The denylist keys of the token itself: its own (:func:`denylist_key`), then its
        family's (:func:`family_key`) if it has one. They depend on the token alone, so a
        token verified before (the same object, see :func:`decode`) does not build them
        again; the user's key depends on the user found and is not among them."""
        own = denylist_key(self.raw, self.chain_id)
        family = self.family
        return (own,) if family is None else (own, family_key(family))

    @property
    def password_version(self) -> str | None:
        """``pwv``, or None; InvalidClaim if it is not a string."""
        value = self.claims.get(PASSWORD_CLAIM)
        if value is not None and not isinstance(value, str):
            raise InvalidClaim("The pwv claim must be a string.")
        return value


def _user_secret(payload: Mapping[str, Any]) -> Any:
    """The per-user HMAC secret from ``JWT_GET_USER_SECRET_KEY`` for the user ``payload`` names."""
    try:
        user = users.find_user(payload, active_only=False)
    except UserLookupError:
        raise UnknownUser("Signature verification failed.") from None
    user_secret = api_settings.JWT_GET_USER_SECRET_KEY
    assert user_secret is not None  # only called with the setting on
    try:
        return backend.prepare_hmac_secret(user_secret(user))
    except backend.ConfigurationError:
        raise InvalidSignature("Signature verification failed.") from None


def _checked_claims(
    parsed: backend.Parsed, config: _state.Config, verify: bool = True
) -> dict[str, Any]:
    """The payload of ``parsed`` after the registered claims are checked (all of them, or
    only those not about time and presence when ``verify`` is off)."""
    payload = parsed.payload
    claims.validate(
        payload,
        current=claims.now(),
        leeway=config.leeway,
        verify_exp=config.verify_exp and verify,
        required=config.required if verify else (),
        audience=config.audience,
        issuer=config.issuer,
    )
    if config.foreign_issuers and payload.get("iss") in config.foreign_issuers:
        raise InvalidIssuer("The token claims a trusted external issuer.")
    return payload


class _Header:
    """A token header that passed :func:`backend.check_header` under one configuration: the
    header (read-only), its algorithm and the keys that may verify it (None: the per-user
    secret, or JWT_VERIFY off)."""

    __slots__ = ("algorithm", "header", "keys")

    def __init__(self, header: Mapping[str, Any], algorithm: str, keys: list[Any] | None):
        self.header = header
        self.algorithm = algorithm
        self.keys = keys


def _checked_header(header: Mapping[str, Any], config: _state.Config) -> _Header:
    """Check a decoded header and find its keys; raise what they raise."""
    algorithm = backend.check_header(header, config.allowed)
    keys = None
    if config.verify and not (config.user_secret and is_hmac(algorithm)):
        keys = backend.candidate_keys(
            config.ring, algorithm, header.get("kid"), config.insist_on_kid
        )
    return _Header(MappingProxyType(dict(header)), algorithm, keys)


def decode(token: Any) -> VerifiedToken:
    """Verify ``token`` (signature, header, claims) with the configured keys; raise a
    TokenError if it is refused. The package's own decoding, without any hook.

    A header segment seen before under the same configuration is not decoded or checked
    again: the answer is the same for the same bytes (``Config.headers``). A token (text)
    verified before with the configured keys is not decoded again either: only its time
    claims are checked again (``Config.verified``, JWT_VERIFIED_TOKEN_CACHE_SIZE). Tokens
    verified by a per-user secret (JWT_GET_USER_SECRET_KEY) or not verified (JWT_VERIFY off)
    are not kept (the former's secret may change with the user), nor tokens with a claim that
    is an object or an array (see :func:`_flat`).
    """
    config = _state.config()
    kept: _Kept | None = config.verified.get(token) if type(token) is str else None
    if kept is not None:
        kept.check_times(config)
        return kept.token
    verified, keys = _decode(token, config)
    if config.verified_kept and keys is not None and type(token) is str and _flat(verified):
        _keep(config, token, _Kept(verified))
    return verified


def _flat(token: VerifiedToken) -> bool:
    """True when no claim of ``token`` is an object or an array: a token kept for later
    requests shares its claims with them, and only values nobody can change in place may be
    shared (a request that changes a nested claim of its payload changes nothing for the next)."""
    return not any(type(value) in (dict, list) for value in token.claims.values())


def _decode(token: Any, config: _state.Config) -> tuple[VerifiedToken, list[Any] | None]:
    """:func:`decode` of a token not kept: the verified token and the keys of its header."""
    parts = backend.split(token, config.max_size)
    known = config.headers.get(parts[0])
    if known is None:
        # In the order of backend.parse, then check_header: the header's JSON, the
        # signature's encoding, then what the header says.
        header = backend.parse_header(parts[0])
        parsed = backend.assemble(header, parts)
        known = _checked_header(header, config)
        if len(config.headers) >= _state.HEADERS_KEPT:
            config.headers.clear()
        config.headers[parts[0]] = known
    else:
        parsed = backend.assemble(known.header, parts)
    # The signature is checked before the payload is parsed (except for per-user secrets,
    # where the payload names the user whose secret verifies it).
    if config.verify:
        keys = known.keys
        if keys is None:
            keys = [_user_secret(parsed.payload)]
        backend.verify_signature(parsed, known.algorithm, keys)
    payload = _checked_claims(parsed, config)
    raw = token if isinstance(token, str) else bytes(token).decode("ascii", "replace")
    return VerifiedToken(raw, MappingProxyType(payload), known.header), known.keys


class _Kept:
    """A token :func:`decode` verified with the configured keys, with its time claims read
    once: what a later request with the same text still has to check."""

    __slots__ = ("expires", "starts", "token")

    def __init__(self, token: VerifiedToken) -> None:
        self.token = token
        self.expires = token.expires_at
        starts = [
            value
            for value in (_number(token.claims.get("nbf")), _number(token.claims.get("iat")))
            if value is not None
        ]
        self.starts = max(starts) if starts else None

    def check_times(self, config: _state.Config) -> None:
        """Raise what :func:`claims.validate_times` raises for the token now (the same
        comparisons; the exact check runs only when one of them fails)."""
        current = claims.now()
        leeway = config.leeway
        expires, starts = self.expires, self.starts
        expired = config.verify_exp and expires is not None and expires <= current - leeway
        if expired or (starts is not None and starts > current + leeway):
            claims.validate_times(self.token.claims, current, leeway, config.verify_exp)


def _keep(config: _state.Config, token: str, kept: _Kept) -> None:
    """Keep ``kept`` for ``token``; when full, drop the oldest entries until there is room
    (all of them if another thread changes the dict meanwhile): two threads that both found
    room and both added leave one too many, which the next one drops."""
    verified = config.verified
    while len(verified) >= config.verified_kept:
        try:
            del verified[next(iter(verified))]
        except (KeyError, RuntimeError, StopIteration):
            verified.clear()
    verified[token] = kept


def jwt_decode_handler(token: str | bytes) -> dict[str, Any]:
    """Verify ``token`` and return its payload (the default ``JWT_DECODE_HANDLER``).

    Raises :class:`rest_framework_jwt.exceptions.TokenError` subclasses, which are also the
    matching PyJWT exceptions (``jwt.ExpiredSignatureError``, ``jwt.DecodeError``...).
    """
    return decode(token).payload


def verify(token: Any, decode_hook: Callable[[Any], Any] | None = None) -> VerifiedToken:
    """The verified ``token``: decoded by ``decode_hook`` (a caller's hook, such as
    drf-jwt's ``jwt_decode_token``), by default by ``JWT_DECODE_HANDLER``.

    The package's own handler decodes once and keeps the header; another handler's result
    must be a mapping of claims. Raises what the handler raises (TokenError subclasses for
    the package's own).
    """
    handler = api_settings.JWT_DECODE_HANDLER if decode_hook is None else decode_hook
    if handler is jwt_decode_handler:
        return decode(token)
    payload = handler(token)
    if not isinstance(payload, Mapping):
        raise TokenError("The decode handler returned no claims.")
    return VerifiedToken.of(token, payload)


def may_block(decode_hook: Callable[[Any], Any] | None = None) -> bool:
    """True when :func:`verify` (with this ``decode_hook``) may do blocking I/O: it calls a
    decode handler other than the package's own (a project's code, which may), or finds the
    user for ``JWT_GET_USER_SECRET_KEY`` (a query). Async callers then verify in a thread."""
    handler = api_settings.JWT_DECODE_HANDLER if decode_hook is None else decode_hook
    return handler is not jwt_decode_handler or bool(_state.config().user_secret)


def decode_with_key(token: Any, key: Any, *, verify: bool = True) -> dict[str, Any]:
    """Decode ``token`` with an explicit ``key`` (drf-jwt's ``compat.jwt_decode``).

    The algorithm must still be allowed by ``JWT_ALGORITHM`` and fit the key's type.
    """
    config = _state.config()
    parsed = backend.parse(token, config.max_size)
    algorithm = backend.check_header(parsed.header, config.allowed)
    if verify:
        try:
            prepared = backend.prepare_key(algorithm, key)
        except backend.ConfigurationError:
            raise InvalidSignature("Signature verification failed.") from None
        backend.verify_signature(parsed, algorithm, [prepared])
    return _checked_claims(parsed, config, verify)


def unverified_claims(token: Any) -> dict[str, Any] | None:
    """The claims of a token that a serializer has just issued or accepted, read without
    verifying it again; None if ``token`` is not a readable JWT. Never use this to decide
    whether a token a client sent is valid."""
    try:
        return backend.parse(token, 0).payload
    except TokenError:
        return None


#: The attribute of a DRF request that holds the VerifiedToken that authenticated it.
REQUEST_ATTRIBUTE = "verified_token"


def verified_token(request: Any) -> VerifiedToken | None:
    """The :class:`VerifiedToken` that authenticated ``request`` (``request.verified_token``),
    or None when the package's JWT authentication did not authenticate it."""
    found = getattr(request, REQUEST_ATTRIBUTE, None)
    if isinstance(found, VerifiedToken) and found.raw == getattr(request, "auth", None):
        return found
    return None


__all__ = ["VerifiedToken", "verified_token", "verify"]
