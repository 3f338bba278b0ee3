"""External issuers (``JWT_TRUSTED_ISSUERS``): their settings, their JWK Sets, and verification.

A token of a trusted issuer is verified with the keys of that issuer only: the issuer is
chosen by the token's ``iss`` (matched exactly), then the key by its ``kid``. Key sets come
from the issuer's ``jwks_url`` (or the ``jwks_uri`` of its OpenID Connect discovery
document), never from the token (``jku``, ``x5u`` and ``jwk`` are refused by the backend).

The fetched sets are shared through the Django cache named by ``JWT_JWKS_CACHE`` (one record
per issuer), and each process keeps the parsed keys of the record it last read, so a request
normally costs no cache read, no network and no key parsing. A record is fetched again when
it is older than ``JWT_JWKS_CACHE_LIFETIME``, or when a token names an unknown ``kid``; never
more than once per ``JWT_JWKS_REFETCH_INTERVAL`` per issuer, whichever process asks (a lock
in the cache lets one process fetch while the others wait or keep the set they have). While
the issuer cannot be reached the last good set keeps serving, for up to
``JWT_JWKS_STALE_LIFETIME`` past its lifetime, and a warning is logged; with no set at all,
its tokens get a 503 (:class:`~rest_framework_jwt.exceptions.IssuerUnavailable`).

The I/O is in small functions (``_http_get_json``, ``_cache_get``, ``_cache_set``,
``_cache_add``, ``_cache_delete``), so an async twin of the refresh can reuse the rest.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import caches

from . import _state, backend, claims, verification
from .exceptions import InvalidClaim, IssuerUnavailable, MissingClaim, UnknownKey
from .jsonlimits import too_deep
from .keys import ASYMMETRIC_ALGORITHMS
from .settings import api_settings

logger = logging.getLogger("rest_framework_jwt.issuers")

#: The keys an entry of ``JWT_TRUSTED_ISSUERS`` may have.
ENTRY_KEYS = frozenset(
    {
        "issuer",
        "jwks_url",
        "discovery_url",
        "audience",
        "algorithms",
        "leeway",
        "required_claims",
        "match_claims",
        "user_claim",
        "user_field",
        "create_users",
        "username_claim",
        "scope_claim",
        "roles_claim",
    }
)
DEFAULT_ALGORITHMS = ("RS256",)
DEFAULT_REQUIRED_CLAIMS = ("exp",)
#: Seconds between two looks at the cache while another process fetches.
_WAIT_STEP = 0.05
_CACHE_PREFIX = "rest_framework_jwt:jwks:"
_USER_AGENT = "rest_framework_jwt (JWKS client)"


class FetchError(Exception):
    """Raised when a JWK Set or discovery document cannot be fetched or is not usable."""


@dataclass(frozen=True)
class Issuer:
    """One entry of ``JWT_TRUSTED_ISSUERS``, checked and normalised."""

    issuer: str
    jwks_url: str | None
    discovery_url: str | None
    audience: Any
    algorithms: frozenset[str]
    leeway: float
    required_claims: tuple[str, ...]
    #: Claims that must have exactly these values (``token_use``, ``client_id``, ``tid``...).
    match_claims: tuple[tuple[str, Any], ...]
    #: The claim that names a local user (None: ``request.user`` is a token user).
    user_claim: str | None
    #: The user model field the ``user_claim`` is matched against (None: USERNAME_FIELD).
    user_field: str | None
    create_users: bool
    username_claim: str
    #: The claim the scope permissions read (None: ``scope``, then ``scp``).
    scope_claim: str | None
    #: The dotted path of the claim the role permission reads (None: ``roles``).
    roles_claim: str | None
    #: The key of this issuer's record in the cache.
    cache_key: str


def _is_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("https", "http") and bool(parts.hostname)


def _is_name(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _is_names(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(_is_name(item) for item in value)


# One small rule per key (or pair of keys) of an entry; each yields its problems, in the
# order the system check reports them.


def _problem_issuer(entry: Mapping[str, Any]) -> Iterator[str]:
    if not _is_name(entry.get("issuer")):
        yield '"issuer" must be a non-empty string (the exact "iss" of its tokens)'


def _problem_source(entry: Mapping[str, Any]) -> Iterator[str]:
    if ("jwks_url" in entry) == ("discovery_url" in entry):
        yield 'it needs exactly one of "jwks_url" and "discovery_url"'
    for name in ("jwks_url", "discovery_url"):
        if name in entry and not _is_url(entry[name]):
            yield f'"{name}" must be an https:// URL'


def _problem_audience(entry: Mapping[str, Any]) -> Iterator[str]:
    if "audience" not in entry:
        yield '"audience" is missing (None if its tokens carry no "aud")'
        return
    audience = entry["audience"]
    if not (audience is None or _is_name(audience) or _is_names(audience)):
        yield '"audience" must be a string, a list of strings, or None'


def _problem_algorithms(entry: Mapping[str, Any]) -> Iterator[str]:
    algorithms = entry.get("algorithms", DEFAULT_ALGORITHMS)
    if not _is_names(algorithms) or not algorithms:
        yield '"algorithms" must be a non-empty list of names'
        return
    for name in algorithms:
        if name not in ASYMMETRIC_ALGORITHMS:
            yield f'"algorithms" has {name!r}, which is not an asymmetric algorithm'


def _is_seconds(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, (int, float)) or hasattr(value, "total_seconds")


def _problem_leeway(entry: Mapping[str, Any]) -> Iterator[str]:
    if not _is_seconds(entry.get("leeway", 0)):
        yield '"leeway" must be a number of seconds or a timedelta'


def _problem_required_claims(entry: Mapping[str, Any]) -> Iterator[str]:
    if not _is_names(entry.get("required_claims", DEFAULT_REQUIRED_CLAIMS)):
        yield '"required_claims" must be a list of claim names'


def _problem_match_claims(entry: Mapping[str, Any]) -> Iterator[str]:
    matched = entry.get("match_claims", {})
    if not isinstance(matched, Mapping) or not all(_is_name(name) for name in matched):
        yield '"match_claims" must be a dict of claim name to value'


def _problem_claim_names(entry: Mapping[str, Any]) -> Iterator[str]:
    for name in ("user_claim", "user_field", "username_claim", "scope_claim", "roles_claim"):
        if entry.get(name) is not None and not _is_name(entry[name]):
            yield f'"{name}" must be a claim or field name'


def _problem_create_users(entry: Mapping[str, Any]) -> Iterator[str]:
    if not isinstance(entry.get("create_users", False), bool):
        yield '"create_users" must be True or False'
    elif entry.get("create_users") and not entry.get("user_claim"):
        yield '"create_users" needs a "user_claim"'


_RULES: tuple[Callable[[Mapping[str, Any]], Iterator[str]], ...] = (
    _problem_issuer,
    _problem_source,
    _problem_audience,
    _problem_algorithms,
    _problem_leeway,
    _problem_required_claims,
    _problem_match_claims,
    _problem_claim_names,
    _problem_create_users,
)


def _problems_of_values(entry: Mapping[str, Any]) -> list[str]:
    return [problem for rule in _RULES for problem in rule(entry)]


def entry_problems(entry: Any) -> list[str]:
    """What is wrong with one entry of ``JWT_TRUSTED_ISSUERS`` (empty when it is usable)."""
    if not isinstance(entry, Mapping):
        return ["an entry must be a dict"]
    unknown = sorted(set(entry) - ENTRY_KEYS)
    problems = [f"{name!r} is not a key of an issuer entry" for name in unknown]
    return problems + _problems_of_values(entry)


def _issuer(entry: Mapping[str, Any]) -> Issuer:
    url = entry.get("jwks_url") or entry.get("discovery_url")
    digest = hashlib.sha256(f"{entry['issuer']}\n{url}".encode()).hexdigest()[:32]
    audience = entry["audience"]
    return Issuer(
        issuer=entry["issuer"],
        jwks_url=entry.get("jwks_url"),
        discovery_url=entry.get("discovery_url"),
        audience=list(audience) if isinstance(audience, (list, tuple)) else audience,
        algorithms=frozenset(entry.get("algorithms", DEFAULT_ALGORITHMS)),
        leeway=claims.seconds(entry.get("leeway", 0)),
        required_claims=tuple(entry.get("required_claims", DEFAULT_REQUIRED_CLAIMS)),
        match_claims=tuple(dict(entry.get("match_claims") or {}).items()),
        user_claim=entry.get("user_claim"),
        user_field=entry.get("user_field"),
        create_users=bool(entry.get("create_users", False)),
        username_claim=entry.get("username_claim") or entry.get("user_claim") or "sub",
        scope_claim=entry.get("scope_claim"),
        roles_claim=entry.get("roles_claim"),
        cache_key=_CACHE_PREFIX + digest,
    )


def _entries(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else []


def trusted() -> dict[str, Issuer]:
    """The usable entries of ``JWT_TRUSTED_ISSUERS`` by ``issuer`` (the system checks report
    the others, which are left out). Built once per settings change."""
    found = _state.derived.get("issuers")
    if found is None:
        found = {}
        for entry in _entries(api_settings.JWT_TRUSTED_ISSUERS):
            if not entry_problems(entry) and entry["issuer"] not in found:
                found[entry["issuer"]] = _issuer(entry)
        _state.derived["issuers"] = found
    return found


@dataclass(frozen=True)
class Timing:
    """The cache settings, in seconds."""

    lifetime: float
    interval: float
    stale: float
    timeout: float
    max_size: int
    cache: str


def timing() -> Timing:
    """The ``JWT_JWKS_*`` settings in seconds, read once per settings change."""
    found = _state.derived.get("jwks_timing")
    if found is None:
        found = Timing(
            lifetime=claims.seconds(api_settings.JWT_JWKS_CACHE_LIFETIME),
            interval=claims.seconds(api_settings.JWT_JWKS_REFETCH_INTERVAL),
            stale=claims.seconds(api_settings.JWT_JWKS_STALE_LIFETIME),
            timeout=claims.seconds(api_settings.JWT_JWKS_FETCH_TIMEOUT),
            max_size=int(api_settings.JWT_JWKS_MAX_SIZE),
            cache=str(api_settings.JWT_JWKS_CACHE),
        )
        _state.derived["jwks_timing"] = found
    return found


# ----------------------------------------------------------------------------------------------
# Fetching (the standard library's urllib)


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to the same scheme, host and port."""

    max_redirections = 3

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        old, new = urlsplit(req.full_url), urlsplit(newurl)
        if (new.scheme, new.hostname, new.port) != (old.scheme, old.hostname, old.port):
            raise FetchError(f"redirected to another host ({new.scheme}://{new.netloc})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def check_url(url: str) -> None:
    """Raise FetchError unless ``url`` may be fetched: https, or http while DEBUG is on."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and settings.DEBUG):
        raise FetchError(f"{url} is not an https:// URL (http is allowed only with DEBUG)")
    if not parts.hostname:
        raise FetchError(f"{url} has no host")


def _http_get_json(url: str, limits: Timing) -> dict[str, Any]:
    """GET ``url`` and return its JSON object; raise FetchError on any failure."""
    check_url(url)
    opener = urllib.request.build_opener(_SameHostRedirects)
    request = urllib.request.Request(  # noqa: S310 - check_url allows https (http with DEBUG)
        url, headers={"Accept": "application/json", "User-Agent": _USER_AGENT}
    )
    deadline = time.monotonic() + limits.timeout
    try:
        with opener.open(request, timeout=limits.timeout) as response:
            body = _read_until(response, limits.max_size + 1, deadline)
    except FetchError:
        raise
    except urllib.error.HTTPError as error:
        raise FetchError(f"HTTP {error.code} from {url}") from None
    except (OSError, ValueError) as error:  # URLError, timeouts and resets are OSErrors
        raise FetchError(f"{type(error).__name__} fetching {url}: {error}") from None
    except Exception as error:  # http.client.HTTPException and the like
        raise FetchError(f"{type(error).__name__} fetching {url}") from None
    if len(body) > limits.max_size:
        raise FetchError(f"{url} answered more than {limits.max_size} bytes")
    try:
        document = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):
        raise FetchError(f"{url} did not answer JSON") from None
    if not isinstance(document, dict) or too_deep([document], backend.MAX_JSON_DEPTH):
        raise FetchError(f"{url} did not answer a JSON object")
    return document


def _read_until(response: Any, limit: int, deadline: float) -> bytes:
    """Up to ``limit`` bytes of ``response``; TimeoutError when more is to come after
    ``deadline`` (monotonic): an answer sent slowly, each read within the timeout, is cut off
    as a whole."""
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = response.read1(min(65536, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if time.monotonic() > deadline and not response.isclosed():  # more is to come
            raise TimeoutError("timed out")
    return b"".join(chunks)


def jwks_url(issuer: Issuer, limits: Timing) -> str:
    """The issuer's JWK Set URL: configured, or from its OpenID Connect discovery document."""
    if issuer.jwks_url:
        return issuer.jwks_url
    assert issuer.discovery_url is not None
    document = _http_get_json(issuer.discovery_url, limits)
    if document.get("issuer") != issuer.issuer:
        raise FetchError(
            f"the discovery document names the issuer {document.get('issuer')!r}, "
            f"not {issuer.issuer!r}"
        )
    url = document.get("jwks_uri")
    if not isinstance(url, str):
        raise FetchError("the discovery document has no jwks_uri")
    return url


def fetch_key_set(issuer: Issuer, limits: Timing) -> dict[str, Any]:
    """Fetch the issuer's JWK Set; raise FetchError unless it has a key for its algorithms."""
    document = _http_get_json(jwks_url(issuer, limits), limits)
    ring = backend.jwk_set_ring(document, sorted(issuer.algorithms))
    if not ring.verification:
        raise FetchError("the JWK Set has no key for " + ", ".join(sorted(issuer.algorithms)))
    return document


# ----------------------------------------------------------------------------------------------
# The shared record and the per-process copy


@dataclass(frozen=True)
class Record:
    """What the cache holds for one issuer: the last good set and when it was fetched (0:
    never), and when a fetch was last tried."""

    jwks: dict[str, Any] | None
    fetched_at: float
    attempted_at: float

    def as_value(self) -> dict[str, Any]:
        return {"jwks": self.jwks, "fetched_at": self.fetched_at, "attempted_at": self.attempted_at}

    @classmethod
    def from_value(cls, value: Any) -> Record | None:
        if not isinstance(value, dict):
            return None
        try:
            return cls(value["jwks"], float(value["fetched_at"]), float(value["attempted_at"]))
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True)
class Local:
    """This process's copy of a record, with its keys parsed (None: no good set yet)."""

    record: Record
    ring: backend.KeyRing | None


