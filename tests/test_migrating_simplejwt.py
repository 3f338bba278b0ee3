"""docs/migrating/from-simplejwt.md: tokens that simplejwt itself issued, verified here with the
handler, settings and URL conf of that page (read from the page, so the test and the page cannot
drift apart)."""

from __future__ import annotations

import datetime as dt
import sys
import types
import uuid

import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.settings import DEFAULTS as SIMPLEJWT_DEFAULTS
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, SlidingToken

from rest_framework_jwt import revocation, utils
from rest_framework_jwt.settings import DEFAULTS
from rest_framework_jwt.test import force_jwt
from tests.helpers import PROTECTED, REFRESH, START, VERIFY
from tests.test_docs_snippets import blocks

PAGE = "docs/migrating/from-simplejwt.md"


def page_block(predicate) -> str:
    return next(block.text for block in blocks(PAGE) if predicate(block))


HANDLER = page_block(lambda b: b.options.get("module") == "myproject.jwt")
SETTINGS = page_block(lambda b: "settings" in b.args and "JWT_AUTH" in b.text)
URLS = page_block(lambda b: "urls" in b.args)


def page_settings() -> dict:
    namespace: dict = {}
    exec(SETTINGS, namespace)
    return {"JWT_AUTH": namespace["JWT_AUTH"], "REST_FRAMEWORK": namespace["REST_FRAMEWORK"]}


@pytest.fixture
def switched(monkeypatch):
    """The project of the page: its handler module, its settings, its URL conf."""
    module = types.ModuleType("myproject.jwt")
    exec(HANDLER, module.__dict__)
    monkeypatch.setitem(sys.modules, "myproject", types.ModuleType("myproject"))
    monkeypatch.setitem(sys.modules, "myproject.jwt", module)
    urls = types.ModuleType("simplejwt_switch_urls")
    exec(URLS, urls.__dict__)
    urls.urlpatterns += __import__("tests.urls", fromlist=["urlpatterns"]).urlpatterns
    monkeypatch.setitem(sys.modules, "simplejwt_switch_urls", urls)
    with override_settings(**page_settings(), ROOT_URLCONF="simplejwt_switch_urls"):
        yield


# simplejwt binds its signing key when it is first imported; these classes name theirs, the one
# the page assumes (simplejwt's default, SECRET_KEY, which is also this package's default).
def backend() -> TokenBackend:
    return TokenBackend("HS256", django_settings.SECRET_KEY)


class Access(AccessToken):
    _token_backend = property(lambda self: backend())


class Refresh(RefreshToken):
    _token_backend = property(lambda self: backend())
    access_token_class = Access


class Sliding(SlidingToken):
    _token_backend = property(lambda self: backend())


def get(token: str, prefix: str = "Bearer"):
    return APIClient().get(PROTECTED, HTTP_AUTHORIZATION=f"{prefix} {token}")


def test_the_page_quotes_simplejwts_defaults():
    assert SIMPLEJWT_DEFAULTS["ACCESS_TOKEN_LIFETIME"] == dt.timedelta(minutes=5)
    assert SIMPLEJWT_DEFAULTS["REFRESH_TOKEN_LIFETIME"] == dt.timedelta(days=1)
    assert SIMPLEJWT_DEFAULTS["ALGORITHM"] == "HS256"
    assert SIMPLEJWT_DEFAULTS["AUTH_HEADER_TYPES"] == ("Bearer",)
    assert (SIMPLEJWT_DEFAULTS["USER_ID_FIELD"], SIMPLEJWT_DEFAULTS["USER_ID_CLAIM"]) == (
        "id",
        "user_id",
    )
    assert SIMPLEJWT_DEFAULTS["TOKEN_TYPE_CLAIM"] == "token_type"
    assert SIMPLEJWT_DEFAULTS["JTI_CLAIM"] == "jti"
    assert SIMPLEJWT_DEFAULTS["LEEWAY"] == 0
    assert SIMPLEJWT_DEFAULTS["UPDATE_LAST_LOGIN"] is False
    assert SIMPLEJWT_DEFAULTS["CHECK_REVOKE_TOKEN"] is False
    # ... and this package's counterparts.
    assert DEFAULTS["JWT_EXPIRATION_DELTA"] == dt.timedelta(seconds=300)
    assert DEFAULTS["JWT_REFRESH_EXPIRATION_DELTA"] == dt.timedelta(days=7)
    assert DEFAULTS["JWT_ALGORITHM"] == "HS256"
    assert DEFAULTS["JWT_AUTH_HEADER_PREFIX"] == "JWT"
    assert DEFAULTS["JWT_LEEWAY"] == 0
    assert DEFAULTS["JWT_UPDATE_LAST_LOGIN"] is False
    assert DEFAULTS["JWT_REVOKE_ON_PASSWORD_CHANGE"] is True


