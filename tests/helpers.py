"""Helpers shared by several test modules."""

from __future__ import annotations

import contextlib

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from rest_framework.test import APIClient, APIRequestFactory

from rest_framework_jwt import revocation
from rest_framework_jwt.authentication import (
    JSONWebTokenAuthentication,
    StatelessJSONWebTokenAuthentication,
)
from tests.urls import ProtectedView

# Routes of tests/urls.py (the 1.x callables at the root, rest_framework_jwt.urls under
# /included/).
OBTAIN = "/api-token-auth/"
REFRESH = "/api-token-refresh/"
VERIFY = "/api-token-verify/"
IMPERSONATE = "/api-token-impersonate/"
PROTECTED = "/protected/"
LOGOUT = "/included/api-token-logout/"
LOGOUT_ALL = "/included/api-token-logout-all/"
SESSIONS = "/included/api-token-sessions/"
REVOKE_OTHERS = "/included/api-token-sessions/revoke-others/"

#: How long a test waits for a subprocess or a server of its own before it gives up: a guard
#: against a hang, not a bound on speed, so generous that a slow run on a loaded machine passes.
HANG_TIMEOUT = 600

#: The protected view with only the JWT authenticator, so a 401 keeps its WWW-Authenticate
#: header (with SessionAuthentication first, DRF answers 403 instead).
jwt_only_view = ProtectedView.as_view(authentication_classes=(JSONWebTokenAuthentication,))
#: The protected view of a service that does not load users (StatelessJSONWebTokenAuthentication).
stateless_view = ProtectedView.as_view(
    authentication_classes=(StatelessJSONWebTokenAuthentication,)
)


def protected(header: str | None = None, cookie: str | None = None, view=jwt_only_view):
    """GET the JWT-only protected view (or ``view``) with this Authorization header and Cookie
    header."""
    extra = {}
    if header is not None:
        extra["HTTP_AUTHORIZATION"] = header
    if cookie is not None:
        extra["HTTP_COOKIE"] = cookie
    response = view(APIRequestFactory().get("/protected/", **extra))
    response.render()
    return response


@contextlib.contextmanager
def capture(signal):
    """Collect the keyword arguments of every send of ``signal``."""
    calls: list[dict] = []

    def receiver(sender, **kwargs):
        calls.append({"sender": sender, **kwargs})

    signal.connect(receiver, weak=False)
    try:
        yield calls
    finally:
        signal.disconnect(receiver)


def revoke_actor(how: str, actor, actor_token: str) -> None:
    """End every token of ``actor`` the way ``how`` says (``actor_token`` is one of them,
    obtained in orig mode). Each is a revocation that must also end the tokens in which
    ``actor`` impersonates someone."""
    if how == "logout_all":
        response = APIClient().post(LOGOUT_ALL, HTTP_AUTHORIZATION=f"JWT {actor_token}")
        assert response.status_code == 204, response.content
    elif how == "password_change":
        actor.set_password("a-new-password")
        actor.save()
    elif how == "password_update_without_signal":
        get_user_model().objects.filter(pk=actor.pk).update(password=make_password("other"))
    elif how == "deactivation":
        actor.is_active = False
        actor.save()
    elif how == "deletion":
        actor.delete()
    elif how == "admin_cutoff":
        revocation.revoke_user(actor, reason="admin")
    else:  # pragma: no cover
        raise AssertionError(how)


REVOCATIONS = [
    "logout_all",
    "password_change",
    "password_update_without_signal",
    "deactivation",
    "deletion",
    "admin_cutoff",
]


#: A value for :func:`changed` that removes the claim.
DROP = object()


def changed(payload: dict, **changes) -> dict:
    """``payload`` with the given claims set, or removed where the value is :data:`DROP`."""
    for name, value in changes.items():
        if value is DROP:
            payload.pop(name, None)
        else:
            payload[name] = value
    return payload