def _memo() -> dict[str, Local]:
    memo = _state.derived.get("jwks")
    if memo is None:
        memo = _state.derived["jwks"] = {}
    return memo


#: Seconds a record's times may lie in this process's future (another server's clock, or a
#: process that read the clock before this one) and still count as the present.
CLOCK_SKEW = 60


def _within(now: float, since: float, seconds: float) -> bool:
    # A clock set back further than CLOCK_SKEW (a test moving time) counts as "not within".
    return -CLOCK_SKEW <= now - since < seconds


def knows(ring: backend.KeyRing, kid: str | None) -> bool:
    """True when ``ring`` can be asked for ``kid`` (it has it, or its keys have no kids)."""
    return kid is None or not ring.has_kids or kid in ring.by_kid


def due(local: Local, now: float, kid: str | None, limits: Timing) -> bool:
    """True when the issuer's set should be fetched now (expired, or missing ``kid``), and the
    last attempt is at least ``JWT_JWKS_REFETCH_INTERVAL`` old."""
    record = local.record
    if _within(now, record.attempted_at, limits.interval):
        return False
    if local.ring is None or not _within(now, record.fetched_at, limits.lifetime):
        return True
    return not knows(local.ring, kid)


def _usable(local: Local | None, now: float, limits: Timing) -> backend.KeyRing:
    """The ring of ``local`` if it may still serve (fresh, or stale within the stale lifetime);
    IssuerUnavailable otherwise."""
    if local is None or local.ring is None:
        raise IssuerUnavailable()
    if not _within(now, local.record.fetched_at, limits.lifetime + limits.stale):
        raise IssuerUnavailable()
    return local.ring


