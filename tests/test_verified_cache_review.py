"""An outside review of the verified-token cache (JWT_VERIFIED_TOKEN_CACHE_SIZE): every test
keeps a token first (one verification with the cache on), then changes what a fresh
verification would see, and checks the answer is the one the cache off gives (the ``cache``
fixture runs each test both ways)."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.management import call_command
from django.test import override_settings

from rest_framework_jwt import _state, claims, keystore, revocation, utils, verification
from rest_framework_jwt.exceptions import TokenError
from rest_framework_jwt.keys import from_file
from rest_framework_jwt.signals import token_refused
from rest_framework_jwt.test import freeze_token_clock
from tests import helpers as routes
from tests.conftest import read_key
from tests.helpers import FORK, NOW, capture, flip_low_bit, make_token, protected, sign

OLD = "the-old-secret-key-that-is-long-enough-for-hs256-0123456789"
NEW = "the-new-secret-key-that-is-long-enough-for-hs256-9876543210"


@pytest.fixture(autouse=True)
def fresh_state():
    _state.reset()


@pytest.fixture(params=[1024, 0], ids=["cache-on", "cache-off"])
def cache(request):
    """The cache size of the test's settings; ``cache.auth(**more)`` is a JWT_AUTH dict."""

    class Cache:
        size = request.param

        def auth(self, **more):
            return {"JWT_VERIFIED_TOKEN_CACHE_SIZE": self.size, **more}

    return Cache()


def payload(**extra):
    return {"user_id": 1, "username": "admin", "exp": NOW + 300, "iat": NOW, **extra}


def outcome(token):
    """What decode answers now: the claims, or the refusal's type, message and code."""
    try:
        return dict(verification.decode(token).claims)
    except TokenError as error:
        return (type(error).__name__, str(error), error.code)


def keep(token, cache):
    """Verify ``token`` once (kept with the cache on)."""
    assert isinstance(outcome(token), dict)
    assert (token in _state.config().verified) is bool(cache.size)


# --- the claims that do not depend on the time, after a settings change -------------------


@pytest.mark.parametrize(
    ("before", "after", "extra", "refusal"),
    [
        ({"JWT_AUDIENCE": "a"}, {"JWT_AUDIENCE": "b"}, {"aud": "a"}, "InvalidAudience"),
        ({"JWT_ISSUER": "us"}, {"JWT_ISSUER": "them"}, {"iss": "us"}, "InvalidIssuer"),
        ({}, {"JWT_REQUIRED_CLAIMS": ["exp", "jti"]}, {}, "MissingClaim"),
        ({}, {"JWT_TOKEN_ID": "require"}, {}, "MissingClaim"),
        ({}, {"JWT_ALGORITHM": "HS512"}, {}, "InvalidAlgorithm"),
        ({}, {"JWT_MAX_TOKEN_SIZE": 20}, {}, "TokenTooLarge"),
        ({}, {"JWT_SECRET_KEY": NEW}, {}, "InvalidSignature"),
        (
            {},
            {"JWT_TRUSTED_ISSUERS": [{"issuer": "us", "jwks_url": "https://x.invalid/k"}]},
            {"iss": "us"},
            "InvalidIssuer",
        ),
    ],
    ids=["audience", "issuer", "required", "token-id", "algorithm", "size", "secret", "trusted"],
)
def test_a_settings_change_refuses_a_kept_token(
    frozen, settings, cache, before, after, extra, refusal
):
    settings.JWT_AUTH = cache.auth(**before)
    token = sign(payload(**extra))
    keep(token, cache)

    settings.JWT_AUTH = cache.auth(**after)

    assert outcome(token)[0] == refusal


def test_removing_a_secret_key_fallback_refuses_a_kept_token(frozen, cache):
    token = sign(payload(), key=OLD)
    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD], JWT_AUTH=cache.auth()):
        keep(token, cache)
        with override_settings(SECRET_KEY_FALLBACKS=[]):
            assert outcome(token)[0] == "InvalidSignature"


def test_dropping_a_secret_of_a_list_refuses_a_kept_token(frozen, settings, cache):
    settings.JWT_AUTH = cache.auth(JWT_SECRET_KEY=[NEW, OLD])
    token = sign(payload(), key=OLD)
    keep(token, cache)

    settings.JWT_AUTH = cache.auth(JWT_SECRET_KEY=[NEW])

    assert outcome(token)[0] == "InvalidSignature"


