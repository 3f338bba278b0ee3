"""Signing and verification: the only module that imports PyJWT.

PyJWT provides the algorithms (HMAC, RSA, ECDSA, EdDSA) and parses keys once, when the key ring
is built. The compact serialisation is parsed here, strictly: canonical base64url only, JSON
objects without duplicate names, an ``alg`` from the allow-list that fits the key's type, no
header that asks us to fetch or trust a key from the token itself, a size bound checked first.

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from json.scanner import make_scanner
from typing import Any

import jwt
from django.core.serializers.json import DjangoJSONEncoder
from jwt import exceptions as jwt_exceptions
from jwt.algorithms import Algorithm, get_default_algorithms, has_crypto

from . import exceptions as exc
from . import keystore
from .claims import unix_epoch

# Names kept for 1.x / drf-jwt code that imported them through the package.
from .exceptions import ConfigurationError as ConfigurationError
from .exceptions import ExpiredSignature as ExpiredSignature
from .exceptions import InvalidTokenError as InvalidTokenError
from .exceptions import PyJWTDecodeError as PyJWTDecodeError
from .jsonlimits import too_deep
from .keys import HMAC_ALGORITHMS, KeyMaterial, KeySourceError, key_list

HAS_CRYPTO: bool = bool(has_crypto)


def crypto_available() -> bool:
    """True when PyJWT can use ``cryptography`` (the ``crypto`` extra) right now."""
    return bool(getattr(jwt.algorithms, "has_crypto", False))


PYJWT_VERSION: str = jwt.__version__

#: Every algorithm PyJWT offers here, except ``none``.
ALGORITHMS: dict[str, Algorithm] = {
    name: algorithm for name, algorithm in get_default_algorithms().items() if name != "none"
}

#: Header parameters that would make us fetch or trust key material named by the token, or
#: change how the payload is read. We understand none of them, so a token carrying one is refused.
FORBIDDEN_HEADERS = frozenset({"jku", "x5u", "jwk", "zip", "b64", "crit"})

#: The 64 characters of base64url (RFC 4648 section 5), in the order of their values.
_B64URL_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_B64_VALUES = {char: value for value, char in enumerate(_B64URL_ALPHABET)}


@dataclass(frozen=True)
class VerificationKey:
    """A parsed key and the algorithms it may verify."""

    kid: str | None
    key: Any
    algorithms: frozenset[str]
    #: The public key as published in the JWKS (with ``kid``, ``alg`` and ``use``); None for an
    #: HMAC secret, which is never published.
    jwk: Mapping[str, str] | None = None


@dataclass
class KeyRing:
    """Parsed keys: one to sign with, and the keys each token may be verified with."""

    algorithm: str | None = None
    signing_key: Any = None
    signing_kid: str | None = None
    verification: list[VerificationKey] = field(default_factory=list)
    by_kid: dict[str, list[VerificationKey]] = field(default_factory=dict)
    has_kids: bool = False
    errors: list[str] = field(default_factory=list)

    def add(self, key: VerificationKey) -> None:
        self.verification.append(key)
        if key.kid is not None:
            self.has_kids = True
            self.by_kid.setdefault(key.kid, []).append(key)
        elif key.jwk is not None:  # an unnamed public key is also found by its thumbprint
            self.by_kid.setdefault(key.jwk["kid"], []).append(key)


def _prepare(algorithm: str, material: Any) -> Any:
    """Parse ``material`` for ``algorithm``; raise ConfigurationError if it does not fit."""
    if algorithm in HMAC_ALGORITHMS:
        _refuse_key_shaped_secret(material)
    try:
        return ALGORITHMS[algorithm].prepare_key(material)
    except Exception as error:  # PyJWT and cryptography raise several types here.
        raise ConfigurationError(f"{type(error).__name__}: {error}") from None


def _contains_kty(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "kty" in item:
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _refuse_key_shaped_secret(material: Any) -> None:
    """Refuse an HMAC secret that is really a public key: a JWK (set), or DER.

    PyJWT refuses PEM and SSH keys itself; it refuses these forms only from 2.14 on, and we
    support 2.13. A public key is public, so an HMAC secret made from it lets anyone sign.
    """
    if not isinstance(material, (str, bytes)):
        return
    data = material.encode("utf-8", "replace") if isinstance(material, str) else material
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"{", b"["):
        try:
            parsed = json.loads(stripped)
        except (ValueError, RecursionError):
            parsed = None
        if _contains_kty(parsed):
            raise ConfigurationError("The secret looks like a JWK; it cannot be an HMAC secret.")
    if crypto_available():
        from cryptography import x509
        from cryptography.hazmat.primitives.serialization import load_der_public_key

        for loader in (load_der_public_key, x509.load_der_x509_certificate):
            try:
                loader(data)
            except Exception:  # noqa: S112 - not DER of that kind: try the next loader
                continue
            raise ConfigurationError(
                "The secret is a DER public key or certificate; it cannot be an HMAC secret."
            )


def _public_half(key: Any) -> Any:
    public_key = getattr(key, "public_key", None)
    return public_key() if callable(public_key) else key


#: The members of a public JWK of each key type (RFC 7518 6.2.1 and 6.3.1, RFC 8037 2), which are
#: also those of its RFC 7638 thumbprint. Nothing else of a key is ever published.
PUBLIC_JWK_MEMBERS: dict[str, tuple[str, ...]] = {
    "RSA": ("e", "kty", "n"),
    "EC": ("crv", "kty", "x", "y"),
    "OKP": ("crv", "kty", "x"),
}
#: The algorithm published for an EC key of each curve (RFC 7518 3.4, RFC 8812 3.2).
_CURVE_ALGORITHMS = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512", "secp256k1": "ES256K"}


def public_jwk(key: Any) -> dict[str, str] | None:
    """The public members of an RSA, EC or OKP key as a JWK; None for anything else."""
    for name in ("RS256", "ES256", "EdDSA"):
        algorithm = ALGORITHMS.get(name)
        if algorithm is None:
            continue
        try:
            jwk = algorithm.to_jwk(_public_half(key), as_dict=True)
        except Exception:  # noqa: S112 - not a key of this type: try the next one
            continue
        members = PUBLIC_JWK_MEMBERS.get(str(jwk.get("kty")), ())
        if members and all(isinstance(jwk.get(name), str) for name in members):
            return {name: jwk[name] for name in members}
    return None


def thumbprint(members: Mapping[str, str]) -> str:
    """The RFC 7638 JWK thumbprint (SHA-256, base64url) of a public JWK's members."""
    canonical = json.dumps(dict(members), sort_keys=True, separators=(",", ":"))
    return _b64encode(hashlib.sha256(canonical.encode("utf-8")).digest())


