"""Shared fixtures. Keys live in tests/keys/ as files."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

KEYS = Path(__file__).parent / "keys"


def read_key(name: str) -> str:
    """Return the text of ``tests/keys/<name>``."""
    return (KEYS / name).read_text()


@pytest.fixture
def client() -> APIClient:  # shadows pytest-django's Client on purpose
    return APIClient()


@pytest.fixture
def password() -> str:
    return "abc123"


@pytest.fixture
def user(db, password):
    return get_user_model().objects.create_user(
        username="admin", email="admin@example.com", password=password
    )


@pytest.fixture
def inactive_user(db, password):
    return get_user_model().objects.create_user(
        username="sleeper", email="sleeper@example.com", password=password, is_active=False
    )


@pytest.fixture
def superuser(db, password):
    return get_user_model().objects.create_superuser(
        username="root", email="root@example.com", password=password
    )
