"""Faults in rotation: each database statement of a refresh fails in turn.

Whatever statement fails, the client gets the 503 of an unavailable store, and the family is
untouched or rotated completely: never a consumed refresh token without a recorded successor,
never a live successor without a consumed parent. Retrying the same refresh token afterwards then
does what docs/revocation.md says ("When the database fails during a rotation"). The suite runs
on SQLite, PostgreSQL and MariaDB (DATABASE_URL), so this does too; ``transaction=True`` makes the
rotation's atomic block a real transaction rather than a savepoint of the test's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import jwt
import pytest
from django.core.cache import caches
from django.db import OperationalError, connection
from rest_framework.test import APIClient

from rest_framework_jwt.blacklist.models import RefreshToken, TokenFamily
from tests.helpers import OBTAIN, PROTECTED, REFRESH

UNAVAILABLE = {
    "detail": "The token service is temporarily unavailable. Try again later.",
    "code": "temporarily_unavailable",
}
REUSED = "refresh_token_reused"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["database", "cache"])
def refresh_mode(request, settings, user):
    """Refresh-token mode, with the denylist in the database table or in a (local) cache."""
    settings.JWT_AUTH = {"JWT_REFRESH_TOKENS": True, "JWT_RESPONSE_ERROR_CODES": True}
    if request.param == "cache":
        caches["locmem"].clear()
        settings.JWT_AUTH |= {"JWT_DENYLIST_BACKEND": "cache", "JWT_DENYLIST_CACHE": "locmem"}


def login(password: str) -> dict:
    response = APIClient().post(OBTAIN, {"username": "admin", "password": password}, format="json")
    assert response.status_code == 200, response.content
    return dict(response.data)


def refresh(refresh_token: str):
    return APIClient().post(REFRESH, {"refresh_token": refresh_token}, format="json")


def family_of(refresh_token: str) -> TokenFamily:
    return RefreshToken.objects.select_related("family").get(jti=jti_of(refresh_token)).family


def jti_of(token: str) -> str:
    return str(jwt.decode(token, options={"verify_signature": False})["jti"])


@contextmanager
def statement_fails(number: int) -> Iterator[list[str]]:
    """Statement ``number`` (0-based) run inside the block fails as a dropped connection would;
    yields the SQL of the statements seen, up to and including the failing one."""
    seen: list[str] = []

    def wrapper(execute: Callable, sql: str, params, many, context):
        seen.append(sql)
        if len(seen) - 1 == number:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen


def statements_of(action: Callable[[], object]) -> int:
    """How many statements ``action`` runs when nothing fails."""
    with statement_fails(-1) as seen:
        action()
    return len(seen)


def assert_whole(family: TokenFamily, first: str) -> list[RefreshToken]:
    """The family's rows form one chain from the login's refresh token ``first``: each consumed
    row names a successor that exists, each row but ``first`` is the recorded successor of a
    consumed row, and one row is live. Returns the rows, ``first`` first."""
    rows = sorted(RefreshToken.objects.filter(family=family), key=lambda row: row.jti != first)
    assert rows[0].jti == first
    jtis = {row.jti for row in rows}
    successors = {row.replaced_by for row in rows if row.consumed_at is not None}
    for row in rows:
        if row.consumed_at is not None:
            assert row.replaced_by in jtis, f"{row.jti} consumed without a recorded successor"
    for row in rows[1:]:
        assert row.jti in successors, f"{row.jti} is live without a consumed parent"
    assert sum(row.consumed_at is None for row in rows) == 1, "not exactly one live token"
    return rows


def test_every_statement_of_a_rotation_failing_leaves_the_family_whole(refresh_mode, password):
    first_login = login(password)["refresh_token"]
    count = statements_of(lambda: refresh(first_login))
    # The user (with the denylist check), then the rotation: on PostgreSQL one statement (the
    # consuming UPDATE, the session's UPDATE and the successor's INSERT); elsewhere those three
    # (SQLite's BEGIN is a statement too).
    assert count == {"postgresql": 2, "sqlite": 5}.get(connection.vendor, 4)

    for number in range(count):
        pair = login(password)
        family, first = family_of(pair["refresh_token"]), jti_of(pair["refresh_token"])
        with statement_fails(number) as seen:
            response = refresh(pair["refresh_token"])

        assert len(seen) > number, "the refresh ran fewer statements than counted"
        assert response.status_code == 503, (number, seen[number], response.content[:300])
        assert response.json() == UNAVAILABLE
        rows = assert_whole(family, first)
        # The rotation is one transaction: a failure anywhere in it rolls all of it back.
        assert [(row.jti, row.consumed_at) for row in rows] == [(first, None)]

        # As documented: nothing was consumed, so the same refresh token rotates as usual, and
        # the new pair works.
        retried = refresh(pair["refresh_token"])
        assert retried.status_code == 200, (number, retried.content)
        assert len(assert_whole(family, first)) == 2
        protected = APIClient().get(PROTECTED, HTTP_AUTHORIZATION=f"JWT {retried.data['token']}")
        assert protected.status_code == 200
        assert refresh(retried.data["refresh_token"]).status_code == 200


def test_every_statement_of_a_reuse_detection_failing_still_ends_in_a_revoked_family(
    refresh_mode, password
):
    rotated = login(password)["refresh_token"]
    assert refresh(rotated).status_code == 200
    count = statements_of(lambda: refresh(rotated))
    assert count >= 2  # at least the refused UPDATE and the family's revocation

    answers = []
    for number in range(count):
        pair = login(password)
        family, first = family_of(pair["refresh_token"]), jti_of(pair["refresh_token"])
        successor = refresh(pair["refresh_token"]).data
        with statement_fails(number) as seen:
            response = refresh(pair["refresh_token"])

        assert len(seen) > number, "the replay ran fewer statements than counted"
        answers.append(response.status_code)
        if response.status_code == 400:
            # The denylist write retries a failed statement (a deadlock victim on MariaDB):
            # the retry went through, so the reuse was detected and the family revoked.
            assert response.data["code"] == REUSED, (number, seen[number])
            family.refresh_from_db()
            assert family.revoked_at is not None
        else:
            assert response.status_code == 503, (number, seen[number], response.content[:300])
            assert response.json() == UNAVAILABLE
        assert len(assert_whole(family, first)) == 2

        # The thief got no token either way. Presenting the consumed token again (now that the
        # database answers) is a reuse, and the family is revoked: its successor is refused.
        # (A family revoked already answers that it is revoked.)
        again = refresh(pair["refresh_token"])
        assert again.status_code == 400, (number, again.content)
        assert again.data["code"] == (REUSED if response.status_code == 503 else "token_revoked")
        family.refresh_from_db()
        assert family.revoked_at is not None
        assert refresh(successor["refresh_token"]).status_code == 400
        refused = APIClient().get(PROTECTED, HTTP_AUTHORIZATION=f"JWT {successor['token']}")
        assert refused.status_code == 401
    # Most statements have no retry: their failure is the 503.
    assert answers.count(503) >= 2, answers