def _published(public: Any, kid: str | None, algorithms: Sequence[str]) -> dict[str, str] | None:
    """The JWKS entry of ``public``: named ``kid`` or its thumbprint, for the first of
    ``algorithms`` (for an EC key, its curve's algorithm when that is one of them)."""
    members = public_jwk(public)
    if members is None or not algorithms:
        return None
    algorithm = _CURVE_ALGORITHMS.get(members.get("crv", ""), "")
    if algorithm not in algorithms:
        algorithm = algorithms[0]
    return {**members, "kid": kid or thumbprint(members), "alg": algorithm, "use": "sig"}


def _add_stored(
    ring: KeyRing, directory: Any, usable: Sequence[str]
) -> tuple[str, Any, str] | None:
    """Add the keys of the key directory; return its signing key (algorithm, key, kid)."""
    try:
        stored = keystore.read(directory)
    except KeySourceError as error:
        ring.errors.append(f"JWT_KEY_DIR: {error}")
        return None
    signing = None
    for entry in stored:
        label = f"JWT_KEY_DIR[{entry.kid!r}]"
        if entry.algorithm not in usable:
            ring.errors.append(f"{label} is a {entry.algorithm} key, not in JWT_ALGORITHM.")
            continue
        try:
            parsed = _prepare(entry.algorithm, keystore.read_private_key(directory, entry.kid))
        except (KeySourceError, ConfigurationError) as error:
            ring.errors.append(f"{label}: {error}")
            continue
        public = _public_half(parsed)
        published = _published(public, entry.kid, [entry.algorithm])
        ring.add(VerificationKey(entry.kid, public, frozenset({entry.algorithm}), published))
        if entry.signing:
            signing = (entry.algorithm, parsed, entry.kid)
    return signing


