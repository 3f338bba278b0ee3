"""Packaging and the docs site's configuration: what a package index page, a fresh clone and
`mkdocs build --strict` rely on. (.ci/run builds the sdist and wheel, checks them with twine and
.ci/check_dist.py, and runs this suite from the unpacked sdist.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10: pytest itself depends on tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
URLS = PYPROJECT["project"]["urls"]
SOURCE = URLS["Source"].rstrip("/")
MKDOCS = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")

# [text](target), <autolink>, and reference definitions "[x]: target".
LINK = re.compile(
    r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)"  # [text](target "title")
    r"|<(\w+://[^>]+)>"  # <https://...>
    r"|^\[[^\]]+\]:\s*(\S+)",  # [label]: target
    re.M,
)


def links(text: str) -> list[str]:
    return [next(g for g in match.groups() if g) for match in LINK.finditer(text)]


def prose(text: str) -> str:
    """Markdown without fenced blocks and code spans: the text that renders as prose."""
    text = re.sub(r"^(\s*)(```|~~~).*?^\1\2\s*$", "", text, flags=re.M | re.S)
    return re.sub(r"(`+).+?\1", "", text)


def test_readme_links_work_on_a_package_index_page():
    # PyPI renders README.md with no repository around it: a relative link goes nowhere.
    targets = links((ROOT / "README.md").read_text(encoding="utf-8"))
    assert targets
    relative = [t for t in targets if not re.match(r"https?://", t)]
    assert relative == []


def test_readme_links_into_the_repository_name_files_that_exist():
    prefix = f"{SOURCE}/blob/main/"
    targets = links((ROOT / "README.md").read_text(encoding="utf-8"))
    into_repo = [t.removeprefix(prefix).split("#")[0] for t in targets if t.startswith(prefix)]
    assert "CHANGELOG.md" in into_repo and "LICENSE" in into_repo
    missing = [name for name in into_repo if not (ROOT / name).is_file()]
    assert missing == []


def test_project_urls():
    assert set(URLS) == {"Homepage", "Documentation", "Changelog", "Source", "Issues"}
    assert all(url.startswith("https://") for url in URLS.values())
    assert URLS["Changelog"] == f"{SOURCE}/blob/main/CHANGELOG.md"
    assert URLS["Issues"] == f"{SOURCE}/issues"
    # The site mkdocs builds is the one the metadata names, and links back to the source.
    assert re.search(rf"^site_url: {re.escape(URLS['Documentation'])}$", MKDOCS, re.M)
    assert re.search(rf"^repo_url: {re.escape(SOURCE)}$", MKDOCS, re.M)


def test_license_file_is_the_mit_license_of_the_maintainers():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in text
    assert PYPROJECT["project"]["license"] == "MIT"
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]
    maintainers = PYPROJECT["project"]["authors"][0]["name"]
    assert f"Copyright (c) {maintainers}" in text


@pytest.mark.parametrize("group", ["dev", "bench", "docs"])
def test_tools_are_pinned(group):
    # An unpinned tool changes under a fresh clone: a newer ruff once reformatted the code
    # blocks of the docs and `make lint` failed on a clean checkout.
    requirements = [r for r in PYPROJECT["dependency-groups"][group] if isinstance(r, str)]
    assert requirements
    unpinned = [r for r in requirements if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.]+", r)]
    assert unpinned == []


def test_every_docs_page_is_in_the_site_nav_and_every_nav_entry_exists():
    nav = set(re.findall(r"^\s*-\s*(?:[^:\n]+:\s*)?([\w/.\-]+\.md)\s*$", MKDOCS, re.M))
    pages = {str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md")}
    assert "index.md" in nav
    assert pages - nav == set(), "add the page to the nav of mkdocs.yml"
    assert nav - pages == set()


def test_the_site_loads_nothing_from_other_hosts():
    # Material's default loads Google Fonts; `font: false` keeps the site working offline.
    theme = r"^theme:\n(?:  .*\n)*  name: material\n(?:  .*\n)*  font: false$"
    assert re.search(theme, MKDOCS, re.M)
    assert "pymdownx.highlight" in MKDOCS and "use_pygments: true" in MKDOCS


@pytest.mark.parametrize(
    "page", ["README.md", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").rglob("*.md"))]
)
def test_algorithm_families_render_as_code_not_italics(page):
    # "RS*, PS*, ES*" in prose opens and closes emphasis: the site showed "RS, PS, ES" in italics.
    wildcards = re.findall(r"\b[A-Z]{2}\*", prose((ROOT / page).read_text(encoding="utf-8")))
    assert wildcards == [], "write `RS*` (a code span)"


def test_prose_helper_strips_code():
    assert prose("a `RS*` b\n```python\nRS*\n```\nc") == "a  b\n\nc"
