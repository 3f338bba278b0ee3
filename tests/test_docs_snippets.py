"""Every fenced block of README.md and docs/ is run here, or its output checked.

The convention: the line just before each fence is an HTML comment, invisible on the site, on
GitHub and on the package index, that says what the block is and how to check it:

    <!-- snippet: KIND [OPTION ...] -->
    ```python
    ...
    ```

The blocks of a page run in order, in one namespace, against the test project (tests.settings)
with a fresh database; a user ``admin`` with password ``abc123`` exists unless the page creates
it itself. The namespace starts with a few names that snippets may use without defining them:
``user`` (that user), ``client`` (a DRF ``APIClient``), ``env(name)`` (returns a secret of 48
characters, a stand-in for reading the environment), ``datetime``, ``os``, ``CACHES`` (the test
project's), ``PARTNER_KEY``, DRF's ``APIView`` and ``Response``, and Django's ``path`` and
``include``; ``$JWT_PUBLIC_KEY`` and ``$JWT_PRIVATE_KEY`` hold the test RSA key pair.

KINDs and their OPTIONs:

``python``
    Executed. ``settings``: a settings fragment (``# ...`` and ``...`` stand for the rest); its
    ``INSTALLED_APPS`` must be installed in the test project (or be an optional integration,
    ``OPTIONAL_APPS``, added to it for the check), its ``MIDDLEWARE``, cache backends
    and ``REST_FRAMEWORK`` classes must import, its ``JWT_AUTH`` keys must exist, and with its
    ``JWT_AUTH``, ``REST_FRAMEWORK``, ``CACHES`` and the other settings it sets applied,
    ``manage.py check`` reports nothing
    of this package (``warns=W004,...``: exactly these, which the page explains;
    ``with='JSON'``: settings of the project the fragment assumes, for the check); later shell
    blocks of the page run with them. ``urls``: a URL conf; later shell blocks of the page
    request it. ``module=NAME``: importable as ``NAME`` by later blocks. ``pytest``: a test
    module, run by pytest (and pytest-django) in a subprocess, with the page's modules, URL conf
    and settings written out as files; every test in it must pass. ``conftest``: the
    ``conftest.py`` of the page's later ``pytest`` blocks (as a project's top-level one).
``shell``
    Commands after ``$ `` (with ``prompt=none``: every line, ``# comments`` dropped; ``cron``:
    crontab lines). ``curl`` is sent to the page's URL conf through Django's test client, and
    the lines after it are its expected output: an optional ``HTTP/1.1 NNN ...`` status line
    and headers (as ``curl -i`` prints them), then the body. Without a status line the answer
    must be a success. Bodies are compared as JSON: ``"<NAME>"`` matches any string (the same
    name twice must match the same string), a string ending in ``...`` matches any string that
    starts with the rest. In a command, ``<NAME>`` and ``eyJ...`` stand for the token of the
    last answer (or, in a JSON field ``refresh_token``, the refresh token). ``login``: log in
    as ``admin`` first; ``refreshed``: log in, then exchange the refresh token once;
    ``expired``: log in with the token clock a day back, so the token has expired.
    ``settings='JSON'``: Django settings for this block (``REST_FRAMEWORK`` and ``CACHES`` are
    merged into the page's). ``setup=NAME``: ``SETUPS[NAME]`` makes the state the page shows
    without making it (a key directory with keys of some age) and gives the block's settings.
    ``manage.py`` commands are run (the last line of their output compared with the last line
    shown, any number matching any number; ``whole``: every line), ``pip install`` must name
    this distribution and its extras, ``make`` a target of the Makefile, and a script its
    options.
``output``
    The body of the previous shell block's last answer. ``shape``: compare keys and types only
    (ids and times differ on every run).
Every kind but ``checked-by`` also takes, for paths and variables of the reader's machine:
``files='{"/doc/path.pem": "rsa_private.pem"}'`` (each path stands for a copy of that file of
tests/keys/), ``env='{"NAME": "rsa2_public.pem"}'`` (the variable holds that file's text) and
``dirs=/doc/dir,...`` (each stands for a directory of the page's own, the same in every block).
``toml``
    Parsed, and pytest's ``filterwarnings`` entries must be valid filters.
``tree DIR``
    A directory listing, checked against the ``dirs`` directory ``DIR`` that earlier blocks
    filled: the first line is the directory itself, each further line an entry (``<NAME>`` in
    a name stands for any text), with ``mode 0NNN`` its permissions; nothing unlisted exists.
``checked-by TEST ... [mentions=A,B]``
    An example that needs a setup a snippet cannot make (a store that is down, a browser, views
    of the reader's project): each ``tests/test_x.py::test_name`` (or ``::Class::test_name``, or
    a file alone) must exist, and the file must mention each of the comma-separated strings.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shlex
import sys
import time
import types
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core import checks
from django.core.management import call_command, get_commands
from django.test import Client, override_settings
from django.urls import NoReverseMatch, clear_url_caches, get_resolver, include, path, reverse
from django.utils.module_loading import import_string
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

import rest_framework_jwt
from rest_framework_jwt.settings import DEFAULTS
from rest_framework_jwt.test import freeze_token_clock
from tests import settings as test_project
from tests.helpers import run_python

try:
    import tomllib
except ImportError:  # Python 3.10: pytest itself depends on tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["README.md", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").rglob("*.md"))]
KEYS = ROOT / "tests" / "keys"
PACKAGE_ROOT = Path(rest_framework_jwt.__file__).resolve().parent.parent
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<lang>[\w+-]*)\s*$")
MARKER = re.compile(r"^\s*<!--\s*snippet:\s*(?P<spec>.*?)\s*-->\s*$")
KINDS = ("python", "shell", "output", "toml", "tree", "checked-by")
PASSWORD = "abc123"
HOUR = 60 * 60
DAY = 24 * HOUR
#: Apps that pages install beside the test project's: their integration is optional.
OPTIONAL_APPS = ("drf_spectacular",)


@dataclasses.dataclass
class Block:
    page: str
    line: int  # of the opening fence, 1-based
    lang: str
    text: str
    kind: str | None
    args: list[str]
    options: dict[str, str]

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def blocks(page: str) -> list[Block]:
    """The fenced blocks of ``page`` with the marker above each (``kind`` None when missing)."""
    lines = (ROOT / page).read_text(encoding="utf-8").splitlines()
    found = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        end = i + 1
        while end < len(lines) and lines[end].strip() != fence:
            end += 1
        body = "\n".join(line.removeprefix(indent) for line in lines[i + 1 : end])
        marker = MARKER.match(lines[i - 1]) if i else None
        kind, args, options = None, [], {}
        if marker:
            words = shlex.split(marker["spec"])
            kind = words[0] if words else None
            for word in words[1:]:
                key, sep, value = word.partition("=")
                if sep:
                    options[key] = value
                else:
                    args.append(word)
        found.append(Block(page, i + 1, opening["lang"], body + "\n", kind, args, options))
        i = end + 1
    return found


def test_every_block_has_a_marker():
    unmarked = [
        f"{block.where} (```{block.lang})"
        for page in PAGES
        for block in blocks(page)
        if block.kind not in KINDS
    ]
    assert unmarked == [], (
        "mark each fenced block with <!-- snippet: KIND --> on the line before it; "
        "the kinds are in the docstring of tests/test_docs_snippets.py"
    )


def test_the_parser_sees_markers_options_and_indented_fences(tmp_path, monkeypatch):
    page = tmp_path / "page.md"
    page.write_text(
        "<!-- snippet: shell login settings='{\"A\":1}' -->\n```console\n$ x\n```\n\n"
        "- item\n\n  <!-- snippet: checked-by tests/a.py::t -->\n  ```python\n  y = 1\n  ```\n"
        "```json\n{}\n```\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    first, second, third = blocks("page.md")
    assert (first.kind, first.args, first.options) == ("shell", ["login"], {"settings": '{"A":1}'})
    assert (first.line, first.text) == (2, "$ x\n")
    assert (second.kind, second.args, second.text) == ("checked-by", ["tests/a.py::t"], "y = 1\n")
    assert third.kind is None


# -- comparing bodies -------------------------------------------------------------------------


def matches(expected: Any, actual: Any, bound: dict[str, str], shape: bool = False) -> bool:
    """``actual`` fits ``expected`` under the placeholder rules of the module docstring."""
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and set(expected) == set(actual)
            and all(matches(expected[k], actual[k], bound, shape) for k in expected)
        )
    if isinstance(expected, list):
        if shape:
            return isinstance(actual, list) and all(
                matches(expected[0], item, bound, shape) for item in actual
            )
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(matches(e, a, bound, shape) for e, a in zip(expected, actual, strict=True))
        )
    if shape:
        return type(expected) is type(actual) or (expected is None) == (actual is None) is True
    if isinstance(expected, str) and isinstance(actual, str):
        placeholder = re.fullmatch(r"<([\w-]+)>", expected)
        if placeholder:
            return bound.setdefault(placeholder[1], actual) == actual
        if expected.endswith("..."):
            return actual.startswith(expected[:-3])
    return bool(expected == actual and type(expected) is type(actual))


def test_matches_placeholders_prefixes_and_shapes():
    bound: dict[str, str] = {}
    assert matches({"token": "<T>"}, {"token": "abc"}, bound)
    assert not matches({"again": "<T>"}, {"again": "xyz"}, bound)
    assert matches({"token": "eyJ..."}, {"token": "eyJhbG"}, {})
    assert not matches({"token": "eyJ..."}, {"token": "xeyJ"}, {})
    assert not matches({"a": 1}, {"a": 1, "b": 2}, {})
    assert not matches({"a": 1}, {"a": True}, {})
    assert matches([{"id": "x", "n": True}], [{"id": "y", "n": False}], {}, shape=True)
    assert not matches([{"id": "x"}], [{"id": 1}], {}, shape=True)


def number_pattern(line: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\d+", r"\\d+", re.escape(line.strip())))


# -- running a page ---------------------------------------------------------------------------


class Page:
    def __init__(self, page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.page = page
        self.tmp = tmp_path
        self.monkeypatch = monkeypatch
        self.namespace: dict[str, Any] = {}
        self.sources: dict[str, str] = {}  # module name -> source, for pytest blocks
        self.urlconf: str | None = None
        self.settings: dict[str, Any] = {}
        self.tokens: dict[str, str] = {}
        self.bound: dict[str, str] = {}  # placeholder -> the value a command sent for it
        self.last_body: Any = None
        self.conftest: str | None = None  # the conftest.py of later pytest blocks

    def given(self, creates_user: bool) -> None:
        if not creates_user:
            self.namespace["user"] = get_user_model().objects.create_user(
                username="admin", password=PASSWORD
            )
        self.namespace.update(
            client=APIClient(),
            env=lambda name: f"{name.lower():-<48}"[:48],
            datetime=__import__("datetime"),
            os=os,
            CACHES=dict(django_settings.CACHES),
            PARTNER_KEY="partner-secret-" + "p" * 40,
            APIView=APIView,
            Response=Response,
            path=path,
            include=include,
            __name__="docs_" + re.sub(r"\W", "_", self.page),
        )
        for name in ("public", "private"):
            pem = (KEYS / f"rsa_{name}.pem").read_text()
            self.monkeypatch.setenv(f"JWT_{name.upper()}_KEY", pem)

    def run(self, block: Block) -> None:
        runner = getattr(self, "run_" + block.kind.replace("-", "_"))
        try:
            runner(self.localize(block))
        except AssertionError as error:
            raise AssertionError(f"{block.where}: {error}") from error
        except Exception as error:
            raise AssertionError(f"{block.where}: {type(error).__name__}: {error}") from error

    def localize(self, block: Block) -> Block:
        """``block`` with the paths of its ``files`` and ``dirs`` options made the page's own,
        and the variables of its ``env`` option set."""
        text = block.text
        for doc_path, key in json.loads(block.options.get("files", "{}")).items():
            copy = self.tmp / "files" / Path(doc_path).name
            copy.parent.mkdir(exist_ok=True)
            copy.write_text((KEYS / key).read_text())
            text = text.replace(doc_path, str(copy))
        for name, key in json.loads(block.options.get("env", "{}")).items():
            self.monkeypatch.setenv(name, (KEYS / key).read_text())
        for doc_path in filter(None, block.options.get("dirs", "").split(",")):
            text = text.replace(doc_path, str(self.own_dir(doc_path)))
        return dataclasses.replace(block, text=text)

    def own_dir(self, doc_path: str) -> Path:
        """The page's directory for the reader's ``doc_path`` (the ``dirs`` option)."""
        return self.tmp / "dirs" / doc_path.strip("/").replace("/", "_")

    # python ------------------------------------------------------------------------------

    def run_python(self, block: Block) -> None:
        if "pytest" in block.args:
            return self.run_pytest(block)
        if "conftest" in block.args:
            compile(block.text, block.where, "exec")  # pytest runs it, with the next pytest block
            self.conftest = block.text
            return None
        code = compile(block.text, block.where, "exec")
        if self.namespace.get("user") is None:  # the page creates it with a shell block
            self.namespace["user"] = get_user_model().objects.filter(username="admin").first()
        name = block.options.get("module") or ("urls" in block.args and self.new_module_name())
        if name:
            module = types.ModuleType(name)
            module.__file__ = block.where
            exec(code, module.__dict__)
            self.register(name, module, block.text)
            if "urls" in block.args:
                assert getattr(module, "urlpatterns", None), "a URL conf without urlpatterns"
                self.urlconf = name
            self.namespace.update({k: v for k, v in vars(module).items() if not k.startswith("_")})
        else:
            exec(code, self.namespace)
        if "settings" in block.args:
            self.check_settings(
                [w for w in block.options.get("warns", "").split(",") if w],
                json.loads(block.options.get("with", "{}")),
            )
        return None

    def new_module_name(self) -> str:
        return f"{self.namespace['__name__']}_urls_{len(self.sources)}"

    def register(self, name: str, module: types.ModuleType, source: str) -> None:
        parts = name.split(".")
        for depth in range(1, len(parts)):
            parent = ".".join(parts[:depth])
            if parent not in sys.modules:
                package = types.ModuleType(parent)
                package.__path__ = []
                self.monkeypatch.setitem(sys.modules, parent, package)
        self.monkeypatch.setitem(sys.modules, name, module)
        self.sources[name] = source

    def check_settings(self, warns: list[str], project: dict[str, Any]) -> None:
        ns = self.namespace
        extra_apps = []
        for app in ns.get("INSTALLED_APPS", ()):
            # tests.settings as written: a test may run with an app removed.
            if isinstance(app, str) and app not in test_project.INSTALLED_APPS:
                assert app in OPTIONAL_APPS, f"{app} is not an app of the test project"
                extra_apps.append(app)
        for middleware in ns.get("MIDDLEWARE", ()):
            if isinstance(middleware, str):
                import_string(middleware)
        for alias in ns.get("CACHES", {}).values():
            if isinstance(alias, dict):
                import_string(alias["BACKEND"])
        for key, value in ns.get("REST_FRAMEWORK", {}).items():
            if key.endswith("_CLASSES"):
                for path in value:
                    import_string(path)
        jwt_auth = ns.get("JWT_AUTH", {})
        unknown = sorted(set(jwt_auth) - set(DEFAULTS))
        assert unknown == [], f"unknown JWT_AUTH keys {unknown}"
        applied: dict[str, Any] = {"JWT_AUTH": jwt_auth}
        if extra_apps:  # installed for the check (and the page's later blocks)
            applied["INSTALLED_APPS"] = [*django_settings.INSTALLED_APPS, *extra_apps]
        caches = {k: v for k, v in ns.get("CACHES", {}).items() if isinstance(v, dict)}
        if caches != dict(django_settings.CACHES):
            applied["CACHES"] = {**django_settings.CACHES, **caches}
        if "REST_FRAMEWORK" in ns:
            applied["REST_FRAMEWORK"] = {**django_settings.REST_FRAMEWORK, **ns["REST_FRAMEWORK"]}
        # Other Django settings the fragment sets (CSRF_*, LANGUAGE_CODE...), as they are.
        special = {"INSTALLED_APPS", "MIDDLEWARE", "CACHES", "JWT_AUTH", "REST_FRAMEWORK"}
        applied.update(
            (name, value)
            for name, value in ns.items()
            if name.isupper() and name not in special and hasattr(django_settings, name)
        )
        with override_settings(**applied, **project):
            found = [
                message
                for message in checks.run_checks(include_deployment_checks=False)
                if (message.id or "").startswith("rest_framework_jwt.")
                and message.level >= checks.WARNING
            ]
        assert sorted(m.id.removeprefix("rest_framework_jwt.") for m in found) == sorted(warns), [
            f"{m.id}: {m.msg}" for m in found
        ]
        self.settings = applied

    def run_pytest(self, block: Block) -> None:
        project = self.tmp / "project"
        project.mkdir(exist_ok=True)
        for name, source in self.sources.items():
            path = project.joinpath(*name.split(".")).with_suffix(".py")
            path.parent.mkdir(parents=True, exist_ok=True)
            for parent in path.relative_to(project).parents:
                if parent != Path("."):
                    (project / parent / "__init__.py").touch()
            path.write_text(source)
        lines = ["from tests.settings import *  # noqa: F403"]
        if self.urlconf:
            lines.append(f"ROOT_URLCONF = {self.urlconf!r}")
        lines += [f"{key} = {value!r}" for key, value in self.settings.items()]
        (project / "docs_settings.py").write_text("\n".join(lines) + "\n")
        (project / "pytest.ini").write_text("[pytest]\nDJANGO_SETTINGS_MODULE = docs_settings\n")
        (project / "test_snippet.py").write_text(block.text)
        if self.conftest is not None:
            (project / "conftest.py").write_text(self.conftest)
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        path = [str(project), str(ROOT), str(PACKAGE_ROOT), env.get("PYTHONPATH", "")]
        env["PYTHONPATH"] = os.pathsep.join(p for p in path if p)
        options = ["-q", "-p", "no:randomly", "-p", "no:cacheprovider"]
        result = run_python("-m", "pytest", *options, "test_snippet.py", cwd=project, env=env)
        output = result.stdout + result.stderr
        assert result.returncode == 0, output
        assert re.search(r"^\d+ passed\b", output, re.M), output

    # shell -------------------------------------------------------------------------------

    def commands(self, block: Block) -> list[tuple[str, list[str]]]:
        """``(command, expected output lines)`` pairs."""
        if "prompt" in block.options or "cron" in block.args:
            pairs = []
            for line in block.text.splitlines():
                line = line.split(" #", 1)[0].strip()
                if "cron" in block.args:
                    line = line.split(None, 5)[5]
                if line:
                    pairs.append((line, []))
            return pairs
        pairs, command = [], None
        continued = False
        for line in block.text.splitlines():
            if continued and command is not None:
                command = (command[0] + " " + line.strip().rstrip("\\"), command[1])
                continued = line.endswith("\\")
                pairs[-1] = command
            elif line.startswith("$ "):
                command = (line[2:].rstrip("\\").strip(), [])
                continued = line.endswith("\\")
                pairs.append(command)
            else:
                assert command is not None, f"output before any command: {line!r}"
                command[1].append(line)
        return pairs

    def run_shell(self, block: Block) -> None:
        overrides = json.loads(block.options.get("settings", "{}"))
        for name in ("REST_FRAMEWORK", "CACHES"):
            if name in overrides:
                overrides[name] = {
                    **self.settings.get(name, getattr(django_settings, name)),
                    **overrides[name],
                }
        if "setup" in block.options:  # the state a page shows without making it
            overrides.update(SETUPS[block.options["setup"]](self))
        if {"login", "refreshed", "expired"} & set(block.args):
            with freeze_token_clock(time.time() - (DAY if "expired" in block.args else 0)):
                self.login(overrides, refresh="refreshed" in block.args)
        pairs = self.commands(block)
        assert pairs, "no command"
        for command, output in pairs:
            for step in command.split("&&"):
                words = shlex.split(step)
                while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
                    key, _, value = words.pop(0).partition("=")
                    self.monkeypatch.setenv(key, value)
                if words and words[0] != "cd":
                    self.run_command(words, output, overrides, "whole" in block.args)

    def run_command(
        self, words: list[str], output: list[str], overrides: dict[str, Any], whole: bool = False
    ) -> None:
        program = words[0]
        if program == "curl":
            return self.curl(words[1:], output, overrides)
        if program in ("python", "./manage.py", "django-admin") or program.endswith("/python"):
            if program == "./manage.py" or words[1:2] == ["manage.py"]:
                args = words[2 if words[1:2] == ["manage.py"] else 1 :]
                return self.manage(args, output, overrides, whole)
            if words[1] == "-m":  # python -m package.module
                words = [program, words[2].replace(".", "/") + ".py", *words[3:]]
            script = ROOT / words[1]
            assert script.is_file(), f"no script {words[1]}"
            text = script.read_text()
            options = (w.split("=")[0] for w in words[2:] if w.startswith("--"))
            for option in (o for o in options if o != "--help"):
                assert f'"{option}"' in text, f"{words[1]} has no option {option}"
            return None
        if program == "pip":
            return self.pip(words[1:])
        if program == "make":
            makefile = (ROOT / "Makefile").read_text()
            for target in words[1:]:
                if "=" not in target:
                    assert re.search(rf"^{re.escape(target)}:", makefile, re.M), target
            return None
        raise AssertionError(f"no way to check {program!r}")

    def manage(
        self, args: list[str], output: list[str], overrides: dict[str, Any], whole: bool
    ) -> None:
        assert args[0] in get_commands(), f"no management command {args[0]}"
        out = StringIO()
        with override_settings(**overrides):
            call_command(*args, stdout=out, stderr=StringIO())
        printed = [line for line in out.getvalue().splitlines() if line.strip()]
        wanted = [line for line in output if line.strip()]
        if whole:
            assert len(printed) == len(wanted), (wanted, printed)
            for line, shown in zip(printed, wanted, strict=True):
                assert number_pattern(shown).fullmatch(line.strip()), (shown, line)
        elif wanted:  # the closing line (progress lines depend on how much there is to do)
            assert printed, f"{args[0]} printed nothing"
            assert number_pattern(wanted[-1]).fullmatch(printed[-1].strip()), (wanted, printed)

    def pip(self, args: list[str]) -> None:
        assert args[0] == "install"
        pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
        for spec in args[1:]:
            name, _, extras = spec.partition("[")
            assert name == pyproject["project"]["name"], spec
            for extra in filter(None, extras.rstrip("]").split(",")):
                assert extra in pyproject["project"]["optional-dependencies"], spec

    def login(self, overrides: dict[str, Any], refresh: bool = False) -> None:
        """Obtain a token (and a refresh token, in refresh-token mode) as ``admin``; with
        ``refresh``, exchange the refresh token once."""
        settings = {**self.settings, **overrides}
        if self.urlconf:
            settings["ROOT_URLCONF"] = self.urlconf
        with override_settings(**settings):
            clear_url_caches()
            try:
                path = reverse("jwt-obtain")
            except NoReverseMatch:
                path = "/api-token-auth/"
            data = json.dumps({"username": "admin", "password": PASSWORD})
            response = Client().post(path, data, content_type="application/json")
            assert response.status_code < 400, response.content
            self.remember(response.json())
            if refresh:
                data = json.dumps({"refresh_token": self.tokens["refresh_token"]})
                response = Client().post(
                    reverse("jwt-refresh"), data, content_type="application/json"
                )
                assert response.status_code < 400, response.content
                self.remember(response.json())
        clear_url_caches()

    def remember(self, body: Any) -> None:
        if isinstance(body, dict):
            for key in ("token", "refresh_token"):
                if isinstance(body.get(key), str):
                    self.tokens[key] = body[key]

    def substitute(self, text: str, field: str | None = None) -> str:
        def token(match: re.Match[str]) -> str:
            key = "refresh_token" if field == "refresh_token" else "token"
            assert key in self.tokens, f"{match[0]} before any {key} was answered"
            if match[0].startswith("<"):
                self.bound[match[0][1:-1]] = self.tokens[key]
            return self.tokens[key]

        return re.sub(r"<[\w-]+>|eyJ[\w.-]*\.\.\.", token, text)

    def curl(self, args: list[str], output: list[str], settings: dict[str, Any]) -> None:
        method, headers, data, url = None, {}, None, None
        words = iter(args)
        for word in words:
            if word == "-X":
                method = next(words)
            elif word == "-H":
                name, _, value = next(words).partition(":")
                headers[name.strip().lower()] = self.substitute(value.strip())
            elif word in ("-d", "--data"):
                data = next(words)
            elif word in ("-i", "-s", "--include"):
                pass
            elif word.startswith("-"):
                raise AssertionError(f"curl option {word} is not understood here")
            else:
                url = word
        assert url, "curl without a URL"
        content_type = headers.pop("content-type", "application/x-www-form-urlencoded")
        if data is not None and content_type == "application/json":
            fields = json.loads(data)
            data = json.dumps(
                {k: self.substitute(v, k) if isinstance(v, str) else v for k, v in fields.items()}
            )
        elif data is not None:
            data = self.substitute(data)
        extra = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
        method = method or ("POST" if data is not None else "GET")
        overrides: dict[str, Any] = {**self.settings, **settings}
        if self.urlconf:
            overrides["ROOT_URLCONF"] = self.urlconf
        with override_settings(**overrides), pytest.MonkeyPatch.context() as patch:
            clear_url_caches()
            if "REST_FRAMEWORK" in overrides:
                self.drf_defaults(overrides["REST_FRAMEWORK"], patch)
            response = Client().generic(
                method, urlsplit(url).path, data or "", content_type=content_type, **extra
            )
        clear_url_caches()
        self.check_answer(response, output)

    def drf_defaults(self, rest_framework: dict[str, Any], patch: pytest.MonkeyPatch) -> None:
        """Views as a project started with ``rest_framework`` would have them.

        DRF reads ``DEFAULT_AUTHENTICATION_CLASSES`` and ``DEFAULT_PERMISSION_CLASSES`` once,
        into ``APIView``'s class attributes (and ``@api_view`` copies them), so
        ``override_settings`` alone does not reach them: the defaults are set on every view of
        the URL conf that has them.
        """
        views = [APIView]
        pending = list(get_resolver(self.urlconf).url_patterns)
        while pending:
            entry = pending.pop()
            if hasattr(entry, "url_patterns"):
                pending += entry.url_patterns
            else:
                view = getattr(entry.callback, "cls", None) or getattr(
                    entry.callback, "view_class", None
                )
                if view is not None:
                    views.append(view)
        for name, setting in (
            ("authentication_classes", "DEFAULT_AUTHENTICATION_CLASSES"),
            ("permission_classes", "DEFAULT_PERMISSION_CLASSES"),
        ):
            if setting not in rest_framework:
                continue
            default = (
                APIView.authentication_classes
                if name == "authentication_classes"
                else (APIView.permission_classes)
            )
            classes = [import_string(path) for path in rest_framework[setting]]
            for view in views:
                if view is APIView or getattr(view, name, None) is default:
                    patch.setattr(view, name, classes)

    def check_answer(self, response: Any, output: list[str]) -> None:
        lines = list(output)
        status = re.fullmatch(r"HTTP/1\.1 (\d{3})\b.*", lines[0]) if lines else None
        if status:
            lines.pop(0)
            assert response.status_code == int(status[1]), (response.status_code, response.content)
            while lines and lines[0].strip():
                name, _, value = lines.pop(0).partition(":")
                assert response.get(name.strip()) == value.strip(), (name, response.headers)
        else:
            assert response.status_code < 400, (response.status_code, response.content)
        body_text = "\n".join(lines).strip()
        body = json.loads(response.content) if response.content else None
        self.last_body = body
        if body_text:
            expected = json.loads(body_text)
            assert matches(expected, body, self.bound), (expected, body)
        self.remember(body)

    # the others --------------------------------------------------------------------------

    def run_output(self, block: Block) -> None:
        expected = json.loads(block.text)
        assert self.last_body is not None, "no answer to compare with"
        assert matches(expected, self.last_body, {}, shape="shape" in block.args), (
            expected,
            self.last_body,
        )

    def run_tree(self, block: Block) -> None:
        """The first line is the directory (the ``dirs`` path ``block.args[0]``), each indented
        line an entry of it; ``<NAME>`` in a name is any text, ``mode 0NNN`` the permissions.
        Every entry exists, and nothing else does."""
        root = self.own_dir(block.args[0])
        seen: set[Path] = set()
        for number, line in enumerate(block.text.splitlines()):
            name, mode = line.split()[0], re.search(r"\bmode (0[0-7]{3})\b", line)
            found = [root] if number == 0 else sorted(root.glob(re.sub(r"<[\w-]+>", "*", name)))
            assert found, f"{root} has no {name}"
            for entry in found:
                if mode:
                    assert oct(entry.stat().st_mode & 0o777) == "0o" + mode[1][1:], (entry, mode)
                seen.add(entry)
        unlisted = sorted(entry.name for entry in root.iterdir() if entry not in seen)
        assert unlisted == [], f"{root} also has {unlisted}"

    def run_toml(self, block: Block) -> None:
        from _pytest.config import parse_warning_filter

        data = tomllib.loads(block.text)
        for entry in (
            data.get("tool", {}).get("pytest", {}).get("ini_options", {}).get("filterwarnings", [])
        ):
            parse_warning_filter(entry, escape=False)

    def run_checked_by(self, block: Block) -> None:
        assert block.args, "checked-by names no test"
        mentions = [m for m in block.options.get("mentions", "").split(",") if m]
        for test in block.args:
            path, _, name = test.partition("::")
            source = (ROOT / path).read_text()
            if name:
                function = name.rsplit("::", 1)[-1]
                assert re.search(rf"^\s*(?:async )?def {re.escape(function)}\(", source, re.M), (
                    f"no test {test}"
                )
            for mention in mentions:
                assert mention in source, f"{path} does not mention {mention!r}"


def aged_key_directory(page: Page) -> dict[str, Any]:
    """keys.md's listing: a key directory whose key 2026-01 was made 92 days 4 hours ago and
    whose 2026-04 signs since 3 days 1 hour ago, and a key of the settings named legacy."""
    directory = page.tmp / "listed-keys"
    legacy = (KEYS / "rsa2_public.pem").read_text()
    auth = {"JWT_ALGORITHM": "RS256", "JWT_KEY_DIR": str(directory)}
    now = time.time()
    with override_settings(JWT_AUTH={**auth, "JWT_PUBLIC_KEY": {"legacy": legacy}}):
        for ago, command in ((92 * DAY + 4 * HOUR, "generate"), (3 * DAY + HOUR, "rotate")):
            kid = "2026-01" if command == "generate" else "2026-04"
            with freeze_token_clock(now - ago - 60):
                call_command("jwt_keys", command, "--alg", "RS256", "--kid", kid, stdout=StringIO())
    return {"JWT_AUTH": {**auth, "JWT_PUBLIC_KEY": {"legacy": legacy}}}


#: The ``setup`` option's functions: each makes a page's state and returns the block's settings.
SETUPS = {"aged_key_directory": aged_key_directory}


@pytest.mark.parametrize("page", PAGES)
def test_page_snippets(page, db, tmp_path, monkeypatch):
    runner = Page(page, tmp_path, monkeypatch)
    marked = [block for block in blocks(page) if block.kind in KINDS]
    runner.given(any("createsuperuser" in b.text for b in marked if b.kind == "shell"))
    for block in marked:
        runner.run(block)
