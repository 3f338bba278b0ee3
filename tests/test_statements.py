"""The statements obtain and a rotating refresh run, as Django's query log records them.

``CaptureQueriesContext`` sees what query logging and instrumentation see, transaction control
(BEGIN, COMMIT) included; docs/revocation.md and docs/performance.md state these counts. The
suite runs on SQLite, PostgreSQL and MariaDB (DATABASE_URL), so this does too. ``transaction=True``:
outside a test's transaction, as in a server, a transaction of the package's is a real one.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.helpers import OBTAIN, REFRESH

pytestmark = pytest.mark.django_db(transaction=True)

ROTATION = {
    # The user with its denylist check; then the consuming UPDATE, the session's UPDATE and the
    # successor's INSERT as one statement, atomic without a transaction.
    "postgresql": ["WITH"],
}


def statements(action) -> list[str]:
    """The first word of each statement ``action`` runs."""
    with CaptureQueriesContext(connection) as captured:
        response = action()
    assert response.status_code == 200, response.content
    return [query["sql"].split(None, 1)[0].upper() for query in captured.captured_queries]


def login(password: str):
    return APIClient().post(OBTAIN, {"username": "admin", "password": password}, format="json")


def test_obtain_runs_one_statement(settings, user, password):
    settings.JWT_AUTH = {"JWT_UPDATE_LAST_LOGIN": False}
    assert statements(lambda: login(password)) == ["SELECT"]


def test_obtain_updating_last_login_runs_one_more(settings, user, password):
    settings.JWT_AUTH = {"JWT_UPDATE_LAST_LOGIN": True}
    assert statements(lambda: login(password)) == ["SELECT", "UPDATE"]


def test_a_rotating_refresh_runs_two_statements_on_postgresql(settings, user, password):
    settings.JWT_AUTH = {"JWT_REFRESH_TOKENS": True}
    refresh_token = login(password).data["refresh_token"]
    ran = statements(
        lambda: APIClient().post(REFRESH, {"refresh_token": refresh_token}, format="json")
    )
    rotation = ROTATION.get(connection.vendor, ["BEGIN", "UPDATE", "UPDATE", "INSERT", "COMMIT"])
    assert ran == ["SELECT", *rotation]


def test_inside_a_transaction_a_rotation_runs_in_a_savepoint(settings, user, password):
    settings.JWT_AUTH = {"JWT_REFRESH_TOKENS": True}
    refresh_token = login(password).data["refresh_token"]
    with transaction.atomic():
        ran = statements(
            lambda: APIClient().post(REFRESH, {"refresh_token": refresh_token}, format="json")
        )
    writes = ROTATION.get(connection.vendor, ["UPDATE", "UPDATE", "INSERT"])
    assert ran == ["SELECT", "SAVEPOINT", *writes, "RELEASE"]