def _name_signing_key(ring: KeyRing) -> None:
    """Give an unnamed asymmetric signing key its thumbprint as ``kid`` when more than one key
    could verify its tokens, so that a verifier (ours, or one reading the JWKS) picks the key.
    HMAC secrets stay unnamed: a kid derived from a secret would publish a digest of it."""
    if ring.signing_kid is not None or ring.signing_key is None:
        return
    if ring.algorithm is None or ring.algorithm in HMAC_ALGORITHMS:
        return
    verifiers = [key for key in ring.verification if ring.algorithm in key.algorithms]
    members = public_jwk(ring.signing_key)
    if len(verifiers) > 1 and members is not None:
        ring.signing_kid = thumbprint(members)


def build_keyring(
    algorithms: Sequence[str],
    secret_keys: Any,
    private_keys: Any,
    public_keys: Any,
    key_dir: Any = None,
) -> KeyRing:
    """Parse the key settings for ``algorithms`` (the first one signs) and the keys of the key
    directory ``key_dir`` (whose signing key, if it has one, signs instead).

    Problems do not raise: they are collected in ``KeyRing.errors`` for the system checks, and
    signing with a ring that has no signing key raises ConfigurationError.
    """
    ring = KeyRing()
    usable, hmac_algorithms, asymmetric = _split(algorithms)
    ring.errors.extend(_unavailable(algorithms))
    if hmac_algorithms:
        _add_secrets(ring, secret_keys, hmac_algorithms)
    stored_signing = _add_stored(ring, key_dir, usable) if key_dir else None
    if asymmetric:
        _add_public_keys(ring, private_keys, public_keys, asymmetric)
    if stored_signing is not None:
        ring.algorithm, ring.signing_key, ring.signing_kid = stored_signing
    elif usable:
        _set_signing_key(ring, usable[0], private_keys)
    _name_signing_key(ring)
    return ring


def _split(algorithms: Sequence[str]) -> tuple[list[str], frozenset[str], list[str]]:
    """The available ``algorithms``, and of those the HMAC and the asymmetric ones."""
    usable = [name for name in algorithms if name in ALGORITHMS]
    hmac_algorithms = frozenset(name for name in usable if name in HMAC_ALGORITHMS)
    return usable, hmac_algorithms, [name for name in usable if name not in HMAC_ALGORITHMS]


def _unavailable(algorithms: Sequence[str]) -> list[str]:
    return [
        f"Algorithm {name!r} is not available." for name in algorithms if name not in ALGORITHMS
    ]


def _add_public_keys(
    ring: KeyRing, private_keys: Any, public_keys: Any, algorithms: list[str]
) -> None:
    """The verification keys of the asymmetric algorithms: ``JWT_PUBLIC_KEY``, else the
    public halves of ``JWT_PRIVATE_KEY``."""
    publics = key_list(public_keys) or key_list(private_keys)
    for item in publics:
        _add_asymmetric(ring, item, algorithms, "JWT_PUBLIC_KEY")


def _add_secrets(ring: KeyRing, secret_keys: Any, algorithms: frozenset[str]) -> None:
    for item in key_list(secret_keys):
        if item.error is not None:
            ring.errors.append(f"JWT_SECRET_KEY{_label(item)}: {item.error}")
            continue
        try:
            key = _prepare(next(iter(algorithms)), item.material)
        except ConfigurationError as error:
            ring.errors.append(f"JWT_SECRET_KEY{_label(item)}: {error}")
            continue
        ring.add(VerificationKey(item.kid, key, algorithms))


