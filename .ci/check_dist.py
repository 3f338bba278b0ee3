"""Check the built sdist and wheel (``make dist``) carry what they must.

    python .ci/check_dist.py dist/

- the wheel: every file of src/rest_framework_jwt/ (translations, templates, py.typed...),
  LICENSE, and the metadata's license and project URLs;
- the sdist: LICENSE, CHANGELOG.md, README.md, mkdocs.yml, the Makefile, and every tracked file
  of tests/, docs/, example/ and bench/, so that its test suite runs after unpacking (.ci/run
  does run it).
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "src/rest_framework_jwt"
URLS = ("Homepage", "Documentation", "Changelog", "Source", "Issues")


def tracked(*folders: str) -> list[str]:
    """The files git tracks under ``folders`` (the working tree's files when git is missing)."""
    try:
        out = subprocess.run(  # noqa: S603
            ["git", "ls-files", "--", *folders],  # noqa: S607
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        names = out.split()
    except (OSError, subprocess.CalledProcessError):
        names = [str(p.relative_to(ROOT)) for f in folders for p in (ROOT / f).rglob("*")]
    return [n for n in names if (ROOT / n).is_file() and "__pycache__" not in n]


def check_wheel(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as wheel:
        names = set(wheel.namelist())
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(wheel.read(meta_name).decode())
    problems = [
        f"wheel lacks {name}" for name in tracked(PACKAGE) if name.removeprefix("src/") not in names
    ]
    if not any(n.endswith(".dist-info/licenses/LICENSE") for n in names):
        problems.append("wheel lacks LICENSE")
    if metadata.get("License-Expression") != "MIT":
        problems.append(f"wheel License-Expression is {metadata.get('License-Expression')!r}")
    labels = {u.split(",", 1)[0].strip() for u in metadata.get_all("Project-URL") or []}
    problems += [f"wheel metadata lacks the {label} URL" for label in URLS if label not in labels]
    return problems


def check_sdist(path: Path) -> list[str]:
    with tarfile.open(path) as sdist:
        top = sdist.getnames()[0].split("/")[0]
        names = {n.removeprefix(f"{top}/") for n in sdist.getnames()}
    wanted = ["LICENSE", "CHANGELOG.md", "README.md", "mkdocs.yml", "pyproject.toml", "Makefile"]
    wanted += tracked("tests", "docs", "example", "bench", PACKAGE)
    return [f"sdist lacks {name}" for name in wanted if name not in names]


def main(dist: Path) -> int:
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        print(f"expected one wheel and one sdist in {dist}, found {wheels + sdists}")
        return 1
    problems = check_wheel(wheels[0]) + check_sdist(sdists[0])
    for problem in problems:
        print(problem)
    print(f"{wheels[0].name}, {sdists[0].name}: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "dist")))
