"""Property tests: whatever arrives in the Authorization header, the cookie, a token or a request
body, the answer is a client error or success with a JSON body, and no exception escapes."""

from __future__ import annotations

import json
import math
import time
import uuid

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient, APIRequestFactory

from rest_framework_jwt.settings import api_settings
from tests import helpers as routes
from tests.helpers import FORK, Mode, b64, sign
from tests.helpers import protected as call_protected

FUZZ = hyp_settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ALLOWED = {200, 201, 400, 401, 403}
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


# ----------------------------------------------------------------------------------------------
# helpers


#: The fuzz tests draw the mode with each example instead of running twice (the examples are
#: shared between 1.x and drf-jwt mode).
modes = st.sampled_from([{}, FORK])


def in_mode(settings, base: dict) -> Mode:
    """Configure the drawn mode, with the cookie and refresh on."""
    mode = Mode(settings, base)
    mode.configure(JWT_AUTH_COOKIE="jwt-auth", JWT_ALLOW_REFRESH=True)
    return mode


def good_claims(username: str = "admin") -> dict:
    now = int(time.time())
    return {
        "user_id": 1,
        "username": username,
        "exp": now + 3600,
        "iat": now,
        "orig_iat": now,
        "jti": uuid.uuid4().hex,
    }


def signed(mode: Mode) -> set[int]:
    """What the protected view may answer for a token with a good signature: 200, 401, and in
    drf-jwt mode its 403 "Token is blacklisted." for a revoked one (a ``pwv`` claim of another
    password, say)."""
    return {200, 401, 403} if mode.fork else {200, 401}


def check(response, allowed: set[int]) -> None:
    """The response is one of ``allowed`` and carries a JSON body; errors have a message."""
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    assert response.status_code in allowed, (response.status_code, response.content[:300])
    body = json.loads(response.content)
    if response.status_code >= 400:
        assert body, response.content
    if response.status_code == 401:
        assert body.get("detail")
        assert response.has_header("WWW-Authenticate")
    if response.status_code == 403:
        assert body.get("detail") == "Token is blacklisted.", body


def call_token_view(name: str, body):
    from rest_framework_jwt import views

    view = {
        "obtain": views.obtain_jwt_token,
        "refresh": views.refresh_jwt_token,
        "verify": views.verify_jwt_token,
    }[name]
    factory = APIRequestFactory()
    if isinstance(body, bytes):
        request = factory.post("/", data=body, content_type="application/json")
    else:
        request = factory.post("/", data=json.dumps(body), content_type="application/json")
    return view(request)


def valid_token(mode: Mode, user) -> str:
    """A token of ``user`` in ``mode``, checked to be accepted."""
    from rest_framework_jwt import utils

    token = utils.jwt_encode_handler(utils.jwt_payload_handler(user))
    check(call_protected(f"{mode.prefix} {token}"), {200})
    return token


# ----------------------------------------------------------------------------------------------
# strategies


# st.text() leaves out lone surrogates; the tests below want them (and other odd characters).
wild_chars = st.one_of(
    st.characters(exclude_categories=[]),
    st.sampled_from(["\udcff", "\ud800", "\udfff", "\u2603", "\xff", "\x00", " ", "\t", ".", "="]),
)
wild_text = st.text(wild_chars, max_size=200)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.sampled_from([0, -1, 2**31, 2**63, 2**64, 10**30, 253402300800, int(time.time()) + 300]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["admin", "sleeper", "root", "", "\x00", "\udcff", "a" * 200]),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)

claim_sets = st.fixed_dictionaries(
    {},
    optional={
        "username": st.one_of(
            st.sampled_from(["admin", "sleeper", "ghost"]),
            st.text(wild_chars, max_size=20),
            json_values,
        ),
        "user_id": json_values,
        "email": json_values,
        "exp": st.one_of(st.just(int(time.time()) + 3600), json_values),
        "iat": st.one_of(st.just(int(time.time())), json_values),
        "nbf": json_values,
        "orig_iat": st.one_of(st.just(int(time.time())), json_values),
        "jti": st.one_of(st.just(uuid.uuid4().hex), json_values),
        "orig_jti": json_values,
        "aud": json_values,
        "iss": json_values,
        "sub": json_values,
        "act": st.one_of(st.fixed_dictionaries({"sub": json_values}), json_values),
    },
)

