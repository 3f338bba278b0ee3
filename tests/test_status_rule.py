"""401 or 403: the first authentication class decides (docs/quickstart.md, revocation.md and
security.md say so). DRF answers 401 only when the first class of the view names a
``WWW-Authenticate`` challenge; SessionAuthentication names none, so with it first a refused
token is a 403 with the same body."""

from __future__ import annotations

import pytest
from rest_framework.authentication import SessionAuthentication

from rest_framework_jwt import revocation, utils
from rest_framework_jwt.authentication import JSONWebTokenAuthentication
from tests.helpers import make_token, protected
from tests.urls import ProtectedView

JWT_FIRST = ProtectedView.as_view(
    authentication_classes=(JSONWebTokenAuthentication, SessionAuthentication)
)
SESSION_FIRST = ProtectedView.as_view(
    authentication_classes=(SessionAuthentication, JSONWebTokenAuthentication)
)


@pytest.fixture
def revoked(user):
    token = make_token(user)
    revocation.revoke_token(token, utils.jwt_decode_handler(token), user=user)
    return token


@pytest.mark.parametrize("case", ["revoked", "garbage"])
def test_jwt_first_answers_401_with_the_challenge(case, revoked):
    token = revoked if case == "revoked" else "not-a-token"
    response = protected(f"JWT {token}", view=JWT_FIRST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'JWT realm="api"'


@pytest.mark.parametrize("case", ["revoked", "garbage"])
def test_session_first_answers_403_with_the_same_body_and_no_challenge(case, revoked):
    token = revoked if case == "revoked" else "not-a-token"
    first = protected(f"JWT {token}", view=JWT_FIRST)
    response = protected(f"JWT {token}", view=SESSION_FIRST)
    assert response.status_code == 403
    assert not response.has_header("WWW-Authenticate")
    assert response.data == first.data
    if case == "revoked":
        assert response.data == {"detail": "Token has been revoked."}


def test_a_live_token_passes_either_way(user):
    token = make_token(user)
    for view in (JWT_FIRST, SESSION_FIRST):
        assert protected(f"JWT {token}", view=view).status_code == 200
