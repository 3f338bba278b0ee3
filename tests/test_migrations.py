"""The revocation app's migrations: the upgrade from drf-jwt's blacklist, and no missing ones.

drf-jwt's ``blacklist`` app (same label) stopped at 0002_add_token_id with a table of raw tokens
and token ids. The test builds that schema by migrating back to 0002, fills it through the
historical model, migrates forward and checks that the tokens stay refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from rest_framework_jwt import utils
from rest_framework_jwt.blacklist import models as live_models

APP = "blacklist"
DRF_JWT = [(APP, "0002_add_token_id")]
OLD_TABLE = "blacklist_blacklistedtoken"
NEW_TABLES = {"blacklist_revocation", "blacklist_tokenfamily", "blacklist_refreshtoken"}
PROTECTED = "/protected/"


def migrate(targets):
    """Migrate to ``targets`` and answer the app registry of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def latest():
    return [
        (APP, name)
        for app, name in MigrationExecutor(connection).loader.graph.leaf_nodes(APP)
        if app == APP
    ]


def tables() -> set[str]:
    return set(connection.introspection.table_names())


@pytest.fixture
def drf_jwt_schema(transactional_db):
    """The database as drf-jwt left it; back at the latest migration afterwards, so the
    other tests see the normal schema whatever happens here."""
    head = latest()
    try:
        yield migrate(DRF_JWT)
    finally:
        migrate(head)


@pytest.fixture
def drf_jwt_settings(settings):
    # drf-jwt's settings line; its "off" token id mode issued tokens without jti, and its
    # blacklist stored those as raw strings.
    settings.JWT_AUTH = {"JWT_COMPAT": "drf-jwt", "JWT_TOKEN_ID": "off"}
    return settings


def digest(token: str) -> str:
    """The store key of a token without an id: the digest of its signed part (header and
    payload), not of the signature, which ECDSA lets anyone write in a second form."""
    signed = token.rpartition(".")[0] if token.count(".") == 2 else token
    return "d:" + hashlib.sha256(signed.encode("ascii")).hexdigest()


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.django_db(transaction=True)
def test_upgrading_from_drf_jwt_keeps_its_blacklisted_tokens_refused(
    drf_jwt_schema, drf_jwt_settings, client, user, password
):
    old_apps = drf_jwt_schema
    assert OLD_TABLE in tables()
    assert not NEW_TABLES & tables()

    # Tokens of drf-jwt's two modes: a raw one without jti, and one with a jti.
    raw_token = utils.jwt_encode_handler(utils.jwt_payload_handler(user))
    assert "jti" not in utils.jwt_decode_handler(raw_token)
    token_id = uuid.uuid4()
    payload = utils.jwt_payload_handler(user)
    payload["jti"] = str(token_id)
    id_token = utils.jwt_encode_handler(payload)
    both_id = uuid.uuid4()
    # A raw token with an id inside and no token_id in its row (code that wrote token= only).
    inner_id = uuid.uuid4()
    payload["jti"] = str(inner_id)
    inner_token = utils.jwt_encode_handler(payload)
    expires_at = timezone.now() + dt.timedelta(minutes=5)
    expires_at = expires_at.replace(microsecond=0)

    BlacklistedToken = old_apps.get_model(APP, "BlacklistedToken")
    BlacklistedToken.objects.create(token=raw_token, user_id=user.pk, expires_at=expires_at)
    BlacklistedToken.objects.create(token=raw_token, user_id=user.pk, expires_at=expires_at)
    BlacklistedToken.objects.create(token_id=token_id, user_id=user.pk, expires_at=expires_at)
    BlacklistedToken.objects.create(
        token="some.raw.token", token_id=both_id, user_id=user.pk, expires_at=expires_at
    )
    BlacklistedToken.objects.create(token=inner_token, user_id=user.pk, expires_at=expires_at)
    # More rows than one import batch holds.
    BlacklistedToken.objects.bulk_create(
        [
            BlacklistedToken(token_id=uuid.uuid4(), user_id=user.pk, expires_at=expires_at)
            for _ in range(2100)
        ]
    )

    new_apps = migrate(latest())

    assert OLD_TABLE not in tables()
    assert tables() >= NEW_TABLES
    Revocation = new_apps.get_model(APP, "Revocation")
    digest_key = digest(raw_token)
    id_key = f"t:{token_id}"
    # The duplicate raw row gives one entry; a row with both columns is kept by its id.
    assert Revocation.objects.count() == 4 + 2100
    assert Revocation.objects.filter(key=f"t:{both_id}").exists()
    # Keyed by the id inside it: the key authentication checks for that token.
    assert Revocation.objects.filter(key=f"t:{inner_id}").exists()
    assert not Revocation.objects.filter(key=digest(inner_token)).exists()
    assert not Revocation.objects.filter(key=digest("some.raw.token")).exists()
    for key in (digest_key, id_key):
        row = Revocation.objects.get(key=key)
        assert row.kind == "token"
        assert row.user_id == user.pk
        assert row.expires_at == expires_at
        assert row.reason == "drf-jwt"
    assert not Revocation.objects.filter(key__contains=raw_token).exists()

    # drf-jwt's model sees every imported row, and finds them by token and by id.
    Model = live_models.BlacklistedToken
    assert Model.objects.count() == 4 + 2100
    for token in (raw_token, id_token, inner_token):
        assert Model.objects.filter(token=token).count() == 1
    assert Model.objects.filter(token_id=token_id).get().user == user
    assert Model.objects.get(token=raw_token).token_id is None

    # The tokens are refused by authentication and by verify; others of the user are not.
    for token in (raw_token, id_token, inner_token):
        response = client.get(PROTECTED, **bearer(token))
        assert response.status_code == 403, response.content  # as drf-jwt
        assert response.data["detail"].code == "token_revoked"
        assert response.data["detail"] == "Token is blacklisted."
        verified = client.post("/api-token-verify/", {"token": token}, format="json")
        assert verified.status_code == 400
    payload["jti"] = str(uuid.uuid4())
    assert client.get(PROTECTED, **bearer(utils.jwt_encode_handler(payload))).status_code == 200
    payload.pop("jti")
    payload["exp"] += 1  # another raw token: another digest
    assert client.get(PROTECTED, **bearer(utils.jwt_encode_handler(payload))).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_blacklist_migrations_go_back_to_drf_jwts_schema_and_forward_again(drf_jwt_schema):
    assert OLD_TABLE in tables()
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, OLD_TABLE)
    columns = {column.name for column in description}
    assert columns == {"id", "token", "token_id", "user_id", "expires_at", "blacklisted_at"}
    migrate([(APP, None)])
    assert not ({OLD_TABLE} | NEW_TABLES) & tables()
    migrate(latest())
    assert OLD_TABLE not in tables()
    assert tables() >= NEW_TABLES


@pytest.mark.django_db
@pytest.mark.parametrize("app", [APP, "rest_framework_jwt"])
def test_the_models_have_no_missing_migrations(app, capsys):
    try:
        call_command("makemigrations", app, check=True, dry_run=True, verbosity=1)
    except SystemExit:  # --check exits non-zero when a migration is missing
        pytest.fail(f"makemigrations --check found changes in {app}: {capsys.readouterr().out}")
    assert "No changes detected" in capsys.readouterr().out