header_sets = st.one_of(
    st.just({"alg": "HS256", "typ": "JWT"}),
    st.fixed_dictionaries(
        {
            "alg": st.one_of(
                st.sampled_from(["HS256", "HS512", "none", "RS256", "ES256"]), json_values
            )
        },
        optional={
            "typ": json_values,
            "kid": json_values,
            "crit": json_values,
            "b64": json_values,
            "jku": json_values,
            "cty": json_values,
        },
    ),
    json_values,
)


HEADER_PIECES = [
    "JWT", "Bearer", "jwt", "Basic", " ", "  ", "\t", "\n", ".", "..", "=", "eyJ", "e30",
    "eyJhbGciOiJIUzI1NiJ9", "\x00", "\xff", "\xe9", "\u2603", "\udcff", "\ud800", "%", ",", ";",
    "a" * 50,
]  # fmt: skip
header_pieces = st.sampled_from(HEADER_PIECES)


@st.composite
def mutated(draw, token: str) -> str:
    """Apply one to three edits to ``token``."""
    edits = draw(st.integers(min_value=1, max_value=3))
    for _ in range(edits):
        kind = draw(
            st.sampled_from(
                ["flip", "truncate", "insert", "delete", "segment", "drop", "swap", "dup", "resign"]
            )
        )
        parts = token.split(".")
        if kind == "flip" and token:
            i = draw(st.integers(min_value=0, max_value=len(token) - 1))
            c = draw(st.one_of(st.sampled_from(B64URL + ".=+/ "), wild_chars))
            token = token[:i] + c + token[i + 1 :]
        elif kind == "truncate":
            token = token[: draw(st.integers(min_value=0, max_value=len(token)))]
        elif kind == "insert":
            i = draw(st.integers(min_value=0, max_value=len(token)))
            token = (
                token[:i]
                + draw(st.one_of(st.just("."), st.text(wild_chars, max_size=5)))
                + token[i:]
            )
        elif kind == "delete" and token:
            i = draw(st.integers(min_value=0, max_value=len(token) - 1))
            j = draw(st.integers(min_value=i, max_value=len(token)))
            token = token[:i] + token[j:]
        elif kind == "segment":
            k = draw(st.integers(min_value=0, max_value=len(parts) - 1))
            parts[k] = draw(
                st.one_of(
                    st.text(alphabet=B64URL, max_size=60),
                    st.binary(max_size=40).map(b64),
                    json_values.map(lambda v: b64(json.dumps(v).encode())),
                    st.text(max_size=20),
                )
            )
            token = ".".join(parts)
        elif kind == "drop" and len(parts) > 1:
            k = draw(st.integers(min_value=0, max_value=len(parts) - 1))
            token = ".".join(parts[:k] + parts[k + 1 :])
        elif kind == "swap" and len(parts) > 1:
            i, j = draw(st.permutations(range(len(parts))))[:2]
            parts[i], parts[j] = parts[j], parts[i]
            token = ".".join(parts)
        elif kind == "dup":
            k = draw(st.integers(min_value=0, max_value=len(parts) - 1))
            token = ".".join(parts[: k + 1] + parts[k:])
        elif kind == "resign":
            # Keep the header, change the claims, sign with the real key.
            token = sign(draw(claim_sets))
    return token


# ----------------------------------------------------------------------------------------------
# the Authorization header


@FUZZ
@given(base=modes, text=wild_text)
def test_fuzz_header_text(settings, user, text, base):
    in_mode(settings, base)
    check(call_protected(text), {200, 401})


@FUZZ
@given(base=modes, text=wild_text)
def test_fuzz_header_text_after_prefix(settings, user, text, base):
    mode = in_mode(settings, base)
    check(call_protected(f"{mode.prefix} {text}"), {200, 401})


@FUZZ
@given(base=modes, data=st.binary(max_size=200))
def test_fuzz_header_bytes(settings, user, data, base):
    mode = in_mode(settings, base)
    # What a WSGI server hands over: the raw header bytes decoded as latin-1.
    check(call_protected(data.decode("latin-1")), {200, 401})
    raw = (mode.prefix.encode() + b" " + data).decode("latin-1")
    check(call_protected(raw), {200, 401})


