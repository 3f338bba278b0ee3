"""The benchmark's cases and targets: one declarative registry, read by every part of bench/.

A case says what request it sends to which view (``bench.views``), in which mode of
rest_framework_jwt (a key of ``bench.settings.VARIANTS``), and what it is compared with: its
peer (simplejwt's equivalent) and its targets. Nothing here imports Django, so the
post-processing (``bench.report``) and its test read it without a project.

Request templates name the tokens of ``bench.build.Tokens``: ``{ours}`` (our token, made in the
case's mode), ``{sj_access}``, ``{sj_refresh}``, ``{external}`` (a token of the external
issuer); a body of ``None`` with ``fresh_refresh="ours"`` (or ``"sj"``) asks for a new refresh
token of ours in refresh-token mode (or of simplejwt, recorded by its blacklist app as its login
would) per request, made outside the clock: a rotation consumes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ALGORITHMS = ("HS256", "RS256", "ES256", "EdDSA")
ASYMMETRIC = ("RS256", "ES256", "EdDSA")


@dataclass(frozen=True)
class Target:
    """``case`` costs at most ``at_most`` times ``reference`` (CPU, paired per round)."""

    reference: str
    at_most: float
    source: str
    algorithms: tuple[str, ...] = ALGORITHMS


@dataclass(frozen=True)
class Case:
    name: str
    label: str
    view: str
    path: str
    method: str = "GET"
    #: The Authorization header (a template), for GET cases.
    header: str = ""
    #: The JSON body (values are templates), for POST cases.
    body: dict[str, str] | None = None
    #: Whose refresh token each request needs anew ("ours", "sj"), or "".
    fresh_refresh: str = ""
    variant: str = ""
    #: An authentication row: its ratio to the limit is shown and charted.
    auth: bool = False
    peer: str | None = None
    targets: tuple[Target, ...] = ()
    algorithms: tuple[str, ...] = ALGORITHMS
    #: Part of `make bench-quick`.
    quick: bool = False
    #: What must be installed (a ``HAS_*`` flag of bench/settings.py), else the row is n/a.
    needs: tuple[str, ...] = field(default=())
    #: What is timed: the whole DRF view ("view"), or the authentication class's
    #: ``authenticate()`` alone ("authenticate", the request wrapped in DRF's ``Request``
    #: before the clock starts).
    level: str = "view"
    #: Runs only when ``--cases`` names it by a word that no other kind of case has (see
    #: :func:`selected`): a one-off measurement, not a row of every run.
    opt_in: bool = False

    def http(self) -> bool:
        """Whether a fixed request can be replayed over HTTP (--gunicorn)."""
        return not self.fresh_refresh and self.variant != "external" and self.level == "view"


@dataclass(frozen=True)
class HttpTarget:
    """Over HTTP (``--gunicorn``), ``case`` serves at least ``at_least`` times the requests per
    second of ``reference`` (throughput, paired per round)."""

    case: str
    reference: str
    at_least: float
    source: str


ISSUE_14 = "issue 14"
ISSUE_5 = "issue 5"
ISSUE_11 = "issue 11"
CREDENTIALS = {"username": "{username}", "password": "{password}"}

CASES: tuple[Case, ...] = (
    Case("floor", "floor: DRF view, no auth, no decode", "FloorView", "/floor/", auth=True),
    Case(
        "limit",
        "limit: no auth + raw jwt.decode",
        "LimitView",
        "/limit/",
        header="JWT {ours}",
        auth=True,
        quick=True,
    ),
    Case(
        "ours stateless",
        "ours, stateless",
        "ours_stateless",
        "/ours/stateless/",
        header="JWT {ours}",
        variant="stateless",
        auth=True,
        peer="sj stateless",
        quick=True,
        targets=(
            Target("sj stateless", 0.60, ISSUE_14),
            Target("limit", 1.10, ISSUE_5, ("HS256",)),
        ),
    ),
    Case(
        "ours external",
        "ours, external issuer (JWKS cached)",
        "ours_external",
        "/ours/external/",
        header="Bearer {external}",
        variant="external",
        auth=True,
        algorithms=ASYMMETRIC,
        targets=(Target("limit", 1.10, ISSUE_11, ("RS256",)),),
    ),
    Case(
        "ours default",
        "ours, default (user from DB)",
        "ours_default",
        "/ours/default/",
        header="JWT {ours}",
        auth=True,
        peer="sj default",
        quick=True,
        targets=(Target("sj stateless", 1.00, ISSUE_14), Target("sj default", 0.50, ISSUE_5)),
    ),
    Case(
        "ours uncached",
        "ours, default, token cache off",
        "ours_default",
        "/ours/default/",
        header="JWT {ours}",
        variant="uncached",
        auth=True,
        peer="sj default",
    ),
    Case(
        "ours revocation",
        "ours, revocation on (DB denylist)",
        "ours_default",
        "/ours/default/",
        header="JWT {ours}",
        variant="revocation",
        auth=True,
        peer="sj default",
        needs=("HAS_REVOCATION",),
        targets=(Target("sj default", 0.50, ISSUE_5), Target("ours default", 1.10, ISSUE_5)),
    ),
    Case(
        "ours revocation cache",
        "ours, revocation on (cache denylist)",
        "ours_default",
        "/ours/default/",
        header="JWT {ours}",
        variant="revocation-cache",
        auth=True,
        peer="sj default",
        needs=("HAS_REVOCATION",),
        targets=(Target("sj default", 0.50, ISSUE_5), Target("ours default", 1.10, ISSUE_5)),
    ),
    Case(
        "sj stateless",
        "simplejwt JWTStatelessUserAuthentication",
        "sj_stateless",
        "/simplejwt/stateless/",
        header="Bearer {sj_access}",
        auth=True,
        needs=("HAS_SIMPLEJWT",),
        quick=True,
    ),
    Case(
        "sj default",
        "simplejwt JWTAuthentication",
        "sj_default",
        "/simplejwt/default/",
        header="Bearer {sj_access}",
        auth=True,
        needs=("HAS_SIMPLEJWT",),
        quick=True,
    ),
    Case(
        "ours obtain",
        "ours obtain (default throttles on)",
        "ours_obtain",
        "/ours/obtain/",
        method="POST",
        body=CREDENTIALS,
        variant="throttled",
        peer="sj obtain",
        targets=(Target("sj obtain", 1.00, ISSUE_14),),
    ),
    Case(
        "sj obtain",
        "simplejwt TokenObtainPairView",
        "sj_obtain",
        "/simplejwt/obtain/",
        method="POST",
        body=CREDENTIALS,
        needs=("HAS_SIMPLEJWT",),
    ),
    Case(
        "ours refresh",
        "ours refresh",
        "ours_refresh",
        "/ours/refresh/",
        method="POST",
        body={"token": "{ours}"},
        peer="sj refresh",
        targets=(Target("sj refresh", 1.00, ISSUE_5),),
    ),
    Case(
        "sj refresh",
        "simplejwt TokenRefreshView",
        "sj_refresh",
        "/simplejwt/refresh/",
        method="POST",
        body={"refresh": "{sj_refresh}"},
        needs=("HAS_SIMPLEJWT",),
    ),
    Case(
        "ours refresh rotating",
        "ours refresh, rotating (JWT_REFRESH_TOKENS)",
        "ours_refresh",
        "/ours/refresh/",
        method="POST",
        fresh_refresh="ours",
        variant="rotating",
        peer="sj refresh rotating blacklist",
        needs=("HAS_ROTATION",),
        # Like for like: both record the used token (issue 14).
        targets=(Target("sj refresh rotating blacklist", 1.00, ISSUE_14),),
    ),
    Case(
        "sj refresh rotating",
        "simplejwt TokenRefreshView, rotating, no blacklist app (records nothing)",
        "sj_refresh_rotating",
        "/simplejwt/refresh-rotating/",
        method="POST",
        body={"refresh": "{sj_refresh}"},
        needs=("HAS_SIMPLEJWT",),
    ),
    Case(
        "sj refresh rotating blacklist",
        "simplejwt TokenRefreshView, rotating, blacklist app, BLACKLIST_AFTER_ROTATION",
        "sj_refresh_rotating_blacklist",
        "/simplejwt/refresh-rotating-blacklist/",
        method="POST",
        fresh_refresh="sj",
        needs=("HAS_SJ_BLACKLIST",),
    ),
    Case(
        "ours verify",
        "ours verify",
        "ours_verify",
        "/ours/verify/",
        method="POST",
        body={"token": "{ours}"},
        peer="sj verify",
        targets=(Target("sj verify", 1.10, ISSUE_14),),
    ),
    Case(
        "sj verify",
        "simplejwt TokenVerifyView",
        "sj_verify",
        "/simplejwt/verify/",
        method="POST",
        body={"token": "{sj_access}"},
        needs=("HAS_SIMPLEJWT",),
    ),
)

#: What the async support costs the sync request path: ``authenticate()`` of our default and
#: stateless classes as they are (their steps run by the step driver, which serves the sync and
#: the async path), next to the same steps called in a row (bench/views.py, ``Direct*``), timed
#: alone; and both with the I/O steps stubbed (their first answers replayed), which leaves the
#: orchestration alone. ``--cases async-cost``; the ``x peer`` column is driver / direct.
ASYNC_COST_CASES: tuple[Case, ...] = tuple(
    Case(
        f"async-cost {mode} {how}",
        f"authenticate() alone, {mode}, {label}",
        f"auth_{mode}_{how}",
        "/ours/default/",
        header="JWT {ours}",
        variant="stateless" if mode == "stateless" else "",
        level="authenticate",
        opt_in=True,
        algorithms=("HS256",),
        peer=f"async-cost {mode} direct" if how == "driver" else None,
    )
    for mode in ("default", "stateless", "stubbed")
    for how, label in (("driver", "the step driver"), ("direct", "the steps in a row"))
)

CASES += ASYNC_COST_CASES

BY_NAME = {case.name: case for case in CASES}

#: Issue 14, item 2: over HTTP, the default mode serves at least simplejwt's stateless rate.
HTTP_TARGETS: tuple[HttpTarget, ...] = (HttpTarget("ours default", "sj stateless", 1.00, ISSUE_14),)


def benchmark_name(case: str, algorithm: str) -> str:
    """The pyperf benchmark name of ``case`` with ``algorithm``."""
    return f"{case} [{algorithm}]"


def parse_benchmark_name(name: str) -> tuple[str, str]:
    case, _, rest = name.rpartition(" [")
    return case, rest.rstrip("]")


def selected(
    algorithms: tuple[str, ...] | list[str], words: list[str] | None = None, quick: bool = False
) -> list[tuple[Case, str]]:
    """The (case, algorithm) pairs of a run: the floor once (first algorithm), the rest per
    algorithm; ``words`` keeps the cases whose name contains one (and the limit). An opt-in
    case needs a word of its own: one that no regular case's name contains (``async-cost``,
    not ``default``)."""
    regular = [case.name for case in CASES if not case.opt_in]
    pairs = []
    for case in CASES:
        if quick and not case.quick:
            continue
        if words and case.name != "limit" and not any(word in case.name for word in words):
            continue
        if case.opt_in and not any(
            word in case.name and not any(word in name for name in regular) for word in words or ()
        ):
            continue
        for algorithm in algorithms:
            if algorithm not in case.algorithms:
                continue
            if case.name == "floor" and algorithm != algorithms[0]:
                continue
            pairs.append((case, algorithm))
    # The limit only where something is compared with it.
    used = {algorithm for case, algorithm in pairs if case.name != "limit"}
    return [(case, algorithm) for case, algorithm in pairs if algorithm in used]
