#!/usr/bin/env python
"""The benchmark: rest_framework_jwt against the limit and against simplejwt, in one process.

    python bench/run.py                 # in-process table (what `make bench` runs)
    python bench/run.py --profile       # cProfile of our default-mode authentication
    python bench/run.py --gunicorn      # requests/s through gunicorn on 127.0.0.1

In-process: each case's view is called directly with requests built by DRF's
APIRequestFactory (built before the clock starts), and the response is rendered. Rounds are
interleaved (every case once per round, in a shuffled order) and each round times a batch of
requests with ``time.thread_time_ns`` (CPU of this thread) and ``time.perf_counter_ns`` (wall).
The table shows the median over rounds of the per-request mean. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import json
import os
import platform
import pstats
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
# Run as a script, Python puts bench/ first on sys.path; the project root is what we want.
sys.path[:] = [p for p in sys.path if p and Path(p).resolve() != HERE]
for _path in (str(ROOT), str(ROOT / "src")):
    if _path not in sys.path:
        sys.path.insert(0, _path)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

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


def setup_django(db_path: Path) -> Any:
    """Configure Django on a fresh SQLite file, migrate, and create the bench user."""
    os.environ["BENCH_DB"] = str(db_path)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test.utils import override_settings

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
    overrides: dict[str, Any] = {"JWT_AUTH": settings.jwt_auth(algorithm, **spec["jwt_auth"])}
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
# The cases
# --------------------------------------------------------------------------------------------

LABELS = {
    "floor": "floor: DRF view, no auth, no decode",
    "limit": "limit: no auth + raw jwt.decode",
    "ours stateless": "ours, stateless",
    "ours external": "ours, external issuer (JWKS cached)",
    "ours default": "ours, default (user from DB)",
    "ours revocation": "ours, revocation on (DB denylist)",
    "ours revocation cache": "ours, revocation on (cache denylist)",
    "sj stateless": "simplejwt JWTStatelessUserAuthentication",
    "sj default": "simplejwt JWTAuthentication",
    "ours obtain": "ours obtain",
    "sj obtain": "simplejwt TokenObtainPairView",
    "ours refresh": "ours refresh",
    "sj refresh": "simplejwt TokenRefreshView",
    "ours refresh rotating": "ours refresh, rotating (JWT_REFRESH_TOKENS)",
    "sj refresh rotating": "simplejwt TokenRefreshView, rotating",
    "ours verify": "ours verify",
    "sj verify": "simplejwt TokenVerifyView",
}
ORDER = list(LABELS)

#: Our case -> simplejwt's equivalent.
EQUIVALENT = {
    "ours stateless": "sj stateless",
    "ours default": "sj default",
    "ours revocation": "sj default",
    "ours revocation cache": "sj default",
    "ours obtain": "sj obtain",
    "ours refresh": "sj refresh",
    "ours refresh rotating": "sj refresh rotating",
    "ours verify": "sj verify",
}
AUTH_CASES = {
    "floor",
    "limit",
    "ours stateless",
    "ours external",
    "ours default",
    "ours revocation",
    "ours revocation cache",
    "sj stateless",
    "sj default",
}


@dataclass
class Case:
    name: str
    algorithm: str
    variant: str
    # In-process: the view callable and a factory of fresh requests.
    view: Any
    make: Callable[[], Any]
    expect: int
    # Over HTTP (--gunicorn): method, path, headers, body; None when a fixed request cannot
    # work (a rotating refresh token is good for one request only).
    method: str
    path: str | None
    headers: dict[str, str]
    body: bytes | None
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    queries: float | None = None
    key_parses: float | None = None

    @property
    def label(self) -> str:
        return LABELS[self.name]

    def context(self) -> contextlib.AbstractContextManager[None]:
        return configured(self.algorithm, self.variant)


@dataclass
class Missing:
    name: str
    algorithm: str
    reason: str


def build_cases(
    user: Any, algorithms: list[str], only: list[str] | None = None
) -> tuple[list[Case], list[Missing], list[str]]:
    """Every case available here, the ones that are not (and why), and notes for the report.

    ``only``: keep the cases whose name contains one of these words (and the limits).
    """
    cases, missing, notes = _all_cases(user, algorithms)
    if only:

        def wanted(name: str) -> bool:
            return name == "limit" or any(word in name for word in only)

        cases = [case for case in cases if wanted(case.name)]
        missing = [item for item in missing if wanted(item.name)]
    return cases, missing, notes


def _all_cases(user: Any, algorithms: list[str]) -> tuple[list[Case], list[Missing], list[str]]:
    from rest_framework.test import APIRequestFactory

    from bench import views

    settings = bench_settings()
    factory = APIRequestFactory()
    cases: list[Case] = []
    missing: list[Missing] = []
    notes: list[str] = []

    def get(name: str, alg: str, variant: str, view: Any, path: str, header: str) -> None:
        def make() -> Any:
            return factory.get(path, HTTP_AUTHORIZATION=header)

        headers = {"Authorization": header} if header else {}
        cases.append(Case(name, alg, variant, view, make, 200, "GET", path, headers, None))

    def post(
        name: str,
        alg: str,
        variant: str,
        view: Any,
        path: str | None,
        data: dict[str, str] | Callable[[], dict[str, str]],
    ) -> None:
        def make() -> Any:
            return factory.post(path or "/", data() if callable(data) else data, format="json")

        body = None if callable(data) else json.dumps(data).encode()
        headers = {"Content-Type": "application/json"}
        cases.append(Case(name, alg, variant, view, make, 200, "POST", path, headers, body))

    stateless_view = views.ours_stateless()
    seed_external_jwks()
    credentials = {"username": USERNAME, "password": PASSWORD}
    for alg in algorithms:
        tokens = make_tokens(user, alg)
        header = f"JWT {tokens.ours}"
        if alg == algorithms[0]:
            get("floor", alg, "", views.FloorView.as_view(), "/floor/", "")
        get("limit", alg, "", views.LimitView.as_view(algorithm=alg), "/limit/", header)

        if stateless_view is None:
            missing.append(
                Missing(
                    "ours stateless",
                    alg,
                    "no stateless class (bench settings STATELESS_AUTHENTICATION)",
                )
            )
        else:
            token = make_tokens(user, alg, "stateless").ours
            get(
                "ours stateless",
                alg,
                "stateless",
                stateless_view,
                "/ours/stateless/",
                f"JWT {token}",
            )
        if alg != "HS256":
            get(
                "ours external",
                alg,
                "external",
                views.ours_external(),
                "/ours/external/",
                f"Bearer {external_token(user, alg)}",
            )
        get("ours default", alg, "", views.ours_default(), "/ours/default/", header)
        for name, variant in (
            ("ours revocation", "revocation"),
            ("ours revocation cache", "revocation-cache"),
        ):
            if settings.HAS_REVOCATION:
                token = make_tokens(user, alg, variant).ours
                get(name, alg, variant, views.ours_default(), "/ours/default/", f"JWT {token}")
            else:
                missing.append(Missing(name, alg, f"{settings.REVOCATION_APP} not importable"))

        post("ours obtain", alg, "", views.ours_obtain, "/ours/obtain/", credentials)
        post("ours refresh", alg, "", views.ours_refresh, "/ours/refresh/", {"token": tokens.ours})
        if settings.HAS_ROTATION:

            def fresh_refresh_token() -> dict[str, str]:
                from rest_framework_jwt import rotation

                return {"refresh_token": rotation.start(user)["refresh_token"]}

            # Each request needs a refresh token not used yet: made (outside the clock) by
            # rotation.start, i.e. one login per request.
            post(
                "ours refresh rotating",
                alg,
                "rotating",
                views.ours_refresh,
                None,
                fresh_refresh_token,
            )
        else:
            missing.append(Missing("ours refresh rotating", alg, "no rest_framework_jwt.rotation"))
        post("ours verify", alg, "", views.ours_verify, "/ours/verify/", {"token": tokens.ours})

        if settings.HAS_SIMPLEJWT:
            bearer = f"Bearer {tokens.sj_access}"
            get("sj stateless", alg, "", views.sj_stateless(), "/simplejwt/stateless/", bearer)
            get("sj default", alg, "", views.sj_default(), "/simplejwt/default/", bearer)
            post("sj obtain", alg, "", views.sj_obtain, "/simplejwt/obtain/", credentials)
            refresh_body = {"refresh": tokens.sj_refresh}
            post("sj refresh", alg, "", views.sj_refresh, "/simplejwt/refresh/", refresh_body)
            post(
                "sj refresh rotating",
                alg,
                "",
                views.sj_refresh_rotating,
                "/simplejwt/refresh-rotating/",
                refresh_body,
            )
            verify_body = {"token": tokens.sj_access}
            post("sj verify", alg, "", views.sj_verify, "/simplejwt/verify/", verify_body)
        else:
            notes.append("djangorestframework-simplejwt is not installed: no comparison.")
    return cases, missing, sorted(set(notes))


# --------------------------------------------------------------------------------------------
# In-process measurement
# --------------------------------------------------------------------------------------------


class BenchError(Exception):
    pass


def call(case: Case) -> Any:
    response = case.view(case.make())
    response.render()
    return response


def check(case: Case) -> str | None:
    """One request outside the clock; None if it answered as expected, else why not."""
    try:
        with case.context():
            response = call(case)
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    if response.status_code != case.expect:
        return f"HTTP {response.status_code}: {response.content[:200]!r}"
    return None


def timed_batch(case: Case, size: int, warmup: int) -> tuple[float, float]:
    """Mean CPU and wall microseconds per request over ``size`` requests."""
    view, expect = case.view, case.expect
    for _ in range(warmup):
        call(case)
    requests = [case.make() for _ in range(size)]
    bad = 0
    gc.collect()
    cpu0 = time.thread_time_ns()
    wall0 = time.perf_counter_ns()
    for request in requests:
        response = view(request)
        response.render()
        if response.status_code != expect:
            bad += 1
    wall1 = time.perf_counter_ns()
    cpu1 = time.thread_time_ns()
    if bad:
        raise BenchError(f"{case.label} [{case.algorithm}]: {bad}/{size} answers were not {expect}")
    return (cpu1 - cpu0) / size / 1000, (wall1 - wall0) / size / 1000


def count_per_request(case: Case, size: int) -> None:
    """Queries and key parses per request (a separate pass: counting queries costs time)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with case.context():
        for _ in range(5):
            call(case)
        requests = [case.make() for _ in range(size)]
        before = KEY_PARSES.count
        with CaptureQueriesContext(connection) as captured:
            for request in requests:
                case.view(request).render()
        case.key_parses = (KEY_PARSES.count - before) / size
        case.queries = len(captured.captured_queries) / size