def _set_signing_key(ring: KeyRing, algorithm: str, private_keys: Any) -> None:
    """``algorithm`` signs, with the first fitting secret or the first private key."""
    ring.algorithm = algorithm
    if algorithm in HMAC_ALGORITHMS:
        candidates = [key for key in ring.verification if algorithm in key.algorithms]
        if candidates:
            ring.signing_key, ring.signing_kid = candidates[0].key, candidates[0].kid
        return
    for item in key_list(private_keys)[:1]:
        try:
            if item.error is not None:
                raise ConfigurationError(item.error)
            ring.signing_key = _prepare(algorithm, item.material)
            ring.signing_kid = item.kid
        except ConfigurationError as error:
            ring.errors.append(f"JWT_PRIVATE_KEY{_label(item)}: {error}")


def _label(item: KeyMaterial) -> str:
    return f"[{item.kid!r}]" if item.kid is not None else ""


def _add_asymmetric(ring: KeyRing, item: KeyMaterial, algorithms: list[str], name: str) -> None:
    if item.error is not None:
        ring.errors.append(f"{name}{_label(item)}: {item.error}")
        return
    fitting: list[str] = []
    parsed = None
    last_error = None
    for algorithm in algorithms:
        try:
            parsed = _prepare(algorithm, item.material)
        except ConfigurationError as error:
            last_error = error
            continue
        fitting.append(algorithm)
    if parsed is None:
        ring.errors.append(f"{name}{_label(item)} fits none of {algorithms}: {last_error}")
        return
    public = _public_half(parsed)
    ring.add(
        VerificationKey(item.kid, public, frozenset(fitting), _published(public, item.kid, fitting))
    )


def prepare_key(algorithm: str, material: Any) -> Any:
    """Parse ``material`` as a key for ``algorithm`` (ConfigurationError if it does not fit)."""
    if algorithm in HMAC_ALGORITHMS and not isinstance(material, bytes):
        material = str(material)
    return _public_half(_prepare(algorithm, material))


def prepare_hmac_secret(secret: Any) -> Any:
    """Parse a per-user HMAC secret (``JWT_GET_USER_SECRET_KEY``)."""
    if not isinstance(secret, bytes):
        secret = str(secret)
    return _prepare("HS256", secret)


class _ClaimEncoder(DjangoJSONEncoder):
    pass


#: Compact JSON, as PyJWT writes it; an encoder keeps no state between calls.
_COMPACT_JSON = _ClaimEncoder(separators=(",", ":"))


@functools.lru_cache(maxsize=64)
def _header_segment(algorithm: str, kid: str | None) -> str:
    """The first segment of a token signed with ``algorithm`` (and key id ``kid``), made
    once: it is the same for every token of the key."""
    header: dict[str, Any] = {"alg": algorithm, "typ": "JWT"}
    if kid is not None:
        header["kid"] = kid
    return _b64encode(_COMPACT_JSON.encode(header).encode())


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def encode(
    payload: Mapping[str, Any],
    ring: KeyRing,
    headers: Mapping[str, Any] | None = None,
    key: Any = None,
) -> str:
    """Sign ``payload`` with the ring's signing key (or ``key``) and return the compact JWT."""
    if not isinstance(payload, Mapping):
        raise TypeError("The payload must be a mapping.")
    if ring.algorithm is None:
        raise ConfigurationError("No usable algorithm in JWT_ALGORITHM.")
    signing_key = ring.signing_key if key is None else key
    if signing_key is None:
        raise ConfigurationError(f"No key to sign {ring.algorithm} tokens with.")
    claims = dict(payload)
    for name in ("exp", "iat", "nbf", "orig_iat"):
        value = claims.get(name)
        if hasattr(value, "utctimetuple"):
            claims[name] = unix_epoch(value)
    kid = ring.signing_kid if key is None else None
    if headers:
        header: dict[str, Any] = {"alg": ring.algorithm, "typ": "JWT"}
        if kid is not None:
            header["kid"] = kid
        header.update(headers)
        first = _b64encode(_COMPACT_JSON.encode(header).encode())
    else:
        first = _header_segment(ring.algorithm, kid)
    segments = (first, _b64encode(_COMPACT_JSON.encode(claims).encode()))
    signing_input = ".".join(segments).encode("ascii")
    signature = ALGORITHMS[ring.algorithm].sign(signing_input, signing_key)
    return f"{segments[0]}.{segments[1]}.{_b64encode(signature)}"


