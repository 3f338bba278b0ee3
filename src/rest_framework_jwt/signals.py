"""Signals for audit logging.

* ``token_issued(sender, user, request, payload)``: obtain answered a new token.
* ``token_refreshed(sender, user, request, payload, previous)``: refresh answered a new token;
  ``previous`` is the payload of the token it replaces.
* ``token_refused(sender, request, code)``: authentication, verify or refresh refused a token;
  ``code`` is the stable error code (``token_expired``, ``user_inactive``...).

Obtain also sends Django's ``user_login_failed`` on failure and ``user_logged_in`` on success.
"""

from django.dispatch import Signal

token_issued = Signal()
token_refreshed = Signal()
token_refused = Signal()

__all__ = ["token_issued", "token_refreshed", "token_refused"]