@FUZZ
@given(base=modes, pieces=st.lists(header_pieces, max_size=12))
def test_fuzz_header_from_pieces(settings, user, pieces, base):
    in_mode(settings, base)
    check(call_protected("".join(pieces)), {200, 401})


@FUZZ
@given(base=modes, text=wild_text, data=st.data())
def test_fuzz_header_and_cookie(settings, user, inactive_user, text, data, base):
    mode = in_mode(settings, base)
    token_of_user = valid_token(mode, user)
    cookie_value = data.draw(st.one_of(st.just(token_of_user), mutated(token_of_user), st.text()))
    # A server hands the Cookie header over as latin-1 text of the bytes the client sent (UTF-8).
    cookie = f"jwt-auth={cookie_value}".encode("utf-8", "surrogatepass").decode("latin-1")
    check(call_protected(f"{mode.prefix} {text}", cookie=cookie), {200, 401})
    check(call_protected(cookie=cookie), {200, 401})


# ----------------------------------------------------------------------------------------------
# tokens: mutations of a valid one, and signed tokens with arbitrary claims


@FUZZ
@given(base=modes, data=st.data())
def test_fuzz_mutated_token_in_header_verify_and_refresh(settings, user, inactive_user, data, base):
    mode = in_mode(settings, base)
    token = data.draw(mutated(valid_token(mode, user)))
    check(call_protected(f"{mode.prefix} {token}"), signed(mode))
    check(call_token_view("verify", {"token": token}), {mode.ok, 400})
    check(call_token_view("refresh", {"token": token}), {mode.ok, 400})


@FUZZ
@given(base=modes, claims=claim_sets)
def test_fuzz_signed_claims(settings, user, inactive_user, claims, base):
    mode = in_mode(settings, base)
    token = sign(claims)
    check(call_protected(f"{mode.prefix} {token}"), signed(mode))
    check(call_token_view("verify", {"token": token}), {mode.ok, 400})
    check(call_token_view("refresh", {"token": token}), {mode.ok, 400})


@FUZZ
@given(base=modes, header=header_sets, claims=st.one_of(claim_sets, json_values))
def test_fuzz_signed_headers_and_payloads(settings, user, header, claims, base):
    mode = in_mode(settings, base)
    token = sign(json.dumps(claims), header=json.dumps(header))  # any JSON value, as JSON text
    check(call_protected(f"{mode.prefix} {token}"), signed(mode))
    check(call_token_view("verify", {"token": token}), {mode.ok, 400})


@FUZZ
@given(base=modes, header=st.binary(max_size=60), payload=st.binary(max_size=120))
def test_fuzz_signed_raw_bytes(settings, user, header, payload, base):
    mode = in_mode(settings, base)
    token = sign(payload, header)
    check(call_protected(f"{mode.prefix} {token}"), signed(mode))
    check(call_token_view("verify", {"token": token}), {mode.ok, 400})


@FUZZ
@given(base=modes, claims=claim_sets)
def test_fuzz_good_claims_with_one_changed(settings, user, claims, base):
    """Start from claims that work and override some: only well-typed values may pass."""
    mode = in_mode(settings, base)
    payload = {**good_claims(), **claims}
    token = sign(payload)
    response = call_protected(f"{mode.prefix} {token}")
    check(response, signed(mode))
    if response.status_code != 200:
        return
    now = time.time()
    assert payload["username"] == "admin"
    for name in ("exp", "iat", "nbf"):
        if name in payload:
            value = payload[name]
            assert type(value) in (int, float) and math.isfinite(value), (name, value)
    assert payload["exp"] > now - 1
    assert payload.get("iat", 0) <= now + 1
    assert payload.get("nbf", 0) <= now + 1
    assert "aud" not in payload
    for name in ("jti", "iss", "sub"):
        assert name not in payload or isinstance(payload[name], str), (name, payload[name])


# ----------------------------------------------------------------------------------------------
# request bodies of the token views


@FUZZ
@given(base=modes, body=json_values)
def test_fuzz_obtain_json_body(settings, user, body, base):
    mode = in_mode(settings, base)
    check(call_token_view("obtain", body), {mode.ok, 400})