def key_ring(issuer: Issuer, kid: str | None) -> backend.KeyRing:
    """The issuer's parsed keys for a token naming ``kid``; fetched or read from the cache
    only when :func:`due` (normally: neither). Raises IssuerUnavailable (503) when there is no
    usable set."""
    limits = timing()
    now = claims.now()
    local = _memo().get(issuer.cache_key)
    if local is not None and not due(local, now, kid, limits):
        return _usable(local, now, limits)
    return _refresh(issuer, kid, local, now, limits)


def _adopt(issuer: Issuer, record: Record, local: Local | None) -> Local:
    """``record`` as this process's copy (keys parsed only if the set is not the one held)."""
    if local is not None and local.ring is not None and record.jwks == local.record.jwks:
        ring: backend.KeyRing | None = local.ring
    elif record.jwks is not None:
        ring = backend.jwk_set_ring(record.jwks, sorted(issuer.algorithms))
    else:
        ring = None
    adopted = Local(record, ring)
    _memo()[issuer.cache_key] = adopted
    return adopted


def _newer(record: Record | None, local: Local | None) -> bool:
    return record is not None and (local is None or record != local.record)


def _refresh(
    issuer: Issuer, kid: str | None, local: Local | None, now: float, limits: Timing
) -> backend.KeyRing:
    shared = Record.from_value(_cache_get(limits.cache, issuer.cache_key))
    if shared is not None and _newer(shared, local):
        local = _adopt(issuer, shared, local)
    if local is not None and not due(local, now, kid, limits):
        return _usable(local, now, limits)
    lock = issuer.cache_key + ":lock"
    if not _cache_add(limits.cache, lock, now, limits.timeout * 2 + 1):
        # Another process is fetching: keep what we have, or wait for its result.
        if local is not None and local.ring is not None:
            return _usable(local, now, limits)
        return _usable(_wait_for_fetch(issuer, local, limits), claims.now(), limits)
    try:
        record = _fetch_record(issuer, local, limits)
    finally:
        _cache_delete(limits.cache, lock)
    return _usable(_adopt(issuer, record, local), claims.now(), limits)


