"""Impersonation (drf-jwt's endpoint): superusers only, an RFC 8693 ``act`` claim, a short life,
and no refresh. Routed at /api-token-impersonate/ in tests/urls.py."""

from __future__ import annotations

import datetime as dt

import jwt
import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from rest_framework_jwt import revocation
from rest_framework_jwt.authentication import (
    JSONWebTokenAuthentication,
    StatelessJSONWebTokenAuthentication,
)
from rest_framework_jwt.blacklist.models import RefreshToken
from rest_framework_jwt.serializers import ImpersonateAuthTokenSerializer
from rest_framework_jwt.tokens import password_version
from rest_framework_jwt.views import ImpersonateJSONWebToken
from tests.helpers import (
    LOGOUT_ALL,
    REVOCATIONS,
    START,
    Mode,
    both_modes,
    decode,
    mode_where_it_differs,  # noqa: F401 (the ``mode`` fixture here)
    plain_id,
    protected,
    revoke_actor,
)
from tests.test_revocation import BACKENDS, Denylist
from tests.urls import ProtectedView

ROUTE = "/api-token-impersonate/"


def login_token(client, username: str, mode: Mode, password: str = "abc123") -> str:
    response = client.post(
        "/api-token-auth/", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == mode.ok, response.content
    return response.data["token"]


@pytest.fixture
def login(client, password, mode):
    def _login(username: str) -> str:
        return login_token(client, username, mode, password)

    return _login


@pytest.fixture
def as_root(client, superuser, login, mode):
    client.credentials(HTTP_AUTHORIZATION=f"{mode.prefix} {login('root')}")
    return client


def impersonate(client, pk):
    return client.post(ROUTE, {"user": pk}, format="json")


def test_superuser_gets_a_token_for_the_target(mode, frozen, as_root, user):
    response = impersonate(as_root, user.pk)
    assert response.status_code == 201, response.data
    assert set(response.data) == {"token"}
    payload = decode(response.data["token"])
    assert payload["username"] == "admin"
    root = get_user_model().objects.get(username="root")
    assert payload["act"] == {"sub": "root", "user_id": root.pk, "pwv": password_version(root)}
    assert "orig_iat" not in payload
    assert "no-store" in response["Cache-Control"]


def test_impersonation_token_authenticates_as_the_target(mode, frozen, as_root, user):
    token = impersonate(as_root, user.pk).data["token"]
    response = protected(f"{mode.prefix} {token}")
    assert response.status_code == 200
    assert response.data == {"username": "admin"}


def test_impersonation_token_lifetime_default_is_five_minutes(mode, frozen, as_root, user):
    mode.configure(JWT_EXPIRATION_DELTA=dt.timedelta(hours=1))
    token = impersonate(as_root, user.pk).data["token"]
    assert decode(token)["exp"] == int(START.timestamp()) + 300


@both_modes
def test_impersonation_token_expires_after_its_own_delta(mode, frozen, as_root, user, client):
    mode.configure(
        JWT_EXPIRATION_DELTA=dt.timedelta(hours=1),
        JWT_IMPERSONATION_EXPIRATION_DELTA=dt.timedelta(seconds=60),
    )
    response = impersonate(as_root, user.pk)
    assert response.status_code == 201, response.data
    token = response.data["token"]
    assert decode(token)["exp"] == int(START.timestamp()) + 60
    frozen.shift(dt.timedelta(seconds=59))
    assert protected(f"{mode.prefix} {token}").status_code == 200
    frozen.shift(dt.timedelta(seconds=2))
    response = protected(f"{mode.prefix} {token}")
    assert response.status_code == 401
    expired = "Token has expired." if mode.base else "Signature has expired."
    assert response.data == {"detail": expired}
    verify = client.post("/api-token-verify/", {"token": token}, format="json")
    assert verify.status_code == 400


def test_impersonation_token_cannot_be_refreshed(mode, frozen, as_root, user, client):
    mode.configure(JWT_ALLOW_REFRESH=True)
    token = impersonate(as_root, user.pk).data["token"]
    client.credentials()
    response = client.post("/api-token-refresh/", {"token": token}, format="json")
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Impersonation tokens cannot be refreshed."]}


def test_impersonation_token_with_orig_iat_still_cannot_be_refreshed(mode, frozen, user, client):
    # Even a hand-made act token carrying orig_iat is refused.
    now = int(START.timestamp())
    payload = {
        "user_id": user.pk,
        "username": "admin",
        "exp": now + 300,
        "iat": now,
        "orig_iat": now,
        "act": {"sub": "root"},
    }
    token = jwt.encode(payload, django_settings.SECRET_KEY, algorithm="HS256")
    response = client.post("/api-token-refresh/", {"token": token}, format="json")
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Impersonation tokens cannot be refreshed."]}


@both_modes
def test_impersonation_token_verifies(mode, frozen, as_root, user, client):
    token = impersonate(as_root, user.pk).data["token"]
    client.credentials()
    response = client.post("/api-token-verify/", {"token": token}, format="json")
    assert response.status_code == mode.ok, response.data
    assert response.data["token"] == token


def test_anonymous_is_401(mode, client, user):
    response = impersonate(client, user.pk)
    assert response.status_code == 401
    assert response.data == {"detail": "Authentication credentials were not provided."}
    assert response["WWW-Authenticate"] == f'{mode.prefix} realm="api"'


def test_bad_token_is_401(mode, client, user):
    client.credentials(HTTP_AUTHORIZATION=f"{mode.prefix} garbage")
    response = impersonate(client, user.pk)
    assert response.status_code == 401
    assert "detail" in response.data


def test_non_superuser_is_403(mode, client, user, login):
    client.credentials(HTTP_AUTHORIZATION=f"{mode.prefix} {login('admin')}")
    response = impersonate(client, user.pk)
    assert response.status_code == 403
    assert "detail" in response.data


def test_staff_is_not_enough(mode, client, user, login):
    user.is_staff = True
    user.save()
    client.credentials(HTTP_AUTHORIZATION=f"{mode.prefix} {login('admin')}")
    assert impersonate(client, user.pk).status_code == 403


def test_inactive_target_is_400(mode, as_root, inactive_user):
    response = impersonate(as_root, inactive_user.pk)
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["User account is disabled."]}


