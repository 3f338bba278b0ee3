"""One process of test_issuers_processes: authenticates one external token through a JWKS
cache in Redis. ``python -m tests.issuer_worker ISSUER JWKS_URL TOKEN READY_FILE GO_FILE``.

It writes READY_FILE once Django is set up, waits for GO_FILE, authenticates, and prints the
status code of the response."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def main() -> None:
    issuer, jwks_url, token, ready, go = sys.argv[1:6]
    import django

    django.setup()
    from django.test import override_settings

    from tests.test_issuers import call

    jwt_auth = {
        "JWT_TRUSTED_ISSUERS": [{"issuer": issuer, "jwks_url": jwks_url, "audience": "api"}],
        "JWT_JWKS_CACHE": "redis",
        "JWT_JWKS_FETCH_TIMEOUT": 60,
    }
    with override_settings(DEBUG=True, JWT_AUTH=jwt_auth):
        Path(ready).write_text("ready")
        for _ in range(60_000):  # a hang guard, not a clock: the test writes GO_FILE
            if Path(go).exists():
                break
            time.sleep(0.01)
        response = call(token)
        print(response.status_code, flush=True)
        if response.status_code != 200:
            print(response.content, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