def measure(cases: list[Case], rounds: int, batch: int, warmup: int, seed: int) -> None:
    rng = random.Random(seed)
    started = time.monotonic()
    for number in range(1, rounds + 1):
        order = cases[:]
        rng.shuffle(order)
        for case in order:
            with case.context():
                cpu, wall = timed_batch(case, batch, warmup)
            case.cpu.append(cpu)
            case.wall.append(wall)
        elapsed = time.monotonic() - started
        print(f"  round {number}/{rounds} done ({elapsed:.0f} s)", file=sys.stderr, flush=True)
    for case in cases:
        count_per_request(case, 20)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread(values: list[float]) -> float:
    """Interquartile range as a share of the median."""
    if len(values) < 4:
        return float("nan")
    q1, _, q3 = statistics.quantiles(values, n=4)
    return (q3 - q1) / statistics.median(values)


def paired_ratio(case: Case | None, reference: Case | None) -> float | None:
    """Median over rounds of case / reference, both timed in the same round (CPU).

    Pairing by round cancels most of the drift of a busy machine: a slow round slows both.
    """
    if case is None or reference is None or not case.cpu:
        return None
    return statistics.median(a / b for a, b in zip(case.cpu, reference.cpu, strict=True))


def fmt_ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}x"


def report_table(cases: list[Case], missing: list[Missing], algorithms: list[str]) -> list[str]:
    by = {(case.name, case.algorithm): case for case in cases}
    lines = []
    header = (
        f"{'alg':<6} {'case':<42} {'CPU µs':>8} {'wall µs':>8} {'IQR':>5} "
        f"{'x limit':>7} {'x simplejwt':>11} {'queries':>7} {'key loads':>9}"
    )
    lines.append(header)
    lines.append("-" * len(header))
    missing_by = {(item.name, item.algorithm): item for item in missing}
    for alg in algorithms:
        limit = by.get(("limit", alg))
        for name in ORDER:
            case = by.get((name, alg))
            if case is None:
                gap = missing_by.get((name, alg))
                if gap is not None:
                    lines.append(f"{alg:<6} {LABELS[name]:<42} n/a: {gap.reason}")
                continue
            cpu = median(case.cpu)
            vs_limit = paired_ratio(case, limit) if name in AUTH_CASES else None
            vs_peer = paired_ratio(case, by.get((EQUIVALENT.get(name, ""), alg)))
            lines.append(
                f"{alg:<6} {case.label:<42} {cpu:>8.1f} {median(case.wall):>8.1f} "
                f"{spread(case.cpu) * 100:>4.0f}% {fmt_ratio(vs_limit):>7} "
                f"{fmt_ratio(vs_peer):>11} {case.queries:>7.2f} {case.key_parses:>9.2f}"
            )
        lines.append("")
    return lines


