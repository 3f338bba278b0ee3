"""Keep the store in step with users: a password change, a deactivation or a deletion revokes
every earlier token of that user (also for services that do not load the user per request).

And drf-jwt's purge: with ``JWT_DELETE_STALE_BLACKLISTED_TOKENS``, every save of a
``BlacklistedToken`` deletes the expired ones."""

from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from rest_framework_jwt import revocation
from rest_framework_jwt.settings import api_settings

from .models import BlacklistedToken


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="rest_framework_jwt.user_saved")
def user_saved(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if created or kwargs.get("raw") or not revocation.available():
        return
    # A deactivation cuts off strictly (also when the password changed in the same save): no
    # token of that second may survive it.
    if getattr(instance, "is_active", True) is False:
        revocation.revoke_user(instance, reason="deactivated", strict=True)
    # AbstractBaseUser.set_password() keeps the new raw password in _password until save()
    # has written it: post_save still sees it.
    elif (
        getattr(instance, "_password", None) is not None
        and api_settings.JWT_REVOKE_ON_PASSWORD_CHANGE
    ):
        # Not strict: a token issued right after the change (same second) must work; earlier
        # tokens of a user that is loaded per request already fail on their "pwv" claim. In
        # drf-jwt mode tokens carry no such claim, and this cutoff is what ends them.
        revocation.revoke_user(instance, reason="password_change")


@receiver(
    post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="rest_framework_jwt.user_deleted"
)
def user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    if revocation.available():
        revocation.revoke_deleted_user(instance.pk)


@receiver(post_save, sender=BlacklistedToken, dispatch_uid="rest_framework_jwt.blacklisted")
def blacklisted_token_saved(sender: Any, **kwargs: Any) -> None:
    if api_settings.JWT_DELETE_STALE_BLACKLISTED_TOKENS and not kwargs.get("raw"):
        BlacklistedToken.objects.delete_stale_tokens()
