"""Test helpers kept from 1.x: a client that logs in by obtaining a token."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient, APITestCase

from .settings import api_settings


class APIJWTClient(APIClient):
    """An APIClient whose ``login()`` obtains a token from ``/api-token-auth/``."""

    login_url = "/api-token-auth/"

    def login(self, **credentials: Any) -> bool:
        """POST ``credentials`` as JSON; on 200 send the token on every later request."""
        response = self.post(self.login_url, credentials, format="json")
        if response.status_code in (200, 201):
            token = response.data["token"]
            self.credentials(HTTP_AUTHORIZATION=f"{api_settings.JWT_AUTH_HEADER_PREFIX} {token}")
            return True
        self.credentials()
        return False


class APIJWTTestCase(APITestCase):
    """An APITestCase using :class:`APIJWTClient`."""

    client_class = APIJWTClient


__all__ = ["APIJWTClient", "APIJWTTestCase"]