def test_dropping_a_public_key_by_kid_refuses_a_kept_token(frozen, settings, cache, user):
    keys = {"a": read_key("rsa2_private.pem"), "b": read_key("rsa_private.pem")}
    publics = {"a": read_key("rsa2_public.pem"), "b": read_key("rsa_public.pem")}
    settings.JWT_AUTH = cache.auth(
        JWT_ALGORITHM="RS256", JWT_PRIVATE_KEY={"b": keys["b"]}, JWT_PUBLIC_KEY=publics
    )
    token = make_token(user)
    keep(token, cache)

    settings.JWT_AUTH = cache.auth(
        JWT_ALGORITHM="RS256", JWT_PRIVATE_KEY={"a": keys["a"]}, JWT_PUBLIC_KEY={"a": publics["a"]}
    )

    assert outcome(token)[0] == "UnknownKey"


def test_a_key_retired_in_another_process_refuses_a_kept_token_after_the_interval(
    tmp_path, user, time_machine, cache
):
    time_machine.move_to("2026-03-01 12:00:00+00:00", tick=False)
    keydir = tmp_path / "keys"
    auth = cache.auth(JWT_ALGORITHM="RS256", JWT_KEY_DIR=str(keydir), JWT_KEY_RELOAD_INTERVAL=30)
    with override_settings(JWT_AUTH=auth):
        for kid in ("one", "two"):
            call_command("jwt_keys", "generate", "--kid", kid, stdout=io.StringIO())
        token = make_token(user)
        keep(token, cache)
        # Another process: `jwt_keys rotate` then `retire one --force` there.
        stored = keystore.promote(keystore.read(keydir), "two", claims.now())
        keystore.write(keydir, [key for key in stored if key.kid != "one"])
        time_machine.shift(29)
        assert isinstance(outcome(token), dict)  # not looked at yet, either way
        time_machine.shift(2)
        assert outcome(token)[0] == "UnknownKey"


def test_a_changed_key_file_refuses_a_kept_token(tmp_path, time_machine, cache):
    time_machine.move_to("2026-03-01 12:00:00+00:00", tick=False)
    path = tmp_path / "secret"
    path.write_text(OLD)
    with override_settings(JWT_AUTH=cache.auth(JWT_SECRET_KEY=from_file(path))):
        token = sign({**payload(), "exp": claims.now() + 300}, key=OLD)
        keep(token, cache)
        (tmp_path / "new").write_text(NEW)
        (tmp_path / "new").replace(path)
        time_machine.shift(61)
        assert outcome(token)[0] == "InvalidSignature"


# --- the time claims ----------------------------------------------------------------------


@pytest.mark.parametrize("leeway", [0, 0.5, 10])
@pytest.mark.parametrize("verify_exp", [True, False])
def test_hits_answer_what_misses_answer_at_every_instant(settings, leeway, verify_exp):
    """Around exp, nbf and iat (give or take the leeway, forwards and backwards), a kept token
    answers exactly what a first verification answers, refusal text and code included (the
    token clock, which holds fractions of a second exactly)."""
    settings.JWT_AUTH = {"JWT_LEEWAY": leeway, "JWT_VERIFY_EXPIRATION": verify_exp}
    token = sign(payload(nbf=NOW + 0.25, iat=NOW - 5, exp=NOW + 100.75))
    valid_at = NOW + 50
    with freeze_token_clock(valid_at):
        kept = outcome(token)
    assert isinstance(kept, dict)
    assert token in _state.config().verified
    answers = set()
    for instant in (-1, 0, 0.25, 0.5, 1, 50, 99.75, 100, 100.5, 100.75, 101, 110.75, 111, 10**6):
        for at in (NOW + instant - leeway, NOW + instant, NOW + instant + leeway):
            with freeze_token_clock(at):
                hit = outcome(token)
                _state.config().verified.clear()
                assert outcome(token) == hit, at  # the miss
            answers.add(hit if isinstance(hit, tuple) else "valid")
            with freeze_token_clock(valid_at):
                assert outcome(token) == kept  # kept again for the next instant
    assert "valid" in answers
    assert ("ImmatureToken", "The token is not yet valid (nbf).", "token_not_yet_valid") in answers
    assert (("ExpiredToken", "Signature has expired.", "token_expired") in answers) is verify_exp


