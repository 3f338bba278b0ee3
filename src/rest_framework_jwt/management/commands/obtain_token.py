"""``manage.py obtain_token <pk>``: print a token for a user (DEBUG only), as drf-jwt did.

On failure it writes "Unable to obtain token because ..." to stderr and exits with status 1
(``SystemExit(1)``), as drf-jwt's command does.

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from rest_framework_jwt import _state
from rest_framework_jwt.settings import api_settings


class Command(BaseCommand):
    help = "Print a JSON Web Token for the user with the given primary key (needs DEBUG=True)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("pk", help="Primary key of the user.")

    def fail(self, reason: str) -> NoReturn:
        self.stderr.write(f"Unable to obtain token because {reason}")
        raise SystemExit(1)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            self.fail("DEBUG is False.")
        model = _state.user_model()
        try:
            user = model._default_manager.get(pk=options["pk"])
        except (model.DoesNotExist, ValueError, TypeError, ValidationError):
            self.fail(f"no user has primary key {options['pk']!r}.")
        payload = api_settings.JWT_PAYLOAD_HANDLER(user)
        self.stdout.write(api_settings.JWT_ENCODE_HANDLER(payload))


__all__ = ["Command"]