#: base64url to standard base64, for ``binascii`` (the alphabet is checked first).
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")


def _b64decode(segment: bytes) -> bytes:
    """Decode canonical, unpadded base64url; anything else is a DecodeError."""
    remainder = len(segment) % 4
    # What is left after deleting the alphabet's characters must be nothing.
    if remainder == 1 or segment.translate(None, _B64URL_ALPHABET):
        raise exc.DecodeError("Invalid base64url encoding.")
    # Stray bits in the last character make a second spelling of the same bytes: refuse it.
    # With 2 (3) characters in the last group, its low 4 (2) bits are unused and must be 0.
    if remainder and _B64_VALUES[segment[-1]] & (0b1111 if remainder == 2 else 0b11):
        raise exc.DecodeError("Non-canonical base64url encoding.")
    try:
        # What base64.urlsafe_b64decode does, without its argument checks: the segment holds
        # only the 64 characters of the alphabet (checked above).
        return binascii.a2b_base64(segment.translate(_FROM_URLSAFE) + b"=" * (-remainder % 4))
    except (binascii.Error, ValueError):
        raise exc.DecodeError("Invalid base64url encoding.") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate member name")
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


#: Deepest nesting of arrays and objects accepted in a header or payload.
MAX_JSON_DEPTH = 16


_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_no_constants)


#: What ``_DECODER.decode`` scans with (the C scanner, with the decoder's hooks).
_SCAN = make_scanner(_DECODER)  # type: ignore[arg-type]  # (typeshed: the scanner's own type)


def _json_value(text: str) -> Any:
    """``_DECODER.decode(text)``: an object that fills the whole text is scanned directly
    (what ``decode`` does after skipping no whitespace); anything else goes through
    ``decode``, which skips the whitespace and refuses extra data."""
    if text[:1] == "{":
        value, end = _SCAN(text, 0)
        if end == len(text):
            return value
    return _DECODER.decode(text)


def _json_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        text = data.decode("utf-8")
        value = _json_value(text)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise exc.DecodeError(f"Invalid {what} JSON.") from None
    if not isinstance(value, dict):
        raise exc.DecodeError(f"The {what} must be a JSON object.")
    if "[" not in text and text.count("{") == 1:
        return value  # no character that opens an array or a second object: nothing nested
    nested = [item for item in value.values() if isinstance(item, (dict, list))]
    if nested and too_deep(nested, MAX_JSON_DEPTH):
        raise exc.DecodeError(f"The {what} is nested too deeply.")
    return value


@dataclass
class Parsed:
    """A token split into its parts; nothing verified yet.

    The payload is decoded on first use, so a token whose signature fails is never
    JSON-parsed beyond its header.
    """

    header: Mapping[str, Any]
    payload_segment: bytes
    signing_input: bytes
    signature: bytes
    _payload: dict[str, Any] | None = None

    @property
    def payload(self) -> dict[str, Any]:
        if self._payload is None:
            self._payload = _json_object(_b64decode(self.payload_segment), "payload")
        return self._payload


def split(token: Any, max_size: int) -> list[bytes]:
    """The three segments of ``token`` (str or bytes), still encoded; refuse a token that is
    not ASCII, larger than ``max_size`` (0: no bound) or not made of three segments."""
    if isinstance(token, str):
        try:
            raw = token.encode("ascii")
        except UnicodeEncodeError:
            raise exc.DecodeError("Invalid token encoding.") from None
    elif isinstance(token, (bytes, bytearray)):
        raw = bytes(token)
    else:
        raise exc.DecodeError("Invalid token type.")
    if max_size and len(raw) > max_size:
        raise exc.TokenTooLarge("Token is too large.")
    parts = raw.split(b".")
    if len(parts) != 3:
        raise exc.DecodeError("Not enough segments.")
    return parts


