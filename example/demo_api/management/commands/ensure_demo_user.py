"""``manage.py ensure_demo_user``: create or reset the demo user, idempotently."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

USERNAME = "admin"
PASSWORD = "abc123"
EMAIL = "admin@example.com"


class Command(BaseCommand):
    help = f"Create the demo user {USERNAME!r} (password {PASSWORD!r}), or reset it if it exists."

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            **{user_model.USERNAME_FIELD: USERNAME}, defaults={"email": EMAIL}
        )
        user.email = EMAIL
        user.is_active = True
        user.set_password(PASSWORD)
        user.save()
        verb = "Created" if created else "Reset"
        self.stdout.write(f"{verb} user {USERNAME!r} with password {PASSWORD!r}.")