@FUZZ
@given(base=modes, username=json_values, password=json_values)
def test_fuzz_obtain_fields(settings, user, username, password, base):
    mode = in_mode(settings, base)
    check(call_token_view("obtain", {"username": username, "password": password}), {mode.ok, 400})


@FUZZ
@given(base=modes, body=st.binary(max_size=200))
def test_fuzz_obtain_raw_body(settings, user, body, base):
    mode = in_mode(settings, base)
    check(call_token_view("obtain", body), {mode.ok, 400})


@FUZZ
@given(base=modes, body=st.binary(max_size=200))
def test_fuzz_obtain_form_body(settings, user, body, base):
    mode = in_mode(settings, base)
    from rest_framework_jwt import views

    request = APIRequestFactory().post(
        "/", data=body, content_type="application/x-www-form-urlencoded"
    )
    check(views.obtain_jwt_token(request), {mode.ok, 400})


@FUZZ
@given(base=modes, value=json_values, name=st.sampled_from(["verify", "refresh"]))
def test_fuzz_token_field(settings, user, value, name, base):
    mode = in_mode(settings, base)
    check(call_token_view(name, {"token": value}), {mode.ok, 400})


@FUZZ
@given(
    base=modes,
    body=st.one_of(json_values, st.binary(max_size=200)),
    name=st.sampled_from(["verify", "refresh"]),
)
def test_fuzz_token_view_body(settings, user, body, name, base):
    mode = in_mode(settings, base)
    check(call_token_view(name, body), {mode.ok, 400})


@FUZZ
@given(base=modes, username=st.one_of(st.text(wild_chars, max_size=40), json_values))
def test_fuzz_username_claim(settings, user, inactive_user, username, base):
    """A well-formed, validly signed token naming an odd user: the lookup must not crash."""
    mode = in_mode(settings, base)
    token = sign({**good_claims(), "username": username})
    response = call_protected(f"{mode.prefix} {token}")
    check(response, {200, 401})
    if response.status_code == 200:
        assert username == "admin"
    check(call_token_view("verify", {"token": token}), {mode.ok, 400})
    check(call_token_view("refresh", {"token": token}), {mode.ok, 400})


# ----------------------------------------------------------------------------------------------
# request bodies on every endpoint of the package: what no parser can read, and what parses to
# something other than an object, is a 400 "body_invalid"; an unknown content type a 415.

BODY_ROUTES = [
    ("post", routes.OBTAIN),
    ("post", routes.REFRESH),
    ("post", routes.VERIFY),
    ("post", routes.IMPERSONATE),
    ("post", routes.LOGOUT),
    ("post", routes.LOGOUT_ALL),
    ("get", routes.SESSIONS),
    ("post", routes.REVOKE_OTHERS),
    ("delete", f"{routes.SESSIONS}0b7e5a3c-9d51-4f6a-8c2e-1f4d6b8a9c70/"),
    ("post", "/blacklist/"),
]
BODY_MODES = {"orig": {}, "fork": FORK, "refresh-tokens": {"JWT_REFRESH_TOKENS": True}}
JSON = "application/json"
CONTENT_TYPES = [
    JSON,
    "application/json; charset=utf-8",
    "application/json; charset=latin-1",
    "application/json; charset=no-such-charset",
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=no-such-charset",
    "multipart/form-data; boundary=BoUnDaRy",
    "multipart/form-data",
    "text/plain",
    "application/xml",
]


def nested(depth: int, inner: str = "1", kind: str = "[") -> str:
    opening, closing = ("[", "]") if kind == "[" else ('{"a":', "}")
    return opening * depth + inner + closing * depth


#: Bodies that no JSON parser accepts, or that are not an object (the regression cases).
MALFORMED_JSON = {
    "deep list in token": '{"token": ' + nested(1000) + "}",
    "deep object": nested(1000, kind="{"),
    "deeper than any limit": nested(100_000),
    "not UTF-8": b'{"token": "\xff\xfe\xfa"}',
    "lone surrogate escape": b'{"token": "\\ud800"}' + b"\xed\xa0\x80",
    "integer of 5000 digits": '{"token": ' + "9" * 5000 + "}",
    "NaN": '{"token": NaN}',
    "Infinity": '{"username": Infinity, "password": "x"}',
    "truncated": '{"token": "abc',
    "trailing garbage": '{"token": "abc"} x',
    "a list": '[{"token": "abc"}]',
    "a string": '"abc"',
    "a number": "12",
    "null": "null",
    "true": "true",
}


