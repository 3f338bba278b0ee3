"""Settings drf-jwt added, accepted in 1.x mode too: key lists and kid dicts, algorithm lists,
JWT_TOKEN_ID, JWT_INSIST_ON_KID, JWT_PAYLOAD_INCLUDE_USER_ID.

Their meaning does not depend on the mode, so the tests run in 1.x mode (``mode``); a test
marked ``both_modes`` expects a body that differs between the modes.
"""

from __future__ import annotations

import time
import uuid

import jwt
import pytest

from tests.conftest import read_key
from tests.helpers import (
    both_modes,
    mode_where_it_differs,  # noqa: F401 (the module's mode fixture)
    protected,
    sign,
)

K1 = "first-key-0123456789-0123456789-0123456789"
K2 = "second-key-0123456789-0123456789-0123456789"
K3 = "third-key-0123456789-0123456789-0123456789"
# HS512 wants a key of 64 bytes or more (PyJWT warns otherwise).
K512 = "a-key-long-enough-for-hs512-" + "0123456789" * 5


@pytest.fixture
def obtain(client, user, password, mode):
    def _obtain() -> str:
        response = client.post(
            "/api-token-auth/", {"username": "admin", "password": password}, format="json"
        )
        assert response.status_code == mode.ok, response.content
        return response.data["token"]

    return _obtain


def unverified(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def old_style_payload(user, **extra) -> dict:
    """A 1.x token's claims: no iat and no jti."""
    now = int(time.time())
    payload = {
        "user_id": user.pk,
        "username": user.get_username(),
        "email": user.email,
        "exp": now + 300,
        "orig_iat": now,
    }
    payload.update(extra)
    return payload


def new_payload(user, **extra) -> dict:
    now = int(time.time())
    payload = {
        "user_id": user.pk,
        "username": user.get_username(),
        "exp": now + 300,
        "iat": now,
        "orig_iat": now,
        "jti": uuid.uuid4().hex,
    }
    payload.update(extra)
    return payload


def assert_accepted(mode, client, token: str) -> None:
    response = protected(mode.header(token))
    assert response.status_code == 200, response.data
    assert response.data == {"username": "admin"}
    response = client.post("/api-token-verify/", {"token": token}, format="json")
    assert response.status_code == mode.ok, response.data


def assert_refused(mode, client, token: str) -> None:
    response = protected(mode.header(token))
    assert response.status_code == 401, response.data
    assert "detail" in response.data
    response = client.post("/api-token-verify/", {"token": token}, format="json")
    assert response.status_code == 400, response.data
    assert response.data["non_field_errors"]


# ----------------------------------------------------------------------------------------------
# JWT_SECRET_KEY as a list


def test_secret_list_first_key_signs(mode, obtain):
    mode.configure(JWT_SECRET_KEY=[K1, K2])
    token = obtain()
    assert jwt.decode(token, K1, algorithms=["HS256"])["username"] == "admin"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, K2, algorithms=["HS256"])


def test_secret_list_every_key_verifies(mode, obtain, client, user):
    mode.configure(JWT_SECRET_KEY=[K1, K2])
    assert_accepted(mode, client, obtain())
    assert_accepted(mode, client, jwt.encode(new_payload(user), K2, algorithm="HS256"))


def test_secret_list_refuses_other_keys(mode, client, user):
    mode.configure(JWT_SECRET_KEY=[K1, K2])
    assert_refused(mode, client, jwt.encode(new_payload(user), K3, algorithm="HS256"))


def test_secret_list_refresh_of_second_key_token_is_signed_by_first(mode, client, user):
    mode.configure(JWT_SECRET_KEY=[K1, K2], JWT_ALLOW_REFRESH=True)
    old = jwt.encode(new_payload(user), K2, algorithm="HS256")
    response = client.post("/api-token-refresh/", {"token": old}, format="json")
    assert response.status_code == mode.ok, response.data
    assert jwt.decode(response.data["token"], K1, algorithms=["HS256"])["username"] == "admin"


# ----------------------------------------------------------------------------------------------
# JWT_SECRET_KEY as a dict kid -> key


def test_secret_dict_first_item_signs_with_kid(mode, obtain):
    mode.configure(JWT_SECRET_KEY={"one": K1, "two": K2})
    token = obtain()
    assert jwt.get_unverified_header(token)["kid"] == "one"
    assert jwt.decode(token, K1, algorithms=["HS256"])["username"] == "admin"


