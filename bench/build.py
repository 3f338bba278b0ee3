"""The Django side of the benchmark: the project set up on a SQLite file, both packages
configured per algorithm and mode, and the registry's cases (bench/cases.py) built into views
and request factories. Used by the pyperf workers (bench/timing.py) and by bench/run.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.cases import Case

ROOT = Path(__file__).resolve().parent.parent
for _path in (str(ROOT), str(ROOT / "src")):
    if _path not in sys.path:
        sys.path.insert(0, _path)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

#: When the last ``setup_django`` had Django set up (``time.monotonic()``): bench/run.py
#: estimates a worker's start-up from its own.
READY = 0.0

USERNAME = "bench"
PASSWORD = "bench-password-1"

# The cryptography loaders PyJWT calls when it parses a key. Counting their calls per request
# shows whether a package parses keys on the request path.
KEY_LOADERS = (
    "load_pem_public_key",
    "load_pem_private_key",
    "load_ssh_public_key",
    "load_der_public_key",
    "load_der_x509_certificate",
)


class KeyParseCounter:
    """Counts calls to PyJWT's key loaders (wrapped in ``jwt.algorithms`` for the whole run)."""

    def __init__(self) -> None:
        self.count = 0

    def install(self) -> None:
        import jwt.algorithms as module

        for name in KEY_LOADERS:
            original = getattr(module, name, None)
            if original is None:
                continue

            def counted(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
                self.count += 1
                return _original(*args, **kwargs)

            setattr(module, name, counted)


KEY_PARSES = KeyParseCounter()


# --------------------------------------------------------------------------------------------
# Set-up shared by all modes
# --------------------------------------------------------------------------------------------


def setup_django(db_path: Path, template: Path | None = None) -> Any:
    """Configure Django on a SQLite file and return the bench user.

    Without ``template``: a fresh database, migrated, with the user created (the driver does this
    once). With it: a copy of that database (what each pyperf worker does, instead of migrating).
    """
    if template is not None:
        shutil.copyfile(template, db_path)
    os.environ["BENCH_DB"] = str(db_path)
    import django

    django.setup()
    global READY
    READY = time.monotonic()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test.utils import override_settings

    if template is not None:
        return get_user_model().objects.get(username=USERNAME)
    with override_settings(INSTALLED_APPS=bench_settings().installed_apps(migrate=True)):
        call_command("migrate", verbosity=0, interactive=False)
    return get_user_model().objects.create_user(USERNAME, "bench@example.com", PASSWORD)


def bench_settings() -> Any:
    """The bench settings module itself (its helpers and hooks, not only Django's view)."""
    from bench import settings

    return settings


@contextlib.contextmanager
def configured(algorithm: str, variant: str = "") -> Iterator[None]:
    """Both packages set up for ``algorithm`` and our mode ``variant``.

    Ours through override_settings (JWT_AUTH, and INSTALLED_APPS when the mode needs the
    revocation app); simplejwt by swapping the token backend its Token class uses, since it binds
    its settings at import.
    """
    from django.conf import settings as django_settings
    from django.test.utils import override_settings

    settings = bench_settings()
    spec = settings.VARIANTS[variant]
    jwt_auth = settings.jwt_auth(
        algorithm, throttles=spec.get("throttles", False), **spec["jwt_auth"]
    )
    overrides: dict[str, Any] = {"JWT_AUTH": jwt_auth}
    apps = settings.installed_apps(variant)
    if apps != list(django_settings.INSTALLED_APPS):
        overrides["INSTALLED_APPS"] = apps
    with override_settings(**overrides):
        if not settings.HAS_SIMPLEJWT:
            yield
            return
        from rest_framework_simplejwt.tokens import Token

        previous = Token.__dict__.get("_token_backend")
        Token._token_backend = simplejwt_backend(algorithm)
        try:
            yield
        finally:
            Token._token_backend = previous


_SJ_BACKENDS: dict[str, Any] = {}


def simplejwt_backend(algorithm: str) -> Any:
    if algorithm not in _SJ_BACKENDS:
        from rest_framework_simplejwt.backends import TokenBackend

        config = bench_settings().simple_jwt(algorithm)
        _SJ_BACKENDS[algorithm] = TokenBackend(
            algorithm, config["SIGNING_KEY"], config.get("VERIFYING_KEY", "")
        )
    return _SJ_BACKENDS[algorithm]


@dataclass
class Tokens:
    ours: str
    sj_access: str = ""
    sj_refresh: str = ""


#: The issuer of the "external" variant (bench/settings.py) and the kid of its keys.
EXTERNAL_ISSUER = "https://idp.bench.invalid/"


def external_token(user: Any, algorithm: str) -> str:
    """A token of the external issuer for ``user``, signed with the bench key of
    ``algorithm`` (PyJWT, as an identity provider would)."""
    import jwt

    from bench import keys

    payload = {
        "iss": EXTERNAL_ISSUER,
        "aud": "bench-api",
        "sub": str(user.pk),
        "exp": int(time.time()) + 7200,
        "iat": int(time.time()),
        "scope": "read write",
    }
    return jwt.encode(
        payload,
        keys.private_pem(algorithm),
        algorithm=algorithm,
        headers={"kid": f"bench-{algorithm}"},
    )


def seed_external_jwks() -> None:
    """Put the external issuer's JWK Set (the bench's public keys) in the cache, as a fetch
    by another process would have: the run then fetches nothing."""
    from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

    from bench import keys
    from rest_framework_jwt import issuers

    members = []
    for algorithm, implementation in (
        ("RS256", RSAAlgorithm(RSAAlgorithm.SHA256)),
        ("ES256", ECAlgorithm(ECAlgorithm.SHA256)),
        ("EdDSA", OKPAlgorithm()),
    ):
        key = implementation.prepare_key(keys.public_pem(algorithm))
        jwk = json.loads(implementation.to_jwk(key))
        jwk.update({"kid": f"bench-{algorithm}", "alg": algorithm, "use": "sig"})
        members.append(jwk)
    with configured("RS256", "external"):
        issuer = issuers.trusted()[EXTERNAL_ISSUER]
        now = time.time()
        record = issuers.Record({"keys": members}, now, now)
        timing = issuers.timing()
        issuers._cache_set(timing.cache, issuer.cache_key, record.as_value(), 2 * 86400)


def make_tokens(user: Any, algorithm: str, variant: str = "") -> Tokens:
    with configured(algorithm, variant):
        from rest_framework_jwt.settings import api_settings

        tokens = Tokens(api_settings.JWT_ENCODE_HANDLER(api_settings.JWT_PAYLOAD_HANDLER(user)))
        if bench_settings().HAS_SIMPLEJWT:
            from rest_framework_simplejwt.tokens import RefreshToken

            refresh = RefreshToken.for_user(user)
            tokens.sj_access = str(refresh.access_token)
            tokens.sj_refresh = str(refresh)
    return tokens


# --------------------------------------------------------------------------------------------
# The registry's cases, built
# --------------------------------------------------------------------------------------------


class BenchError(Exception):
    pass


def missing_reason(case: Case) -> str | None:
    """Why ``case`` cannot run here (a package or class is missing), or None."""
    settings = bench_settings()
    for flag in case.needs:
        if not getattr(settings, flag):
            return f"{flag} is false in bench/settings.py"
    if case.view == "ours_stateless":
        from bench import views

        if views.ours_stateless() is None:
            return "no stateless class (bench settings STATELESS_AUTHENTICATION)"
    return None


@dataclass
class Built:
    """A case ready to run: its view, a factory of fresh requests, and its HTTP form."""

    case: Case
    algorithm: str
    view: Any
    make: Callable[[], Any]
    headers: dict[str, str]
    body: bytes | None

    def context(self) -> contextlib.AbstractContextManager[None]:
        return configured(self.algorithm, self.case.variant)

    def call(self) -> Any:
        response = self.view(self.make())
        response.render()
        return response

    def check(self) -> str | None:
        """One request outside the clock; None if it answered 200, else why not."""
        try:
            with self.context():
                response = self.call()
        except Exception as error:
            return f"{type(error).__name__}: {error}"
        if response.status_code != 200:
            return f"HTTP {response.status_code}: {response.content[:200]!r}"
        return None


def _view(case: Case, algorithm: str) -> Any:
    """The case's view: a class of bench.views, a DRF view, or a factory of one."""
    from bench import views

    factory = getattr(views, case.view)
    if isinstance(factory, type):
        return factory.as_view(algorithm=algorithm) if case.name == "limit" else factory.as_view()
    if hasattr(factory, "cls"):  # already a view (APIView.as_view())
        return factory
    return factory()


def build(case: Case, algorithm: str, user: Any) -> Built:
    """``case`` with ``algorithm`` for ``user``: tokens made, requests ready to be built."""
    from rest_framework.test import APIRequestFactory

    if case.variant == "external":
        seed_external_jwks()
    tokens = make_tokens(user, algorithm, case.variant)
    values = {
        "ours": tokens.ours,
        "sj_access": tokens.sj_access,
        "sj_refresh": tokens.sj_refresh,
        "external": external_token(user, algorithm) if case.variant == "external" else "",
        "username": USERNAME,
        "password": PASSWORD,
    }
    factory = APIRequestFactory()
    view = _view(case, algorithm)
    if case.method == "GET":
        header = case.header.format(**values)

        from rest_framework.request import Request

        wrap = case.level == "authenticate"  # authenticate() alone takes DRF's Request

        def make() -> Any:
            request = factory.get(case.path, HTTP_AUTHORIZATION=header)
            return Request(request) if wrap else request

        headers = {"Authorization": header} if header else {}
        return Built(case, algorithm, view, make, headers, None)
    if case.fresh_refresh:
        fresh = _fresh_refresh(case.fresh_refresh, user)

        def make() -> Any:
            return factory.post(case.path, fresh(), format="json")

        return Built(case, algorithm, view, make, {}, None)
    data = {key: value.format(**values) for key, value in (case.body or {}).items()}

    def make() -> Any:
        return factory.post(case.path, data, format="json")

    headers = {"Content-Type": "application/json"}
    return Built(case, algorithm, view, make, headers, json.dumps(data).encode())


def _fresh_refresh(whose: str, user: Any) -> Callable[[], dict[str, str]]:
    """The body of a rotating refresh with a refresh token nobody has used: ours (a login in
    refresh-token mode) or simplejwt's (``RefreshToken.for_user``, which records it with the
    blacklist app, as its login does)."""
    if whose == "ours":
        from rest_framework_jwt import rotation

        return lambda: {"refresh_token": rotation.start(user)["refresh_token"]}
    from rest_framework_simplejwt.tokens import RefreshToken

    return lambda: {"refresh": str(RefreshToken.for_user(user))}


def count_per_request(built: Built, size: int = 20) -> tuple[float, float]:
    """Queries and key parses per request (untimed: counting queries costs time)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with built.context():
        for _ in range(5):
            built.call()
        requests = [built.make() for _ in range(size)]
        before = KEY_PARSES.count
        with CaptureQueriesContext(connection) as captured:
            for request in requests:
                built.view(request).render()
        return len(captured.captured_queries) / size, (KEY_PARSES.count - before) / size