def report_targets(cases: list[Case], algorithms: list[str]) -> list[str]:
    by = {(case.name, case.algorithm): case for case in cases}
    parses = {(case.name, case.algorithm): case.key_parses for case in cases}
    lines = ["Targets (issue 5): CPU ratios of this run (medians of per-round ratios):"]

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    def ratio(name: str, reference: str, alg: str) -> float | None:
        return paired_ratio(by.get((name, alg)), by.get((reference, alg)))

    stateless = ratio("ours stateless", "limit", "HS256")
    if stateless is not None:
        lines.append(
            f"  stateless HS256 <= 1.10x limit: {stateless:.2f}x  {verdict(stateless <= 1.10)}"
        )
    else:
        lines.append("  stateless HS256 <= 1.10x limit: not measured in this run")
    external = ratio("ours external", "limit", "RS256")
    if external is not None:
        lines.append(
            f"  external issuer RS256 <= 1.10x limit: {external:.2f}x  {verdict(external <= 1.10)}"
        )
    else:
        lines.append("  external issuer RS256 <= 1.10x limit: not measured in this run")
    for name in ("ours default", "ours revocation", "ours revocation cache"):
        ratios = []
        for alg in algorithms:
            value = ratio(name, "sj default", alg)
            if value is not None:
                ratios.append(f"{alg} {value:.2f}x {verdict(value <= 0.5)}")
        if ratios:
            lines.append(
                f"  {LABELS[name]} <= 0.50x simplejwt JWTAuthentication: " + ", ".join(ratios)
            )
    for name in ("ours revocation", "ours revocation cache"):
        extras = []
        for alg in algorithms:
            value = ratio(name, "ours default", alg)
            if value is not None:
                extra = value - 1
                extras.append(f"{alg} {extra * 100:+.1f}% {verdict(extra <= 0.10)}")
        if extras:
            lines.append(f"  {LABELS[name]} adds <= 10% to default: " + ", ".join(extras))
        else:
            lines.append(f"  {LABELS[name]} adds <= 10%: not measured in this run")
    for alg in algorithms:
        if alg.startswith("HS"):
            continue
        counts = {
            name: parses.get((name, alg))
            for name in (
                "ours default",
                "ours external",
                "ours revocation",
                "ours verify",
                "ours refresh",
                "ours obtain",
            )
        }
        worst = max((value for value in counts.values() if value is not None), default=None)
        if worst is not None:
            lines.append(
                f"  {alg}: key loads per request (ours, worst of auth/verify/refresh/obtain): "
                f"{worst:.2f}  {verdict(worst == 0)}"
            )
    for endpoint in ("obtain", "refresh", "verify", "refresh rotating"):
        ratios = []
        for alg in algorithms:
            value = ratio(f"ours {endpoint}", f"sj {endpoint}", alg)
            if value is not None:
                ratios.append(f"{alg} {value:.2f}x {verdict(value <= 1.0)}")
        if ratios:
            lines.append(f"  {endpoint} <= 1.00x simplejwt: " + ", ".join(ratios))
        elif endpoint == "refresh rotating":
            lines.append("  refresh rotating <= 1.00x simplejwt: not measured in this run")
    return lines


