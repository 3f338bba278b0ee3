"""drf-jwt's exception names at drf-jwt's import path.

They are the classes the authentication class raises and catches itself
(``rest_framework_jwt.exceptions``), so ``except MissingToken`` around a call of
``get_token_from_request()`` catches what it raises; neither reaches a client as such.
"""

from rest_framework_jwt.exceptions import InvalidAuthorizationCredentials, MissingToken

__all__ = ["InvalidAuthorizationCredentials", "MissingToken"]