@pytest.mark.parametrize("pk", [999999, "999999", "abc", "", None, [1], {"pk": 1}, -1, 10**30])
def test_unknown_or_bad_pk_is_400(mode, as_root, user, pk):
    response = impersonate(as_root, pk)
    assert response.status_code == 400, response.data
    assert "user" in response.data


def test_missing_user_field_is_400(mode, as_root):
    response = as_root.post(ROUTE, {}, format="json")
    assert response.status_code == 400
    assert "user" in response.data


def test_non_json_body_is_400(mode, as_root):
    response = as_root.post(ROUTE, data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.data


def test_impersonation_token_of_a_deleted_target_is_refused(mode, frozen, as_root, user):
    token = impersonate(as_root, user.pk).data["token"]
    user.delete()
    response = protected(f"{mode.prefix} {token}")
    assert response.status_code == 401


def test_impersonation_cookie_is_set_and_read_first(mode, frozen, as_root, user, client):
    mode.configure(JWT_AUTH_COOKIE="jwt-auth", JWT_IMPERSONATION_COOKIE="jwt-imp")
    response = impersonate(as_root, user.pk)
    assert response.status_code == 201
    cookie = response.cookies["jwt-imp"]
    assert cookie.value == response.data["token"]
    assert cookie["httponly"] is True
    root_token = jwt.encode(
        {
            "username": "root",
            "exp": int(START.timestamp()) + 300,
            "iat": int(START.timestamp()),
        },
        django_settings.SECRET_KEY,
        algorithm="HS256",
    )
    both = protected(cookie=f"jwt-auth={root_token}; jwt-imp={cookie.value}")
    assert both.status_code == 200
    assert both.data == {"username": "admin"}
    only_auth = protected(cookie=f"jwt-auth={root_token}")
    assert only_auth.data == {"username": "root"}


def test_impersonation_needs_a_post(mode, as_root):
    assert as_root.get(ROUTE).status_code == 405


# --- an impersonation token never impersonates again (issue 8) ---------------------------------


@pytest.fixture
def boss(db, password):
    """A second superuser, so that an impersonation token can carry superuser rights."""
    return get_user_model().objects.create_superuser(username="boss", password=password)


def with_token(client, mode, token: str):
    client.credentials(HTTP_AUTHORIZATION=f"{mode.prefix} {token}")
    return client


def test_an_impersonation_token_cannot_impersonate(mode, frozen, as_root, boss, user, client):
    """root impersonates boss (a superuser); boss's impersonation token must not impersonate
    admin: the new token would name only boss, and root would vanish from the audit trail."""
    as_boss = impersonate(as_root, boss.pk).data["token"]
    response = impersonate(with_token(client, mode, as_boss), user.pk)
    assert response.status_code == 403, response.data
    assert response.data == {"detail": "Impersonation tokens cannot be used to impersonate."}
    assert response.data["detail"].code == "impersonation_nested"
    assert "token" not in response.data
    # The token itself still works where impersonation tokens do.
    assert protected(f"{mode.prefix} {as_boss}").data == {"username": "boss"}


def test_the_refusal_carries_its_code_in_the_body_with_error_codes(mode, frozen, superuser, user):
    mode.configure(JWT_RESPONSE_ERROR_CODES=True)
    client = APIClient()
    root = login_token(client, "root", mode)
    self_token = impersonate(with_token(client, mode, root), superuser.pk).data["token"]
    response = impersonate(with_token(client, mode, self_token), user.pk)
    assert response.status_code == 403
    assert response.data == {
        "detail": "Impersonation tokens cannot be used to impersonate.",
        "code": "impersonation_nested",
    }


def test_impersonating_oneself_does_not_renew_the_cap(mode, frozen, as_root, superuser, client):
    """root impersonates root: the token lives 5 minutes; with it, neither impersonating root
    again nor anyone else gives a token that lives longer."""
    first = impersonate(as_root, superuser.pk)
    assert first.status_code == 201
    cap = decode(first.data["token"])["exp"]
    assert cap == int(START.timestamp()) + 300
    frozen.shift(dt.timedelta(seconds=200))
    again = impersonate(with_token(client, mode, first.data["token"]), superuser.pk)
    assert again.status_code == 403
    assert again.data["detail"].code == "impersonation_nested"


def test_a_nested_act_claim_is_refused_too(mode, frozen, superuser, user, client):
    """A token with nested actors (RFC 8693 section 4.1) is an impersonation token: refused."""
    now = int(START.timestamp())
    nested = jwt.encode(
        {
            "username": "root",
            "exp": now + 300,
            "iat": now,
            "act": {"sub": "root", "user_id": superuser.pk, "act": {"sub": "root"}},
        },
        django_settings.SECRET_KEY,
        algorithm="HS256",
    )
    assert protected(f"{mode.prefix} {nested}").status_code == 200
    assert impersonate(with_token(client, mode, nested), user.pk).status_code == 403


def test_the_impersonation_cookie_cannot_impersonate(mode, frozen, as_root, boss, user):
    mode.configure(JWT_IMPERSONATION_COOKIE="jwt-imp")
    cookie = impersonate(as_root, boss.pk).cookies["jwt-imp"].value
    client = APIClient()
    client.cookies["jwt-imp"] = cookie
    assert impersonate(client, user.pk).status_code == 403


def test_a_subclass_with_other_permissions_still_refuses(mode, frozen, as_root, boss, user):
    token = impersonate(as_root, boss.pk).data["token"]
    view = ImpersonateJSONWebToken.as_view(permission_classes=(IsAuthenticated,))
    request = APIRequestFactory().post(
        ROUTE, {"user": user.pk}, format="json", HTTP_AUTHORIZATION=f"{mode.prefix} {token}"
    )
    response = view(request)
    assert response.status_code == 403
    assert response.data["detail"].code == "impersonation_nested"


def authenticated_request(mode, token: str) -> Request:
    request = Request(
        APIRequestFactory().post(ROUTE, HTTP_AUTHORIZATION=f"{mode.prefix} {token}"),
        authenticators=[JSONWebTokenAuthentication()],
    )
    assert request.user.is_authenticated
    return request


def test_the_serializer_refuses_an_impersonation_credential(mode, frozen, as_root, boss, user):
    """Projects that use the serializer in their own view get the same refusal (400)."""
    token = impersonate(as_root, boss.pk).data["token"]
    serializer = ImpersonateAuthTokenSerializer(
        data={"user": user.pk}, context={"request": authenticated_request(mode, token)}
    )
    assert not serializer.is_valid()
    assert serializer.errors == {
        "non_field_errors": ["Impersonation tokens cannot be used to impersonate."]
    }
    assert serializer.errors["non_field_errors"][0].code == "impersonation_nested"


def test_a_credential_that_expired_after_authentication_is_refused(mode, frozen, as_root, boss):
    """The credential is read again after authentication; if it expired in between, the answer
    is still no (fail closed), or the exp boundary would be a way around the rule."""
    token = impersonate(as_root, boss.pk).data["token"]
    request = authenticated_request(mode, token)
    frozen.shift(dt.timedelta(seconds=301))
    serializer = ImpersonateAuthTokenSerializer(
        data={"user": boss.pk}, context={"request": request}
    )
    assert not serializer.is_valid()
    assert serializer.errors["non_field_errors"][0].code == "impersonation_nested"


def test_an_ordinary_token_still_impersonates_through_the_serializer(mode, frozen, superuser, user):
    token = login_token(APIClient(), "root", mode)
    serializer = ImpersonateAuthTokenSerializer(
        data={"user": user.pk}, context={"request": authenticated_request(mode, token)}
    )
    assert serializer.is_valid(), serializer.errors
    assert decode(serializer.validated_data["token"])["act"]["sub"] == "root"


def test_the_serializer_needs_an_authenticated_actor(mode, user):
    """No token without an impersonator to name: none could be revoked through them."""
    request = APIRequestFactory().post(ROUTE)
    request.user = AnonymousUser()
    for context in ({}, {"request": request}):
        serializer = ImpersonateAuthTokenSerializer(data={"user": user.pk}, context=context)
        assert not serializer.is_valid()
        assert serializer.errors["non_field_errors"][0].code == "not_authenticated"


# --- no path renews the cap ------------------------------------------------------------------


@both_modes
def test_no_endpoint_gives_a_token_that_outlives_the_cap(mode, frozen, as_root, boss, user):
    """With the impersonation token (of a superuser), every endpoint that answers tokens, in
    both refresh modes: none answers a token with a later exp than the token's own."""
    response = impersonate(as_root, boss.pk)
    token = response.data["token"]
    cap = decode(token)["exp"]
    frozen.shift(dt.timedelta(seconds=200))
    answers = []
    for extra in ({"JWT_ALLOW_REFRESH": True}, {"JWT_REFRESH_TOKENS": True}):
        mode.configure(JWT_RESPONSE_ERROR_CODES=True, **extra)
        client = with_token(APIClient(), mode, token)
        answers += [
            ("impersonate", impersonate(client, user.pk)),
            ("refresh", client.post("/api-token-refresh/", {"token": token}, format="json")),
            (
                "refresh_token",
                client.post("/api-token-refresh/", {"refresh_token": token}, format="json"),
            ),
            ("verify", client.post("/api-token-verify/", {"token": token}, format="json")),
        ]
    outcomes = {}
    for name, answer in answers:
        if answer.status_code < 300:
            for field in ("token", "refresh_token"):
                if field in answer.data:
                    assert decode(answer.data[field])["exp"] <= cap, (name, answer.data)
        outcomes.setdefault(name, set()).add((answer.status_code, answer.data.get("code")))
    ok = mode.ok
    assert outcomes == {
        "impersonate": {(403, "impersonation_nested")},
        "refresh": {(400, "impersonation_refresh")},
        # The classic endpoint wants "token" (the field's "required"); the rotating one
        # refuses the token as such.
        "refresh_token": {(400, "required"), (400, "impersonation_refresh")},
        "verify": {(ok, None)},  # verify answers the token back, unchanged
    }


def test_refresh_token_mode_refuses_an_impersonation_token_and_consumes_nothing(
    mode, frozen, as_root, user, client
):
    mode.configure(JWT_REFRESH_TOKENS=True)
    token = impersonate(as_root, user.pk).data["token"]
    for field in ("refresh_token", "token"):
        response = client.post("/api-token-refresh/", {field: token}, format="json")
        assert response.status_code == 400
        assert response.data == {"non_field_errors": ["Impersonation tokens cannot be refreshed."]}
    assert not RefreshToken.objects.filter(family__user=user).exists()


# --- every revocation of the actor ends their impersonation tokens (issue 8) -------------------


@pytest.fixture
def store(request, settings):
    """The denylist backend of tests/test_revocation.py (database, cache on locmem, redis)."""
    backend = Denylist(request.param, settings)
    yield backend
    backend.cleanup()


def jwt_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"JWT {token}")
    return client


