"""StatelessJSONWebTokenAuthentication: no query for the user; revocation still applies."""

import pytest
from django.test import override_settings
from rest_framework.test import APIRequestFactory

from rest_framework_jwt.authentication import StatelessJSONWebTokenAuthentication, TokenUser
from rest_framework_jwt.utils import jwt_encode_handler, jwt_payload_handler
from tests.urls import ProtectedView

view = ProtectedView.as_view(authentication_classes=(StatelessJSONWebTokenAuthentication,))


def call(token):
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"JWT {token}")
    return view(request)


@pytest.fixture
def token(user):
    return jwt_encode_handler(jwt_payload_handler(user))


@override_settings(
    INSTALLED_APPS=[
        a
        for a in __import__("django.conf").conf.settings.INSTALLED_APPS
        if a != "rest_framework_jwt.blacklist"
    ]
)
def test_no_query_without_the_revocation_app(token, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = call(token)
    assert response.status_code == 200
    assert response.data == {"username": "admin"}


def test_one_revocation_lookup_with_the_app(token, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert call(token).status_code == 200


def test_the_user_is_built_from_the_claims(user, token):
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"JWT {token}")
    from rest_framework.request import Request

    found, auth = StatelessJSONWebTokenAuthentication().authenticate(Request(request))
    assert isinstance(found, TokenUser)
    assert (found.pk, found.username, found.is_authenticated) == (user.pk, "admin", True)
    assert not found.is_staff and not found.has_perm("auth.view_user")
    assert auth == token


def test_deactivation_is_noticed_through_the_revocation_app(user, token):
    user.is_active = False
    user.save()
    response = call(token)
    assert response.status_code == 401
    assert response.data["detail"] == "Token has been revoked."


def test_password_change_is_noticed_through_the_revocation_app(user, token, time_machine):
    # Tokens of the second of the change survive it (a token issued right after the change
    # must work), so the change happens a second later.
    import datetime as dt

    time_machine.move_to(dt.datetime.now(tz=dt.timezone.utc) + dt.timedelta(seconds=1))
    user.set_password("another-password")
    user.save()
    assert call(token).status_code == 401


def test_a_payload_without_username_is_refused(user):
    payload = jwt_payload_handler(user)
    del payload["username"]
    response = call(jwt_encode_handler(payload))
    assert response.status_code == 401
    assert response.data["detail"] == "Invalid payload."


def test_deletion_is_noticed_through_the_revocation_app(user, token):
    user.delete()
    response = call(token)
    assert response.status_code == 401
    assert response.data["detail"] == "Token has been revoked."


def test_deactivation_with_a_password_change_in_the_same_save_is_strict(user, token):
    user.is_active = False
    user.set_password("another-password")
    user.save()
    assert call(token).status_code == 401
