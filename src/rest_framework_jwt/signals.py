"""Signals for audit logging.

* ``token_issued(sender, user, request, payload)``: obtain answered a new token.
* ``token_refreshed(sender, user, request, payload, previous)``: refresh answered a new token;
  ``previous`` is the payload of the token it replaces.
* ``token_refused(sender, request, code)``: authentication, verify or refresh refused a token;
  ``code`` is the stable error code (``token_expired``, ``user_inactive``...).
* ``token_throttled(sender, request, scope, address, username, retry_after)``: a throttle of
  obtain or refresh locked out: the failure just counted filled the budget of ``scope``
  (``obtain_ip``, ``obtain_username`` or ``refresh_ip``), so attempts are answered 429 for
  ``retry_after`` seconds. ``address`` is the client address as the throttle sees it;
  ``username`` the normalized username for ``obtain_username``, else None. Sent once per
  lockout, not for each refused attempt.

* ``tokens_revoked(sender, user, kind, reason)``: tokens were revoked; ``kind`` is ``"token"``,
  ``"user"`` (every token of the user) or ``"family"`` (a refresh-token session).
* ``refresh_token_reused(sender, user, family_id, request)``: a consumed refresh token was
  presented again (a sign of theft); its whole family has been revoked.

Obtain also sends Django's ``user_login_failed`` on failure and ``user_logged_in`` on success.
"""

from django.dispatch import Signal

token_issued = Signal()
token_refreshed = Signal()
token_refused = Signal()
token_throttled = Signal()
tokens_revoked = Signal()
refresh_token_reused = Signal()

__all__ = [
    "refresh_token_reused",
    "token_issued",
    "token_refreshed",
    "token_refused",
    "token_throttled",
    "tokens_revoked",
]
