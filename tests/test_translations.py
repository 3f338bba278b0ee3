"""The translation catalogs in ``rest_framework_jwt/locale/``.

The package's messages are found here by reading its source (every call of a Django
translation function), not from the committed catalogs, so a message added without a
translation fails ``test_every_message_is_translated_in_every_catalog``. The fix is
``make makemessages``, translating the new entries, then ``make compilemessages``.
"""

from __future__ import annotations

import ast
import gettext as gettext_module
import re
import string
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import django
import pytest
import time_machine
from django.apps import apps
from django.conf import settings as django_settings
from django.conf.global_settings import LANGUAGES as DJANGO_LANGUAGES
from django.test import override_settings
from django.utils import translation
from rest_framework.test import APIClient

import rest_framework_jwt
from tests.helpers import OBTAIN, PROTECTED, VERIFY

PACKAGE = Path(rest_framework_jwt.__file__).parent
LOCALE = PACKAGE / "locale"

#: The languages the package ships, as Django names their directories.
LANGUAGES = ("de", "es", "fr", "it", "nl", "pl", "pt_BR", "ru", "tr", "uk", "ja", "ko", "zh_Hans")

#: Translations that are the English word itself, because the language uses that word.
SAME_AS_ENGLISH = {
    "es": {"token"},
    "it": {"token"},
    "nl": {"token"},
    "pl": {"token"},
    "pt_BR": {"token"},
    "fr": {"session", "sessions"},
}

NOW = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


# --- the package's messages, read from its source ---------------------------------------------

