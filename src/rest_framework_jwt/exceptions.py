"""Exceptions.

Two families:

* :class:`TokenError` and its subclasses describe why a token was refused. They are raised by the
  decoding layer (``utils.jwt_decode_handler`` and friends) and carry a stable ``code``. Each
  also inherits the matching PyJWT exception (``TokenError`` is a ``jwt.InvalidTokenError``,
  ``ExpiredToken`` a ``jwt.ExpiredSignatureError``...), so code written for 1.x that catches
  PyJWT's types keeps working. (This module imports ``jwt.exceptions`` for that, and nothing
  else of PyJWT: the algorithms are the backend's.)
* :class:`JWTAuthenticationFailed` and :class:`JWTValidationError` are what reaches DRF: a 401
  from the authentication class, a 400 from a serializer. Their ``detail`` carries the code.
* The package's other failures: :class:`UserLookupError` (a valid token names no active user),
  :class:`RefreshError`, :class:`ConfigurationError`, :class:`RevocationUnavailable`, and the
  API errors :class:`RevocationNotInstalled`, :class:`StoreUnavailable`,
  :class:`MalformedRequestBody`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from jwt import exceptions as pyjwt
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.settings import api_settings as drf_settings

#: PyJWT's exceptions that a custom ``JWT_DECODE_HANDLER`` may raise (1.x and drf-jwt code
#: imports them through the package too).
ExpiredSignature = pyjwt.ExpiredSignatureError
InvalidTokenError = pyjwt.InvalidTokenError
PyJWTDecodeError = pyjwt.DecodeError


class TokenError(pyjwt.InvalidTokenError):
    """Raised when a token is refused; the base of every token failure."""

    code = "token_invalid"


class DecodeError(TokenError, pyjwt.DecodeError):
    """Raised when a token is not a well-formed, correctly signed JWT."""

    code = "token_decode_error"


class InvalidSignature(DecodeError, pyjwt.InvalidSignatureError):
    """Raised when a token's signature does not verify with any acceptable key."""


class UnknownUser(InvalidSignature):
    """Raised when the user whose own secret (``JWT_GET_USER_SECRET_KEY``) would verify a token
    does not exist."""

    code = "user_not_found"


class TokenTooLarge(DecodeError):
    """Raised when a token is longer than ``JWT_MAX_TOKEN_SIZE`` bytes."""

    code = "token_too_large"


class InvalidAlgorithm(TokenError, pyjwt.InvalidAlgorithmError):
    """Raised when a token's ``alg`` is not allowed for the key that would verify it."""

    code = "token_invalid_algorithm"


class UnknownKey(TokenError):
    """Raised when a token's ``kid`` names no configured key, or a required ``kid`` is missing."""

    code = "token_unknown_key"


class ExpiredToken(TokenError, pyjwt.ExpiredSignatureError):
    """Raised when a token's ``exp`` lies in the past, beyond the leeway."""

    code = "token_expired"


class ImmatureToken(TokenError, pyjwt.ImmatureSignatureError):
    """Raised when a token's ``nbf`` or ``iat`` lies in the future, beyond the leeway."""

    code = "token_not_yet_valid"


class TokenRevoked(TokenError):
    """Raised when a token was revoked (logout, a password change, a reused refresh token...)."""

    code = "token_revoked"


class RefreshTokenReused(TokenRevoked):
    """Raised when an already consumed refresh token is presented again; its family is revoked."""

    code = "refresh_token_reused"


class InvalidClaim(TokenError):
    """Raised when a registered claim has the wrong type or value."""

    code = "token_invalid_claim"


class MissingClaim(InvalidClaim, pyjwt.MissingRequiredClaimError):
    """Raised when a required claim is absent."""

    code = "token_missing_claim"

    def __init__(self, claim: str) -> None:
        # As PyJWT's MissingRequiredClaimError: the claim name is the only argument.
        Exception.__init__(self, f'Token is missing the "{claim}" claim.')
        self.claim = claim


class InvalidAudience(InvalidClaim, pyjwt.InvalidAudienceError):
    """Raised when ``aud`` does not match ``JWT_AUDIENCE``."""

    code = "token_invalid_audience"