@pytest.fixture(params=list(BODY_MODES))
def body_mode(request, settings):
    settings.JWT_AUTH = {
        **BODY_MODES[request.param],
        "JWT_AUTH_COOKIE": "jwt-auth",
        "JWT_ALLOW_REFRESH": True,
        "JWT_RESPONSE_ERROR_CODES": True,
    }
    settings.ROOT_URLCONF = "tests.urls_blacklist"
    return request.param


def superuser_token(superuser) -> str:
    from rest_framework_jwt import utils

    return utils.jwt_encode_handler(utils.jwt_payload_handler(superuser))


def send(method: str, url: str, body, content_type: str, token: str | None = None):
    client = APIClient()
    if token is not None:
        client.credentials(HTTP_AUTHORIZATION=f"{api_settings.JWT_AUTH_HEADER_PREFIX} {token}")
    data = body if isinstance(body, bytes) else str(body).encode("utf-8", "surrogatepass")
    return client.generic(method.upper(), url, data=data, content_type=content_type)


def check_any(response, allowed=frozenset({200, 201, 204, 400, 401, 403, 404, 405, 415})):
    """A client error or a success, with a JSON body for every error; never a 5xx."""
    assert response.status_code in allowed, (response.status_code, response.content[:300])
    if response.status_code >= 400:
        body = json.loads(response.content)
        assert body, response.content
    assert not response.has_header("Set-Cookie") or response.status_code < 400


#: The malformed bodies sent in every mode; the others are refused before anything the mode
#: changes is reached (the parser), so they are sent in 1.x mode only.
IN_EVERY_MODE = ("deep object", "not UTF-8", "truncated", "a list")


@pytest.mark.parametrize(
    ("body_mode", "name"),
    [
        pytest.param(mode, name, id=f"{mode}-{name}")
        for mode in BODY_MODES
        for name in MALFORMED_JSON
        if mode == "orig" or name in IN_EVERY_MODE
    ],
    indirect=["body_mode"],
)
@pytest.mark.parametrize(("method", "url"), BODY_ROUTES)
def test_malformed_json_body_is_a_400_on_every_endpoint(body_mode, superuser, method, url, name):
    response = send(method, url, MALFORMED_JSON[name], JSON, superuser_token(superuser))
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert body["code"] == "body_invalid"
    assert body["detail"] in ("Malformed request body.", "The request body must be an object.")
    assert not response.cookies


@pytest.mark.parametrize(("method", "url"), BODY_ROUTES)
def test_unsupported_content_type_is_a_415_on_every_endpoint(body_mode, superuser, method, url):
    response = send(method, url, "<token>x</token>", "application/xml", superuser_token(superuser))
    assert response.status_code == 415
    assert response.json()["detail"]


@pytest.mark.parametrize(("method", "url"), BODY_ROUTES)
def test_multipart_without_boundary_is_a_400_on_every_endpoint(body_mode, superuser, method, url):
    response = send(method, url, "--x\r\n", "multipart/form-data", superuser_token(superuser))
    assert response.status_code == 400
    assert response.json()["code"] == "body_invalid"


def test_an_empty_body_is_not_malformed(body_mode, user):
    # The field errors of the serializer, not body_invalid: an empty body is an empty object.
    response = send("post", routes.VERIFY, b"", JSON)
    assert response.status_code == 400
    assert "token" in response.json()