def parse_header(segment: bytes) -> dict[str, Any]:
    """The JOSE header of a token's first segment; DecodeError if it is not a JSON object."""
    return _json_object(_b64decode(segment), "header")


def parse(token: Any, max_size: int) -> Parsed:
    """Split ``token`` and decode its header; refuse anything malformed."""
    parts = split(token, max_size)
    header = parse_header(parts[0])
    return assemble(header, parts)


def assemble(header: Mapping[str, Any], parts: Sequence[bytes]) -> Parsed:
    """The :class:`Parsed` token of ``parts`` (:func:`split`) whose header is ``header``
    (:func:`parse_header` of ``parts[0]``, or a copy of its answer kept earlier)."""
    signature = _b64decode(parts[2])
    return Parsed(header, parts[1], parts[0] + b"." + parts[1], signature)


def check_header(header: Mapping[str, Any], allowed: frozenset[str]) -> str:
    """Return the header's ``alg`` after checking the header; raise on anything we refuse."""
    algorithm = header.get("alg")
    if not isinstance(algorithm, str) or algorithm not in allowed:
        raise exc.InvalidAlgorithm("The specified alg value is not allowed.")
    if FORBIDDEN_HEADERS.intersection(header):
        raise exc.DecodeError("Unsupported header parameter.")
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise exc.DecodeError("The kid header must be a string.")
    typ = header.get("typ")
    if "typ" in header and (
        not isinstance(typ, str)
        or (typ.lower() not in ("jwt", "application/jwt") and not typ.lower().endswith("+jwt"))
    ):
        raise exc.DecodeError("Unsupported token type.")
    return algorithm


def candidate_keys(
    ring: KeyRing, algorithm: str, kid: str | None, insist_on_kid: bool
) -> list[Any]:
    """The parsed keys that may verify a token with this ``alg`` and ``kid``."""
    if kid is not None and ring.has_kids:
        keys = ring.by_kid.get(kid)
        if not keys:
            raise exc.UnknownKey("Unknown kid.")
    elif kid is None and insist_on_kid and ring.has_kids:
        raise exc.UnknownKey("The token has no kid.")
    else:
        keys = ring.verification
    found = [key.key for key in keys if algorithm in key.algorithms]
    if not found:
        raise exc.InvalidAlgorithm("The specified alg value is not allowed.")
    return found


#: The digest of each HMAC algorithm, for the one-shot ``hmac.digest`` (what PyJWT's
#: HMACAlgorithm computes through ``hmac.new``).
_HMAC_DIGESTS = {"HS256": "sha256", "HS384": "sha384", "HS512": "sha512"}


def verify_signature(parsed: Parsed, algorithm: str, keys: Sequence[Any]) -> None:
    """Raise InvalidSignature unless one of ``keys`` verifies the token with ``algorithm``.

    An HMAC signature is compared (in constant time) with ``hmac.digest`` of the signing input
    under each secret, as PyJWT's ``HMACAlgorithm.verify`` does, without its call layers.
    """
    implementation = ALGORITHMS[algorithm]
    digest = _HMAC_DIGESTS.get(algorithm)
    for key in keys:
        if digest is not None and type(key) is bytes:
            if hmac.compare_digest(
                hmac.digest(key, parsed.signing_input, digest), parsed.signature
            ):
                return
            continue
        try:
            if implementation.verify(parsed.signing_input, key, parsed.signature):
                return
        except (ValueError, TypeError, jwt_exceptions.PyJWTError):
            continue
    raise exc.InvalidSignature("Signature verification failed.")


#: The algorithms a public JWK of each ``kty`` (and, for EC and OKP, ``crv``) may verify.
_JWK_ALGORITHMS: dict[tuple[str, str | None], frozenset[str]] = {
    ("RSA", None): frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}),
    ("EC", "P-256"): frozenset({"ES256"}),
    ("EC", "P-384"): frozenset({"ES384"}),
    ("EC", "P-521"): frozenset({"ES512", "ES521"}),
    ("EC", "secp256k1"): frozenset({"ES256K"}),
    ("OKP", "Ed25519"): frozenset({"EdDSA"}),
    ("OKP", "Ed448"): frozenset({"EdDSA"}),
}

