"""Django middleware for the views that are not DRF's.

DRF's views answer :class:`~rest_framework_jwt.exceptions.StoreUnavailable` (the token store
cannot be reached) with its 503. Outside DRF, Django would answer a 500: in the admin, or in a
view of your own, when a user's save or deletion cannot record the revocation it causes (a
deactivation, a password change; ``rest_framework_jwt.blacklist`` writes it from the model
signals). The save is refused either way, so no change goes unrevoked; this middleware turns
that refusal into the same 503 as the API's.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.deprecation import MiddlewareMixin

from .exceptions import StoreUnavailable


class StoreUnavailableMiddleware(MiddlewareMixin):
    """Answers ``StoreUnavailable`` from any view with 503, ``Retry-After`` and
    ``{"detail": message, "code": "temporarily_unavailable"}``; other exceptions pass on.

    Add ``"rest_framework_jwt.middleware.StoreUnavailableMiddleware"`` to ``MIDDLEWARE``.
    Override :meth:`unavailable_response` for another body (an HTML page for the admin).
    Sync and async.
    """

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        if isinstance(exception, StoreUnavailable):
            return self.unavailable_response(request, exception)
        return None

    def unavailable_response(self, request: HttpRequest, error: StoreUnavailable) -> HttpResponse:
        """The 503 for ``error``."""
        response = JsonResponse(error.detail, status=error.status_code)
        response["Retry-After"] = str(error.wait)
        return response


__all__ = ["StoreUnavailableMiddleware"]