def test_secret_dict_accepts_second_kid(mode, client, user):
    mode.configure(JWT_SECRET_KEY={"one": K1, "two": K2})
    token = jwt.encode(new_payload(user), K2, algorithm="HS256", headers={"kid": "two"})
    assert_accepted(mode, client, token)


def test_secret_dict_refuses_unknown_kid(mode, client, user):
    mode.configure(JWT_SECRET_KEY={"one": K1, "two": K2})
    token = jwt.encode(new_payload(user), K1, algorithm="HS256", headers={"kid": "three"})
    assert_refused(mode, client, token)


def test_secret_dict_kid_selects_exactly_one_key(mode, client, user):
    mode.configure(JWT_SECRET_KEY={"one": K1, "two": K2})
    token = jwt.encode(new_payload(user), K1, algorithm="HS256", headers={"kid": "two"})
    assert_refused(mode, client, token)


@pytest.mark.parametrize("kid", [123, 1.5, True, ["one"], {"one": 1}, ""])
def test_secret_dict_refuses_odd_kid_values(mode, client, user, kid):
    mode.configure(JWT_SECRET_KEY={"one": K1, "two": K2})
    # PyJWT will not encode a non-string kid, so sign by hand (with a key that is configured).
    assert_refused(mode, client, sign(new_payload(user), {"alg": "HS256", "kid": kid}, key=K1))


def test_insist_on_kid_refuses_null_kid(mode, client, user):
    mode.configure(JWT_SECRET_KEY={"one": K1, "two": K2}, JWT_INSIST_ON_KID=True)
    token = sign(new_payload(user), {"alg": "HS256", "kid": None}, key=K1)
    assert_refused(mode, client, token)


def test_secret_dict_without_kid_tries_every_key(mode, client, user):
    mode.configure(JWT_SECRET_KEY={"one": K1, "two": K2})
    assert_accepted(mode, client, jwt.encode(new_payload(user), K2, algorithm="HS256"))
    assert_refused(mode, client, jwt.encode(new_payload(user), K3, algorithm="HS256"))


def test_insist_on_kid_refuses_token_without_kid(mode, client, user):
    mode.configure(JWT_SECRET_KEY={"one": K1, "two": K2}, JWT_INSIST_ON_KID=True)
    assert_refused(mode, client, jwt.encode(new_payload(user), K1, algorithm="HS256"))
    token = jwt.encode(new_payload(user), K1, algorithm="HS256", headers={"kid": "one"})
    assert_accepted(mode, client, token)


def test_insist_on_kid_tokens_it_issues_pass(mode, obtain, client):
    mode.configure(JWT_SECRET_KEY={"one": K1, "two": K2}, JWT_INSIST_ON_KID=True)
    assert_accepted(mode, client, obtain())


# ----------------------------------------------------------------------------------------------
# asymmetric key lists and dicts


def test_private_key_list_first_signs_public_list_all_verify(mode, obtain, client, user):
    mode.configure(
        JWT_ALGORITHM="RS256",
        JWT_PRIVATE_KEY=[read_key("rsa_private.pem"), read_key("rsa2_private.pem")],
        JWT_PUBLIC_KEY=[read_key("rsa_public.pem"), read_key("rsa2_public.pem")],
    )
    token = obtain()
    assert jwt.decode(token, read_key("rsa_public.pem"), algorithms=["RS256"])
    second = jwt.encode(new_payload(user), read_key("rsa2_private.pem"), algorithm="RS256")
    assert_accepted(mode, client, second)


def test_public_key_dict_by_kid(mode, client, user):
    mode.configure(
        JWT_ALGORITHM="RS256",
        JWT_PRIVATE_KEY={"a": read_key("rsa_private.pem")},
        JWT_PUBLIC_KEY={"a": read_key("rsa_public.pem"), "b": read_key("rsa2_public.pem")},
    )
    good = jwt.encode(
        new_payload(user), read_key("rsa2_private.pem"), algorithm="RS256", headers={"kid": "b"}
    )
    assert_accepted(mode, client, good)
    wrong = jwt.encode(
        new_payload(user), read_key("rsa2_private.pem"), algorithm="RS256", headers={"kid": "a"}
    )
    assert_refused(mode, client, wrong)


@pytest.mark.parametrize("algorithm", ["RS256", ["RS256", "HS256"]], ids=["rs256", "rs256+hs256"])
def test_rs256_setting_refuses_hs256_signed_with_the_public_key(mode, client, user, algorithm):
    mode.configure(
        JWT_ALGORITHM=algorithm,
        JWT_PRIVATE_KEY=read_key("rsa_private.pem"),
        JWT_PUBLIC_KEY=read_key("rsa_public.pem"),
    )

    token = sign(new_payload(user), key=read_key("rsa_public.pem"))
    assert_refused(mode, client, token)


