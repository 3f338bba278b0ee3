"""The verified-token cache (JWT_VERIFIED_TOKEN_CACHE_SIZE): a token verified once with the
configured keys is not decoded again, but everything that can change is still checked on every
request: the time claims, the keys (a new configuration starts an empty cache), revocation and
the user."""

from __future__ import annotations

import pytest
from django.core.checks import Error

from rest_framework_jwt import _state, backend, checks, verification
from rest_framework_jwt.exceptions import ExpiredToken, ImmatureToken, InvalidSignature
from rest_framework_jwt.settings import api_settings
from tests.helpers import NOW, make_token, protected, sign


@pytest.fixture(autouse=True)
def fresh_state():
    """No token kept by an earlier test (the tests here sign the same claims)."""
    _state.reset()


@pytest.fixture
def signatures(monkeypatch):
    """The number of signature checks :func:`backend.verify_signature` has done."""
    calls: list[str] = []
    original = backend.verify_signature

    def counting(parsed, algorithm, keys):
        calls.append(algorithm)
        return original(parsed, algorithm, keys)

    monkeypatch.setattr(backend, "verify_signature", counting)
    return calls


def claims(**extra):
    return {"user_id": 1, "username": "admin", "exp": NOW + 300, "iat": NOW, **extra}


def test_a_token_seen_again_is_not_verified_again(frozen, signatures):
    token = sign(claims())

    first = verification.decode(token)
    second = verification.decode(token)

    assert signatures == ["HS256"]
    assert second is first
    assert second.claims["user_id"] == 1


def test_with_the_cache_off_every_decode_verifies(frozen, signatures, settings):
    settings.JWT_AUTH = {"JWT_VERIFIED_TOKEN_CACHE_SIZE": 0}
    token = sign(claims())

    verification.decode(token)
    verification.decode(token)

    assert signatures == ["HS256", "HS256"]
    assert token not in _state.config().verified


def test_a_kept_token_expires_when_the_clock_passes_exp(frozen):
    token = sign(claims())
    verification.decode(token)

    frozen.shift(299)
    assert verification.decode(token).claims["exp"] == NOW + 300
    frozen.shift(1)
    with pytest.raises(ExpiredToken, match=r"^Signature has expired\.$"):
        verification.decode(token)


def test_a_kept_token_answers_with_the_401_of_an_expired_token(frozen, user):
    token = make_token(user)
    assert protected(f"JWT {token}").status_code == 200

    frozen.shift(301)
    response = protected(f"JWT {token}")

    assert response.status_code == 401
    assert response.data["detail"] == "Signature has expired."


def test_the_leeway_still_applies_to_a_kept_token(frozen, settings):
    settings.JWT_AUTH = {"JWT_LEEWAY": 10}
    token = sign(claims())
    verification.decode(token)

    frozen.shift(309)
    verification.decode(token)
    frozen.shift(1)
    with pytest.raises(ExpiredToken):
        verification.decode(token)


def test_without_expiration_checks_a_kept_token_outlives_exp(frozen, settings):
    settings.JWT_AUTH = {"JWT_VERIFY_EXPIRATION": False}
    token = sign(claims())
    verification.decode(token)

    frozen.shift(10_000)

    assert verification.decode(token).claims["exp"] == NOW + 300


@pytest.mark.parametrize("name", ["nbf", "iat"])
def test_a_kept_token_is_immature_again_when_the_clock_goes_back(frozen, name):
    token = sign(claims(**{name: NOW}))
    verification.decode(token)

    frozen.shift(-1)

    with pytest.raises(ImmatureToken, match=rf"\({name}\)"):
        verification.decode(token)


def test_new_keys_start_an_empty_cache(frozen, settings):
    token = sign(claims())
    verification.decode(token)
    assert token in _state.config().verified

    settings.JWT_AUTH = {"JWT_SECRET_KEY": "another secret, long enough for HS256 use"}

    with pytest.raises(InvalidSignature):
        verification.decode(token)
    assert token not in _state.config().verified


def test_a_refused_token_is_not_kept(frozen):
    token = sign(claims(), key="not the secret")

    for _ in range(2):
        with pytest.raises(InvalidSignature):
            verification.decode(token)

    assert token not in _state.config().verified


def test_an_expired_token_is_not_kept(frozen):
    token = sign(claims(exp=NOW - 1))

    with pytest.raises(ExpiredToken):
        verification.decode(token)

    assert token not in _state.config().verified