def test_a_body_too_large_for_django_is_a_400(body_mode, user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = send(
        "post", routes.OBTAIN, json.dumps({"username": "a" * 2000, "password": "x"}), JSON
    )
    assert response.status_code == 400
    assert response.json()["code"] == "body_invalid"


@pytest.mark.parametrize("kind", ["[", "{"])
def test_a_body_nested_past_the_bound_is_a_400_on_every_python(body_mode, user, kind):
    # 40 deep: every supported Python's decoder builds it (3.12+ builds far deeper ones), so
    # only the package's own bound refuses it.
    body = '{"username": "admin", "password": "abc123", "x": ' + nested(40, kind=kind) + "}"
    response = send("post", routes.OBTAIN, body, JSON)
    assert response.status_code == 400
    assert response.json()["code"] == "body_invalid"


def test_a_body_nested_within_the_bound_is_read(body_mode, user):
    body = '{"username": "admin", "password": "abc123", "x": ' + nested(20) + "}"
    response = send("post", routes.OBTAIN, body, JSON)
    assert response.status_code in (200, 201), response.content


body_texts = st.one_of(
    json_values.map(json.dumps),
    st.builds(
        nested,
        st.one_of(
            st.integers(min_value=1, max_value=50), st.integers(min_value=900, max_value=3000)
        ),
        st.sampled_from(["1", '"x"', "[]", "{}"]),
        st.sampled_from(["[", "{"]),
    )
    .map(lambda inner: st.sampled_from([inner, '{"token": ' + inner + "}"]))
    .flatmap(lambda s: s),
    st.integers(min_value=1, max_value=6000).map(lambda n: '{"token": ' + "9" * n + "}"),
    st.sampled_from(["1e999", "-1e999", "NaN", "-Infinity", '{"token": 1e999}', '{"user": 1e400}']),
    st.sampled_from(['{"token": "a", "token": "b"}', '{"user": 1, "user": "x"}', "{}", ""]),
    st.binary(max_size=200),
    wild_text,
)


@FUZZ
@given(
    body=body_texts,
    content_type=st.one_of(st.just(JSON), st.sampled_from(CONTENT_TYPES)),
    route=st.sampled_from(BODY_ROUTES),
    authenticated=st.booleans(),
)
def test_fuzz_bodies_on_every_endpoint(
    body_mode, superuser, body, content_type, route, authenticated
):
    method, url = route
    token = superuser_token(superuser) if authenticated else None
    check_any(send(method, url, body, content_type, token))


# ----------------------------------------------------------------------------------------------
# signed tokens whose private claims have an unexpected type or format, on every endpoint that
# reads them: refused cleanly (401/400/403), or accepted where the claim does not matter.

odd_strings = st.one_of(
    st.sampled_from(
        [
            "",
            "not-a-uuid",
            "\x00",
            "a\x00b",
            "\udcff",
            " ",
            "a" * 1000,
            str(uuid.uuid4()).upper(),
            "{" + str(uuid.uuid4()) + "}",
            "urn:uuid:" + str(uuid.uuid4()),
            uuid.uuid4().hex,
            str(uuid.uuid4()),
            "access",
            "refresh",
            "f:x",
            "%",
        ]
    ),
    st.text(wild_chars, max_size=40),
)
odd_values = st.one_of(odd_strings, json_values)
odd_claims = st.fixed_dictionaries(
    {},
    optional={
        "fam": odd_values,
        "jti": odd_values,
        "orig_jti": odd_values,
        "act": st.one_of(
            st.fixed_dictionaries({"sub": odd_values}, optional={"user_id": odd_values}),
            odd_values,
        ),
        "token_type": odd_values,
        "orig_iat": st.one_of(st.just(int(time.time())), odd_values),
        "pwv": odd_values,
        "user_id": odd_values,
    },
)


def claim_requests(token: str):
    """Every place a token is read, as (method, url, body, token in the header)."""
    yield "get", "/protected/", None, token
    yield "post", routes.VERIFY, {"token": token}, None
    yield "post", routes.REFRESH, {"token": token}, None
    yield "post", routes.REFRESH, {"refresh_token": token}, None
    yield "post", routes.LOGOUT, {"token": token}, None
    yield "post", routes.LOGOUT, {"refresh_token": token}, None
    yield "post", "/blacklist/", {"token": token}, None
    yield "get", routes.SESSIONS, None, token
    yield "post", routes.REVOKE_OTHERS, None, token
    yield "delete", f"{routes.SESSIONS}{uuid.uuid4()}/", None, token
    yield "post", routes.IMPERSONATE, {"user": 1}, token
    yield "post", routes.LOGOUT, None, token
    yield "post", routes.LOGOUT_ALL, None, token


@FUZZ
@given(claims=odd_claims)
def test_fuzz_private_claims_on_every_endpoint(body_mode, superuser, claims):
    from rest_framework_jwt import utils

    token = sign({**utils.jwt_payload_handler(superuser), **claims})
    for method, url, body, header in claim_requests(token):
        data = json.dumps(body) if body is not None else ""
        response = send(method, url, data, JSON, header)
        check_any(response, allowed={200, 201, 204, 400, 401, 403, 404})


def _stateless_protected(token: str):
    from rest_framework_jwt.authentication import StatelessJSONWebTokenAuthentication
    from tests.urls import ProtectedView

    view = ProtectedView.as_view(authentication_classes=(StatelessJSONWebTokenAuthentication,))
    header = f"{api_settings.JWT_AUTH_HEADER_PREFIX} {token}"
    response = view(APIRequestFactory().get("/protected/", HTTP_AUTHORIZATION=header))
    response.render()
    return response


# (claims over a good token of the superuser, settings, where, status, the code in the body)
CLAIM_CASES = [
    ({"fam": "not-a-uuid"}, {}, "logout body", 400, "token_invalid"),
    ({"fam": "not-a-uuid"}, {}, "header", 401, "token_invalid_claim"),
    ({"fam": "not-a-uuid"}, {}, "verify", 400, "token_invalid"),
    ({"fam": "not-a-uuid"}, {}, "sessions", 401, "token_invalid_claim"),
    ({"fam": ["x"]}, {"JWT_REFRESH_TOKENS": True}, "refresh", 400, "token_invalid"),
    ({"fam": str(uuid.uuid4()).upper()}, {}, "logout", 401, "token_invalid_claim"),
    ({"token_type": "refresh", "jti": "a\x00b", "fam": str(uuid.uuid4())},
     {"JWT_REFRESH_TOKENS": True}, "refresh", 400, "token_revoked"),
    ({"token_type": "refresh", "jti": "\udcff", "fam": str(uuid.uuid4())},
     {"JWT_REFRESH_TOKENS": True}, "refresh", 400, "token_revoked"),
    ({"token_type": ["access"]}, {}, "header", 401, "token_type_invalid"),
    ({"token_type": {"a": 1}}, {}, "verify", 400, "token_type_invalid"),
    ({"orig_iat": "yesterday"}, {"JWT_ALLOW_REFRESH": True}, "refresh", 400, "orig_iat_invalid"),
    ({"orig_iat": "yesterday"}, {}, "header", 200, None),
    ({"pwv": 12}, {}, "header", 401, "token_invalid_claim"),
    ({"pwv": ["x"]}, {}, "logout body", 204, None),  # (revoking it is harmless)
    ({"act": ["root"]}, {"JWT_ALLOW_REFRESH": True}, "refresh", 400, "impersonation_refresh"),
    ({"act": "root"}, {}, "header", 401, "token_invalid_claim"),
    ({"act": {"sub": ["root"]}}, {}, "impersonate", 401, "token_invalid_claim"),
    ({"user_id": "a\x00b"}, {}, "stateless", 200, None),
    ({"user_id": {"pk": 1}}, {}, "stateless", 200, None),
]  # fmt: skip


@pytest.mark.parametrize(("claims", "extra", "where", "status", "code"), CLAIM_CASES)
def test_odd_private_claims_are_refused_cleanly(
    settings, superuser, claims, extra, where, status, code
):
    from rest_framework_jwt import utils

    settings.JWT_AUTH = {**extra, "JWT_RESPONSE_ERROR_CODES": True}
    token = sign({**utils.jwt_payload_handler(superuser), **claims})
    if where == "stateless":
        response = _stateless_protected(token)
    else:
        method, url, body, header = {
            "header": ("get", "/protected/", None, token),
            "verify": ("post", routes.VERIFY, {"token": token}, None),
            "refresh": ("post", routes.REFRESH, {"token": token}, None),
            "logout body": ("post", routes.LOGOUT, {"token": token}, None),
            "logout": ("post", routes.LOGOUT, None, token),
            "sessions": ("get", routes.SESSIONS, None, token),
            "impersonate": ("post", routes.IMPERSONATE, {"user": superuser.pk}, token),
        }[where]
        response = send(method, url, json.dumps(body) if body else "", JSON, header)
    assert response.status_code == status, response.content
    if code is not None:
        assert code in json.dumps(json.loads(response.content)), response.content