@pytest.fixture
def root_session(frozen, superuser, user):
    """root's own token, an impersonation token of admin made with it, and admin's own token."""
    root = login_token(APIClient(), "root", Mode(None, {}))
    response = impersonate(jwt_client(root), user.pk)
    assert response.status_code == 201, response.data
    own = login_token(APIClient(), "admin", Mode(None, {}))
    return root, response.data["token"], own


@pytest.mark.parametrize("store", BACKENDS, indirect=True)
@pytest.mark.parametrize("how", REVOCATIONS)
def test_every_revocation_of_the_actor_ends_their_impersonation_tokens(
    store, frozen, superuser, root_session, how
):
    root, token, own = root_session
    assert protected(f"JWT {token}").status_code == 200
    frozen.shift(dt.timedelta(seconds=1))
    revoke_actor(how, superuser, root)

    response = protected(f"JWT {token}")
    assert response.status_code == 401, response.data
    assert response.data == {"detail": "Token has been revoked.", "code": "token_revoked"}
    verify = APIClient().post("/api-token-verify/", {"token": token}, format="json")
    assert verify.status_code == 400
    assert verify.data["code"] == "token_revoked"
    # Only the tokens in which root acts: admin's own token is untouched.
    assert protected(f"JWT {own}").data == {"username": "admin"}