def test_tokens_as_bytes_are_verified_but_not_kept(frozen, signatures):
    token = sign(claims()).encode()

    verification.decode(token)
    verification.decode(token)

    assert signatures == ["HS256", "HS256"]
    assert token.decode() not in _state.config().verified


def test_tokens_checked_with_a_per_user_secret_are_not_kept(frozen, user, settings):
    settings.JWT_AUTH = {"JWT_GET_USER_SECRET_KEY": lambda user: user.password}
    token = make_token(user)
    assert protected(f"JWT {token}").status_code == 200

    user.set_password("another password")
    user.save()

    assert protected(f"JWT {token}").status_code == 401
    assert token not in _state.config().verified


def test_without_verification_nothing_is_kept(frozen, settings):
    settings.JWT_AUTH = {"JWT_VERIFY": False}
    token = sign(claims(), key="any key")
    verification.decode(token)

    assert token not in _state.config().verified


def test_the_cache_keeps_the_newest_tokens_up_to_its_size(frozen, settings, signatures):
    settings.JWT_AUTH = {"JWT_VERIFIED_TOKEN_CACHE_SIZE": 2}
    tokens = [sign(claims(jti=str(n))) for n in range(3)]

    for token in tokens:
        verification.decode(token)

    assert list(_state.config().verified) == tokens[1:]
    verification.decode(tokens[0])
    assert len(signatures) == 4
    assert list(_state.config().verified) == [tokens[2], tokens[0]]


def test_a_dict_changed_by_another_thread_meanwhile_is_emptied(frozen, settings):
    settings.JWT_AUTH = {"JWT_VERIFIED_TOKEN_CACHE_SIZE": 1}
    verification.decode(sign(claims(jti="a")))

    class Changing(dict):
        def __iter__(self):
            raise RuntimeError("dictionary changed size during iteration")

    config = _state.config()
    config.verified.clear()
    object.__setattr__(config, "verified", Changing({"other": None}))
    token = sign(claims(jti="b"))

    verification.decode(token)

    assert dict.keys(config.verified) == {token}


def test_a_password_change_still_refuses_a_kept_token(frozen, user):
    token = make_token(user)
    assert protected(f"JWT {token}").status_code == 200
    assert token in _state.config().verified

    user.set_password("another password")
    user.save()

    assert protected(f"JWT {token}").status_code == 401


def test_a_deactivated_user_is_refused_with_a_kept_token(frozen, user):
    token = make_token(user)
    assert protected(f"JWT {token}").status_code == 200

    user.is_active = False
    user.save()

    response = protected(f"JWT {token}")
    assert response.status_code == 401
    assert response.data["detail"] == "User account is disabled."


@pytest.mark.parametrize("value", [-1, 1.5, "1024", True, None])
def test_the_system_check_refuses_a_size_that_is_not_a_count(settings, value):
    settings.JWT_AUTH = {"JWT_VERIFIED_TOKEN_CACHE_SIZE": value}

    found = [error for error in checks.check_settings(None) if isinstance(error, Error)]

    assert [error.msg for error in found] == [
        "JWT_AUTH['JWT_VERIFIED_TOKEN_CACHE_SIZE'] must be a whole number of tokens."
    ]
    assert found[0].hint == "The default is 1024; 0 turns the cache off."
    assert _state.config().verified_kept == 0


def test_the_default_size(settings):
    assert api_settings.JWT_VERIFIED_TOKEN_CACHE_SIZE == 1024
    assert _state.config().verified_kept == 1024


@pytest.mark.parametrize(
    "extra",
    [{"act": {"sub": "root"}}, {"aud": ["a", "b"]}, {"roles": ["reader"]}],
    ids=["object", "audience-list", "array"],
)
def test_a_token_with_a_nested_claim_is_not_kept(frozen, settings, extra, signatures):
    settings.JWT_AUTH = {"JWT_AUDIENCE": "a"} if "aud" in extra else {}
    token = sign(claims(**extra))

    first = verification.decode(token)
    first.payload[next(iter(extra))].clear()  # a view changing its copy of the payload
    second = verification.decode(token)

    assert second.claims == claims(**extra)
    assert len(signatures) == 2
    assert token not in _state.config().verified


def test_a_kept_token_hands_each_request_its_own_payload(frozen):
    token = sign(claims())
    verification.decode(token).payload["username"] = "root"

    assert verification.decode(token).payload["username"] == "admin"
