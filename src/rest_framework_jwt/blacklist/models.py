"""The revocation store.

No raw token is ever stored: a revoked token is kept as its ``jti`` (or a SHA-256 digest when
it has none), with its expiry so that the row can be deleted once the token is dead anyway.
``BlacklistedToken`` is drf-jwt's model name and API over the token rows of ``Revocation``.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import FieldError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rest_framework_jwt import _state, backend, messages, revocation, verification
from rest_framework_jwt.exceptions import ExpiredSignature, TokenError, TokenRevoked
from rest_framework_jwt.signals import tokens_revoked


class Revocation(models.Model):
    """One denylist entry: a token, a user cutoff, or a refresh-token family.

    ``key`` is ``t:<jti>`` or ``d:<sha256>`` for a token, ``u:<user pk>`` for "every token of
    this user issued before ``not_before``", and ``f:<family id>`` for a family.
    """

    KIND_TOKEN = "token"
    KIND_USER = "user"
    KIND_FAMILY = "family"
    KINDS = [
        (KIND_TOKEN, _("token")),
        (KIND_USER, _("all tokens of a user")),
        (KIND_FAMILY, _("refresh-token family")),
    ]

    key = models.CharField(_("key"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=KINDS)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    not_before = models.DateTimeField(_("tokens issued before"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    created_at = models.DateTimeField(_("revoked at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("revocation")
        verbose_name_plural = _("revocations")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key} ({self.reason or 'revoked'})"


class TokenFamily(models.Model):
    """A login session in refresh-token mode: every refresh token descends from one login."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="jwt_token_families",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(_("revoke reason"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M} {self.user_agent[:40]}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RefreshToken(models.Model):
    """A refresh token of a family, by ``jti``; consumed (rotated) at most once, replaced by
    exactly one successor."""

    jti = models.CharField(_("token id"), max_length=64, primary_key=True)
    family = models.ForeignKey(
        TokenFamily, verbose_name=_("family"), on_delete=models.CASCADE, related_name="tokens"
    )
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    consumed_at = models.DateTimeField(_("consumed at"), null=True, blank=True)
    #: The jti of the refresh token that the rotation consuming this one answered; a replay
    #: within JWT_REFRESH_GRACE_PERIOD answers that same token again.
    replaced_by = models.CharField(_("replaced by"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("refresh token")
        verbose_name_plural = _("refresh tokens")

    def __str__(self) -> str:
        return self.jti


# ----------------------------------------------------------------------------------------------
# drf-jwt's BlacklistedToken, over the token rows of Revocation


def _verified_payload(token: Any) -> dict[str, Any] | None:
    """The payload of ``token`` if it verifies (an expired token too) through
    ``JWT_DECODE_HANDLER``, as authentication verifies it, else None."""
    try:
        return verification.verify(token).payload
    except ExpiredSignature:
        # Decoding checks the signature before any claim (PyJWT's too): the id in this
        # payload is genuine.
        try:
            return backend.parse(token, _state.config().max_size).payload
        except TokenError:
            return None
    except Exception as error:
        if messages.explain(error, serializer=False) is None:
            raise
        return None


def _token_text(token: Any) -> str:
    if isinstance(token, bytes):
        return token.decode("ascii", "replace")
    if isinstance(token, str):
        return token
    raise FieldError(f"A token is a string, not {type(token).__name__}.")


def _id_key(token_id: Any) -> str:
    """The store key of a token id (``orig_jti`` or ``jti``), as ``revocation.token_key``."""
    return revocation.token_key("", {"jti": str(token_id)})


def _token_keys(token: Any) -> list[str]:
    """Every key under which ``token`` may be stored: the key authentication checks (its id
    when it verifies and has one) and the digest of the string itself."""
    text = _token_text(token)
    keys = [revocation.token_key(text, {})]
    payload = _verified_payload(text)
    if payload is not None:
        key = revocation.token_key(text, payload)
        if key not in keys:
            keys.insert(0, key)
    return keys


_NO_RAW_TOKEN = (
    "BlacklistedToken stores no raw token: look a token up by its value (token=<str>), "
    "or use token_id."
)


def _token_lookup(name: str, lookup: str, value: Any) -> models.Q:
    if lookup in ("", "exact") and value is not None:
        return models.Q(key__in=_token_keys(value))
    if lookup == "in":
        return models.Q(key__in=[key for item in value for key in _token_keys(item)])
    raise FieldError(f"{_NO_RAW_TOKEN} Unsupported lookup: {name}.")


def _token_id_lookup(name: str, lookup: str, value: Any) -> models.Q:
    if lookup in ("", "exact"):
        return models.Q(key__startswith="d:") if value is None else models.Q(key=_id_key(value))
    if lookup == "in":
        return models.Q(key__in=[_id_key(item) for item in value if item is not None])
    if lookup == "isnull":
        return models.Q(key__startswith="d:" if value else "t:")
    raise FieldError(f"Unsupported lookup on BlacklistedToken.token_id: {name}.")


def _lookup(name: str, value: Any) -> models.Q:
    """One drf-jwt lookup (``token=``, ``token_id__in=``, ``blacklisted_at__lt=``...) as a
    lookup on Revocation's columns."""
    field, _sep, lookup = name.partition("__")
    if field == "token":
        return _token_lookup(name, lookup, value)
    if field == "token_id":
        return _token_id_lookup(name, lookup, value)
    if field == "blacklisted_at":
        return models.Q(**{name.replace("blacklisted_at", "created_at", 1): value})
    return models.Q(**{name: value})


def _translated(q: models.Q) -> models.Q:
    result = models.Q()
    result.connector, result.negated = q.connector, q.negated
    children: list[Any] = list(q.children)
    result.children = [
        _translated(child) if isinstance(child, models.Q) else _lookup(*child) for child in children
    ]
    return result


def _translate(args: Iterable[Any], kwargs: dict[str, Any]) -> list[Any]:
    conditions = [_translated(arg) if isinstance(arg, models.Q) else arg for arg in args]
    conditions.extend(_lookup(name, value) for name, value in kwargs.items())
    return conditions


class BlacklistedTokenQuerySet(models.QuerySet):  # type: ignore[type-arg]
    """Accepts drf-jwt's field names in lookups: ``token`` (matched through its id or digest),
    ``token_id`` and ``blacklisted_at``."""

    def filter(self, *args: Any, **kwargs: Any) -> Any:
        return super().filter(*_translate(args, kwargs))

    def exclude(self, *args: Any, **kwargs: Any) -> Any:
        return super().exclude(*_translate(args, kwargs))

    def order_by(self, *field_names: Any) -> Any:
        renamed = [
            name.replace("blacklisted_at", "created_at", 1) if isinstance(name, str) else name
            for name in field_names
        ]
        return super().order_by(*renamed)

    def delete_stale_tokens(self) -> tuple[int, dict[str, int]]:
        """Delete the entries whose expiry has passed (drf-jwt's manager method)."""
        return self.filter(expires_at__lt=timezone.now()).delete()  # type: ignore[no-any-return]


class BlacklistedTokenManager(models.Manager.from_queryset(BlacklistedTokenQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> Any:
        return super().get_queryset().filter(kind=Revocation.KIND_TOKEN)


_UNSET: Any = object()


class BlacklistedToken(Revocation):
    """drf-jwt's model: one revoked token, as a row of ``Revocation`` (same table, same rows).

    ``BlacklistedToken.objects.create(token=T, user=u, expires_at=e)`` (or ``token_id=``)
    revokes ``T`` for authentication, verify and refresh, and a token revoked any other way
    (logout, ``revocation.revoke_token``) is found by ``filter(token=T)``. The raw token is
    never written: it is stored as the key authentication checks (its ``orig_jti``/``jti``,
    or the SHA-256 digest of a token without one, or of a token that does not verify).
    ``.token`` is the token only on an instance made from one in this process, and ``None``
    on rows read from the database.
    """

    objects: ClassVar[BlacklistedTokenManager] = BlacklistedTokenManager()

    class Meta:
        proxy = True
        verbose_name = _("blacklisted token")
        verbose_name_plural = _("blacklisted tokens")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        token = kwargs.pop("token", _UNSET)
        token_id = kwargs.pop("token_id", _UNSET)
        blacklisted_at = kwargs.pop("blacklisted_at", _UNSET)
        if not args:  # (rows loaded from the database come positionally)
            kwargs.setdefault("kind", Revocation.KIND_TOKEN)
            kwargs.setdefault("reason", "blacklisted")
        super().__init__(*args, **kwargs)
        self._token: str | None = None
        self._payload: dict[str, Any] | None = None
        if token is not _UNSET and token is not None:
            self.token = token
        if token_id is not _UNSET and token_id is not None:
            self.token_id = token_id
        if blacklisted_at is not _UNSET:
            self.created_at = blacklisted_at

    def __str__(self) -> str:
        return f"Blacklisted token - {self.user} - {self.expires_at}"

    @property
    def token(self) -> str | None:
        """The raw token if this instance was made from it; None for stored rows."""
        return self._token

    @token.setter
    def token(self, value: Any) -> None:
        if value is None:
            self._token = self._payload = None
            return
        self._token = _token_text(value)
        self._payload = _verified_payload(self._token)
        self.key = revocation.token_key(self._token, self._payload or {})

    @property
    def token_id(self) -> uuid.UUID | str | None:
        """The revoked token id (a UUID when it is one), or None for an entry by digest."""
        if not self.key.startswith("t:"):
            return None
        value = self.key[2:]
        try:
            parsed = uuid.UUID(value)
        except ValueError:
            return value
        return parsed if str(parsed) == value else value

    @token_id.setter
    def token_id(self, value: Any) -> None:
        if value is not None:
            self.key = _id_key(value)

    @property
    def blacklisted_at(self) -> datetime.datetime | None:
        return self.created_at

    @staticmethod
    def is_blocked(token: Any, payload: Any) -> bool:
        """True when ``token`` (with its verified ``payload``) is refused as revoked: by its
        own entry, or by a cutoff of its user, its session or (for an impersonation token)
        its impersonator, as authentication would."""
        verified = revocation.as_verified(token, payload)
        try:
            revocation.check(verified)
            if verified.is_impersonation:
                revocation.check_actor_cutoff(verified)
        except TokenRevoked:
            return True
        except TokenError:  # a malformed act claim: refused, but not as revoked
            return False
        return False

    def _extend_expiry(self) -> None:
        """The entry protects the token as long as it (or its refresh chain) can be used,
        whatever expiry the caller computed."""
        if self._payload is not None:
            until = revocation.usable_until(self._payload)
            if self.expires_at is None or self.expires_at < until:
                self.expires_at = until
        elif self.expires_at is None:
            self.expires_at = timezone.now() + revocation.max_lifetime()

    def _insert_or_merge(self, force_insert: Any, using: str | None) -> None:
        """Insert the entry; if the token is revoked already (the key is unique), keep one
        entry, with the later expiry."""
        db = using or type(self).objects.db
        try:
            with transaction.atomic(using=db):
                super().save(force_insert=force_insert, using=using)
        except IntegrityError:
            existing = Revocation.objects.using(db).get(key=self.key)
            self.pk, self.created_at = existing.pk, existing.created_at
            self.kind = existing.kind
            self.expires_at = max(existing.expires_at, self.expires_at)
            if self.user_id is None:
                self.user_id = existing.user_id
            self._state.adding = False
            super().save(force_update=True, using=using)

    def save(
        self,
        *,
        force_insert: Any = False,
        force_update: bool = False,
        using: str | None = None,
        update_fields: Iterable[str] | None = None,
    ) -> None:
        if not self.key:
            raise IntegrityError("A blacklisted token needs a token or a token_id.")
        self._extend_expiry()
        adding = self._state.adding
        if adding:
            self._insert_or_merge(force_insert, using)
        else:
            super().save(
                force_insert=force_insert,
                force_update=force_update,
                using=using,
                update_fields=update_fields,
            )
        if not revocation.uses_database():
            revocation.denylist().add(self.key, self.kind, None, self.expires_at, self.reason)
        if adding:
            tokens_revoked.send(sender=type(self), user=self.user, kind="token", reason=self.reason)


__all__ = ["BlacklistedToken", "RefreshToken", "Revocation", "TokenFamily"]
