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

Two bounds make the answer the same on every supported Python and Django: a body nested more
than ``MAX_BODY_DEPTH`` deep is refused even where the decoder manages to build it (Python 3.12
and later parse far deeper than 3.10 and 3.11 do), and a ``Content-Length`` above Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE`` is refused before the body is read (DRF streams JSON bodies
past the check that Django 4.2 makes only in ``request.body``).

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import APIException, ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from .exceptions import MalformedRequestBody, add_code
from .jsonlimits import too_deep
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


#: Deepest nesting of arrays and objects accepted in a request body (the package's own bodies
#: are flat objects).
MAX_BODY_DEPTH = 32


def _too_long(request: Request) -> bool:
    limit = django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:  # not a number: the parser sees the body as it is
        return False
    return limit is not None and length > limit


def read_body(request: Request) -> Mapping[str, Any]:
    """``request.data``, parsed now; raise MalformedRequestBody (400) if it cannot be read,
    is larger than Django accepts, nests deeper than ``MAX_BODY_DEPTH`` or is not an object.
    ``UnsupportedMediaType`` (415) passes through."""
    if _too_long(request):
        raise MalformedRequestBody()
    try:
        data = request.data
    except PARSE_FAILURES:
        raise MalformedRequestBody() from None
    if not isinstance(data, Mapping):
        raise MalformedRequestBody(_("The request body must be an object."))
    # A parser's own mapping (a QueryDict) is read as a dict of its lists; a dict as it is.
    if too_deep(data if type(data) is dict else dict(data), MAX_BODY_DEPTH):
        raise MalformedRequestBody()
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


__all__ = ["MAX_BODY_DEPTH", "PARSE_FAILURES", "CheckedBodyMixin", "CodedErrorsMixin", "read_body"]