#: Django's translation functions: name -> positions of (context, singular, plural).
_FUNCTIONS: dict[str, tuple[int | None, int, int | None]] = {
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
_TRANSLATION_MODULE = "django.utils.translation"


@dataclass(frozen=True)
class Message:
    msgid: str
    plural: str | None = None
    context: str | None = None

    @property
    def key(self) -> str:
        """The key of the message in a compiled catalog (context, EOT, msgid)."""
        return self.msgid if self.context is None else f"{self.context}\x04{self.msgid}"


@dataclass
class Extraction:
    messages: dict[str, Message] = field(default_factory=dict)
    #: ``file:line`` of calls whose message is not a literal (no catalog can hold it).
    not_literal: list[str] = field(default_factory=list)


def _translation_names(tree: ast.Module) -> tuple[dict[str, str], set[str]]:
    """The names a module binds to translation functions, and to the translation module."""
    functions: dict[str, str] = {}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == _TRANSLATION_MODULE:
            for alias in node.names:
                if alias.name in _FUNCTIONS:
                    functions[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module == "django.utils":
            modules.update(a.asname or a.name for a in node.names if a.name == "translation")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == _TRANSLATION_MODULE and alias.asname:
                    modules.add(alias.asname)
    return functions, modules


def _called_function(call: ast.Call, functions: dict[str, str], modules: set[str]) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return functions.get(func.id)
    if (
        isinstance(func, ast.Attribute)
        and func.attr in _FUNCTIONS
        and isinstance(func.value, ast.Name)
        and func.value.id in modules
    ):
        return func.attr
    return None


def extract(source: str, filename: str, into: Extraction) -> None:
    """Add the messages of one module's ``source`` to ``into``."""
    tree = ast.parse(source, filename)
    functions, modules = _translation_names(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _called_function(node, functions, modules)
        if name is None:
            continue
        positions = _FUNCTIONS[name]
        args = []
        for position in positions:
            if position is None:
                args.append(None)
                continue
            arg = node.args[position] if position < len(node.args) else None
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                into.not_literal.append(f"{filename}:{node.lineno}")
                break
            args.append(arg.value)
        else:
            context, msgid, plural = args
            message = Message(msgid=msgid, plural=plural, context=context)
            into.messages[message.key] = message


def package_messages() -> Extraction:
    """Every message of the package, read from its source files."""
    found = Extraction()
    for path in sorted(PACKAGE.rglob("*.py")):
        extract(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE)), found)
    return found


# --- the catalogs ------------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    plural: str | None = None
    context: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False

    @property
    def key(self) -> str:
        return self.msgid if self.context is None else f"{self.context}\x04{self.msgid}"


def _unquote(text: str) -> str:
    value = ast.literal_eval(text)
    assert isinstance(value, str), text
    return value


def read_po(path: Path) -> dict[str, Entry]:
    """The entries of a .po file (the header and obsolete ``#~`` entries left out)."""
    entries: dict[str, Entry] = {}
    entry = Entry()
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry, target
        if entry.msgid:  # the header has an empty msgid
            entries[entry.key] = entry
        entry, target = Entry(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#,"):
            if target is not None:
                finish()
            entry.fuzzy = "fuzzy" in (flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            if target is not None and target[0] == "msgstr":
                finish()
        elif line.startswith('"'):
            assert target is not None, f"{path}: a continuation line outside an entry: {raw}"
            kind, index = target
            if kind == "msgstr":
                entry.msgstr[index] += _unquote(line)
            elif kind == "msgid":
                entry.msgid += _unquote(line)
            elif kind == "msgid_plural":
                entry.plural = (entry.plural or "") + _unquote(line)
            else:
                entry.context = (entry.context or "") + _unquote(line)
        else:
            keyword, _, rest = line.partition(" ")
            if keyword == "msgctxt" and target is not None:
                finish()
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match or keyword == "msgstr":
                index = int(match.group(1)) if match else 0
                entry.msgstr[index] = _unquote(rest)
                target = ("msgstr", index)
            elif keyword == "msgid":
                entry.msgid = _unquote(rest)
                target = ("msgid", 0)
            elif keyword == "msgid_plural":
                entry.plural = _unquote(rest)
                target = ("msgid_plural", 0)
            elif keyword == "msgctxt":
                entry.context = _unquote(rest)
                target = ("msgctxt", 0)
            else:
                raise AssertionError(f"{path}: a line this reader does not know: {raw}")
    finish()
    return entries


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def mo_catalog(language: str) -> dict[object, str]:
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as file:
        catalog = gettext_module.GNUTranslations(file)._catalog  # type: ignore[attr-defined]
    return {key: value for key, value in catalog.items() if key != ""}


def placeholders(text: str) -> Counter[str]:
    """The ``{name}`` and ``%(name)s`` / ``%s`` placeholders of a message."""
    found: Counter[str] = Counter()
    try:
        found.update("{" + name + "}" for _, name, _, _ in string.Formatter().parse(text) if name)
    except ValueError:
        found["<unbalanced braces>"] += 1
    found.update(re.findall(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx]", text))
    return found


# --- the extraction itself --------------------------------------------------------------------


def test_the_extraction_finds_every_form_django_extracts():
    source = """
from django.utils.translation import gettext_lazy as _, ngettext, pgettext_lazy
from django.utils import translation
import django.utils.translation as tr

A = _("One.")
B = _("Two "
      "parts.")
C = ngettext("an apple", "%(count)d apples", 3)
D = pgettext_lazy("month", "May")
E = translation.gettext("Via the module.")
F = tr.npgettext("fruit", "a pear", "pears", 2)
G = str("not a message")
"""
    found = Extraction()
    extract(source, "sample.py", found)
    assert found.not_literal == []
    assert found.messages == {
        "One.": Message("One."),
        "Two parts.": Message("Two parts."),
        "an apple": Message("an apple", plural="%(count)d apples"),
        "month\x04May": Message("May", context="month"),
        "Via the module.": Message("Via the module."),
        "fruit\x04a pear": Message("a pear", plural="pears", context="fruit"),
    }


def test_the_extraction_reports_messages_no_catalog_can_hold():
    source = """
from django.utils.translation import gettext as _
message = "dynamic"
A = _(message)
B = _(f"Hello {message}.")
"""
    found = Extraction()
    extract(source, "sample.py", found)
    assert found.messages == {}
    assert found.not_literal == ["sample.py:4", "sample.py:5"]


def test_every_message_of_the_package_is_a_literal():
    found = package_messages()
    assert found.not_literal == [], (
        "These calls translate a value that is not a string literal, so makemessages cannot "
        "put it in the catalogs: " + ", ".join(found.not_literal)
    )
    # The 1.x messages users' tests compare are among them.
    assert {"Signature has expired.", "Unable to log in with provided credentials."} <= set(
        found.messages
    )


def test_the_reader_of_po_files(tmp_path):
    path = tmp_path / "django.po"
    path.write_text(
        '# header\nmsgid ""\nmsgstr ""\n"Language: xx\\n"\n\n'
        '#: a.py\nmsgid "One."\nmsgstr "Eins."\n\n'
        '#, fuzzy, python-format\nmsgid ""\n"Two "\n"parts."\nmsgstr "Zwei."\n\n'
        'msgctxt "month"\nmsgid "May"\nmsgid_plural "Mays"\nmsgstr[0] "Mai"\nmsgstr[1] ""\n\n'
        '#~ msgid "Gone."\n#~ msgstr "Weg."\n',
        encoding="utf-8",
    )
    entries = read_po(path)
    assert set(entries) == {"One.", "Two parts.", "month\x04May"}
    assert entries["One."].msgstr == {0: "Eins."} and not entries["One."].fuzzy
    assert entries["Two parts."].fuzzy
    assert entries["month\x04May"].plural == "Mays"
    assert entries["month\x04May"].msgstr == {0: "Mai", 1: ""}


# --- the catalogs are complete ----------------------------------------------------------------


def test_the_shipped_languages():
    assert sorted(p.name for p in LOCALE.iterdir() if p.is_dir()) == sorted(LANGUAGES)
    # Each directory is named the way Django looks it up for one of its language codes.
    django_locales = {translation.to_locale(code) for code, _ in DJANGO_LANGUAGES}
    assert set(LANGUAGES) <= django_locales


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_in_every_catalog(language):
    messages = package_messages().messages
    entries = read_po(po_path(language))
    how = "run `make makemessages`, translate the new entries, then `make compilemessages`"
    missing = sorted(key for key in messages if key not in entries)
    assert not missing, f"{language}: messages missing from the catalog ({how}): {missing}"
    stale = sorted(key for key in entries if key not in messages)
    assert not stale, f"{language}: entries no longer in the source ({how}): {stale}"
    problems = []
    for key, message in messages.items():
        entry = entries[key]
        forms = list(entry.msgstr.values())
        if entry.fuzzy:
            problems.append(f"{message.msgid!r} is marked fuzzy")
        if not forms or not all(forms):
            problems.append(f"{message.msgid!r} has no translation")
            continue
        if (entry.plural or None) != message.plural:
            problems.append(f"{message.msgid!r} has another plural in the catalog")
        for form in forms:
            if form == message.msgid and form not in SAME_AS_ENGLISH.get(language, set()):
                problems.append(f"{message.msgid!r} is the English text, not a translation")
            if placeholders(form) != placeholders(message.msgid):
                problems.append(f"{message.msgid!r}: the placeholders differ in {form!r}")
            # DRF's style: a sentence ends with a period (。 in Japanese and Chinese), a label
            # does not.
            if message.msgid.endswith(".") != form.endswith((".", "。")):
                problems.append(f"{message.msgid!r}: {form!r} ends differently")
    assert not problems, f"{language}:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_matches_its_po_file(language):
    expected: dict[object, str] = {}
    for key, entry in read_po(po_path(language)).items():
        if entry.fuzzy or not all(entry.msgstr.values()):
            continue
        if entry.plural is None:
            expected[key] = entry.msgstr[0]
        else:
            expected.update({(key, n): text for n, text in entry.msgstr.items()})
    assert mo_catalog(language) == expected, (
        f"{language}: django.mo is not compiled from django.po: run `make compilemessages`"
    )


# --- translated text over HTTP ----------------------------------------------------------------

#: "Signature has expired." (1.x), as each catalog has it.
SIGNATURE_HAS_EXPIRED = {
    "de": "Die Signatur ist abgelaufen.",
    "es": "La firma ha caducado.",
    "fr": "La signature a expiré.",
    "it": "La firma è scaduta.",
    "nl": "De handtekening is verlopen.",
    "pl": "Podpis wygasł.",
    "pt_BR": "A assinatura expirou.",
    "ru": "Срок действия подписи истёк.",
    "tr": "İmzanın süresi doldu.",  # noqa: RUF001 (Turkish has a dotless i)
    "uk": "Термін дії підпису минув.",
    "ja": "署名の有効期限が切れています。",
    "ko": "서명이 만료되었습니다.",
    "zh_Hans": "签名已过期。",
}


def language_code(language: str) -> str:
    """The Django language code of a locale directory (pt_BR -> pt-br)."""
    return translation.to_language(language)


def obtain(client, password: str) -> str:
    response = client.post(OBTAIN, {"username": "admin", "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.data["token"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_expired_token_is_refused_in_the_language_of_the_site(client, user, password, language):
    with time_machine.travel(NOW, tick=False):
        token = obtain(client, password)
    with (
        time_machine.travel(NOW + timedelta(seconds=301), tick=False),
        override_settings(LANGUAGE_CODE=language_code(language)),
    ):
        response = client.get(PROTECTED, HTTP_AUTHORIZATION=f"JWT {token}")
        verify = client.post(VERIFY, {"token": token}, format="json")
    # Only the text changes: the status and the code are those of every language.
    assert response.status_code == 401
    assert response.data == {"detail": SIGNATURE_HAS_EXPIRED[language]}
    assert response.data["detail"].code == "token_expired"
    assert verify.status_code == 400
    assert verify.data == {"non_field_errors": [SIGNATURE_HAS_EXPIRED[language]]}
    assert verify.data["non_field_errors"][0].code == "token_expired"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Impossible de se connecter avec les informations d'identification fournies."),
        ("ja", "提供された認証情報でログインできません。"),
        ("en", "Unable to log in with provided credentials."),
    ],
)
def test_wrong_credentials_are_refused_in_the_language_of_the_site(
    client, user, language, expected
):
    with override_settings(LANGUAGE_CODE=language):
        response = client.post(OBTAIN, {"username": "admin", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert response.data == {"non_field_errors": [expected]}


@pytest.mark.django_db
def test_the_language_of_the_request_wins_with_the_locale_middleware(client, user, password):
    middleware = [*django_settings.MIDDLEWARE]
    middleware.insert(1, "django.middleware.locale.LocaleMiddleware")
    with time_machine.travel(NOW, tick=False):
        token = obtain(client, password)
    with (
        time_machine.travel(NOW + timedelta(seconds=301), tick=False),
        override_settings(MIDDLEWARE=middleware, LANGUAGE_CODE="de"),
    ):
        client = APIClient()  # a client loads the middleware on its first request
        spaces = client.get(PROTECTED, HTTP_AUTHORIZATION="JWT a b", HTTP_ACCEPT_LANGUAGE="ru")
        expired = client.post(
            VERIFY, {"token": token}, format="json", HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.8"
        )
        default = client.post(VERIFY, {"token": token}, format="json")
    assert spaces.data == {
        "detail": "Недопустимый заголовок Authorization. Учётные данные не должны содержать "
        "пробелов."
    }
    assert expired.data == {"non_field_errors": ["A assinatura expirou."]}
    assert default.data == {"non_field_errors": ["Die Signatur ist abgelaufen."]}


@pytest.mark.django_db
def test_drf_jwt_mode_messages_are_translated(client, user, password):
    with override_settings(JWT_AUTH={"JWT_COMPAT": "drf-jwt"}):
        with time_machine.travel(NOW, tick=False):
            response = client.post(
                OBTAIN, {"username": "admin", "password": password}, format="json"
            )
            token = response.data["token"]
        with (
            time_machine.travel(NOW + timedelta(seconds=301), tick=False),
            override_settings(LANGUAGE_CODE="es"),
        ):
            expired = client.post(VERIFY, {"token": token}, format="json")
            garbage = client.get(PROTECTED, HTTP_AUTHORIZATION="Bearer abc")
    assert expired.data == {"non_field_errors": ["El token ha caducado."]}
    assert garbage.data == {"detail": "Error al decodificar el token."}


def _apps_with_the_package_first() -> list[str]:
    apps = [app for app in django_settings.INSTALLED_APPS if app != "rest_framework_jwt"]
    return ["rest_framework_jwt", *apps]


#: The two orders of INSTALLED_APPS the precedence tests use.
ORDERS = {
    "as the suite lists them (DRF first)": lambda: list(django_settings.INSTALLED_APPS),
    "the package first": _apps_with_the_package_first,
}


def _plural_forms(translations: gettext_module.NullTranslations) -> str:
    return translations._info["plural-forms"]  # type: ignore[attr-defined]


def _django_catalog(language: str) -> gettext_module.GNUTranslations:
    """Django's own catalog for ``language`` (``django/conf/locale``), searched after the apps'."""
    localedir = Path(django.__file__).parent / "conf" / "locale"
    found = gettext_module.translation(
        "django", str(localedir), [translation.to_locale(language)], fallback=True
    )
    assert isinstance(found, gettext_module.GNUTranslations), f"Django has no {language} catalog"
    return found


def _app_catalogs(language: str) -> list[tuple[str, gettext_module.GNUTranslations]]:
    """(app name, catalog) for ``language`` of every installed app that has one, in order."""
    catalogs = []
    for app in apps.get_app_configs():
        localedir = Path(app.path) / "locale"
        if localedir.is_dir():
            found = gettext_module.translation(
                "django", str(localedir), [translation.to_locale(language)], fallback=True
            )
            if isinstance(found, gettext_module.GNUTranslations):
                catalogs.append((app.name, found))
    return catalogs


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalog_has_the_plural_forms_of_django_s_own(language):
    # Django 4.2 merges an app's catalog into the catalog it builds for a language only when
    # the two plural functions are the same (it compares the code gettext compiles from the
    # Plural-Forms header); a catalog with another formula is kept apart and searched before
    # the merged one, whatever the order of INSTALLED_APPS. The same header string as Django's
    # own catalog compiles to the same function.
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as file:
        ours = gettext_module.GNUTranslations(file)
    assert _plural_forms(ours) == _plural_forms(_django_catalog(language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_apps_that_translate_a_message_differently_share_django_s_plural_forms(language):
    # Where two installed apps translate one of the package's messages differently, the text
    # shown depends on how Django combines their catalogs. Among catalogs with Django's own
    # Plural-Forms the app listed first in INSTALLED_APPS wins (Django 4.2 merges them into
    # one; the 5.2.19 the suite runs on keeps each apart and searches them in that order); on
    # 4.2 a catalog with another formula is searched first whatever the order. The package's
    # catalogs use DRF's own text for DRF's messages in the languages whose DRF catalog has
    # other Plural-Forms (es, fr, it, pt_BR), so every app that disagrees with another on a
    # message has Django's formula. A newer DRF or Django that changes this fails here first.
    django_plural = _plural_forms(_django_catalog(language))
    catalogs = _app_catalogs(language)
    ours = dict(catalogs)["rest_framework_jwt"]._catalog  # type: ignore[attr-defined]
    problems = []
    for msgid in ours:
        if not isinstance(msgid, str) or not msgid:
            continue
        texts = {name: c._catalog[msgid] for name, c in catalogs if msgid in c._catalog}  # type: ignore[attr-defined]
        if len(set(texts.values())) < 2:
            continue
        for name, c in catalogs:
            if name in texts and _plural_forms(c) != django_plural:
                problems.append(f"{name} ({_plural_forms(c)!r}) for {msgid!r}: {texts}")
    assert not problems, f"{language}: Django's Plural-Forms is {django_plural!r}:\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize("order", ORDERS)
def test_the_app_listed_first_translates_a_message_two_apps_translate(order):
    # Every entry of every catalog comes back from gettext as the first app (in INSTALLED_APPS
    # order) that translates the message has it: the package's own text when it is listed
    # first, DRF's (or a contrib app's) where it is listed after them and they translate the
    # message differently. Django's own catalog (django/conf/locale) comes after every app.
    wrong = []
    others = 0
    with override_settings(INSTALLED_APPS=ORDERS[order]()):
        for language in LANGUAGES:
            catalogs = [c._catalog for _, c in _app_catalogs(language)]  # type: ignore[attr-defined]
            with translation.override(language_code(language)):
                for entry in read_po(po_path(language)).values():
                    if entry.plural is not None or entry.context is not None:
                        continue
                    expected = next(c[entry.msgid] for c in catalogs if entry.msgid in c)
                    others += expected != entry.msgstr[0]
                    got = translation.gettext(entry.msgid)
                    if got != expected:
                        wrong.append(f"{language}: {entry.msgid!r} -> {got!r}, not {expected!r}")
    assert not wrong, "\n".join(wrong)
    assert (others > 0) == (order != "the package first")


@pytest.mark.django_db
@pytest.mark.parametrize("order", ORDERS)
def test_a_message_drf_translates_too_comes_from_the_app_listed_first(client, user, order):
    # DRF's Ukrainian catalog has its own wording of this message; both catalogs have
    # Django's Plural-Forms, so the order of INSTALLED_APPS decides (on Django 4.2 and 5.2).
    message = "Unable to log in with provided credentials."
    ours = "Неможливо увійти з наданими обліковими даними."
    drf = dict(_app_catalogs("uk"))["rest_framework"]._catalog[message]  # type: ignore[attr-defined]
    assert drf != ours
    with (
        override_settings(INSTALLED_APPS=ORDERS[order]()),
        override_settings(LANGUAGE_CODE="uk"),
    ):
        response = client.post(OBTAIN, {"username": "admin", "password": "nope"}, format="json")
    expected = ours if order == "the package first" else drf
    assert response.data == {"non_field_errors": [expected]}
    assert response.data["non_field_errors"][0].code == "invalid_credentials"


@pytest.mark.django_db
def test_without_the_app_in_installed_apps_the_messages_stay_english(client, user):
    installed = [a for a in django_settings.INSTALLED_APPS if a != "rest_framework_jwt"]
    with override_settings(INSTALLED_APPS=installed), override_settings(LANGUAGE_CODE="de"):
        response = client.get(PROTECTED, HTTP_AUTHORIZATION="JWT a b")
    assert response.data == {
        "detail": "Invalid Authorization header. Credentials string should not contain spaces."
    }
