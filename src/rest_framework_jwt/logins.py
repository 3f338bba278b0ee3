"""The password check of obtain: Django's ``authenticate()``, or the same steps in one query.

``django.contrib.auth.authenticate()`` asks every backend in ``AUTHENTICATION_BACKENDS``, after
checking with ``inspect.signature`` that it takes the credentials (on every call), and
``ModelBackend`` finds the user with ``get_by_natural_key()``, which builds and compiles a
queryset on every call. Together that is most of what an obtain costs with a fast hasher.

When the one backend is Django's ``ModelBackend`` or ``AllowAllUsersModelBackend`` as Django
ships it (its ``authenticate`` not replaced), the user model's manager has Django's
``get_by_natural_key`` and the username is a string, :func:`authenticate` takes the same steps
itself: the user through the one-query lookup of :mod:`lookup` (the same SQL, compiled once),
the hasher run once for an unknown username (as ``ModelBackend`` does, so the answer takes as
long), ``check_password`` (which upgrades an old hash), ``user_can_authenticate``, the
backend's path on the user, and ``user_login_failed`` with the cleansed credentials on a
failure, sent as Django sends it. Any other configuration calls Django's ``authenticate()``.

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import backends as auth_backends
from django.contrib.auth.signals import user_login_failed
from django.utils.module_loading import import_string
from django.views.decorators.debug import sensitive_variables

from . import lookup

#: Django's own functions, as imported: a replaced one (a test's mock) turns the shortcut off.
DJANGO_AUTHENTICATE = auth.authenticate
_MODEL_BACKEND_AUTHENTICATE = auth_backends.ModelBackend.authenticate
#: False when what Django's modules held at import was already another function.
_DJANGOS_OWN = (
    getattr(DJANGO_AUTHENTICATE, "__module__", None) == auth.__name__
    and getattr(_MODEL_BACKEND_AUTHENTICATE, "__module__", None) == auth_backends.__name__
)
#: The backends whose authenticate() is ModelBackend's (they differ in user_can_authenticate).
_MODEL_BACKENDS = (auth_backends.ModelBackend, auth_backends.AllowAllUsersModelBackend)
#: Usernames that would bind to another parameter of ModelBackend.authenticate().
_NOT_A_USERNAME_FIELD = frozenset({"request", "password"})

#: Django's cleansing of the credentials user_login_failed carries (private; without it, the
#: shortcut is off).
_CLEAN_CREDENTIALS: Any = getattr(auth, "_clean_credentials", None)

_classes: dict[tuple[Any, ...], type[auth_backends.ModelBackend] | None] = {}


def _model_backend_class(paths: Any) -> type[auth_backends.ModelBackend] | None:
    """The class of the only backend of ``paths`` when it is one of ``_MODEL_BACKENDS``
    (exactly); else None. Looked up once per value of the setting."""
    key = tuple(paths) if isinstance(paths, (list, tuple)) else ()
    if key not in _classes:
        found = None
        if len(key) == 1 and isinstance(key[0], str):
            try:
                candidate = import_string(key[0])
            except ImportError:
                candidate = None  # Django's authenticate() raises it
            if candidate in _MODEL_BACKENDS:
                found = candidate
        _classes[key] = found
    return _classes[key]


def _shortcut(username_field: str, username: Any, password: Any) -> Any:
    """The backend class when the shortcut applies to these credentials; else None."""
    backend_class = _model_backend_class(settings.AUTHENTICATION_BACKENDS)
    if (
        backend_class is None
        or not _DJANGOS_OWN
        or auth.authenticate is not DJANGO_AUTHENTICATE
        or _CLEAN_CREDENTIALS is None
        or backend_class.authenticate is not _MODEL_BACKEND_AUTHENTICATE
        or username_field in _NOT_A_USERNAME_FIELD
        or not isinstance(username, str)
        or password is None
        or not lookup.usable(auth_backends.UserModel)
    ):
        return None
    return backend_class


@sensitive_variables("password")
def _django(request: Any, username_field: str, username: Any, password: Any) -> Any:
    """Django's ``authenticate()`` of these credentials."""
    return DJANGO_AUTHENTICATE(request, **{username_field: username, "password": password})


@sensitive_variables("password", "credentials")
def authenticate(request: Any, username_field: str, username: Any, password: Any) -> Any:
    """``django.contrib.auth.authenticate(request, **{username_field: username, "password":
    password})``: the user, or None (see the module docstring)."""
    backend_class = _shortcut(username_field, username, password)
    model: Any = auth_backends.UserModel  # the model ModelBackend reads
    found = lookup.by_natural_key(model, username) if backend_class is not None else None
    if backend_class is None or isinstance(found, lookup.NoFastPath):
        return _django(request, username_field, username, password)
    if found is None:
        # The hasher runs once for an unknown username too, as in ModelBackend (#20760).
        model().set_password(password)
    elif found.check_password(password) and backend_class().user_can_authenticate(found):
        found.backend = settings.AUTHENTICATION_BACKENDS[0]
        return found
    credentials = {username_field: username, "password": password}
    user_login_failed.send(
        sender=auth.__name__, credentials=_CLEAN_CREDENTIALS(credentials), request=request
    )
    return None


__all__ = ["DJANGO_AUTHENTICATE", "authenticate"]
