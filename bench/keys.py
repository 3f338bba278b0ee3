"""Key material for the benchmark: the PEM files of tests/keys, read once.

No Django here: ``bench.settings`` imports this module.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KEY_DIR = ROOT / "tests" / "keys"

#: The algorithms measured, in table order.
ALGORITHMS = ("HS256", "RS256", "ES256", "EdDSA")

#: The HMAC secret for HS256 (64 bytes, well above the 32-byte minimum).
SECRET = "bench-secret-0123456789abcdef0123456789abcdef0123456789abcdef0123"

_FILES = {
    "RS256": ("rsa_private.pem", "rsa_public.pem"),
    "ES256": ("ec_private.pem", "ec_public.pem"),
    "EdDSA": ("ed25519_private.pem", "ed25519_public.pem"),
}


@cache
def private_pem(algorithm: str) -> str:
    """The PEM text of the signing key for an asymmetric ``algorithm``."""
    return (KEY_DIR / _FILES[algorithm][0]).read_text()


@cache
def public_pem(algorithm: str) -> str:
    """The PEM text of the verification key for an asymmetric ``algorithm``."""
    return (KEY_DIR / _FILES[algorithm][1]).read_text()


@cache
def verification_key(algorithm: str) -> Any:
    """The key the limit view hands to ``jwt.decode``: parsed once, like any careful caller."""
    if algorithm.startswith("HS"):
        return SECRET.encode()
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    return load_pem_public_key(public_pem(algorithm).encode())