def _fetch_record(issuer: Issuer, local: Local | None, limits: Timing) -> Record:
    """Fetch the set and store the outcome in the cache: the new set, or (stale-if-error) the
    previous one with the failed attempt's time."""
    previous = local.record if local is not None else Record(None, 0.0, 0.0)
    try:
        jwks = fetch_key_set(issuer, limits)
        now = claims.now()
        record = Record(jwks, now, now)
    except FetchError as error:
        now = claims.now()
        record = Record(previous.jwks, previous.fetched_at, now)
        if previous.jwks is not None:
            logger.warning(
                "Could not fetch the JWK Set of %s (%s); still using the set fetched %d s ago.",
                issuer.issuer,
                error,
                now - previous.fetched_at,
            )
        else:
            logger.warning(
                "Could not fetch the JWK Set of %s (%s); its tokens are refused with 503.",
                issuer.issuer,
                error,
            )
    keep = limits.lifetime + limits.stale if record.jwks is not None else limits.interval
    _cache_set(limits.cache, issuer.cache_key, record.as_value(), keep + limits.interval)
    return record


def _wait_for_fetch(issuer: Issuer, local: Local | None, limits: Timing) -> Local | None:
    """Wait (up to the lock's lifetime) for the fetch of another process to reach the cache."""
    for _ in range(int((limits.timeout * 2 + 1) / _WAIT_STEP) + 1):
        time.sleep(_WAIT_STEP)
        shared = Record.from_value(_cache_get(limits.cache, issuer.cache_key))
        if _newer(shared, local):
            assert shared is not None
            return _adopt(issuer, shared, local)
    return local


