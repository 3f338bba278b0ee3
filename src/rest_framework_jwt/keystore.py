"""The key directory, ``JWT_AUTH["JWT_KEY_DIR"]``: the asymmetric keys ``manage.py jwt_keys`` made.

One directory, two kinds of file::

    keys.json     the list of keys: kid, algorithm, role, when it was made and when it stopped
                  signing. No key material.
    <kid>.pem     the private key of that kid (PKCS#8 PEM), mode 0600. The only place a private
                  key is ever written.

Exactly one key has the role ``signing``; the others are ``verify-only`` (published in the JWKS and
accepted, never used to sign). ``keys.json`` is replaced atomically (written beside, then renamed),
so a process that reads it sees the old list or the new one, and its change of identity (inode,
size, modification time) tells a running process to rebuild its key ring.

This module reads and writes the directory; it parses no key (the backend does).

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from .keys import KeySourceError

METADATA = "keys.json"
SIGNING = "signing"
VERIFY_ONLY = "verify-only"
ROLES = (SIGNING, VERIFY_ONLY)
#: The algorithms ``jwt_keys`` makes keys for.
GENERATED_ALGORITHMS = ("RS256", "ES256", "EdDSA")
#: A kid is also a file name: letters, digits, ``-``, ``_`` and ``.`` (not first).
KID_PATTERN = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}")


@dataclass(frozen=True)
class StoredKey:
    """One entry of ``keys.json``: the key ``<kid>.pem`` and what it is for."""

    kid: str
    algorithm: str
    role: str
    created: float
    #: When it stopped signing (None while it signs, or if it never signed).
    demoted: float | None = None

    @property
    def signing(self) -> bool:
        return self.role == SIGNING


def metadata_path(directory: str | os.PathLike[str]) -> Path:
    return Path(directory) / METADATA


def pem_path(directory: str | os.PathLike[str], kid: str) -> Path:
    return Path(directory) / f"{kid}.pem"


def _entry(item: Any) -> StoredKey:
    if not isinstance(item, dict):
        raise KeySourceError("an entry is not an object.")
    kid, algorithm, role = item.get("kid"), item.get("algorithm"), item.get("role")
    if not isinstance(kid, str) or not KID_PATTERN.fullmatch(kid):
        raise KeySourceError(f"the kid {kid!r} is not a valid key name.")
    if not isinstance(algorithm, str) or role not in ROLES:
        raise KeySourceError(f"the key {kid!r} has no algorithm or an unknown role.")
    created, demoted = item.get("created"), item.get("demoted")
    if not isinstance(created, (int, float)) or not isinstance(demoted, (int, float, type(None))):
        raise KeySourceError(f"the key {kid!r} has invalid times.")
    return StoredKey(kid, algorithm, str(role), float(created), demoted)


#: What :func:`_document` returns when there is no ``keys.json`` yet (a file may hold ``null``).
_NO_FILE = object()


def _document(path: Path) -> Any:
    """The parsed ``keys.json`` at ``path`` (``_NO_FILE`` when there is none yet)."""
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        return _NO_FILE
    except OSError as error:
        raise KeySourceError(f"cannot read {path}: {error.strerror}.") from None
    except ValueError:
        raise KeySourceError(f"{path} is not valid JSON.") from None


def _entries(path: Path, document: Any) -> list[StoredKey]:
    items = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise KeySourceError(f"{path} has no list of keys.")
    try:
        return [_entry(item) for item in items]
    except KeySourceError as error:
        raise KeySourceError(f"{path}: {error}") from None


def read(directory: str | os.PathLike[str]) -> list[StoredKey]:
    """The keys listed in ``directory`` (none when it has no ``keys.json`` yet).

    Raises KeySourceError when the list cannot be read or is not valid.
    """
    path = metadata_path(directory)
    document = _document(path)
    if document is _NO_FILE:
        return []
    stored = _entries(path, document)
    if sum(key.signing for key in stored) > 1 or len({key.kid for key in stored}) < len(stored):
        raise KeySourceError(f"{path}: more than one signing key, or a kid listed twice.")
    return stored


def read_private_key(directory: str | os.PathLike[str], kid: str) -> bytes:
    path = pem_path(directory, kid)
    try:
        return path.read_bytes()
    except OSError as error:
        raise KeySourceError(f"cannot read the key file {path}: {error.strerror}.") from None


def write(directory: str | os.PathLike[str], stored: Sequence[StoredKey]) -> None:
    """Replace the list of keys of ``directory`` atomically."""
    document = {"keys": [asdict(key) for key in stored]}
    fd, temporary = tempfile.mkstemp(prefix=".keys-", suffix=".json", dir=directory)
    try:
        with os.fdopen(fd, "w") as file:
            json.dump(document, file, indent=2)
            file.write("\n")
        os.chmod(temporary, 0o644)  # a list of names and dates; no secret in it
        os.replace(temporary, metadata_path(directory))
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_private_key(path: str | os.PathLike[str], pem: bytes) -> None:
    """Write ``pem`` to a new file ``path`` that only its owner can read (mode 0600).

    Refuses to overwrite (FileExistsError): a key file is never replaced in place.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        os.write(fd, pem)
    finally:
        os.close(fd)


def make_directory(directory: str | os.PathLike[str]) -> None:
    """Create ``directory`` (mode 0700) if it does not exist."""
    Path(directory).mkdir(mode=0o700, parents=True, exist_ok=True)


def promote(stored: Sequence[StoredKey], kid: str, now: float) -> list[StoredKey]:
    """The list with ``kid`` signing and the key that signed until now verify-only."""
    return [
        replace(key, role=SIGNING, demoted=None)
        if key.kid == kid
        else replace(key, role=VERIFY_ONLY, demoted=now)
        if key.signing
        else key
        for key in stored
    ]


def generate_private_key(algorithm: str, rsa_bits: int = 2048) -> bytes:
    """A new private key for ``algorithm`` (RS256, ES256 or EdDSA), as PKCS#8 PEM."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    key: Any
    if algorithm == "RS256":
        key = rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits)
    elif algorithm == "ES256":
        key = ec.generate_private_key(ec.SECP256R1())
    elif algorithm == "EdDSA":
        key = ed25519.Ed25519PrivateKey.generate()
    else:
        raise ValueError(f"Cannot generate keys for {algorithm!r}.")
    return bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def file_identity(path: str | os.PathLike[str]) -> tuple[int, int, int] | None:
    """What changes when ``path`` is rewritten or replaced (None while it does not exist)."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_ino, status.st_size, status.st_mtime_ns)


__all__ = [
    "GENERATED_ALGORITHMS",
    "KID_PATTERN",
    "METADATA",
    "ROLES",
    "SIGNING",
    "VERIFY_ONLY",
    "StoredKey",
    "file_identity",
    "generate_private_key",
    "make_directory",
    "metadata_path",
    "pem_path",
    "promote",
    "read",
    "read_private_key",
    "write",
    "write_private_key",
]
