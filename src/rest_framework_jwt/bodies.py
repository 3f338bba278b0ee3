"""Request and error bodies of the package's views.

Every view reads its request body first, and refuses one it cannot read with a 400 of code
``body_invalid``; and with ``JWT_RESPONSE_ERROR_CODES`` every error body it answers carries the
refusal's code at the top level (:class:`CodedErrorsMixin`).

DRF parses ``request.data`` lazily with the project's parsers. Most parse failures are DRF's
``ParseError`` (whose message quotes the parser's exception), but some escape it as a 500: a
JSON document nested deeper than the interpreter's recursion limit raises ``RecursionError``
from the JSON decoder. A body that parses to a list, a string, a number or ``null`` is no better
for views that expect an object. :class:`CheckedBodyMixin` turns each of these into one answer
before authentication, throttling or validation run. An unsupported content type stays DRF's 415.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import APIException, ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from .exceptions import MalformedRequestBody, add_code
from .settings import api_settings

#: What parsers raise, besides DRF's ParseError, on input they cannot read: nesting beyond the
#: recursion limit, a charset or encoding that does not decode, an integer longer than
#: ``sys.get_int_max_str_digits()``, and Django's limits on form bodies.
PARSE_FAILURES: tuple[type[Exception], ...] = (
    ParseError,
    RecursionError,
    ValueError,  # also UnicodeDecodeError
    LookupError,  # an unknown charset
    TypeError,
    OverflowError,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)


def read_body(request: Request) -> Mapping[str, Any]:
    """``request.data``, parsed now; raise MalformedRequestBody (400) if it cannot be read or
    is not an object. ``UnsupportedMediaType`` (415) passes through."""
    try:
        data = request.data
    except PARSE_FAILURES:
        raise MalformedRequestBody() from None
    if not isinstance(data, Mapping):
        raise MalformedRequestBody(_("The request body must be an object."))
    return data


class CheckedBodyMixin:
    """For an ``APIView``: parse and check the body before anything else in ``initial()``."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        read_body(request)
        super().initial(request, *args, **kwargs)  # type: ignore[misc]


class CodedErrorsMixin:
    """For an ``APIView``: with ``JWT_RESPONSE_ERROR_CODES``, the body of every error it
    answers (its own refusals, DRF's 401, 403, 404, 405, 415 and 429) carries the code at the
    top level: ``{"detail": message, "code": code}``, or the field errors plus ``"code"``
    (:func:`~rest_framework_jwt.exceptions.with_code`). Without the setting, DRF's bodies."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, APIException) and api_settings.JWT_RESPONSE_ERROR_CODES:
            add_code(exc)
        response: Response = super().handle_exception(exc)  # type: ignore[misc]
        return response


__all__ = ["PARSE_FAILURES", "CheckedBodyMixin", "CodedErrorsMixin", "read_body"]