class InvalidIssuer(InvalidClaim, pyjwt.InvalidIssuerError):
    """Raised when ``iss`` does not match ``JWT_ISSUER``."""

    code = "token_invalid_issuer"


class UserLookupError(Exception):
    """Raised when a valid token does not lead to an active user."""

    code = "user_invalid"


class InvalidPayload(UserLookupError):
    """Raised when a token's payload names no user."""

    code = "payload_invalid"


class UserNotFound(UserLookupError):
    """Raised when the user a token names does not exist (any more)."""

    code = "user_not_found"


class UserInactive(UserLookupError):
    """Raised when the user a token names is not active."""

    code = "user_inactive"


class WrongTokenType(TokenError):
    """Raised when an access token is used as a refresh token, or the other way round."""

    code = "token_type_invalid"


def token_error(cls: type[TokenError], *args: object) -> TokenError:
    """An instance of ``cls`` (kept for callers of 2.0 previews: every TokenError class is
    its PyJWT counterpart already)."""
    return cls(*args)


class RefreshError(Exception):
    """Raised when a token may not be refreshed (classic refresh); ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class ConfigurationError(Exception):
    """Raised when the key settings cannot produce a working key ring."""


class RevocationUnavailable(Exception):
    """Raised when a revocation feature is used without ``rest_framework_jwt.blacklist``."""

    code = "revocation_unavailable"

    def __init__(self) -> None:
        super().__init__("Token revocation needs 'rest_framework_jwt.blacklist' in INSTALLED_APPS.")


class _CodedError(drf_exceptions.APIException):
    """Mixin for the DRF exceptions that authentication raises: the stable ``code`` (the
    class's default when none is given) and, with ``with_code``, the code in the body
    (:func:`add_code`)."""

    code: str | None

    def __init__(self, detail: Any = None, code: str | None = None, *, with_code: bool = False):
        super().__init__(detail, code)
        self.code = code or self.default_code
        if with_code:
            add_code(self, self.code)


class JWTAuthenticationFailed(_CodedError, drf_exceptions.AuthenticationFailed):
    """Raised by the authentication class: a 401 with a stable code.

    With ``with_code`` the response body is ``{"detail": message, "code": code}`` instead of
    1.x's ``{"detail": message}`` (:func:`add_code`).
    """


class InvalidAuthorizationCredentials(JWTAuthenticationFailed):
    """Raised when the ``Authorization`` header names our scheme but is malformed.

    drf-jwt's name. ``get_token_from_request()`` catches it in drf-jwt mode (the request falls
    back to the cookie); in 1.x mode it is the 401 the client gets.
    """

    default_code = "invalid_authorization_credentials"


class MissingToken(JWTAuthenticationFailed):
    """Raised when a request carries no token where one was looked for (drf-jwt's name).

    The authentication class catches it: the request stays anonymous.
    """

    default_detail = _("Authentication credentials were not provided.")
    default_code = "token_missing"


class JWTPermissionDenied(_CodedError, drf_exceptions.PermissionDenied):
    """Raised by the authentication class in drf-jwt mode for a revoked token: a 403, as
    drf-jwt answers for a blacklisted token; the body is shaped as for a 401."""


class CSRFFailed(_CodedError, drf_exceptions.PermissionDenied):
    """Raised when a request that a token cookie authenticated fails Django's CSRF check: a
    403 whose body always carries the code ``csrf_failed``."""

    default_detail = _("CSRF check failed.")
    default_code = "csrf_failed"


class JWTValidationError(drf_exceptions.ValidationError):
    """Raised by the serializers: a 400 with a stable code."""


def first_code(detail: Any) -> str | None:
    """The code of the first error in ``detail`` (a message, or DRF's list or dict of them):
    the non-field errors first, then the fields in order. None when it carries no code."""
    if isinstance(detail, drf_exceptions.ErrorDetail):
        return detail.code
    items: Any = ()
    if isinstance(detail, Mapping):
        key = drf_settings.NON_FIELD_ERRORS_KEY
        items = [detail[key]] if key in detail else []
        items += [value for name, value in detail.items() if name != key]
    elif isinstance(detail, list):
        items = detail
    for item in items:
        code = first_code(item)
        if code:
            return code
    return None


def with_code(detail: Any, code: str | None = None) -> Any:
    """The body of a refusal with its stable code at the top level: ``{"detail": message,
    "code": code}`` for a message (or a list of them), the field errors plus ``"code"`` for a
    dict of errors. ``code`` defaults to :func:`first_code`; a dict that has a ``"code"``
    already, or a detail without any code, is returned as it is. The one rule of
    ``JWT_RESPONSE_ERROR_CODES``."""
    if isinstance(detail, Mapping) and "code" in detail:
        return detail
    code = code or first_code(detail)
    if not code:
        return detail
    body = dict(detail) if isinstance(detail, Mapping) else {"detail": detail}
    body["code"] = drf_exceptions.ErrorDetail(code, code)
    return body


def add_code(error: drf_exceptions.APIException, code: str | None = None) -> None:
    """Give ``error``'s body its code at the top level (:func:`with_code`)."""
    error.detail = with_code(error.detail, code)


class FastLookupWarning(RuntimeWarning):
    """Warned (once per cause) when the one-query user lookup cannot be built for a reason
    other than a custom user manager: users are then loaded through the ORM, correctly but
    with more work per request."""


class MalformedRequestBody(drf_exceptions.ParseError):
    """Raised (400, code ``body_invalid``) when a request body cannot be parsed (bad JSON or
    encoding, nesting too deep, a number too long) or is not an object.

    The body is ``{"detail": message, "code": "body_invalid"}`` whatever
    ``JWT_RESPONSE_ERROR_CODES`` says (no 1.x client compares it).
    """

    default_detail = _("Malformed request body.")
    default_code = "body_invalid"

    def __init__(self, detail: Any = None) -> None:
        super().__init__(detail, self.default_code)
        self.code = self.default_code
        add_code(self, self.code)


class RevocationNotInstalled(drf_exceptions.APIException):
    """Raised (501) when a revocation endpoint is used without the revocation app."""

    status_code = status.HTTP_501_NOT_IMPLEMENTED
    default_detail = _(
        "Token revocation is not enabled on this server "
        "('rest_framework_jwt.blacklist' is not installed)."
    )
    default_code = "revocation_unavailable"


class StoreUnavailable(drf_exceptions.APIException):
    """Raised (503, code ``temporarily_unavailable``, with ``Retry-After``) when the token store
    (the denylist's cache or database) cannot be reached. A token is never accepted unchecked.

    The body is ``{"detail": message, "code": "temporarily_unavailable"}``; ``wait`` is the
    ``Retry-After`` value in seconds, which DRF's exception handler sends.
    """

    status_code = 503
    default_detail = _("The token service is temporarily unavailable. Try again later.")
    default_code = "temporarily_unavailable"
    #: Seconds for Retry-After.
    retry_after = 5

    def __init__(self) -> None:
        super().__init__(None, self.default_code)
        self.code = self.default_code
        self.wait = self.retry_after
        add_code(self, self.code)


class IssuerUnavailable(StoreUnavailable):
    """Raised (503, code ``issuer_unavailable``, with ``Retry-After``) when a trusted issuer's
    JWK Set cannot be fetched and no usable copy of it is cached: its tokens can be neither
    accepted nor refused."""

    default_detail = _("The identity provider is temporarily unavailable. Try again later.")
    default_code = "issuer_unavailable"


__all__ = [
    "CSRFFailed",
    "ConfigurationError",
    "DecodeError",
    "ExpiredToken",
    "FastLookupWarning",
    "ImmatureToken",
    "InvalidAlgorithm",
    "InvalidAudience",
    "InvalidAuthorizationCredentials",
    "InvalidClaim",
    "InvalidIssuer",
    "InvalidPayload",
    "InvalidSignature",
    "IssuerUnavailable",
    "JWTAuthenticationFailed",
    "JWTPermissionDenied",
    "JWTValidationError",
    "MalformedRequestBody",
    "MissingClaim",
    "MissingToken",
    "RefreshError",
    "RefreshTokenReused",
    "RevocationNotInstalled",
    "RevocationUnavailable",
    "StoreUnavailable",
    "TokenError",
    "TokenRevoked",
    "TokenTooLarge",
    "UnknownKey",
    "UnknownUser",
    "UserInactive",
    "UserLookupError",
    "UserNotFound",
    "WrongTokenType",
    "add_code",
    "first_code",
    "token_error",
    "with_code",
]