# ----------------------------------------------------------------------------------------------
# Cache I/O: a cache that cannot be reached is a cache that holds nothing (the issuer is then
# fetched by each process, still at most once per interval).


def _cache_get(alias: str, key: str) -> Any:
    try:
        return caches[alias].get(key)
    except Exception as error:
        logger.warning("The JWKS cache %r cannot be read: %s", alias, error)
        return None


def _cache_set(alias: str, key: str, value: Any, timeout: float) -> None:
    try:
        caches[alias].set(key, value, timeout=int(timeout) + 1)
    except Exception as error:
        logger.warning("The JWKS cache %r cannot be written: %s", alias, error)


def _cache_add(alias: str, key: str, value: Any, timeout: float) -> bool:
    try:
        return bool(caches[alias].add(key, value, timeout=int(timeout) + 1))
    except Exception as error:
        logger.warning("The JWKS cache %r cannot be written: %s", alias, error)
        return True


def _cache_delete(alias: str, key: str) -> None:
    try:
        caches[alias].delete(key)
    except Exception as error:
        logger.warning("The JWKS cache %r cannot be written: %s", alias, error)


# ----------------------------------------------------------------------------------------------
# Verification


@dataclass(frozen=True, eq=False)
class ExternalToken(verification.VerifiedToken):
    """A verified token of a trusted issuer (``request.verified_token`` of
    TrustedIssuerAuthentication): a VerifiedToken that also names its ``issuer`` (the entry of
    JWT_TRUSTED_ISSUERS that verified it)."""

    issuer: Any = None


