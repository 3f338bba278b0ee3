"""Keep the store in step with users: a password change, a deactivation or a deletion revokes
every earlier token of that user (also for services that do not load the user per request).

The revocation is written before the change it answers: from ``pre_save`` for a save, and
inside the deletion's transaction for a deletion. When the store cannot be reached, the
receiver raises :class:`~rest_framework_jwt.exceptions.StoreUnavailable` and the change is not
saved (a save in autocommit mode included), so no password change or deactivation goes through
without its revocation. DRF views answer it with a 503; the admin and other Django views do
with ``rest_framework_jwt.middleware.StoreUnavailableMiddleware``. A save that fails after its
revocation was written leaves the user's earlier tokens revoked: the safe side.

And drf-jwt's purge: with ``JWT_DELETE_STALE_BLACKLISTED_TOKENS``, every save of a
``BlacklistedToken`` deletes the expired ones.

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from rest_framework_jwt import revocation
from rest_framework_jwt.settings import api_settings

from .models import BlacklistedToken


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="rest_framework_jwt.user_saved")
def user_saving(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw or not revocation.available():
        return
    # A deactivation cuts off strictly (also when the password changed in the same save): no
    # token of that second may survive it.
    if getattr(instance, "is_active", True) is False:
        reason, strict = "deactivated", True
    # AbstractBaseUser.set_password() keeps the new raw password in _password until save()
    # has written it.
    elif (
        getattr(instance, "_password", None) is not None
        and api_settings.JWT_REVOKE_ON_PASSWORD_CHANGE
    ):
        # Not strict: a token issued right after the change (same second) must work; earlier
        # tokens of a user that is loaded per request already fail on their "pwv" claim. In
        # drf-jwt mode tokens carry no such claim, and this cutoff is what ends them.
        reason, strict = "password_change", False
    else:
        return
    if _is_new(sender, instance, kwargs.get("using")):
        return
    revocation.revoke_user(instance, reason=reason, strict=strict)


def _is_new(model: Any, instance: Any, using: Any) -> bool:
    """True when saving ``instance`` creates its row (a new user has no tokens to revoke)."""
    if not instance._state.adding:
        return False
    # A fresh instance with the pk of an existing row updates it.
    return (
        instance.pk is None or not model._base_manager.using(using).filter(pk=instance.pk).exists()
    )


@receiver(
    post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="rest_framework_jwt.user_deleted"
)
def user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    # post_delete runs inside the deletion's transaction: a failure here rolls it back.
    if revocation.available():
        revocation.revoke_deleted_user(instance.pk)


@receiver(post_save, sender=BlacklistedToken, dispatch_uid="rest_framework_jwt.blacklisted")
def blacklisted_token_saved(sender: Any, **kwargs: Any) -> None:
    if api_settings.JWT_DELETE_STALE_BLACKLISTED_TOKENS and not kwargs.get("raw"):
        BlacklistedToken.objects.delete_stale_tokens()


__all__ = ["blacklisted_token_saved", "user_deleted", "user_saving"]
