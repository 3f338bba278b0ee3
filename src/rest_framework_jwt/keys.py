"""Key settings, normalised: which algorithms are allowed, and which key material has which kid.

``JWT_SECRET_KEY``, ``JWT_PRIVATE_KEY`` and ``JWT_PUBLIC_KEY`` each accept one key, a list (the
first signs, all verify) or a dict ``{kid: key}`` (the first item signs and its kid goes into the
token header). Parsing the material into key objects is the backend's job; this module only
describes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

HMAC_ALGORITHMS = frozenset({"HS256", "HS384", "HS512"})
RSA_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
EC_ALGORITHMS = frozenset({"ES256", "ES256K", "ES384", "ES512", "ES521"})
OKP_ALGORITHMS = frozenset({"EdDSA"})
ASYMMETRIC_ALGORITHMS = RSA_ALGORITHMS | EC_ALGORITHMS | OKP_ALGORITHMS
SUPPORTED_ALGORITHMS = HMAC_ALGORITHMS | ASYMMETRIC_ALGORITHMS


@dataclass(frozen=True)
class KeyMaterial:
    """One configured key: its ``kid`` (None when configured without one) and raw material."""

    kid: str | None
    material: Any


def algorithm_list(value: Any) -> list[str]:
    """``JWT_ALGORITHM`` as a list: a string gives one entry, a list or tuple its entries."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return [str(value)]


def key_list(value: Any) -> list[KeyMaterial]:
    """One of the key settings as a list of :class:`KeyMaterial`, in configured order."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [KeyMaterial(str(kid), material) for kid, material in value.items()]
    if isinstance(value, (list, tuple)):
        return [KeyMaterial(None, material) for material in value]
    return [KeyMaterial(None, value)]


def is_hmac(algorithm: str) -> bool:
    """True for the HS* algorithms."""
    return algorithm in HMAC_ALGORITHMS
