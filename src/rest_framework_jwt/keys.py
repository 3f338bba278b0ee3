"""Key settings, normalised: which algorithms are allowed, and which key material has which kid.

``JWT_SECRET_KEY``, ``JWT_PRIVATE_KEY`` and ``JWT_PUBLIC_KEY`` each accept one key, a list (the
first signs, all verify) or a dict ``{kid: key}`` (the first item signs and its kid goes into the
token header). Parsing the material into key objects is the backend's job; this module only
describes it, and reads the material that a setting names by reference: ``from_file(path)`` and
``from_env(name)`` (usable in settings.py, which may import this module before Django is set up).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HMAC_ALGORITHMS = frozenset({"HS256", "HS384", "HS512"})
RSA_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
EC_ALGORITHMS = frozenset({"ES256", "ES256K", "ES384", "ES512", "ES521"})
OKP_ALGORITHMS = frozenset({"EdDSA"})
ASYMMETRIC_ALGORITHMS = RSA_ALGORITHMS | EC_ALGORITHMS | OKP_ALGORITHMS
SUPPORTED_ALGORITHMS = HMAC_ALGORITHMS | ASYMMETRIC_ALGORITHMS


@dataclass(frozen=True)
class KeyMaterial:
    """One configured key: its ``kid`` (None when configured without one) and raw material.

    ``error`` says why a key given by reference (file, environment variable) could not be read;
    ``material`` is None then.
    """

    kid: str | None
    material: Any
    error: str | None = None


class KeySourceError(Exception):
    """Raised when a key given by reference cannot be read."""


@dataclass(frozen=True)
class KeyFile:
    """Key material read from a file each time the key ring is built: ``from_file(path)``.

    Line breaks at the end of the file are dropped (``echo secret > file`` gives ``secret``).
    """

    path: str

    def read(self) -> bytes:
        try:
            return Path(self.path).read_bytes().rstrip(b"\r\n")
        except OSError as error:
            reason = error.strerror
            raise KeySourceError(f"cannot read the key file {self.path!r}: {reason}.") from None


@dataclass(frozen=True)
class KeyEnv:
    """Key material read from an environment variable when the key ring is built:
    ``from_env(name)``. In a PEM given on one line, the two characters ``\\n`` stand for
    newlines."""

    name: str

    def read(self) -> str:
        value = os.environ.get(self.name)
        if not value:
            raise KeySourceError(f"the environment variable {self.name} is not set or empty.")
        if value.lstrip().startswith("-----BEGIN") and "\n" not in value:
            value = value.replace("\\n", "\n")
        return value


def from_file(path: str | os.PathLike[str]) -> KeyFile:
    """A key setting's value (or an entry of its list or dict) read from the file ``path``."""
    return KeyFile(os.fspath(path))


def from_env(name: str) -> KeyEnv:
    """A key setting's value (or an entry of its list or dict) read from the environment."""
    return KeyEnv(name)


def _resolved(kid: str | None, material: Any) -> KeyMaterial:
    if isinstance(material, KeyMaterial):
        return material
    if isinstance(material, (KeyFile, KeyEnv)):
        try:
            return KeyMaterial(kid, material.read())
        except KeySourceError as error:
            return KeyMaterial(kid, None, str(error))
    return KeyMaterial(kid, material)


def key_files(value: Any) -> list[str]:
    """The paths of the ``from_file`` references in a key setting (to notice a change)."""
    if isinstance(value, Mapping):
        items = list(value.values())
    else:
        items = list(value) if isinstance(value, (list, tuple)) else [value]
    return [item.path for item in items if isinstance(item, KeyFile)]


def algorithm_list(value: Any) -> list[str]:
    """``JWT_ALGORITHM`` as a list: a string gives one entry, a list or tuple its entries."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return [str(value)]


def key_list(value: Any) -> list[KeyMaterial]:
    """One of the key settings as a list of :class:`KeyMaterial`, in configured order, with the
    keys given by reference read (an entry that already is a KeyMaterial is kept)."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [_resolved(str(kid), material) for kid, material in value.items()]
    if isinstance(value, (list, tuple)):
        return [_resolved(None, material) for material in value]
    return [_resolved(None, value)]


def is_hmac(algorithm: str) -> bool:
    """True for the HS* algorithms."""
    return algorithm in HMAC_ALGORITHMS


__all__ = ["from_env", "from_file"]