@pytest.mark.parametrize("store", BACKENDS, indirect=True)
def test_a_cutoff_of_the_actor_spares_later_impersonations(store, frozen, superuser, user):
    first = login_token(APIClient(), "root", Mode(None, {}))
    old = impersonate(jwt_client(first), user.pk).data["token"]
    frozen.shift(dt.timedelta(seconds=1))
    assert jwt_client(first).post(LOGOUT_ALL).status_code == 204
    frozen.shift(dt.timedelta(seconds=1))
    again = login_token(APIClient(), "root", Mode(None, {}))
    new = impersonate(jwt_client(again), user.pk).data["token"]
    assert protected(f"JWT {new}").status_code == 200
    assert protected(f"JWT {old}").status_code == 401


def test_the_cutoff_of_another_user_does_not_matter(frozen, superuser, root_session, password):
    _, token, _ = root_session
    other = get_user_model().objects.create_superuser(username="other", password=password)
    frozen.shift(dt.timedelta(seconds=1))
    revocation.revoke_user(other, reason="admin")
    assert protected(f"JWT {token}").status_code == 200


@pytest.mark.parametrize("include_user_id", [True, False])
def test_a_new_account_under_the_actors_username_is_not_the_actor(
    settings, frozen, superuser, user, password, include_user_id
):
    """root is deleted and someone creates a new "root" (with the same password, even): the
    old impersonation token names the old account (act.user_id, act.pwv) and stays dead."""
    settings.JWT_AUTH = {"JWT_PAYLOAD_INCLUDE_USER_ID": include_user_id}
    root = login_token(APIClient(), "root", Mode(None, {}))
    token = impersonate(jwt_client(root), user.pk).data["token"]
    assert decode(token)["act"]["user_id"] == superuser.pk  # whatever the setting says
    superuser.delete()
    get_user_model().objects.create_superuser(username="root", password=password)
    assert protected(f"JWT {token}").status_code == 401