def environment_lines(extra: str = "") -> list[str]:
    import django
    import jwt
    import rest_framework

    versions = [
        f"Python {platform.python_version()}",
        f"Django {django.get_version()}",
        f"DRF {rest_framework.VERSION}",
        f"PyJWT {jwt.__version__}",
    ]
    try:
        import cryptography

        versions.append(f"cryptography {cryptography.__version__}")
    except ImportError:
        pass
    if bench_settings().HAS_SIMPLEJWT:
        from importlib.metadata import version

        versions.append(f"simplejwt {version('djangorestframework-simplejwt')}")
    return [
        f"{time.strftime('%Y-%m-%d %H:%M %Z')} on {platform.node()}: {os.cpu_count()} cores, "
        f"{platform.machine()}, {platform.system()} {platform.release()}",
        ", ".join(versions) + (f"; {extra}" if extra else ""),
        "Password hasher for both packages: MD5PasswordHasher. SQLite file database.",
    ]


def in_process(args: argparse.Namespace, user: Any) -> int:
    algorithms = args.algorithms
    cases, missing, notes = build_cases(user, algorithms, args.cases)
    usable = []
    for case in cases:
        problem = check(case)
        if problem is None:
            usable.append(case)
        else:
            missing.append(Missing(case.name, case.algorithm, f"failed: {problem}"))
    print(
        f"{len(usable)} cases, {args.rounds} interleaved rounds of {args.batch} requests "
        f"(+{args.warmup} warm-up) each",
        file=sys.stderr,
    )
    measure(usable, args.rounds, args.batch, args.warmup, args.seed)
    lines = environment_lines(f"{args.rounds} rounds x {args.batch} requests")
    lines.append("")
    lines += report_table(usable, missing, algorithms)
    lines += report_targets(usable, algorithms)
    if notes:
        lines.append("")
        lines += [f"Note: {note}" for note in notes]
    print("\n".join(lines))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "environment": environment_lines(),
                    "cases": [
                        {
                            "case": case.name,
                            "label": case.label,
                            "algorithm": case.algorithm,
                            "cpu_us": case.cpu,
                            "wall_us": case.wall,
                            "cpu_median_us": median(case.cpu),
                            "wall_median_us": median(case.wall),
                            "queries_per_request": case.queries,
                            "key_parses_per_request": case.key_parses,
                        }
                        for case in usable
                    ],
                    "missing": [vars(item) for item in missing],
                },
                indent=2,
            )
        )
    return 0