def test_a_simplejwt_access_token_authenticates_and_verifies(switched, user):
    token = str(Access.for_user(user))
    response = get(token)
    assert response.status_code == 200, response.content
    assert response.json() == {"username": user.get_username()}
    response = APIClient().post(VERIFY, {"token": token}, format="json")
    assert response.status_code == 200
    assert response.json() == {"token": token}


def test_without_the_handler_a_simplejwt_token_names_no_user(user):
    token = str(Access.for_user(user))
    with override_settings(JWT_AUTH={"JWT_AUTH_HEADER_PREFIX": "Bearer"}):
        assert get(token).status_code == 401


def test_this_packages_tokens_still_authenticate_with_the_handler(switched, user):
    response = get(utils.jwt_encode_handler(utils.jwt_payload_handler(user)))
    assert response.json() == {"username": user.get_username()}
    client = APIClient()
    force_jwt(client, user)  # the Tests section: it sends the Bearer prefix
    assert client.get(PROTECTED).status_code == 200
    assert client._credentials["HTTP_AUTHORIZATION"].startswith("Bearer ")


@pytest.mark.parametrize("kind", ["refresh", "sliding"])
def test_simplejwt_refresh_and_sliding_tokens_are_not_credentials(switched, user, kind):
    token = str(Refresh.for_user(user) if kind == "refresh" else Sliding.for_user(user))
    response = get(token)
    assert response.status_code == 401
    assert response.json() == {"detail": "Wrong token type."}


def test_an_expired_simplejwt_token_is_refused(switched, user, time_machine):
    time_machine.move_to(START, tick=False)
    token = str(Access.for_user(user))
    time_machine.move_to(START + dt.timedelta(minutes=5, seconds=1), tick=False)
    response = get(token)
    assert response.status_code == 401
    assert response.json() == {"detail": "Signature has expired."}


@pytest.mark.parametrize("how", ["deleted", "deactivated"])
def test_a_simplejwt_token_of_a_removed_user_is_refused(switched, user, how):
    token = str(Access.for_user(user))
    if how == "deleted":
        user.delete()
    else:
        user.is_active = False
        user.save()
    assert get(token).status_code == 401


def test_log_out_everywhere_ends_simplejwt_tokens(switched, user, time_machine):
    time_machine.move_to(START, tick=False)
    token = str(Access.for_user(user))
    assert get(token).status_code == 200
    time_machine.move_to(START + dt.timedelta(seconds=2), tick=False)
    revocation.revoke_user(user)
    assert get(token).status_code == 401


def test_a_password_change_ends_simplejwt_tokens_through_the_cutoff(switched, user, time_machine):
    time_machine.move_to(START, tick=False)
    token = str(Access.for_user(user))
    assert "pwv" not in backend().decode(token)
    time_machine.move_to(START + dt.timedelta(seconds=2), tick=False)
    user.set_password("a new password")
    user.save()
    response = get(token)
    assert response.status_code == 401
    assert response.json() == {"detail": "Token has been revoked."}


def test_simplejwts_refresh_view_still_issues_accepted_tokens(switched, user, monkeypatch):
    # The refresh endpoint the page keeps routed: simplejwt's own view, with its own token class.
    from rest_framework_simplejwt import serializers

    monkeypatch.setattr(serializers.TokenRefreshSerializer, "token_class", Refresh)
    refresh = str(Refresh.for_user(user))
    response = APIClient().post("/api/token/refresh/", {"refresh": refresh}, format="json")
    assert response.status_code == 200, response.content
    access = response.json()["access"]
    assert get(access).json() == {"username": user.get_username()}


def test_this_packages_refresh_endpoint_does_not_take_simplejwts_refresh_tokens(switched, user):
    refresh = str(Refresh.for_user(user))
    response = APIClient().post(REFRESH, {"token": refresh}, format="json")
    assert response.status_code == 400
    with override_settings(JWT_AUTH={**page_settings()["JWT_AUTH"], "JWT_REFRESH_TOKENS": True}):
        response = APIClient().post(REFRESH, {"refresh_token": refresh}, format="json")
    assert response.status_code in (400, 401)


def test_the_token_shapes_of_the_table(user):
    simplejwt = backend().decode(str(Access.for_user(user)))
    assert simplejwt["token_type"] == "access"
    assert len(simplejwt["jti"]) == 32 and int(simplejwt["jti"], 16) >= 0
    assert simplejwt["user_id"] == str(user.pk)  # simplejwt 5.5 writes it as a string
    assert "username" not in simplejwt
    with override_settings(JWT_AUTH={"JWT_ALLOW_REFRESH": True}):
        ours = utils.jwt_decode_handler(utils.jwt_encode_handler(utils.jwt_payload_handler(user)))
    assert "token_type" not in ours
    assert str(uuid.UUID(ours["jti"])) == ours["jti"]
    assert (ours["user_id"], ours["username"]) == (user.pk, user.get_username())
    assert isinstance(ours["exp"], int) and isinstance(ours["iat"], int)
    assert isinstance(ours["orig_iat"], int) and "pwv" in ours