STATELESS = ProtectedView.as_view(authentication_classes=(StatelessJSONWebTokenAuthentication,))


def stateless(token: str):
    return STATELESS(APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"JWT {token}"))


@pytest.mark.parametrize(
    "how", ["logout_all", "password_change", "deactivation", "deletion", "admin_cutoff"]
)
def test_stateless_services_see_the_actors_cutoff(frozen, superuser, root_session, how):
    """No user is loaded there; the store's cutoff for act.user_id ends the token."""
    root, token, own = root_session
    assert stateless(token).status_code == 200
    frozen.shift(dt.timedelta(seconds=1))
    revoke_actor(how, superuser, root)
    assert stateless(token).status_code == 401
    assert stateless(own).status_code == 200


def test_only_impersonation_tokens_pay_for_the_actor(
    frozen, root_session, django_assert_num_queries
):
    """An ordinary token: one query (user and revocation state); an impersonation token: one
    more, for its actor. Stateless: one store lookup, and one more for the actor."""
    _, token, own = root_session
    with django_assert_num_queries(1):
        assert protected(f"JWT {own}").status_code == 200
    with django_assert_num_queries(2):
        assert protected(f"JWT {token}").status_code == 200
    with django_assert_num_queries(1):
        assert stateless(own).status_code == 200
    with django_assert_num_queries(2):
        assert stateless(token).status_code == 200