# --------------------------------------------------------------------------------------------
# Profile
# --------------------------------------------------------------------------------------------

AREAS = (
    ("rest_framework_jwt", re.compile(r"[/\\]rest_framework_jwt[/\\]")),
    ("simplejwt", re.compile(r"[/\\]rest_framework_simplejwt[/\\]")),
    ("DRF", re.compile(r"[/\\]rest_framework[/\\]")),
    ("Django ORM", re.compile(r"[/\\]django[/\\]db[/\\]")),
    ("Django (other)", re.compile(r"[/\\]django[/\\]")),
    ("PyJWT", re.compile(r"[/\\]jwt[/\\]")),
    ("json", re.compile(r"[/\\]json[/\\]|_json")),
    ("sqlite3 (C)", re.compile(r"sqlite3")),
    ("base64/hmac/hashlib", re.compile(r"base64|hmac|hashlib|_hashlib|binascii|openssl")),
    ("cryptography", re.compile(r"cryptography|_rust")),
    ("bench views", re.compile(r"[/\\]bench[/\\]")),
)


def area_of(function: tuple[str, int, str]) -> str:
    filename, _, name = function
    text = f"{filename} {name}"
    for area, pattern in AREAS:
        if pattern.search(text):
            return area
    return "stdlib/builtins (other)"


