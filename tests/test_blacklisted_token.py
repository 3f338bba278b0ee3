"""drf-jwt's ``BlacklistedToken`` model, over the digest-only revocation store.

drf-jwt code creates, looks up and deletes rows by ``token=`` and ``token_id=``; here those rows
are the token rows of ``Revocation``: what is written through ``BlacklistedToken`` is refused by
authentication, verify and refresh, what is revoked any other way is found through it, and no
raw token is ever written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldError
from django.db import IntegrityError
from django.db.models import Q
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from rest_framework_jwt import backend, exceptions, revocation, tokens
from rest_framework_jwt.authentication import JSONWebTokenAuthentication
from rest_framework_jwt.blacklist import exceptions as blacklist_exceptions
from rest_framework_jwt.blacklist.apps import BlacklistConfig, BlacklistedTokenConfig
from rest_framework_jwt.blacklist.models import BlacklistedToken, Revocation
from rest_framework_jwt.blacklist.permissions import IsNotBlacklisted
from rest_framework_jwt.blacklist.serializers import BlacklistTokenSerializer
from rest_framework_jwt.settings import api_settings
from rest_framework_jwt.signals import tokens_revoked
from tests.helpers import LOGOUT, LOGOUT_ALL, PROTECTED, REFRESH, START, VERIFY, capture

ORIGINAL = {}
DRF_JWT = {"JWT_COMPAT": "drf-jwt"}
MODES = [pytest.param(ORIGINAL, id="orig"), pytest.param(DRF_JWT, id="drf-jwt")]
#: How authentication refuses a revoked token in each mode: drf-jwt answers 403 (compat.md
#: section 4); 1.x had no blacklist, so 2.x's 401. Verify and refresh answer 400 with the message.
REFUSALS = {"orig": (401, "Token has been revoked."), "drf-jwt": (403, "Token is blacklisted.")}
#: Marks a test whose expected refusal differs between the modes (every other test runs in
#: 1.x mode).
both_modes = pytest.mark.parametrize("mode", MODES, indirect=True)
BLACKLIST = "/blacklist/"
ADMIN = "/admin/blacklist/blacklistedtoken/"

urls = pytest.mark.urls("tests.urls_blacklist")


@pytest.fixture
def mode(request, settings, frozen):
    """1.x mode, or each compat line for a test marked ``both_modes``; the name of the line,
    for the expected refusal."""
    base = getattr(request, "param", ORIGINAL)
    settings.JWT_AUTH = {**base, "JWT_ALLOW_REFRESH": True}
    return "drf-jwt" if base else "orig"


@pytest.fixture
def other_user(db, password):
    return get_user_model().objects.create_user(username="bob", password=password)


def new_token(user, **claims) -> str:
    payload = tokens.build_payload(user)
    payload.update(claims)
    return tokens.encode({k: v for k, v in payload.items() if v is not None})


def auth(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"{api_settings.JWT_AUTH_HEADER_PREFIX} {token}"}


def in_five_minutes() -> dt.datetime:
    return START + dt.timedelta(minutes=5)


def assert_refused(client, token: str, mode: str) -> None:
    """Authentication, verify and refresh all refuse ``token`` as revoked."""
    status, message = REFUSALS[mode]
    response = client.get(PROTECTED, **auth(token))
    assert response.status_code == status, response.content
    assert response.data["detail"] == message
    assert response.data["detail"].code == "token_revoked"
    for url in (VERIFY, REFRESH):
        response = client.post(url, {"token": token}, format="json")
        assert response.status_code == 400, (url, response.content)
        assert response.data["non_field_errors"] == [message]


def assert_accepted(client, token: str) -> None:
    assert client.get(PROTECTED, **auth(token)).status_code == 200


def stored_text() -> str:
    """Every value of every row of the store, as one string."""
    return repr(list(Revocation.objects.values_list()))


def jti_of(token: str) -> str:
    return backend.parse(token, 8192).payload["jti"]


def digest(token: str) -> str:
    """The store key of a token without an id: the digest of its signed part (header and
    payload), not of the signature, which ECDSA lets anyone write in a second form."""
    signed = token.rpartition(".")[0] if token.count(".") == 2 else token
    return "d:" + hashlib.sha256(signed.encode("ascii")).hexdigest()


# ----------------------------------------------------------------------------------------------
# The model


def test_the_model_is_a_proxy_over_the_store():
    assert apps.get_model("blacklist", "BlacklistedToken") is BlacklistedToken
    assert BlacklistedToken._meta.proxy
    assert BlacklistedToken._meta.db_table == Revocation._meta.db_table == "blacklist_revocation"


def test_drf_jwts_app_config_name_is_importable_and_the_app_keeps_its_own(settings):
    assert issubclass(BlacklistedTokenConfig, BlacklistConfig)
    assert BlacklistedTokenConfig.name == "rest_framework_jwt.blacklist"
    assert type(apps.get_app_config("blacklist")) is BlacklistConfig


@both_modes
def test_create_by_token_revokes_it_everywhere_and_writes_no_raw_token(client, user, mode):
    token, other = new_token(user), new_token(user)

    row = BlacklistedToken.objects.create(token=token, user=user, expires_at=in_five_minutes())

    assert_refused(client, token, mode)
    assert_accepted(client, other)
    assert row.key == f"t:{tokens.decode(token)['jti']}"
    text = stored_text()
    assert token not in text
    assert token.split(".")[2] not in text
    assert token.split(".")[1] not in text


@both_modes
def test_create_by_token_id_revokes_the_token(client, user, mode):
    token = new_token(user)
    token_id = uuid.UUID(tokens.decode(token)["jti"])

    row = BlacklistedToken.objects.create(
        token_id=token_id, user=user, expires_at=in_five_minutes()
    )

    assert row.token_id == token_id
    assert row.token is None
    assert_refused(client, token, mode)
    assert_accepted(client, new_token(user))


@both_modes
def test_create_by_token_id_as_a_string(client, user, mode):
    token = new_token(user)

    BlacklistedToken.objects.create(
        token_id=tokens.decode(token)["jti"], user=user, expires_at=in_five_minutes()
    )

    assert_refused(client, token, mode)


def test_a_token_without_an_id_is_stored_by_its_digest(client, user, settings, frozen):
    settings.JWT_AUTH = {"JWT_COMPAT": "drf-jwt", "JWT_TOKEN_ID": "off"}
    token = new_token(user)
    assert "jti" not in tokens.decode(token)

    row = BlacklistedToken.objects.create(token=token, user=user, expires_at=in_five_minutes())

    assert row.key == digest(token)
    assert BlacklistedToken.objects.get(pk=row.pk).token_id is None
    assert_refused(client, token, "drf-jwt")
    assert BlacklistedToken.objects.filter(token=token).count() == 1
    assert BlacklistedToken.objects.filter(token_id=None).count() == 1
    assert token not in stored_text()


@both_modes
def test_revoking_one_token_of_a_refresh_chain_revokes_the_chain(client, user, mode):
    first = new_token(user)
    refreshed = client.post(REFRESH, {"token": first}, format="json").data["token"]
    assert tokens.decode(refreshed)["orig_jti"] == tokens.decode(first)["jti"]

    BlacklistedToken.objects.create(token=refreshed, user=user, expires_at=in_five_minutes())

    assert_refused(client, first, mode)
    assert BlacklistedToken.objects.filter(token=first).exists()


def test_a_token_revoked_by_logout_is_seen_through_the_model(client, user, mode):
    token = new_token(user)
    jti = tokens.decode(token)["jti"]
    assert not BlacklistedToken.objects.filter(token=token).exists()

    assert client.post(LOGOUT, {}, format="json", **auth(token)).status_code == 204

    assert BlacklistedToken.objects.filter(token=token).exists()
    assert BlacklistedToken.objects.filter(token_id=jti).count() == 1
    assert BlacklistedToken.objects.filter(token_id=uuid.UUID(jti)).exists()
    row = BlacklistedToken.objects.get(token=token)
    assert row.user == user
    assert row.token is None  # not kept: it cannot be read back
    assert row.token_id == uuid.UUID(jti)
    assert row.blacklisted_at == START


@both_modes
def test_deleting_the_row_lets_the_token_through_again(client, user, mode):
    token = new_token(user)
    BlacklistedToken.objects.create(token=token, user=user, expires_at=in_five_minutes())
    assert_refused(client, token, mode)

    deleted, _ = BlacklistedToken.objects.filter(token=token).delete()

    assert deleted == 1
    assert_accepted(client, token)
    assert not BlacklistedToken.objects.filter(token=token).exists()


def test_queryset_methods_as_drf_jwt_code_uses_them(user, other_user, frozen):
    mine, theirs, third = new_token(user), new_token(other_user), new_token(user)
    first = BlacklistedToken.objects.create(token=mine, user=user, expires_at=in_five_minutes())
    frozen.shift(1)
    second = BlacklistedToken.objects.create(
        token=theirs, user=other_user, expires_at=in_five_minutes()
    )
    third_id = tokens.decode(third)["jti"]

    assert BlacklistedToken.objects.count() == 2
    assert {row.pk for row in BlacklistedToken.objects.all()} == {first.pk, second.pk}
    assert BlacklistedToken.objects.exclude(token=mine).get() == second
    assert BlacklistedToken.objects.filter(user=user).first() == first
    assert BlacklistedToken.objects.filter(token__in=[mine, theirs, third]).count() == 2
    assert (
        BlacklistedToken.objects.filter(token_id__in=[str(first.token_id), third_id]).get() == first
    )
    assert BlacklistedToken.objects.filter(Q(token=theirs) | Q(token_id=third_id)).get() == second
    assert BlacklistedToken.objects.filter(~Q(token=mine)).get() == second
    assert BlacklistedToken.objects.filter(token_id__isnull=False).count() == 2
    assert list(BlacklistedToken.objects.order_by("-blacklisted_at")) == [second, first]
    assert BlacklistedToken.objects.filter(blacklisted_at__gt=START).get() == second
    assert not BlacklistedToken.objects.filter(token=third).exists()
    with pytest.raises(BlacklistedToken.DoesNotExist):
        BlacklistedToken.objects.get(token=third)


def test_get_or_create_and_update_or_create(user, frozen):
    token = new_token(user)

    row, created = BlacklistedToken.objects.get_or_create(token=token, defaults={"user": user})
    again, created_again = BlacklistedToken.objects.get_or_create(token=token)
    updated, created_by_update = BlacklistedToken.objects.update_or_create(
        token_id=row.token_id, defaults={"expires_at": START + dt.timedelta(days=30)}
    )

    assert (created, created_again, created_by_update) == (True, False, False)
    assert row.pk == again.pk == updated.pk
    assert BlacklistedToken.objects.get().expires_at == START + dt.timedelta(days=30)


def test_only_token_rows_are_blacklisted_tokens(client, user, frozen):
    token = new_token(user)
    client.post(LOGOUT_ALL, {}, format="json", **auth(token))  # a user cutoff and the token

    assert Revocation.objects.count() == 2
    assert [row.key for row in BlacklistedToken.objects.all()] == [
        f"t:{tokens.decode(token)['jti']}"
    ]


def test_an_entry_outlives_its_deleted_user(client, other_user, frozen):
    token = new_token(other_user)
    row = BlacklistedToken.objects.create(token=token, user=other_user)

    other_user.delete()

    assert BlacklistedToken.objects.get(pk=row.pk).user is None
    assert BlacklistedToken.objects.filter(token=token).exists()
    assert client.get(PROTECTED, **auth(token)).status_code == 401


def test_str_as_drf_jwt(user, frozen):
    row = BlacklistedToken.objects.create(
        token=new_token(user), user=user, expires_at=in_five_minutes()
    )
    assert str(row) == f"Blacklisted token - admin - {row.expires_at}"


def test_the_created_instance_keeps_its_token_in_memory_only(user, frozen):
    token = new_token(user)

    row = BlacklistedToken.objects.create(token=token, user=user, expires_at=in_five_minutes())

    assert row.token == token
    assert BlacklistedToken.objects.get(pk=row.pk).token is None
    assert row.blacklisted_at == START


def test_a_raw_token_cannot_be_filtered_for_or_searched(user):
    for lookup in ({"token": None}, {"token__isnull": True}, {"token__contains": "eyJ"}):
        with pytest.raises(FieldError, match="stores no raw token"):
            BlacklistedToken.objects.filter(**lookup)
    with pytest.raises(FieldError):
        BlacklistedToken.objects.filter(token_id__startswith="a")


def test_creating_without_token_or_id_fails_as_drf_jwts_constraint(user):
    with pytest.raises(IntegrityError):
        BlacklistedToken.objects.create(user=user, expires_at=in_five_minutes())
    assert Revocation.objects.count() == 0


def test_blacklisting_a_token_twice_keeps_one_entry_with_the_later_expiry(user, frozen):
    token = new_token(user)
    later = START + dt.timedelta(days=30)

    first = BlacklistedToken.objects.create(token=token, user=user, expires_at=later)
    second = BlacklistedToken.objects.create(token=token, user=None, expires_at=START)

    assert BlacklistedToken.objects.count() == 1
    assert second.pk == first.pk
    row = BlacklistedToken.objects.get()
    assert (row.expires_at, row.user) == (later, user)


def test_the_entry_lives_as_long_as_the_token_chain_can_be_used(user, settings, frozen):
    settings.JWT_AUTH = {"JWT_ALLOW_REFRESH": True}
    token = new_token(user)
    # drf-jwt's serializer computed iat + JWT_EXPIRATION_DELTA: too short for a refresh chain.
    row = BlacklistedToken.objects.create(token=token, user=user, expires_at=in_five_minutes())

    assert row.expires_at == revocation.usable_until(tokens.decode(token))
    assert row.expires_at == START + dt.timedelta(days=7, minutes=5)
    # Without a given expiry, the same; a later one given is kept.
    assert BlacklistedToken.objects.create(token=new_token(user)).expires_at == row.expires_at
    far = START + dt.timedelta(days=365)
    assert BlacklistedToken.objects.create(token=new_token(user), expires_at=far).expires_at == far


def test_a_string_that_does_not_verify_is_stored_by_its_digest(client, user, frozen):
    victim = new_token(user)
    claims = tokens.decode(victim)
    # Its claims differ from the victim's (a copy of the victim's signed part would be the
    # victim's token: its digest is of the signed part).
    forged = new_token(user, jti=claims["jti"], exp=claims["exp"] - 1)
    header, payload, signature = forged.split(".")
    forged = f"{header}.{payload}.{signature[::-1]}"

    row = BlacklistedToken.objects.create(token=forged, user=user, expires_at=in_five_minutes())

    # A forged token naming someone's jti does not revoke their token.
    assert row.key == digest(forged)
    assert_accepted(client, victim)
    assert BlacklistedToken.objects.filter(token=forged).exists()
    assert not BlacklistedToken.objects.filter(token=victim).exists()
    row = BlacklistedToken.objects.create(token="not-a-token", user=user)
    assert row.key == digest("not-a-token")
    assert "not-a-token" not in stored_text()


def test_an_expired_token_is_still_found_by_its_id(user, frozen):
    token = new_token(user)
    BlacklistedToken.objects.create(token=token, user=user, expires_at=in_five_minutes())
    frozen.shift(301)
    with pytest.raises(exceptions.ExpiredToken):
        tokens.decode(token)

    assert BlacklistedToken.objects.filter(token=token).exists()
    assert BlacklistedToken.objects.create(token=token).key == f"t:{jti_of(token)}"
    assert BlacklistedToken.objects.count() == 1
    # An expired forgery is not: its signature is checked before its expiry.
    forged = new_token(user, jti=jti_of(token), exp=int(START.timestamp())).split(".")
    forged = ".".join([forged[0], forged[1], forged[2][::-1]])
    assert not BlacklistedToken.objects.filter(token=forged).exists()
    assert BlacklistedToken.objects.create(token=forged).key == digest(forged)


def test_setting_the_token_attribute_then_saving(client, user, frozen):
    token = new_token(user)
    row = BlacklistedToken(user=user, expires_at=in_five_minutes())
    row.token = token
    row.save()

    assert BlacklistedToken.objects.filter(token=token).exists()
    assert client.get(PROTECTED, **auth(token)).status_code == 401


def test_creating_sends_tokens_revoked(user, frozen):
    with capture(tokens_revoked) as calls:
        BlacklistedToken.objects.create(
            token=new_token(user), user=user, expires_at=in_five_minutes()
        )
    assert [(c["user"], c["kind"], c["reason"]) for c in calls] == [(user, "token", "blacklisted")]


def test_with_the_cache_backend_a_created_row_is_refused_too(client, user, settings, frozen):
    settings.CACHES = {
        **settings.CACHES,
        "blacklisted-token": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"blacklisted-token-{uuid.uuid4()}",
        },
    }
    settings.JWT_AUTH = {"JWT_DENYLIST_BACKEND": "cache", "JWT_DENYLIST_CACHE": "blacklisted-token"}
    token = new_token(user)

    BlacklistedToken.objects.create(token=token, user=user, expires_at=in_five_minutes())

    assert_refused(client, token, "orig")
    assert BlacklistedToken.objects.filter(token=token).exists()


# ----------------------------------------------------------------------------------------------
# is_blocked and delete_stale_tokens


@pytest.mark.parametrize("token_id", ["off", "include", "require"])
def test_is_blocked_in_every_token_id_mode(user, settings, frozen, token_id):
    settings.JWT_AUTH = {"JWT_COMPAT": "drf-jwt", "JWT_TOKEN_ID": token_id}
    token = new_token(user)
    frozen.shift(1)  # (without ids, a token of the same second would be the same token)
    other = new_token(user)
    payload = tokens.decode(token)
    assert ("jti" in payload) is (token_id != "off")
    assert BlacklistedToken.is_blocked(token, payload) is False

    BlacklistedToken.objects.create(token=token, user=user, expires_at=in_five_minutes())

    assert BlacklistedToken.is_blocked(token, payload) is True
    assert BlacklistedToken.is_blocked(other, tokens.decode(other)) is False


def test_is_blocked_uses_the_chain_id_orig_jti_else_jti(user, mode):
    token = new_token(user)
    jti = tokens.decode(token)["jti"]
    BlacklistedToken.objects.create(token_id=jti, user=user, expires_at=in_five_minutes())

    assert BlacklistedToken.is_blocked("any.string.here", {"jti": jti}) is True
    assert BlacklistedToken.is_blocked("any", {"jti": str(uuid.uuid4()), "orig_jti": jti})
    assert not BlacklistedToken.is_blocked("any", {"jti": jti, "orig_jti": str(uuid.uuid4())})
    # The require-mode quirk of drf-jwt (no id matched "token_id IS NULL") is not kept.
    BlacklistedToken.objects.create(token="x.y.z", user=user, expires_at=in_five_minutes())
    assert BlacklistedToken.is_blocked("a.b.c", {}) is False


def test_is_blocked_after_log_out_everywhere(client, user, mode, frozen):
    token = new_token(user)
    frozen.shift(1)  # (tokens of the second of the cutoff survive it)
    client.post(LOGOUT_ALL, {}, format="json", **auth(new_token(user)))

    assert BlacklistedToken.is_blocked(token, tokens.decode(token)) is True


def test_is_blocked_when_the_impersonator_is_cut_off(user, superuser, mode, frozen):
    token = new_token(user)
    payload = {**tokens.decode(token), "act": {"sub": "root", "user_id": superuser.pk}}
    assert BlacklistedToken.is_blocked(token, payload) is False
    frozen.shift(1)

    revocation.revoke_user(superuser, reason="admin")

    assert BlacklistedToken.is_blocked(token, payload) is True
    assert BlacklistedToken.is_blocked(token, tokens.decode(token)) is False
    assert BlacklistedToken.is_blocked(token, {**payload, "act": "root"}) is False


def test_delete_stale_tokens_deletes_only_expired_token_rows(client, user, frozen):
    old = BlacklistedToken.objects.create(token_id=uuid.uuid4(), user=user, expires_at=START)
    live = BlacklistedToken.objects.create(
        token_id=uuid.uuid4(), user=user, expires_at=START + dt.timedelta(seconds=2)
    )
    cutoff = Revocation.objects.create(
        key=revocation.user_key(user.pk), kind="user", user=user, expires_at=START
    )
    frozen.shift(1)

    deleted, _ = BlacklistedToken.objects.delete_stale_tokens()

    assert deleted == 1
    assert set(Revocation.objects.values_list("pk", flat=True)) == {live.pk, cutoff.pk}
    assert not Revocation.objects.filter(pk=old.pk).exists()


@pytest.mark.parametrize("purge", [True, False])
def test_saving_purges_stale_rows_with_the_drf_jwt_setting(user, settings, frozen, purge):
    settings.JWT_AUTH = {"JWT_DELETE_STALE_BLACKLISTED_TOKENS": purge}
    stale = BlacklistedToken.objects.create(token_id=uuid.uuid4(), user=user, expires_at=START)
    frozen.shift(1)

    BlacklistedToken.objects.create(token_id=uuid.uuid4(), user=user, expires_at=in_five_minutes())

    assert Revocation.objects.filter(pk=stale.pk).exists() is not purge
    assert BlacklistedToken.objects.count() == (1 if purge else 2)


def test_the_purge_setting_is_a_known_setting(settings):
    from rest_framework_jwt import checks

    settings.JWT_AUTH = {"JWT_DELETE_STALE_BLACKLISTED_TOKENS": True}
    assert api_settings.JWT_DELETE_STALE_BLACKLISTED_TOKENS is True
    assert not [m for m in checks.check_values() if m.id == "rest_framework_jwt.W003"]


# ----------------------------------------------------------------------------------------------
# BlacklistView, BlacklistTokenSerializer, IsNotBlacklisted


@urls
@both_modes
def test_blacklist_view_revokes_the_body_token_only(client, user, mode):
    caller, target = new_token(user), new_token(user)

    response = client.post(BLACKLIST, {"token": target}, format="json", **auth(caller))

    assert response.status_code == 201
    assert response.data == {"token": target}
    assert BlacklistedToken.objects.filter(token=target).exists()
    assert_refused(client, target, mode)
    assert_accepted(client, caller)


@urls
def test_blacklist_view_refuses_a_token_of_another_user(client, user, other_user, mode):
    response = client.post(
        BLACKLIST, {"token": new_token(other_user)}, format="json", **auth(new_token(user))
    )

    assert response.status_code == 400
    assert list(response.data) == ["token"]
    assert BlacklistedToken.objects.count() == 0


@urls
def test_blacklist_view_answers_a_null_token_when_ids_are_required(client, user, settings, frozen):
    settings.JWT_AUTH = {"JWT_COMPAT": "drf-jwt", "JWT_TOKEN_ID": "require"}
    token = new_token(user)

    response = client.post(BLACKLIST, {}, format="json", **auth(token))

    assert response.status_code == 201
    assert response.data == {"token": None}
    assert BlacklistedToken.objects.filter(token=token).exists()


@urls
def test_blacklist_view_without_any_token(client, db):
    response = client.post(BLACKLIST, {}, format="json")

    assert response.status_code == 400
    assert response.data == {"token": ["No token to revoke."]}


def test_the_serializer_directly(user, frozen):
    token = new_token(user)
    request = APIRequestFactory().post(BLACKLIST, {"token": token}, format="json")
    request.user, request.auth = user, None

    serializer = BlacklistTokenSerializer(data={"token": token}, context={"request": request})
    assert serializer.is_valid(), serializer.errors
    instance = serializer.save()

    assert isinstance(instance, BlacklistedToken)
    assert instance.pk == BlacklistedToken.objects.get(token=token).pk
    assert serializer.data == {"token": token}
    assert BlacklistTokenSerializer.Meta.model is BlacklistedToken
    bad = BlacklistTokenSerializer(data={"token": "x"}, context={"request": request})
    assert not bad.is_valid()
    assert list(bad.errors) == ["token"]


def test_is_not_blacklisted_sees_a_row_created_through_the_model(user, frozen):
    token = new_token(user)
    request = type("Request", (), {"auth": token})()
    permission = IsNotBlacklisted()
    assert permission.has_permission(request, None) is True

    BlacklistedToken.objects.create(token=token, user=user, expires_at=in_five_minutes())

    assert permission.has_permission(request, None) is False


class QueryStringAuthentication(JSONWebTokenAuthentication):
    """A drf-jwt style subclass: the token in ``?token=``."""

    @classmethod
    def get_token_from_request(cls, request):
        return request.query_params.get("token")


class SessionFirstView(APIView):
    """Session authentication first: a JWT the request carries does not authenticate it."""

    authentication_classes = (SessionAuthentication, QueryStringAuthentication)
    permission_classes = (IsNotBlacklisted,)

    def get(self, request):
        return Response({"user": str(request.user)})


def session_request(user, path="/", **extra):
    request = APIRequestFactory().get(path, **extra)
    request.user = user  # as the session middleware leaves it
    request._dont_enforce_csrf_checks = True
    return request


def test_is_not_blacklisted_reads_the_token_with_the_views_jwt_class(user, mode):
    token = new_token(user)
    view = SessionFirstView.as_view()
    assert view(session_request(user, f"/?token={token}")).status_code == 200

    BlacklistedToken.objects.create(token=token, user=user, expires_at=in_five_minutes())

    response = view(session_request(user, f"/?token={token}"))
    assert response.status_code == 403
    assert response.data == {"detail": "You have been blacklisted."}
    assert view(session_request(user)).status_code == 200
    assert view(session_request(user, f"/?token={new_token(user)}")).status_code == 200


def test_is_not_blacklisted_reads_the_header_when_another_class_authenticated(user, mode):
    token = new_token(user)
    BlacklistedToken.objects.create(token=token, user=user, expires_at=in_five_minutes())
    view = APIView.as_view(
        authentication_classes=(SessionAuthentication,), permission_classes=(IsNotBlacklisted,)
    )

    response = view(session_request(user, **auth(token)))

    assert response.status_code == 403
    assert response.data == {"detail": "You have been blacklisted."}


def test_is_not_blacklisted_refuses_a_blacklisted_string_that_does_not_verify(user, mode):
    BlacklistedToken.objects.create(token="x.y.z", user=user, expires_at=in_five_minutes())
    view = APIView.as_view(
        authentication_classes=(SessionAuthentication,), permission_classes=(IsNotBlacklisted,)
    )

    assert view(session_request(user, **auth("x.y.z"))).status_code == 403
    assert view(session_request(user, **auth("a.b.c"))).status_code == 405  # (passed: no GET)


def test_drf_jwts_exception_names_are_the_ones_authentication_raises():
    assert blacklist_exceptions.MissingToken is exceptions.MissingToken
    assert blacklist_exceptions.InvalidAuthorizationCredentials is (
        exceptions.InvalidAuthorizationCredentials
    )
    with pytest.raises(blacklist_exceptions.MissingToken) as caught:
        JSONWebTokenAuthentication.get_token_from_authorization_header("")
    assert (caught.value.status_code, caught.value.default_code) == (401, "token_missing")


# ----------------------------------------------------------------------------------------------
# The admin (with bob: pytest-django's admin_client is a user named "admin")


@urls
def test_the_admin_lists_blacklisted_tokens_without_their_value(admin_client, other_user, frozen):
    token = new_token(other_user)
    BlacklistedToken.objects.create(token=token, user=other_user, expires_at=in_five_minutes())

    response = admin_client.get(ADMIN)

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    page = response.content.decode()
    assert tokens.decode(token)["jti"] in page
    assert token.split(".")[2] not in page


@urls
def test_the_admin_adds_an_entry_from_a_token(admin_client, client, other_user, frozen):
    token = new_token(other_user)

    response = admin_client.post(
        f"{ADMIN}add/",
        {
            "token": token,
            "token_id": "",
            "user": other_user.pk,
            "expires_at_0": "2024-05-06",
            "expires_at_1": "07:13:09",
        },
    )

    assert response.status_code == 302, response.content
    row = BlacklistedToken.objects.get(token=token)
    assert row.key == f"t:{tokens.decode(token)['jti']}"
    assert client.get(PROTECTED, **auth(token)).status_code == 401
    assert token not in stored_text()


@urls
def test_the_admin_adds_an_entry_from_a_token_id(admin_client, other_user, frozen):
    token_id = str(uuid.uuid4())

    response = admin_client.post(
        f"{ADMIN}add/",
        {"token": "", "token_id": token_id, "expires_at_0": "2024-05-06", "expires_at_1": "08:00"},
    )

    assert response.status_code == 302, response.content
    assert BlacklistedToken.objects.filter(token_id=token_id).exists()


@urls
def test_the_admin_needs_a_token_or_an_id(admin_client, db):
    response = admin_client.post(
        f"{ADMIN}add/", {"token": "", "token_id": "", "expires_at_0": "2024-05-06"}
    )

    assert response.status_code == 200
    assert "Give a token or a token id." in response.content.decode()
    assert Revocation.objects.count() == 0


@urls
def test_the_admin_shows_an_entry_read_only(admin_client, other_user, frozen):
    row = BlacklistedToken.objects.create(
        token_id=uuid.uuid4(), user=other_user, expires_at=in_five_minutes()
    )

    response = admin_client.get(f"{ADMIN}{row.pk}/change/")

    assert response.status_code == 200
    assert str(row.token_id) in response.content.decode()
    response = admin_client.post(f"{ADMIN}{row.pk}/change/", {"key": "t:other"})
    assert response.status_code == 302
    assert BlacklistedToken.objects.get(pk=row.pk).key == row.key