def test_freeze_token_clock_moves_a_kept_token_past_its_exp(frozen, cache, settings):
    settings.JWT_AUTH = cache.auth()
    token = sign(payload())
    keep(token, cache)
    with freeze_token_clock(NOW + 300):
        assert outcome(token) == ("ExpiredToken", "Signature has expired.", "token_expired")
    with freeze_token_clock(NOW - 1):
        assert outcome(token)[0] == "ImmatureToken"
    assert isinstance(outcome(token), dict)


def test_an_expired_kept_token_is_refused_with_the_same_401_and_signal(
    frozen, user, cache, settings
):
    settings.JWT_AUTH = cache.auth()
    token = make_token(user)
    assert protected(f"JWT {token}").status_code == 200

    frozen.shift(301)
    with capture(token_refused) as sent:
        response = protected(f"JWT {token}")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'JWT realm="api"'
    assert response.data == {"detail": "Signature has expired."}
    assert [call["code"] for call in sent] == ["token_expired"]


# --- other texts of a kept token ----------------------------------------------------------


def test_no_other_text_of_a_kept_token_is_accepted(frozen, cache, settings):
    settings.JWT_AUTH = cache.auth()
    token = sign(payload(filler="abcd"))
    keep(token, cache)
    head, body, mac = token.split(".")
    variants = [
        token + " ",
        " " + token,
        token + "=",
        token + ".",
        f"{head}.{body}.{mac}==",
        f"{head}.{body}=.{mac}",
        flip_low_bit(token),
        f"{head}.{flip_low_bit(body)}.{mac}",
        f"{head}.{body}.{mac.swapcase()}",
        f"{head.replace('J', 'j')}.{body}.{mac}",
        token.encode(),  # bytes: verified, never kept, the same answer
    ]
    for variant in variants:
        answer = outcome(variant)
        if variant == token.encode():
            assert answer == dict(payload(filler="abcd"))
        else:
            assert isinstance(answer, tuple), variant
        assert variant not in _state.config().verified


def test_a_custom_decode_handler_still_runs_for_a_kept_token(frozen, user, settings, cache):
    refused_ids: set[int] = set()

    def handler(token):
        found = utils.jwt_decode_handler(token)
        if found["user_id"] in refused_ids:
            raise TokenError("refused by the project")
        return found

    settings.JWT_AUTH = cache.auth(JWT_DECODE_HANDLER=handler)
    token = make_token(user)
    assert protected(f"JWT {token}").status_code == 200

    refused_ids.add(user.pk)

    assert protected(f"JWT {token}").status_code == 401


# --- the bound ----------------------------------------------------------------------------


def test_a_flood_of_threads_keeps_every_answer_right(frozen, settings):
    settings.JWT_AUTH = {"JWT_VERIFIED_TOKEN_CACHE_SIZE": 8}
    tokens = [sign(payload(jti=str(n))) for n in range(64)]
    wrong: list[str] = []

    def work(offset):
        for n in range(200):
            index = (offset * 7 + n) % len(tokens)
            if verification.decode(tokens[index]).claims["jti"] != str(index):
                wrong.append(tokens[index])

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert wrong == []
    assert len(_state.config().verified) <= 8 + len(threads)


def test_two_threads_that_keep_at_once_do_not_raise_the_bound_for_good(frozen, settings):
    """Two threads both find the dict one short of full and both add: the dict must come back
    to its bound with the next token kept (JWT_VERIFIED_TOKEN_CACHE_SIZE is "at most")."""
    settings.JWT_AUTH = {"JWT_VERIFIED_TOKEN_CACHE_SIZE": 4}
    config = _state.config()
    seen_short = threading.Barrier(2, timeout=10)

    class Interleaved(dict):
        """Each of the first two ``len()`` waits until both threads have read it."""

        lens = 3

        def __len__(self):
            found = dict.__len__(self)
            Interleaved.lens += 1
            if Interleaved.lens <= 2:
                seen_short.wait()
            return found

    object.__setattr__(config, "verified", Interleaved())
    for n in range(3):
        verification.decode(sign(payload(jti=f"early{n}")))
    Interleaved.lens = 0
    racing = [sign(payload(jti=f"race{n}")) for n in range(2)]
    threads = [threading.Thread(target=verification.decode, args=(t,)) for t in racing]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    Interleaved.lens = 3  # no more waiting

    for n in range(20):
        verification.decode(sign(payload(jti=f"later{n}")))

    assert dict.__len__(config.verified) <= 4