def short(function: tuple[str, int, str]) -> str:
    filename, line, name = function
    if filename == "~":
        return name
    for marker in ("site-packages/", "src/", "lib/python"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{filename}:{line}({name})"


def profile(args: argparse.Namespace, user: Any) -> int:
    cases, _, _ = build_cases(user, args.algorithms)
    wanted = [case for case in cases if case.name in args.profile_cases]
    if not wanted:
        print(f"no case named {args.profile_cases}", file=sys.stderr)
        return 2
    for case in wanted:
        problem = check(case)
        if problem:
            print(f"{case.label} [{case.algorithm}]: {problem}", file=sys.stderr)
            continue
        n = args.profile_requests
        with case.context():
            for _ in range(200):
                call(case)
            requests = [case.make() for _ in range(n)]
            profiler = cProfile.Profile()
            gc.collect()
            profiler.enable()
            for request in requests:
                case.view(request).render()
            profiler.disable()
        stats = pstats.Stats(profiler)
        raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
        total = sum(entry[2] for entry in raw.values())
        print(f"\n=== {case.label} [{case.algorithm}]: {n} requests under cProfile ===")
        print(f"profiled total {total / n * 1e6:.1f} µs/request (cProfile adds overhead)")
        areas: dict[str, float] = {}
        for function, entry in raw.items():
            areas[area_of(function)] = areas.get(area_of(function), 0.0) + entry[2]
        print("\nself time by area:")
        for area, seconds in sorted(areas.items(), key=lambda item: -item[1]):
            print(f"  {area:<26} {seconds / n * 1e6:>7.1f} µs  {seconds / total * 100:>5.1f}%")
        print(f"\ntop {args.profile_top} functions by self time (per request):")
        print(f"  {'calls':>6} {'self µs':>8} {'incl µs':>8}  function")
        ranked = sorted(raw.items(), key=lambda item: -item[1][2])[: args.profile_top]
        for function, (_, ncalls, tottime, cumtime, _) in ranked:
            print(
                f"  {ncalls / n:>6.1f} {tottime / n * 1e6:>8.1f} {cumtime / n * 1e6:>8.1f}  "
                f"{short(function)}"
            )
        print("\ninclusive time of the package's functions (per request):")
        ours = [
            (function, entry)
            for function, entry in raw.items()
            if "rest_framework_jwt" in function[0] or "rest_framework_simplejwt" in function[0]
        ]
        for function, (_, ncalls, _, cumtime, _) in sorted(ours, key=lambda item: -item[1][3])[
            : args.profile_top
        ]:
            print(f"  {ncalls / n:>6.1f} {cumtime / n * 1e6:>8.1f}  {short(function)}")
    return 0


# --------------------------------------------------------------------------------------------
# gunicorn
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(process: subprocess.Popen[bytes], port: int, timeout: float = 30.0) -> None:
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/ping/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError("gunicorn did not answer within 30 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)", text)
    return float(match.group(1)) * _UNITS[match.group(2)] if match else float("nan")


def load_wrk(
    case: Case, port: int, duration: float, concurrency: int, workdir: Path
) -> dict[str, Any]:
    command = [
        "wrk",
        "-t1",
        f"-c{concurrency}",
        f"-d{max(1, round(duration))}s",
        "--latency",
        "--timeout",
        "5s",
    ]
    for name, value in case.headers.items():
        command += ["-H", f"{name}: {value}"]
    if case.method == "POST":
        script = workdir / "post.lua"
        body = (case.body or b"").decode()
        script.write_text(f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n')
        command += ["-s", str(script)]
    command.append(f"http://127.0.0.1:{port}{case.path}")
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 30, check=True
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    p50 = re.search(r"\s50%\s+(\S+)", output)
    p99 = re.search(r"\s99%\s+(\S+)", output)
    errors = int(non2xx.group(1)) if non2xx else 0
    if socket_errors:
        # Read errors on a sync worker's closed connection are not failed requests.
        errors += int(socket_errors.group(1)) + int(socket_errors.group(4))
    return {
        "rps": float(rps.group(1)) if rps else float("nan"),
        "p50_ms": _ms(p50.group(1)) if p50 else float("nan"),
        "p99_ms": _ms(p99.group(1)) if p99 else float("nan"),
        "errors": errors,
    }


def load_python(case: Case, port: int, duration: float, concurrency: int) -> dict[str, Any]:
    from bench import loadgen

    result = loadgen.run(
        f"http://127.0.0.1:{port}{case.path}",
        method=case.method,
        headers=case.headers,
        body=case.body,
        duration=duration,
        concurrency=concurrency,
    )
    return {
        "rps": result.rps,
        "p50_ms": result.percentile(0.5) * 1000,
        "p99_ms": result.percentile(0.99) * 1000,
        "errors": result.errors,
    }


def start_server(
    args: argparse.Namespace, db_path: Path, alg: str, variant: str, port: int
) -> subprocess.Popen[bytes]:
    """gunicorn on 127.0.0.1:port serving the bench project for one algorithm and mode."""
    env = dict(
        os.environ,
        BENCH_DB=str(db_path),
        BENCH_ALGORITHM=alg,
        BENCH_VARIANT=variant,
        DJANGO_SETTINGS_MODULE="bench.settings",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    )
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "bench.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--chdir",
        str(ROOT),
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, env=env)


def gunicorn_mode(args: argparse.Namespace, user: Any, db_path: Path) -> int:
    loadgen = args.loadgen
    if loadgen == "auto":
        loadgen = "wrk" if shutil.which("wrk") else "python"
    cases, missing, notes = build_cases(user, args.algorithms, args.cases)
    results: list[tuple[Case, dict[str, Any]]] = []
    workdir = db_path.parent
    servers: dict[tuple[str, str], list[Case]] = {}
    for case in cases:
        if case.path is None:
            missing.append(Missing(case.name, case.algorithm, "needs a new token per request"))
            continue
        if case.name == "ours external":  # the server processes would fetch the JWK Set
            missing.append(Missing(case.name, case.algorithm, "in-process only (seeded JWKS)"))
            continue
        servers.setdefault((case.algorithm, case.variant), []).append(case)
    processes: list[subprocess.Popen[bytes]] = []
    ports: dict[tuple[str, str], int] = {}
    rounds = max(1, args.gunicorn_rounds)
    per_round = args.duration / rounds
    samples: dict[int, list[dict[str, Any]]] = {id(case): [] for case in cases}
    order = [case for server_cases in servers.values() for case in server_cases]
    try:
        for alg, variant in servers:
            port = ports[(alg, variant)] = free_port()
            print(f"gunicorn {alg} {variant or 'base'} on 127.0.0.1:{port}", file=sys.stderr)
            processes.append(start_server(args, db_path, alg, variant, port))
        for process, port in zip(processes, ports.values(), strict=True):
            wait_ready(process, port)
        rng = random.Random(args.seed)
        for number in range(1, rounds + 1):
            rng.shuffle(order)
            for case in order:
                port = ports[(case.algorithm, case.variant)]
                if loadgen == "wrk":
                    load_wrk(case, port, 1, args.concurrency, workdir)
                    outcome = load_wrk(case, port, per_round, args.concurrency, workdir)
                else:
                    load_python(case, port, 1, args.concurrency)
                    outcome = load_python(case, port, per_round, args.concurrency)
                samples[id(case)].append(outcome)
            print(f"  round {number}/{rounds} done", file=sys.stderr, flush=True)
    finally:
        for process in processes:
            stop(process)
    for case in order:
        runs = samples[id(case)]
        if not runs:
            continue
        results.append(
            (
                case,
                {
                    "rps": median([run["rps"] for run in runs]),
                    "p50_ms": median([run["p50_ms"] for run in runs]),
                    "p99_ms": median([run["p99_ms"] for run in runs]),
                    "errors": sum(run["errors"] for run in runs),
                },
            )
        )

    by = {(case.name, case.algorithm): outcome for case, outcome in results}
    lines = environment_lines(
        f"gunicorn {args.workers} sync workers, load by {loadgen} "
        f"({args.concurrency} connections, {args.duration:g} s per case in {rounds} interleaved "
        "rounds, medians), all on this machine"
    )
    lines.append("")
    header = (
        f"{'alg':<6} {'case':<42} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
        f"{'vs limit':>8} {'vs simplejwt':>12}"
    )
    lines += [header, "-" * len(header)]
    for alg in args.algorithms:
        limit = by.get(("limit", alg))
        for name in ORDER:
            outcome = by.get((name, alg))
            if outcome is None:
                continue
            vs_limit = outcome["rps"] / limit["rps"] if limit and name in AUTH_CASES else None
            peer = by.get((EQUIVALENT.get(name, ""), alg))
            vs_peer = outcome["rps"] / peer["rps"] if peer else None
            lines.append(
                f"{alg:<6} {LABELS[name]:<42} {outcome['rps']:>7.0f} {outcome['p50_ms']:>7.2f} "
                f"{outcome['p99_ms']:>7.2f} {outcome['errors']:>6} {fmt_ratio(vs_limit):>8} "
                f"{fmt_ratio(vs_peer):>12}"
            )
        lines.append("")
    lines.append("'vs limit' and 'vs simplejwt' are throughput ratios: above 1.00x is faster.")
    for item in missing:
        if item.algorithm == args.algorithms[0]:
            lines.append(f"n/a: {LABELS[item.name]}: {item.reason}")
    lines += [f"Note: {note}" for note in notes]
    print("\n".join(lines))
    return 0


# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark rest_framework_jwt against the limit and simplejwt."
    )
    parser.add_argument(
        "--algorithms",
        default="HS256,RS256,ES256,EdDSA",
        help="comma-separated (default: HS256,RS256,ES256,EdDSA; --gunicorn default: HS256)",
    )
    parser.add_argument("--rounds", type=int, default=40, help="interleaved rounds (40)")
    parser.add_argument("--batch", type=int, default=30, help="timed requests per round (30)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per round (5)")
    parser.add_argument("--seed", type=int, default=5, help="seed of the round order")
    parser.add_argument("--quick", action="store_true", help="4 rounds of 20 (a smoke test)")
    parser.add_argument(
        "--cases",
        help="only the cases whose name contains one of these comma-separated words "
        "(names: " + ", ".join(LABELS) + ")",
    )
    parser.add_argument("--json", help="also write the raw samples to this file")
    parser.add_argument("--profile", action="store_true", help="profile instead of timing")
    parser.add_argument(
        "--profile-case",
        dest="profile_cases",
        action="append",
        help="case to profile (default: 'ours default'; repeatable, e.g. 'sj default')",
    )
    parser.add_argument("--profile-requests", type=int, default=5000)
    parser.add_argument("--profile-top", type=int, default=25)
    parser.add_argument("--gunicorn", action="store_true", help="requests/s through gunicorn")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per case (10)")
    parser.add_argument(
        "--gunicorn-rounds", type=int, default=3, help="--duration is split over these (3)"
    )
    parser.add_argument("--concurrency", type=int, default=4, help="connections (4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    args = parser.parse_args(argv)
    if args.gunicorn and args.algorithms == parser.get_default("algorithms"):
        args.algorithms = "HS256"
    args.algorithms = [item.strip() for item in args.algorithms.split(",") if item.strip()]
    if args.profile and args.algorithms == parser.get_default("algorithms").split(","):
        args.algorithms = ["HS256"]
    args.profile_cases = args.profile_cases or ["ours default"]
    args.cases = [word.strip() for word in args.cases.split(",")] if args.cases else None
    if args.quick:
        args.rounds, args.batch, args.warmup, args.duration = 4, 20, 3, 3.0
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="rest_framework_jwt-bench-"))
    try:
        db_path = workdir / "bench.sqlite3"
        user = setup_django(db_path)
        KEY_PARSES.install()
        if args.profile:
            return profile(args, user)
        if args.gunicorn:
            return gunicorn_mode(args, user, db_path)
        return in_process(args, user)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
