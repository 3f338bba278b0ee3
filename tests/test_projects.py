"""Two projects written for the 1.x packages run their own tests against this package.

tests/projects/orig_project is written as djangorestframework-jwt 1.x projects are, and
tests/projects/drfjwt_project as drf-jwt 1.19 projects are (with ``JWT_COMPAT = "drf-jwt"``, the
one setting the upgrade adds). Each runs its own ``manage.py test`` (Django's runner) and
``manage.py check`` in a subprocess, with ``PYTHONPATH`` pointing at the package under test (this
checkout's ``src/``).
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
from pathlib import Path

import pytest

import rest_framework_jwt
from tests.helpers import run_python

PROJECTS = Path(__file__).parent / "projects"
# The package this run tests: src/ of the checkout, or the installed wheel under tox.
PACKAGE_ROOT = Path(rest_framework_jwt.__file__).resolve().parent.parent
SUITES = {"orig_project": "api/tests.py", "drfjwt_project": "accounts/tests.py"}


def manage(project: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``manage.py <args>`` of ``project`` with its own settings and this package."""
    env = {
        key: value
        for key, value in os.environ.items()
        # Ours (pytest-django sets DJANGO_SETTINGS_MODULE); the project's manage.py picks its own.
        if key not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH", "DATABASE_URL", "REDIS_URL"}
    }
    env["PYTHONPATH"] = str(PACKAGE_ROOT)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return run_python("manage.py", *args, cwd=PROJECTS / project, env=env)


def count_tests(path: Path) -> int:
    """How many ``test*`` methods the test classes of ``path`` define."""
    tree = ast.parse(path.read_text())
    return sum(
        1
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        for item in node.body
        if isinstance(item, ast.FunctionDef) and item.name.startswith("test")
    )


@pytest.mark.parametrize("project", sorted(SUITES))
def test_the_projects_own_suite_passes(project):
    result = manage(project, "test", "--noinput")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    ran = re.search(r"^Ran (\d+) tests? in ", output, re.MULTILINE)
    assert ran, output
    # Every test the project ships was found and run (none skipped).
    assert int(ran.group(1)) == count_tests(PROJECTS / project / SUITES[project]), output
    assert re.search(r"^OK$", output, re.MULTILINE), output


@pytest.mark.parametrize("project", sorted(SUITES))
def test_manage_py_check_passes(project):
    result = manage(project, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ERRORS:" not in result.stderr


def test_the_drf_jwt_project_has_nothing_to_fix():
    result = manage("drfjwt_project", "check")
    assert "System check identified no issues (0 silenced)." in result.stdout, (
        result.stdout + result.stderr
    )


def test_the_short_test_secret_is_a_warning_naming_the_setting():
    result = manage("orig_project", "check")
    assert "WARNINGS:" in result.stderr, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "is 11 bytes long" in line]
    assert "JWT_AUTH['JWT_SECRET_KEY']" in line
    assert "rest_framework_jwt.W" in line


def test_the_short_test_secret_is_an_error_under_deploy():
    result = manage("orig_project", "check", "--deploy")
    assert result.returncode != 0
    errors = result.stderr.split("ERRORS:", 1)[1].split("WARNINGS:", 1)[0]
    assert "JWT_AUTH['JWT_SECRET_KEY'] is 11 bytes long" in errors, result.stderr