def issuer_of(parsed: backend.Parsed) -> Issuer | None:
    """The trusted issuer named by the (not yet verified) token's ``iss``, or None."""
    iss = parsed.payload.get("iss")
    return trusted().get(iss) if isinstance(iss, str) else None


def check_header(parsed: backend.Parsed, issuer: Issuer) -> tuple[str, Any]:
    """The algorithm (one ``issuer`` allows) and the ``kid`` of ``parsed``'s header; a
    TokenError for a header that is refused. Checked before the keys are looked for."""
    return backend.check_header(parsed.header, issuer.algorithms), parsed.header.get("kid")


async def akey_ring(issuer: Issuer, kid: str | None) -> backend.KeyRing:
    """:func:`key_ring` for async code: the keys this process holds, in the event loop; a
    refresh (once per interval at most: the shared cache, the HTTP fetch, waiting for another
    process's fetch) in a thread."""
    limits = timing()
    local = _memo().get(issuer.cache_key)
    if local is not None and not due(local, claims.now(), kid, limits):
        return _usable(local, claims.now(), limits)
    return await sync_to_async(key_ring)(issuer, kid)


def verify_with(
    raw: str, parsed: backend.Parsed, issuer: Issuer, algorithm: str, ring: backend.KeyRing
) -> ExternalToken:
    """Verify ``parsed`` with ``issuer``'s keys in hand (from :func:`key_ring`, for the
    algorithm and kid :func:`check_header` found): the signature, then the claims; raise a
    TokenError if refused."""
    kid = parsed.header.get("kid")
    if not knows(ring, kid):
        raise UnknownKey("Unknown kid.")
    keys = backend.candidate_keys(ring, algorithm, kid, insist_on_kid=False)
    backend.verify_signature(parsed, algorithm, keys)
    payload = parsed.payload
    claims.validate(
        payload,
        current=claims.now(),
        leeway=issuer.leeway,
        verify_exp=True,
        required=issuer.required_claims,
        audience=issuer.audience,
        issuer=issuer.issuer,
    )
    for name, expected in issuer.match_claims:
        if name not in payload:
            raise MissingClaim(name)
        if payload[name] != expected:
            raise InvalidClaim(f"The {name} claim does not have the expected value.")
    return ExternalToken(
        raw, MappingProxyType(payload), MappingProxyType(parsed.header), issuer=issuer
    )


__all__ = ["ExternalToken", "Issuer"]