# ----------------------------------------------------------------------------------------------
# JWT_ALGORITHM as a list


def test_algorithm_list_first_signs(mode, obtain):
    mode.configure(JWT_ALGORITHM=["HS512", "HS256"], JWT_SECRET_KEY=K512)
    assert jwt.get_unverified_header(obtain())["alg"] == "HS512"


def test_algorithm_list_accepts_the_others(mode, client, user):
    mode.configure(JWT_ALGORITHM=["HS512", "HS256"], JWT_SECRET_KEY=K512)
    token = jwt.encode(new_payload(user), K512, algorithm="HS256")
    assert_accepted(mode, client, token)


def test_algorithm_list_refuses_algorithms_not_listed(mode, client, user):
    mode.configure(JWT_ALGORITHM=["HS512", "HS256"], JWT_SECRET_KEY=K512)
    token = jwt.encode(new_payload(user), K512, algorithm="HS384")
    assert_refused(mode, client, token)


def test_single_algorithm_refuses_others(mode, client, user):
    mode.configure(JWT_ALGORITHM="HS256", JWT_SECRET_KEY=K512)
    token = jwt.encode(new_payload(user), K512, algorithm="HS512")
    assert_refused(mode, client, token)


# ----------------------------------------------------------------------------------------------
# JWT_TOKEN_ID


def test_token_id_off_adds_no_jti(mode, obtain):
    mode.configure(JWT_TOKEN_ID="off")
    assert "jti" not in unverified(obtain())


def test_token_id_include_is_the_default(mode, obtain):
    jti = unverified(obtain())["jti"]
    assert isinstance(jti, str) and len(jti) >= 32


def test_token_ids_are_unique(mode, obtain):
    assert unverified(obtain())["jti"] != unverified(obtain())["jti"]


def test_token_id_include_accepts_1x_tokens(mode, client, user, settings):
    mode.configure(JWT_TOKEN_ID="include")
    token = jwt.encode(old_style_payload(user), settings.SECRET_KEY, algorithm="HS256")
    assert_accepted(mode, client, token)


def test_token_id_include_refreshes_1x_tokens(mode, client, user, settings):
    mode.configure(JWT_TOKEN_ID="include")
    token = jwt.encode(old_style_payload(user), settings.SECRET_KEY, algorithm="HS256")
    response = client.post("/api-token-refresh/", {"token": token}, format="json")
    assert response.status_code == mode.ok, response.data


def test_token_id_require_refuses_token_without_jti(mode, client, user, settings):
    mode.configure(JWT_TOKEN_ID="require", JWT_ALLOW_REFRESH=True)
    token = jwt.encode(old_style_payload(user), settings.SECRET_KEY, algorithm="HS256")
    assert_refused(mode, client, token)
    response = client.post("/api-token-refresh/", {"token": token}, format="json")
    assert response.status_code == 400, response.data


def test_token_id_require_accepts_its_own_tokens(mode, obtain, client):
    mode.configure(JWT_TOKEN_ID="require", JWT_ALLOW_REFRESH=True)
    token = obtain()
    assert "jti" in unverified(token)
    assert_accepted(mode, client, token)
    response = client.post("/api-token-refresh/", {"token": token}, format="json")
    assert response.status_code == mode.ok, response.data


# ----------------------------------------------------------------------------------------------
# JWT_PAYLOAD_INCLUDE_USER_ID


#: The user's claims in a token without ``user_id``: 1.x's payload handler adds the e-mail
#: address, drf-jwt's does not.
USER_CLAIMS_WITHOUT_ID = {
    "orig": {"username": "admin", "email": "admin@example.com"},
    "fork": {"username": "admin"},
}


@both_modes
def test_payload_include_user_id_false(mode, obtain, client):
    mode.configure(JWT_PAYLOAD_INCLUDE_USER_ID=False)
    token = obtain()
    payload = unverified(token)
    user_claims = {k: payload[k] for k in ("user_id", "username", "email") if k in payload}
    assert user_claims == USER_CLAIMS_WITHOUT_ID["fork" if mode.fork else "orig"]
    assert_accepted(mode, client, token)


def test_payload_include_user_id_default(mode, obtain, user):
    assert unverified(obtain())["user_id"] == user.pk
