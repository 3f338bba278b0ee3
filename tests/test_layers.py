"""The package's layering (design.md, decision 5), checked on the source."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "src" / "rest_framework_jwt"

# Each module may import package modules of a lower rank only.
RANKS = {
    "__init__": 0,
    "exceptions": 0,
    "logs": 0,
    "jsonlimits": 0,
    "bodies": 1.5,
    "middleware": 1,
    "settings": 1,
    "signals": 1,
    "claims": 2,
    "keys": 3,
    "keystore": 3.5,
    "backend": 4,
    "_state": 5,
    "users": 5.5,
    "orm": 1,
    "verification": 5.7,
    "messages": 1.2,
    "payloads": 7.7,
    "utils": 7.8,
    "tokens": 7.9,
    "jwks": 6,
    "issuers": 5.8,
    "cookies": 7,
    "permissions": 7,
    "throttling": 7,
    "revocation": 7,
    "rotation": 8,
    "rotation_sql": 7.6,
    "lookup": 7.5,
    "logins": 7.6,
    "compat": 8,
    "authentication": 9,
    "serializers": 9,
    "checks": 10,
    "models": 10,
    "views": 10,
    "session_views": 10,
    "contrib.spectacular": 10.5,
    "apps": 11,
    "urls": 11,
    "test": 11,
    "pytest_plugin": 11.5,
    "contrib.ninja": 11,
    "contrib.adrf": 11,
    "management.commands.obtain_token": 11,
    "management.commands.jwt_keys": 11,
    # The optional revocation app sits on top; the core never imports it.
    "blacklist.models": 11.5,
    "blacklist.exceptions": 12,
    "blacklist.signals": 12,
    "blacklist.permissions": 12,
    "blacklist.serializers": 12.5,
    "blacklist.views": 12.7,
    "blacklist.management.commands.delete_stale_tokens": 12,
    "blacklist.admin": 13,
    "blacklist.apps": 14,
}


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE).with_suffix("")
    return ".".join(relative.parts)


def package_imports(path: Path) -> set[str]:
    """Package modules that ``path`` imports (absolute or relative), at any depth."""
    name = module_name(path)
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")[: -node.level] if "." in name else []
                module = ".".join([*base, node.module] if node.module else base)
            elif node.module and node.module.startswith("rest_framework_jwt"):
                module = node.module.removeprefix("rest_framework_jwt").lstrip(".")
            else:
                continue
            if module and node.module:
                found.add(module)
            else:  # "from . import x", "from rest_framework_jwt import x": x is a module
                found.update(".".join(filter(None, [module, a.name])) for a in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("rest_framework_jwt."):
                    found.add(alias.name.removeprefix("rest_framework_jwt."))
    return found


MODULES = sorted(
    p
    for p in PACKAGE.rglob("*.py")
    if (p.name != "__init__.py" or p.parent == PACKAGE) and "migrations" not in p.parts
)


def test_every_module_has_a_rank():
    names = {module_name(p) for p in MODULES}
    assert names <= set(RANKS), names - set(RANKS)


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_imports_only_lower_layers(path):
    name = module_name(path)
    for imported in package_imports(path):
        assert RANKS[imported] < RANKS[name], f"{name} imports {imported}"


def pyjwt_imports(tree: ast.AST) -> set[str]:
    """What of PyJWT a module imports: ``jwt``, or ``jwt.<name>`` for what it names."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "jwt"}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "jwt":
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_only_the_backend_imports_pyjwt(path):
    """The backend has the algorithms; exceptions.py imports PyJWT's exception classes only,
    as the bases of the package's token errors."""
    imported = pyjwt_imports(ast.parse(path.read_text()))
    name = module_name(path)
    if name == "backend":
        assert imported
    elif name == "exceptions":
        assert imported == {"jwt.exceptions"}
    else:
        assert not imported