# --- what the callers check on every request ----------------------------------------------


def obtain(client):
    response = client.post(
        routes.OBTAIN, {"username": "admin", "password": "abc123"}, format="json"
    )
    assert response.status_code in (200, 201), response.content
    return response.data


def revoke_by(how, client, user, token):
    if how == "logout":
        response = client.post(routes.LOGOUT, {}, format="json", HTTP_AUTHORIZATION=f"JWT {token}")
        assert response.status_code == 204
    elif how == "logout_all":
        response = client.post(
            routes.LOGOUT_ALL, {}, format="json", HTTP_AUTHORIZATION=f"JWT {token}"
        )
        assert response.status_code == 204
    elif how == "session":
        claimed = utils.jwt_decode_handler(token)
        assert revocation.revoke_families([claimed["fam"]], user=user, reason="test") == 1
    elif how == "password":
        user.set_password("another password")
        user.save()
    elif how == "deactivate":
        user.is_active = False
        user.save()
    else:
        user.delete()


@pytest.mark.parametrize(
    "how", ["logout", "logout_all", "session", "password", "deactivate", "delete"]
)
def test_every_revocation_refuses_a_kept_token(client, user, frozen, settings, cache, how):
    settings.JWT_AUTH = cache.auth(JWT_REFRESH_TOKENS=how == "session")
    pair = obtain(client)
    token = pair["token"]
    assert protected(f"JWT {token}").status_code == 200
    assert (token in _state.config().verified) is bool(cache.size)
    frozen.shift(1)

    revoke_by(how, client, user, token)

    assert protected(f"JWT {token}").status_code == 401
    response = client.post(routes.VERIFY, {"token": token}, format="json")
    assert response.status_code == 400


def test_a_kept_refresh_token_replayed_is_a_reuse(client, user, frozen, settings, cache):
    settings.JWT_AUTH = cache.auth(JWT_REFRESH_TOKENS=True)
    first = obtain(client)["refresh_token"]
    response = client.post(routes.REFRESH, {"refresh_token": first}, format="json")
    assert response.status_code in (200, 201)
    assert (first in _state.config().verified) is bool(cache.size)
    successor = response.data["token"]
    assert protected(f"JWT {successor}").status_code == 200

    replay = client.post(routes.REFRESH, {"refresh_token": first}, format="json")

    assert replay.status_code == 400
    assert replay.data["non_field_errors"][0].code == "refresh_token_reused"
    # The whole family is gone, the successor's kept access token with it.
    assert protected(f"JWT {successor}").status_code == 401


def test_a_kept_token_is_refused_in_drf_jwt_mode_the_same_way(
    client, user, frozen, settings, cache
):
    settings.JWT_AUTH = cache.auth(**FORK)
    token = obtain(client)["token"]
    assert protected(f"Bearer {token}").status_code == 200
    logout = client.post(routes.LOGOUT, {}, format="json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert logout.status_code == 204

    response = protected(f"Bearer {token}")

    assert response.status_code == 403
    frozen.shift(10**6)
    assert protected(f"Bearer {token}").status_code == 401


def test_impersonation_tokens_are_never_kept(client, user, superuser, frozen, settings, cache):
    settings.JWT_AUTH = cache.auth()
    root = client.post(routes.OBTAIN, {"username": "root", "password": "abc123"}, format="json")
    response = client.post(
        routes.IMPERSONATE,
        {"user": user.pk},
        format="json",
        HTTP_AUTHORIZATION=f"JWT {root.data['token']}",
    )
    assert response.status_code == 201, response.content
    token = response.data["token"]
    assert protected(f"JWT {token}").status_code == 200
    assert token not in _state.config().verified

    superuser.is_active = False
    superuser.save()

    assert protected(f"JWT {token}").status_code == 401


def test_a_kept_token_in_a_cookie_still_needs_csrf_for_unsafe_requests(
    client, user, frozen, settings, cache
):
    settings.JWT_AUTH = cache.auth(JWT_COOKIE_MODE=True)
    client.post(routes.OBTAIN, {"username": "admin", "password": "abc123"}, format="json")
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.cookies = client.cookies
    assert csrf_client.get(routes.PROTECTED).status_code == 200

    response = csrf_client.post(routes.LOGOUT, {}, format="json")

    assert response.status_code == 403