def hand_made(user, act) -> str:
    now = int(START.timestamp())
    payload = {"user_id": user.pk, "username": user.username, "exp": now + 300, "iat": now}
    return jwt.encode({**payload, "act": act}, django_settings.SECRET_KEY, algorithm="HS256")


def test_an_act_claim_without_user_id_is_checked_by_username(frozen, superuser, user):
    """Tokens of earlier 2.0 development versions named the actor by username only."""
    token = hand_made(user, {"sub": "root"})
    assert protected(f"JWT {token}").status_code == 200
    superuser.is_active = False
    superuser.save()
    assert protected(f"JWT {token}").status_code == 401


@pytest.mark.parametrize(
    ("act", "code"),
    [
        ("root", "token_invalid_claim"),
        (1, "token_invalid_claim"),
        (None, "token_invalid_claim"),
        ([{"sub": "root"}], "token_invalid_claim"),
        ({}, "token_invalid_claim"),
        ({"sub": 1}, "token_invalid_claim"),
        ({"sub": ""}, "token_invalid_claim"),
        ({"sub": "root", "user_id": {"pk": 1}}, "token_invalid_claim"),
        ({"sub": "root", "user_id": True}, "token_invalid_claim"),
        ({"sub": "root", "user_id": 10**30}, "token_invalid_claim"),
        ({"sub": "root", "user_id": "1\x00"}, "token_invalid_claim"),
        ({"sub": "root", "pwv": 5}, "token_invalid_claim"),
        ({"sub": "root", "pwv": "0" * 16}, "token_revoked"),
        ({"sub": "root", "user_id": 999999}, "token_revoked"),
        ({"sub": "nobody"}, "token_revoked"),
        ({"sub": "root\x00"}, "token_revoked"),
        ({"sub": "\udc00"}, "token_revoked"),
        ({"sub": "x" * 5000}, "token_revoked"),
    ],
    ids=plain_id,
)
def test_a_bad_or_unknown_actor_is_refused_cleanly(settings, frozen, superuser, user, act, code):
    settings.JWT_AUTH = {"JWT_RESPONSE_ERROR_CODES": True}
    token = hand_made(user, act)
    response = protected(f"JWT {token}")
    assert response.status_code == 401, response.data
    assert response.data["code"] == code
    verify = APIClient().post("/api-token-verify/", {"token": token}, format="json")
    assert verify.status_code == 400, verify.data
    assert verify.data["code"] == code
    if not isinstance(act, dict) or act.get("user_id") is None or code == "token_revoked":
        return
    assert stateless(token).status_code == 401
