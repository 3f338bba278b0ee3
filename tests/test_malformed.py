"""Malformed input never gives a 500: every case answers 401 or 400 with a body.

Headers, tokens (hand-made, signed with the real key where the point is the claim types) and request
bodies for obtain / refresh / verify, in both modes.
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIRequestFactory

from rest_framework_jwt import verification
from rest_framework_jwt.exceptions import TokenError
from tests.helpers import DROP, FORK, Mode, b64, changed, plain_id, protected, segment, sign
from tests.urls import ProtectedView

NOT_PROVIDED = "Authentication credentials were not provided."


# ----------------------------------------------------------------------------------------------
# helpers


def user_pk(username) -> object:
    # PostgreSQL refuses NUL in text parameters: such a username matches no user anyway.
    if not isinstance(username, str) or "\x00" in username:
        return 1
    pk = get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
    return 1 if pk is None else pk


def claims(username: str = "admin", **changes) -> dict:
    now = int(time.time())
    payload = {
        "user_id": user_pk(username),
        "username": username,
        "email": f"{username}@example.com",
        "exp": now + 300,
        "iat": now,
        "orig_iat": now,
        "jti": uuid.uuid4().hex,
    }
    if username is DROP:
        del payload["username"]
    return changed(payload, **changes)


def raw_claims(fragment: str, username: str = "admin") -> str:
    """Valid claims as JSON text, with ``fragment`` (raw JSON, e.g. ``"exp": 1e400``) appended
    in place of the claims it names (so that no member is duplicated)."""
    named = re.findall(r'"(\w+)":', fragment)
    base = claims(username, **dict.fromkeys(set(named) - {"username"}, DROP))
    if "username" in named:
        del base["username"]
    text = json.dumps(base)
    return text[:-1] + ", " + fragment + "}"


def assert_401(response, detail: str | None = None, prefix: str | None = None) -> None:
    assert response.status_code == 401, (response.status_code, getattr(response, "data", None))
    assert isinstance(response.data, dict) and response.data.get("detail"), response.data
    if detail is not None:
        assert response.data == {"detail": detail}
    if prefix is not None:
        assert response["WWW-Authenticate"] == f'{prefix} realm="api"'
    json.loads(response.content)


def assert_400(response, message: str | None = None) -> None:
    assert response.status_code == 400, (response.status_code, getattr(response, "data", None))
    assert isinstance(response.data, dict) and response.data, response.data
    if message is not None:
        assert response.data == {"non_field_errors": [message]}
    json.loads(response.content)


def post(client, route: str, body) -> object:
    return client.post(route, body, format="json")


# ----------------------------------------------------------------------------------------------
# garbage Authorization headers


# Codes of the refusals below (the 401's ``detail.code``).
NONE = "not_authenticated"  # not our scheme, or unreadable: as if there were no header
EMPTY = "authorization_header_no_credentials"
SPACES = "authorization_header_spaces"
ENCODING = "authorization_header_encoding"
DECODE = "token_decode_error"
ALGORITHM = "token_invalid_algorithm"
TOO_LARGE = "token_too_large"

#: Authorization headers ({P} stands for the mode's prefix) and the code of the refusal in 1.x
#: mode and in drf-jwt mode, whose header parsing is drf-jwt's: it takes a header it cannot
#: split into exactly "<prefix> <token>" for no header at all.
GARBAGE_HEADERS = {
    "": (NONE, NONE),
    " ": (NONE, NONE),
    "   ": (NONE, NONE),
    "{P}": (EMPTY, NONE),
    "{P} ": (EMPTY, NONE),
    "{P}  ": (EMPTY, NONE),
    "{P}\t": (EMPTY, NONE),
    "{P}\ttoken": (DECODE, NONE),
    "{P} \t": (EMPTY, DECODE),
    "{P} a b": (SPACES, NONE),
    "{P} a b c d": (SPACES, NONE),
    " {P} token": (DECODE, NONE),
    "{P} token ": (DECODE, NONE),
    "{P}\ntoken": (DECODE, NONE),
    "{P} \r\n": (EMPTY, DECODE),
    "{P}\x00": (NONE, NONE),
    "{P} \x00\x00": (DECODE, DECODE),
    "{P} \x7f": (DECODE, DECODE),
    "{P} \u2603": (ENCODING, NONE),
    "{P} \u2603.\u2603.\u2603": (ENCODING, NONE),
    "{P} \udcff\udcfe": (DECODE, DECODE),
    "{P} \ud800": (DECODE, DECODE),
    "{P} \xff\xfe\xfd": (ENCODING, NONE),
    "{P} \xc3\xa9": (ENCODING, NONE),
    "{P} caf\xe9": (ENCODING, NONE),
    "{P}token": (NONE, NONE),
    "{P}{P}": (NONE, NONE),
    "{P} {P} {P}": (SPACES, NONE),
    "{P} .": (DECODE, DECODE),
    "{P} ..": (DECODE, DECODE),
    "{P} ...": (DECODE, DECODE),
    "{P} ....": (DECODE, DECODE),
    "{P} a.b": (DECODE, DECODE),
    "{P} a.b.c": (DECODE, DECODE),
    "{P} a.b.c.d": (DECODE, DECODE),
    "{P} %%%.%%%.%%%": (DECODE, DECODE),
    "{P} ===.===.===": (DECODE, DECODE),
    "{P} e30.e30.e30": (ALGORITHM, ALGORITHM),
    "{P} " + "a" * 20000: (TOO_LARGE, TOO_LARGE),
    "{P} " + "." * 20000: (TOO_LARGE, TOO_LARGE),
    "{P} " + "a." * 5000: (TOO_LARGE, TOO_LARGE),
    "Basic": (NONE, NONE),
    "Basic !!!": (NONE, NONE),
    "Basic " + b64(b"admin"): (NONE, NONE),
    "Token abc": (NONE, NONE),
    "Bearer": (NONE, NONE),
    "JWT": (EMPTY, NONE),
    "OAuth a=b, c=d": (NONE, NONE),
    "\u2603 token": (NONE, NONE),
    "\udcff token": (NONE, NONE),
    "\x00": (NONE, NONE),
}


@pytest.mark.parametrize("template", list(GARBAGE_HEADERS), ids=plain_id)
def test_garbage_header_has_its_code_in_each_mode(settings, template):
    for base, code in zip(({}, FORK), GARBAGE_HEADERS[template], strict=True):
        mode = Mode(settings, base)
        mode.configure()
        response = protected(template.replace("{P}", mode.prefix))
        assert_401(response, prefix=mode.prefix)
        assert response.data["detail"].code == code, (mode.prefix, response.data)


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


# What WSGI/ASGI can really deliver: header bytes decoded as latin-1. (DRF's own Basic and Session
# authenticators, also in the URL's stack, fail on anything else, which no server can send.)
WIRE_HEADERS = [h for h in GARBAGE_HEADERS if _latin1(h)]


@pytest.mark.parametrize("template", WIRE_HEADERS, ids=plain_id)
def test_garbage_header_through_the_url_is_refused(orig, client, template):
    response = client.get("/protected/", HTTP_AUTHORIZATION=template.replace("{P}", orig.prefix))
    assert response.status_code in (401, 403), response.status_code
    assert response.data.get("detail")


@pytest.mark.parametrize(
    "template",
    ["{P} a b", "{P} \u2603", "{P} \udcff\udcfe", "{P} " + "a" * 20000, "Basic !!!"],
    ids=plain_id,
)
def test_garbage_header_is_ignored_by_token_views(orig, client, user, password, template):
    # The token views have no authenticators: a broken header must not matter.
    response = client.post(
        "/api-token-auth/",
        {"username": "admin", "password": password},
        format="json",
        HTTP_AUTHORIZATION=template.replace("{P}", orig.prefix),
    )
    assert response.status_code == orig.ok


def test_orig_bare_prefix_message(orig):
    assert_401(protected("JWT"), "Invalid Authorization header. No credentials provided.", "JWT")
    assert_401(protected("JWT "), "Invalid Authorization header. No credentials provided.", "JWT")


def test_orig_spaces_message(orig):
    expected = "Invalid Authorization header. Credentials string should not contain spaces."
    assert_401(protected("JWT a b"), expected, "JWT")


ENCODING_MESSAGES = {
    "Invalid Authorization header. Credentials string should not contain invalid characters.",
    "Error decoding signature.",
}


@pytest.mark.parametrize(
    "header",
    ["JWT \xff\xfe\xfd", "JWT \xc3\x28", "JWT \udcff", "JWT \u2603"],
    ids=["latin1", "bad-utf8", "surrogate", "not-latin1"],
)
def test_orig_non_utf8_header_is_401(orig, header):
    response = protected(header)
    assert_401(response, prefix="JWT")
    assert response.data["detail"] in ENCODING_MESSAGES


def test_orig_invalid_utf8_has_the_encoding_message(orig):
    expected = (
        "Invalid Authorization header. Credentials string should not contain invalid characters."
    )
    assert_401(protected("JWT \xff\xfe\xfd"), expected, "JWT")


def test_wrong_prefix_falls_through_to_basic_auth(orig, user, password):
    from rest_framework.authentication import BasicAuthentication

    from rest_framework_jwt.authentication import JSONWebTokenAuthentication

    credentials = base64.b64encode(f"admin:{password}".encode()).decode()
    request = APIRequestFactory().get("/protected/", HTTP_AUTHORIZATION=f"Basic {credentials}")
    view = ProtectedView.as_view(
        authentication_classes=(JSONWebTokenAuthentication, BasicAuthentication)
    )
    response = view(request)
    assert response.status_code == 200
    assert response.data == {"username": "admin"}


def test_wrong_prefix_token_through_the_url(mode, client, user, password):
    token = client.post(
        "/api-token-auth/", {"username": "admin", "password": password}, format="json"
    ).data["token"]
    other = "JWT" if mode.fork else "Bearer"
    response = client.get("/protected/", HTTP_AUTHORIZATION=f"{other} {token}")
    assert response.status_code in (401, 403)
    assert response.data == {"detail": NOT_PROVIDED}


# ----------------------------------------------------------------------------------------------
# bad tokens


def _valid(user) -> str:
    return sign(claims())


def _parts(user):
    return _valid(user).split(".")


BAD_TOKENS = {
    # structure
    "two-segments": lambda u: ".".join(_parts(u)[:2]),
    "four-segments": lambda u: _valid(u) + ".abc",
    "five-segments": lambda u: _valid(u) + ".a.b",
    "empty-signature": lambda u: ".".join([*_parts(u)[:2], ""]),
    "empty-header": lambda u: ".".join(["", *_parts(u)[1:]]),
    "empty-payload": lambda u: ".".join([_parts(u)[0], "", _parts(u)[2]]),
    "truncated-1": lambda u: _valid(u)[:-1],
    "truncated-10": lambda u: _valid(u)[:-10],
    "truncated-half": lambda u: _valid(u)[: len(_valid(u)) // 2],
    "truncated-header": lambda u: _valid(u)[:8],
    "doubled-dot": lambda u: _valid(u).replace(".", "..", 1),
    "padded": lambda u: ".".join(p + "==" for p in _parts(u)),
    "non-base64-payload": lambda u: ".".join([_parts(u)[0], "!!!$$$", _parts(u)[2]]),
    "non-base64-signature": lambda u: ".".join([*_parts(u)[:2], "***"]),
    "std-base64-chars": lambda u: _valid(u).replace("-", "+").replace("_", "/") + "+/",
    "bad-signature": lambda u: sign(claims(), key="not-the-key-0123456789-0123456789"),
    "swapped-segments": lambda u: ".".join(reversed(_parts(u))),
    # header JSON
    "header-not-json": lambda u: sign(claims(), header="{not json"),
    "header-array": lambda u: sign(claims(), header=["HS256"]),
    "header-number": lambda u: sign(claims(), header=123),
    "header-string": lambda u: sign(claims(), header='"HS256"'),
    "header-null": lambda u: sign(claims(), header="null"),
    "header-not-utf8": lambda u: sign(claims(), header=b"\xff\xfe\xfd"),
    "header-no-alg": lambda u: sign(claims(), header={"typ": "JWT"}),
    "header-alg-none": lambda u: ".".join(
        [segment({"alg": "none", "typ": "JWT"}), segment(claims()), ""]
    ),
    "header-alg-None": lambda u: ".".join(
        [segment({"alg": "None", "typ": "JWT"}), segment(claims()), ""]
    ),
    "header-alg-none-signed": lambda u: sign(claims(), header={"alg": "none"}),
    "header-alg-list": lambda u: sign(claims(), header={"alg": ["HS256"]}),
    "header-alg-object": lambda u: sign(claims(), header={"alg": {"x": 1}}),
    "header-alg-rs256": lambda u: sign(claims(), header={"alg": "RS256"}),
    "header-alg-unknown": lambda u: sign(claims(), header={"alg": "XX999"}),
    "header-kid-object": lambda u: sign(claims(), header={"alg": "HS256", "kid": {"a": 1}}),
    "header-kid-number": lambda u: sign(claims(), header={"alg": "HS256", "kid": 7}),
    "header-crit": lambda u: sign(claims(), header={"alg": "HS256", "crit": ["exp"]}),
    "header-b64-false": lambda u: sign(claims(), header={"alg": "HS256", "b64": False}),
    # payload JSON
    "payload-not-json": lambda u: sign("{not json"),
    "payload-array": lambda u: sign([claims()]),
    "payload-number": lambda u: sign(12345),
    "payload-string": lambda u: sign('"admin"'),
    "payload-null": lambda u: sign("null"),
    "payload-true": lambda u: sign("true"),
    "payload-empty-object": lambda u: sign({}),
    "payload-not-utf8": lambda u: sign(b"\xff\xfe{}"),
    "payload-duplicate-keys": lambda u: sign(
        '{"username": "admin", "username": {"x": 1}, "exp": 9999999999}'
    ),
    # exp
    "exp-string": lambda u: sign(claims(exp="tomorrow")),
    "exp-numeric-string": lambda u: sign(claims(exp=str(int(time.time()) + 300))),
    "exp-1e400": lambda u: sign(raw_claims('"exp": 1e400')),
    "exp-minus-1e400": lambda u: sign(raw_claims('"exp": -1e400')),
    "exp-Infinity": lambda u: sign(raw_claims('"exp": Infinity')),
    "exp-NaN": lambda u: sign(raw_claims('"exp": NaN')),
    "exp-object": lambda u: sign(claims(exp={"seconds": 300})),
    "exp-list": lambda u: sign(claims(exp=[1, 2])),
    "exp-true": lambda u: sign(claims(exp=True)),
    "exp-false": lambda u: sign(claims(exp=False)),
    "exp-null": lambda u: sign(claims(exp=None)),
    "exp-negative": lambda u: sign(claims(exp=-1)),
    "exp-zero": lambda u: sign(claims(exp=0)),
    "exp-minus-10e30": lambda u: sign(claims(exp=-(10**30))),
    # other registered claims
    "iat-string": lambda u: sign(claims(iat="now")),
    "iat-1e400": lambda u: sign(raw_claims('"exp": 9999999999, "iat": 1e400')),
    "iat-object": lambda u: sign(claims(iat={"a": 1})),
    "iat-future": lambda u: sign(claims(iat=int(time.time()) + 3600)),
    "nbf-string": lambda u: sign(claims(nbf="later")),
    "nbf-future": lambda u: sign(claims(nbf=int(time.time()) + 3600)),
    "nbf-NaN": lambda u: sign(raw_claims('"exp": 9999999999, "nbf": NaN')),
    "aud-unexpected": lambda u: sign(claims(aud="someone")),
    "aud-list-of-ints": lambda u: sign(claims(aud=[1, 2])),
    "jti-object": lambda u: sign(claims(jti={"x": 1})),
    # username
    "username-missing": lambda u: sign(claims(username=DROP)),
    "username-null": lambda u: sign(claims(username=None)),
    "username-empty": lambda u: sign(claims(username="")),
    "username-object": lambda u: sign(claims(username={"$ne": None})),
    "username-list": lambda u: sign(claims(username=["admin"])),
    "username-number": lambda u: sign(claims(username=12345)),
    "username-float": lambda u: sign(raw_claims('"exp": 9999999999, "username": 1e400')),
    "username-bool": lambda u: sign(claims(username=True)),
    "username-nul": lambda u: sign(claims(username="adm\x00in")),
    "username-surrogate": lambda u: sign(
        raw_claims('"exp": 9999999999').replace('"admin"', '"\\udcff"', 1)
    ),
    "username-huge": lambda u: sign(claims(username="a" * 3000)),
    "username-unknown": lambda u: sign(claims(username="ghost")),
    "username-sql": lambda u: sign(claims(username="admin' OR '1'='1")),
}


#: The code of each bad token's refusal. Those of the verification function; for the last
#: ones (USER_STAGE) the token verifies, and authentication refuses what its claims name.
MISSING_CLAIM = "token_missing_claim"
INVALID_CLAIM = "token_invalid_claim"
EXPIRED = "token_expired"
NOT_YET_VALID = "token_not_yet_valid"
AUDIENCE = "token_invalid_audience"
PAYLOAD = "payload_invalid"
NO_USER = "user_not_found"
USER_STAGE = {PAYLOAD, NO_USER}

BAD_TOKEN_CODES = {
    "two-segments": DECODE,
    "four-segments": DECODE,
    "five-segments": DECODE,
    "empty-signature": DECODE,
    "empty-header": DECODE,
    "empty-payload": DECODE,
    "truncated-1": DECODE,
    "truncated-10": DECODE,
    "truncated-half": DECODE,
    "truncated-header": DECODE,
    "doubled-dot": DECODE,
    "padded": DECODE,
    "non-base64-payload": DECODE,
    "non-base64-signature": DECODE,
    "std-base64-chars": DECODE,
    "bad-signature": DECODE,
    "swapped-segments": DECODE,
    "header-not-json": DECODE,
    "header-array": DECODE,
    "header-number": DECODE,
    "header-string": DECODE,
    "header-null": DECODE,
    "header-not-utf8": DECODE,
    "header-no-alg": ALGORITHM,
    "header-alg-none": ALGORITHM,
    "header-alg-None": ALGORITHM,
    "header-alg-none-signed": ALGORITHM,
    "header-alg-list": ALGORITHM,
    "header-alg-object": ALGORITHM,
    "header-alg-rs256": ALGORITHM,
    "header-alg-unknown": ALGORITHM,
    "header-kid-object": DECODE,
    "header-kid-number": DECODE,
    "header-crit": DECODE,
    "header-b64-false": DECODE,
    "payload-not-json": DECODE,
    "payload-array": DECODE,
    "payload-number": DECODE,
    "payload-string": DECODE,
    "payload-null": DECODE,
    "payload-true": DECODE,
    "payload-empty-object": MISSING_CLAIM,
    "payload-not-utf8": DECODE,
    "payload-duplicate-keys": DECODE,
    "exp-string": INVALID_CLAIM,
    "exp-numeric-string": INVALID_CLAIM,
    "exp-1e400": INVALID_CLAIM,
    "exp-minus-1e400": INVALID_CLAIM,
    "exp-Infinity": DECODE,
    "exp-NaN": DECODE,
    "exp-object": INVALID_CLAIM,
    "exp-list": INVALID_CLAIM,
    "exp-true": INVALID_CLAIM,
    "exp-false": INVALID_CLAIM,
    "exp-null": INVALID_CLAIM,
    "exp-negative": EXPIRED,
    "exp-zero": EXPIRED,
    "exp-minus-10e30": INVALID_CLAIM,
    "iat-string": INVALID_CLAIM,
    "iat-1e400": INVALID_CLAIM,
    "iat-object": INVALID_CLAIM,
    "iat-future": NOT_YET_VALID,
    "nbf-string": INVALID_CLAIM,
    "nbf-future": NOT_YET_VALID,
    "nbf-NaN": DECODE,
    "aud-unexpected": AUDIENCE,
    "aud-list-of-ints": AUDIENCE,
    "jti-object": INVALID_CLAIM,
    "username-missing": PAYLOAD,
    "username-null": PAYLOAD,
    "username-empty": PAYLOAD,
    "username-object": PAYLOAD,
    "username-list": PAYLOAD,
    "username-number": NO_USER,
    "username-float": PAYLOAD,
    "username-bool": PAYLOAD,
    "username-nul": NO_USER,
    "username-surrogate": NO_USER,
    "username-huge": TOO_LARGE,
    "username-unknown": NO_USER,
    "username-sql": NO_USER,
}


def verify(token: str) -> str | None:
    """The code with which the verification function refuses ``token``; None if it verifies."""
    try:
        verification.verify(token)
    except TokenError as error:
        return error.code
    return None


def test_every_bad_token_has_a_code():
    assert set(BAD_TOKEN_CODES) == set(BAD_TOKENS)


@pytest.mark.parametrize("name", list(BAD_TOKENS))
def test_bad_token_has_its_exact_code(orig, user, inactive_user, name):
    token = BAD_TOKENS[name](user)
    code = BAD_TOKEN_CODES[name]
    assert verify(token) == (None if code in USER_STAGE else code)
    response = protected(f"JWT {token}")
    assert_401(response, prefix="JWT")
    assert response.data["detail"].code == code


#: A few bad tokens, one of each kind of refusal, for the sweep over where a token can be.
REPRESENTATIVES = [
    "truncated-1",
    "header-alg-none",
    "payload-empty-object",
    "exp-zero",
    "aud-unexpected",
    "username-missing",
    "username-unknown",
    "username-huge",
]


@pytest.mark.parametrize("placement", ["header", "cookie", "verify", "refresh"])
@pytest.mark.parametrize("name", REPRESENTATIVES)
def test_bad_token_has_its_code_wherever_it_is(settings, client, user, name, placement):
    settings.JWT_AUTH = {
        "JWT_AUTH_COOKIE": "jwt-auth",
        "JWT_ALLOW_REFRESH": True,
        "JWT_RESPONSE_ERROR_CODES": True,
    }
    token = BAD_TOKENS[name](user)
    if placement == "header":
        response = protected(f"JWT {token}")
    elif placement == "cookie":
        response = protected(cookie=f"jwt-auth={token}")
    else:
        response = post(client, f"/api-token-{placement}/", {"token": token})
    assert response.status_code == (401 if placement in ("header", "cookie") else 400)
    assert response.data["code"] == BAD_TOKEN_CODES[name], response.data
    assert "token" not in response.data


def test_the_valid_hand_made_token_is_accepted(mode, client, user):
    # Guards the helpers above: without it every "bad" token could fail for the wrong reason.
    token = sign(claims())
    assert protected(f"{mode.prefix} {token}").status_code == 200
    assert post(client, "/api-token-verify/", {"token": token}).status_code == mode.ok
    assert post(client, "/api-token-refresh/", {"token": token}).status_code == mode.ok


def test_iss_of_wrong_type_with_issuer_configured(orig, client, user):
    orig.configure(JWT_ISSUER="us")
    token = sign(claims(iss={"x": 1}))
    assert_401(protected(f"{orig.prefix} {token}"), prefix=orig.prefix)
    assert_400(post(client, "/api-token-verify/", {"token": token}))


# huge but finite numbers signed with the real key: not a crash; 10**30 is far in the future.


@pytest.mark.parametrize("exp", [10**30, 10**300, 2**63, 2**64 + 1, 1e300, 253402300800])
def test_huge_exp_does_not_crash(orig, client, user, exp):
    token = sign(claims(exp=exp))
    response = protected(f"{orig.prefix} {token}")
    assert response.status_code in (200, 401)
    assert response.data
    for route in ("/api-token-verify/", "/api-token-refresh/"):
        response = post(client, route, {"token": token})
        assert response.status_code in (orig.ok, 400), response.status_code
        assert response.data


@pytest.mark.parametrize(
    "orig_iat",
    ["yesterday", {"a": 1}, [1], True, None, -1, 0, 10**30, -(10**30), 1.5, "1e400"],
)
def test_refresh_with_bad_orig_iat_does_not_crash(orig, client, user, orig_iat):
    token = sign(claims(orig_iat=orig_iat))
    response = post(client, "/api-token-refresh/", {"token": token})
    assert response.status_code in (orig.ok, 400), response.status_code
    assert response.data
    if isinstance(orig_iat, (str, dict, list)) or orig_iat is None:
        assert response.status_code == 400


@pytest.mark.parametrize(
    "fragment", ['"orig_iat": 1e400', '"orig_iat": NaN', '"orig_iat": -Infinity']
)
def test_refresh_with_non_finite_orig_iat_is_400(orig, client, user, fragment):
    token = sign(raw_claims('"exp": 9999999999, ' + fragment))
    response = post(client, "/api-token-refresh/", {"token": token})
    assert_400(response)


def test_refresh_expired_window_message(orig, client, user):
    token = sign(claims(orig_iat=int(time.time()) - 8 * 24 * 3600))
    assert_400(post(client, "/api-token-refresh/", {"token": token}), "Refresh has expired.")


def test_refresh_without_orig_iat_message(mode, client, user):
    token = sign(claims(orig_iat=DROP))
    expected = mode.msg("orig_iat field is required.", "orig_iat field not found in token.")
    assert_400(post(client, "/api-token-refresh/", {"token": token}), expected)


# ----------------------------------------------------------------------------------------------
# exact messages and codes for the common failures


def test_expired_token(mode, client, user):
    token = sign(claims(exp=int(time.time()) - 10))
    message = mode.msg("Signature has expired.", "Token has expired.")
    response = protected(f"{mode.prefix} {token}")
    assert_401(response, message, mode.prefix)
    assert response.data["detail"].code == "token_expired"
    assert_400(post(client, "/api-token-verify/", {"token": token}), message)


def test_decode_error(mode, client):
    message = mode.msg("Error decoding signature.", "Error decoding token.")
    response = protected(f"{mode.prefix} abc.def.ghi")
    assert_401(response, message, mode.prefix)
    assert response.data["detail"].code == "token_decode_error"
    assert_400(post(client, "/api-token-verify/", {"token": "abc.def.ghi"}), message)


def test_bad_signature_is_a_decode_error(mode, client, user):
    token = sign(claims(), key="wrong-key-wrong-key-wrong-key-wrong-key")
    message = mode.msg("Error decoding signature.", "Error decoding token.")
    assert_401(protected(f"{mode.prefix} {token}"), message, mode.prefix)
    assert_400(post(client, "/api-token-verify/", {"token": token}), message)


def test_other_invalid_token(mode, client, user):
    token = sign(claims(aud="someone-else"))
    message = mode.msg("Incorrect authentication credentials.", "Invalid token.")
    assert_401(protected(f"{mode.prefix} {token}"), message, mode.prefix)
    assert_400(post(client, "/api-token-verify/", {"token": token}), "Invalid token.")
    assert_400(post(client, "/api-token-refresh/", {"token": token}), "Invalid token.")


def test_alg_none_is_refused(orig, client, user):
    token = ".".join([segment({"alg": "none", "typ": "JWT"}), segment(claims()), ""])
    assert_401(protected(f"{orig.prefix} {token}"), prefix=orig.prefix)
    assert_400(post(client, "/api-token-verify/", {"token": token}))


def test_alg_none_is_refused_even_when_verify_is_off(orig, client, user):
    orig.configure(JWT_VERIFY=True, JWT_ALGORITHM=["HS256", "HS512"])
    token = ".".join([segment({"alg": "none"}), segment(claims()), ""])
    assert_401(protected(f"{orig.prefix} {token}"), prefix=orig.prefix)


def test_payload_without_username(mode, client, user):
    token = sign(claims(username=DROP))
    assert_401(protected(f"{mode.prefix} {token}"), "Invalid payload.", mode.prefix)
    expected = mode.msg("Invalid payload.", "Invalid token.")
    assert_400(post(client, "/api-token-verify/", {"token": token}), expected)


def test_unknown_user(mode, client, db):
    token = sign(claims(username="ghost"))
    message = mode.msg("Invalid signature.", "Invalid token.")
    response = protected(f"{mode.prefix} {token}")
    assert_401(response, message, mode.prefix)
    for route in ("/api-token-verify/", "/api-token-refresh/"):
        assert_400(post(client, route, {"token": token}), "User doesn't exist.")


def test_deleted_user(mode, client, user, password):
    token = client.post(
        "/api-token-auth/", {"username": "admin", "password": password}, format="json"
    ).data["token"]
    user.delete()
    assert_401(
        protected(f"{mode.prefix} {token}"),
        mode.msg("Invalid signature.", "Invalid token."),
        mode.prefix,
    )
    for route in ("/api-token-verify/", "/api-token-refresh/"):
        assert_400(post(client, route, {"token": token}), "User doesn't exist.")


def test_inactive_user(orig, client, inactive_user, password):
    token = sign(claims(username="sleeper"))
    response = protected(f"{orig.prefix} {token}")
    assert_401(response, "User account is disabled.", orig.prefix)
    for route in ("/api-token-verify/", "/api-token-refresh/"):
        assert_400(post(client, route, {"token": token}), "User account is disabled.")
    response = client.post(
        "/api-token-auth/", {"username": "sleeper", "password": password}, format="json"
    )
    assert_400(response, "Unable to log in with provided credentials.")


def test_user_deactivated_after_login(orig, client, user, password):
    token = client.post(
        "/api-token-auth/", {"username": "admin", "password": password}, format="json"
    ).data["token"]
    user.is_active = False
    user.save()
    assert_401(protected(f"{orig.prefix} {token}"), "User account is disabled.", orig.prefix)


# ----------------------------------------------------------------------------------------------
# JWT_MAX_TOKEN_SIZE


def token_near(size: int, above: bool) -> str:
    """A valid signed token whose length is just at or below ``size``, or just above it."""
    best = None
    for n in range(size * 3 // 4 - 400, size):
        token = sign(claims(padding="x" * n))
        if len(token) <= size:
            best = token
        elif above:
            return token
        else:
            break
    assert best is not None
    return best


def test_token_over_default_size_is_refused_before_parsing(orig, client, user):
    token = token_near(8192, above=True)
    assert 8192 < len(token) <= 8200
    response = protected(f"{orig.prefix} {token}")
    assert_401(response, "Token is too large.", orig.prefix)
    assert response.data["detail"].code == "token_too_large"
    response = post(client, "/api-token-verify/", {"token": token})
    assert response.status_code == 400
    assert "Token is too large." in json.dumps(response.data)


def test_token_at_default_size_is_accepted(mode, client, user):
    token = token_near(8192, above=False)
    assert 8185 <= len(token) <= 8192
    assert protected(f"{mode.prefix} {token}").status_code == 200
    assert post(client, "/api-token-verify/", {"token": token}).status_code == mode.ok


def test_garbage_over_size_gets_the_size_message(orig):
    assert_401(protected(f"{orig.prefix} " + "a" * 9000), "Token is too large.", orig.prefix)


def test_custom_max_token_size(orig, client, user, password):
    orig.configure(JWT_MAX_TOKEN_SIZE=1024)
    token = client.post(
        "/api-token-auth/", {"username": "admin", "password": password}, format="json"
    ).data["token"]
    assert len(token) < 1024
    assert protected(f"{orig.prefix} {token}").status_code == 200
    big = sign(claims(padding="x" * 1000))
    assert len(big) > 1024
    assert_401(protected(f"{orig.prefix} {big}"), "Token is too large.", orig.prefix)


def test_huge_cookie_is_refused(orig):
    orig.configure(JWT_AUTH_COOKIE="jwt-auth")
    response = protected(cookie="jwt-auth=" + "a" * 100000)
    assert_401(response, "Token is too large.")


def test_megabyte_header_is_refused(orig):
    assert_401(protected(f"{orig.prefix} " + "a.b." * 250000), "Token is too large.", orig.prefix)


# ----------------------------------------------------------------------------------------------
# obtain: bad bodies


@pytest.mark.parametrize(
    "body",
    ["{not json", "[1, 2]", '"admin"', "123", "null", "true", "{", "\xff\xfe", '{"username":'],
    ids=["not-json", "array", "string", "number", "null", "true", "open-brace", "bytes", "cut"],
)
def test_obtain_non_object_json_body_is_400(orig, client, user, body):
    response = client.post("/api-token-auth/", data=body, content_type="application/json")
    assert_400(response)


FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b'{"username": "\xff\xfe"}', "application/json"),
        ("", "application/json"),
        ("username=%ff%fe&password=%c3%28", FORM),
        (b"username=\xff\xfe&password=\x00", FORM),
        (
            b'--xyz\r\nContent-Disposition: form-data; name="username"\r\n\r\nadm',
            "multipart/form-data; boundary=xyz",
        ),
        (b"garbage", "multipart/form-data"),
    ],
    ids=[
        "json-not-utf8",
        "empty",
        "form-bad-percent",
        "form-raw-bytes",
        "multipart-cut",
        "no-boundary",
    ],
)
def test_obtain_unreadable_body_is_400(client, user, data, content_type):
    assert_400(client.post("/api-token-auth/", data=data, content_type=content_type))


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username": "admin"},
        {"password": "abc123"},
        {"username": {"a": 1}, "password": "abc123"},
        {"username": ["admin"], "password": "abc123"},
        {"username": None, "password": "abc123"},
        {"username": "", "password": "abc123"},
        {"username": "admin", "password": ""},
        {"username": "admin", "password": None},
        {"username": "admin", "password": {"a": 1}},
        {"username": "admin", "password": ["abc123"]},
        {"username": True, "password": "abc123"},
        {"username": 1e308, "password": "abc123"},
        {"username": "adm\x00in", "password": "abc123"},
        {"username": "admin", "password": "abc\x00123"},
        {"username": "a" * 100_000, "password": "abc123"},
        {"username": "admin", "password": "x" * 100_000},
        {"username": "admin", "password": "abc124"},
        {"username": "ADMIN", "password": "abc123"},
        {"username": "admin' --", "password": "abc123"},
        {"email": "admin@example.com", "password": "abc123"},
    ],
)
def test_obtain_bad_fields_are_400(orig, client, user, body):
    response = client.post("/api-token-auth/", body, format="json")
    assert_400(response)


def test_obtain_huge_password_is_refused(orig, client, user):
    response = client.post(
        "/api-token-auth/", {"username": "admin", "password": "x" * 100_000}, format="json"
    )
    assert_400(response)
    assert set(response.data) <= {"password", "non_field_errors"}


@pytest.mark.parametrize(
    "body",
    [
        '{"username": "\\udcff", "password": "abc123"}',
        '{"username": "admin", "password": "\\ud800"}',
        '{"username": "\\u0000", "password": "abc123"}',
    ],
    ids=["username-surrogate", "password-surrogate", "username-nul"],
)
def test_obtain_escaped_odd_characters_are_400(orig, client, user, body):
    response = client.post("/api-token-auth/", data=body, content_type="application/json")
    assert_400(response)


def test_obtain_username_as_object_is_a_field_error(orig, client, user):
    response = client.post(
        "/api-token-auth/", {"username": {"a": 1}, "password": "abc123"}, format="json"
    )
    assert response.status_code == 400
    assert "username" in response.data


def test_obtain_unsupported_media_type_is_a_client_error(orig, client, user):
    response = client.post("/api-token-auth/", data="admin:abc123", content_type="text/plain")
    # DRF answers 415 here; what matters is that it is not a 500 and has a body.
    assert response.status_code in (400, 415)
    assert response.data.get("detail")


# ----------------------------------------------------------------------------------------------
# refresh / verify: bad token fields


TOKEN_FIELD_VALUES = [
    pytest.param(12345, id="number"),
    pytest.param(1.5, id="float"),
    pytest.param(True, id="bool"),
    pytest.param(["a.b.c"], id="list"),
    pytest.param({"token": "a.b.c"}, id="object"),
    pytest.param("", id="empty"),
    pytest.param("   ", id="blank"),
    pytest.param(None, id="null"),
    pytest.param("\x00", id="nul"),
    pytest.param("\u2603.\u2603.\u2603", id="snowman"),
    pytest.param("a" * 100_000, id="huge"),
    pytest.param("a.b.c", id="abc"),
]


@pytest.mark.parametrize("route", ["/api-token-verify/", "/api-token-refresh/"])
@pytest.mark.parametrize("value", TOKEN_FIELD_VALUES)
def test_token_field_values_are_400(orig, client, route, value):
    assert_400(post(client, route, {"token": value}))


@pytest.mark.parametrize("route", ["/api-token-verify/", "/api-token-refresh/"])
@pytest.mark.parametrize(
    "body",
    ["{not json", "[]", '["a.b.c"]', "null", "42", '"a.b.c"', ""],
    ids=["not-json", "empty-array", "array", "null", "number", "string", "empty"],
)
def test_token_views_bad_bodies_are_400(orig, client, route, body):
    response = client.post(route, data=body, content_type="application/json")
    assert_400(response)


@pytest.mark.parametrize("route", ["/api-token-verify/", "/api-token-refresh/"])
@pytest.mark.parametrize(
    "body",
    ['{"token": "\\udcff"}', '{"token": "a.\\ud800.c"}', '{"token": "\\u0000"}'],
    ids=["surrogate", "surrogate-in-token", "nul"],
)
def test_token_field_escaped_odd_characters_are_400(orig, client, route, body):
    response = client.post(route, data=body, content_type="application/json")
    assert_400(response)


@pytest.mark.parametrize("route", ["/api-token-verify/", "/api-token-refresh/"])
@pytest.mark.parametrize(
    ("body", "character"),
    [
        ('{"token": "\\udcff"}', "DCFF"),
        ('{"token": "a.\\ud800.c"}', "D800"),
        ('{"token": "\u00e9.\\udbff"}', "DBFF"),
    ],
    ids=["alone", "in-a-token", "after-non-ascii"],
)
def test_token_field_surrogates_answer_drfs_message(orig, client, route, body, character):
    # The token field skips the character-by-character check for ASCII text only.
    response = client.post(route, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.data == {"token": [f"Surrogate characters are not allowed: U+{character}."]}
    assert response.data["token"][0].code == "surrogate_characters_not_allowed"


@pytest.mark.parametrize("route", ["/api-token-verify/", "/api-token-refresh/"])
def test_token_views_missing_token_field(orig, client, route):
    response = post(client, route, {})
    assert response.status_code == 400
    assert response.data == {"token": ["This field is required."]}


@pytest.mark.parametrize("route", ["/api-token-verify/", "/api-token-refresh/"])
def test_token_field_as_number_message(mode, client, route):
    message = mode.msg("Error decoding signature.", "Error decoding token.")
    assert_400(post(client, route, {"token": 12345}), message)