#: At most this many keys of a fetched JWK Set are parsed.
MAX_JWKS_KEYS = 100


def _jwk_verifies(jwk: Mapping[str, Any]) -> bool:
    """Whether ``use`` and ``key_ops`` let the JWK verify signatures (both are optional)."""
    if jwk.get("use", "sig") != "sig":
        return False
    ops = jwk.get("key_ops")
    return ops is None or (isinstance(ops, list) and "verify" in ops)


def _jwk_family(jwk: Mapping[str, Any]) -> frozenset[str]:
    """The algorithms the JWK's ``kty`` (and ``crv``) may verify (empty: none, or malformed)."""
    kty = jwk.get("kty")
    crv = None if kty == "RSA" else jwk.get("crv")
    if not isinstance(kty, str) or not (crv is None or isinstance(crv, str)):
        return frozenset()
    return _JWK_ALGORITHMS.get((kty, crv), frozenset())


def _jwk_algorithms(jwk: Mapping[str, Any], allowed: frozenset[str]) -> frozenset[str]:
    """The algorithms of ``allowed`` that the public JWK ``jwk`` may verify (empty: none)."""
    if not _jwk_verifies(jwk):
        return frozenset()
    fitting = _jwk_family(jwk) & allowed
    if "alg" not in jwk:
        return fitting
    return fitting & ({jwk["alg"]} if isinstance(jwk["alg"], str) else set())


def _jwk_member(index: int, jwk: Any, allowed: frozenset[str]) -> VerificationKey | str:
    """The verification key of one member of a JWK Set, or why it is left out."""
    cannot = f"keys[{index}] cannot verify any of {sorted(allowed)}."
    if not isinstance(jwk, Mapping):
        return cannot
    kid = jwk.get("kid")
    fitting = _jwk_algorithms(jwk, allowed)
    if not fitting or not (kid is None or isinstance(kid, str)):
        return cannot
    try:
        key = ALGORITHMS[next(iter(fitting))].from_jwk(dict(jwk))
    except Exception as error:  # PyJWT and cryptography raise several types here.
        return f"keys[{index}]: {type(error).__name__}: {error}"
    return VerificationKey(kid, _public_half(key), fitting)


def jwk_set_ring(jwks: Any, algorithms: Sequence[str]) -> KeyRing:
    """Parse the public keys of a JWK Set (RFC 7517) for ``algorithms`` into a verify-only ring.

    Members that cannot verify one of ``algorithms`` (another ``kty``, ``use``, ``alg``,
    symmetric ``oct`` keys, unreadable ones) are left out and described in ``errors``. Only the
    public half of a key is kept. The ring signs nothing.
    """
    ring = KeyRing()
    members = jwks.get("keys") if isinstance(jwks, Mapping) else None
    if not isinstance(members, list):
        ring.errors.append('The JWK Set has no "keys" list.')
        return ring
    allowed = frozenset(name for name in algorithms if name in ALGORITHMS)
    for index, jwk in enumerate(members[:MAX_JWKS_KEYS]):
        member = _jwk_member(index, jwk, allowed)
        if isinstance(member, str):
            ring.errors.append(member)
        else:
            ring.add(member)
    return ring


__all__ = [
    "ALGORITHMS",
    "FORBIDDEN_HEADERS",
    "HAS_CRYPTO",
    "MAX_JSON_DEPTH",
    "MAX_JWKS_KEYS",
    "PYJWT_VERSION",
    "KeyRing",
    "Parsed",
    "VerificationKey",
    "assemble",
    "build_keyring",
    "candidate_keys",
    "check_header",
    "crypto_available",
    "encode",
    "jwk_set_ring",
    "parse",
    "parse_header",
    "prepare_hmac_secret",
    "prepare_key",
    "split",
    "verify_signature",
]
