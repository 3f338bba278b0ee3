"""messages.explain: the one mapping of an error to its code and message; the exception tree."""

import jwt
import pytest
from django.db import OperationalError

from rest_framework_jwt import exceptions, messages
from rest_framework_jwt.exceptions import (
    ExpiredToken,
    InvalidAlgorithm,
    MissingClaim,
    RefreshError,
    TokenRevoked,
    UserInactive,
    UserNotFound,
)


class Coded(Exception):
    code = "something_else"


EXPIRED = ("Signature has expired.", "Token has expired.")
DECODING = ("Error decoding signature.", "Error decoding token.")
INVALID = ("Incorrect authentication credentials.", "Invalid token.")
REVOKED = ("Token has been revoked.", "Token is blacklisted.")
NO_USER = ("Invalid signature.", "Invalid token.")
DISABLED = ("User account is disabled.", "User account is disabled.")


@pytest.mark.parametrize(
    ("error", "code", "wording"),
    [
        (ExpiredToken("x"), "token_expired", EXPIRED),
        (jwt.ExpiredSignatureError("x"), "token_expired", EXPIRED),
        (jwt.DecodeError("x"), "token_decode_error", DECODING),
        (InvalidAlgorithm("x"), "token_invalid_algorithm", INVALID),
        (MissingClaim("exp"), "token_missing_claim", INVALID),
        (TokenRevoked("x"), "token_revoked", REVOKED),
        (UserNotFound("x"), "user_not_found", NO_USER),
        (UserInactive("x"), "user_inactive", DISABLED),
        (ValueError("from a custom handler"), "token_invalid", INVALID),
    ],
)
def test_explain(settings, error, code, wording):
    assert messages.explain(error, serializer=False) == (code, wording[0])
    settings.JWT_AUTH = {"JWT_COMPAT": "drf-jwt"}
    assert messages.explain(error, serializer=False) == (code, wording[1])


def test_the_serializers_wording():
    assert messages.explain(UserNotFound("x"), serializer=True) == (
        "user_not_found",
        "User doesn't exist.",
    )
    assert messages.explain(RefreshError("refresh_expired"), serializer=True) == (
        "refresh_expired",
        "Refresh has expired.",
    )


@pytest.mark.parametrize("error", [OperationalError("down"), Coded("x")])
def test_what_refuses_no_token_is_let_through(error):
    assert messages.explain(error, serializer=False) is None


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (exceptions.TokenError, jwt.InvalidTokenError),
        (exceptions.DecodeError, jwt.DecodeError),
        (exceptions.InvalidSignature, jwt.InvalidSignatureError),
        (exceptions.TokenTooLarge, jwt.DecodeError),
        (exceptions.InvalidAlgorithm, jwt.InvalidAlgorithmError),
        (exceptions.ExpiredToken, jwt.ExpiredSignatureError),
        (exceptions.ImmatureToken, jwt.ImmatureSignatureError),
        (exceptions.MissingClaim, jwt.MissingRequiredClaimError),
        (exceptions.InvalidAudience, jwt.InvalidAudienceError),
        (exceptions.InvalidIssuer, jwt.InvalidIssuerError),
        (exceptions.TokenRevoked, jwt.InvalidTokenError),
    ],
)
def test_each_token_error_is_its_pyjwt_counterpart(ours, theirs):
    assert issubclass(ours, theirs)
    assert ours.__module__ == "rest_framework_jwt.exceptions"


def test_a_missing_claim_reads_as_pyjwt_s():
    error = MissingClaim("exp")
    assert error.claim == "exp"
    assert str(error) == str(jwt.MissingRequiredClaimError("exp"))
