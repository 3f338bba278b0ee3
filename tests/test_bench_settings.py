"""The bench's Django project keeps its database connection across requests, as a deployment does.

``bench/run.py --gunicorn`` serves bench/settings.py through gunicorn. With Django's default
``CONN_MAX_AGE`` (0) every request that reads the database would open a new connection and close
it at ``request_finished``, a cost that only the rows with a query pay. A child process (the bench
settings cannot be this process's) serves requests through Django's WSGI handler, as gunicorn's
workers do, and counts the connections opened. Nothing is timed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench import settings as bench_settings
from tests.helpers import run_python

ROOT = Path(__file__).resolve().parent.parent

SERVE = """
import io, json, os, sys
from pathlib import Path

from bench import build
from bench.run import connection_policy

user = build.setup_django(Path(os.environ["BENCH_DB"]))
token = build.make_tokens(user, "HS256").ours

from django.core.handlers.wsgi import WSGIHandler
from django.db import connections
from django.db.backends.signals import connection_created

opened = []
connection_created.connect(lambda **kwargs: opened.append(1), weak=False)
connections.close_all()
application = WSGIHandler()
statuses = []
for _ in range(3):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/ours/default/",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_AUTHORIZATION": f"JWT {token}",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
    }
    response = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(response)
    response.close()  # what the server does: request_finished is sent here
print(json.dumps({"statuses": statuses, "opened": len(opened), "policy": connection_policy()}))
"""


def serve(tmp_path: Path, **env: str) -> dict:
    inherited = {name: value for name, value in os.environ.items() if name != "BENCH_CONN_MAX_AGE"}
    environment = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_DB": str(tmp_path / "bench.sqlite3"),
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        **env,
    }
    served = run_python("-c", SERVE, cwd=ROOT, env=environment)
    assert served.returncode == 0, served.stderr
    return json.loads(served.stdout.splitlines()[-1])


def test_one_connection_serves_every_request_of_a_worker(tmp_path):
    served = serve(tmp_path)
    assert served["statuses"] == ["200 OK"] * 3
    assert served["opened"] == 1
    assert served["policy"] == "connections kept across requests (CONN_MAX_AGE 600)"


def test_with_djangos_default_each_request_opens_a_connection(tmp_path):
    served = serve(tmp_path, BENCH_CONN_MAX_AGE="0")
    assert served["statuses"] == ["200 OK"] * 3
    assert served["opened"] == 3
    assert served["policy"] == "a new connection per request (CONN_MAX_AGE 0)"


@pytest.mark.parametrize(
    ("value", "age"), [("600", 600), ("0", 0), ("none", None), (" None ", None)]
)
def test_the_connection_age_is_read_from_the_environment(value, age):
    assert bench_settings.conn_max_age(value) == age
