"""``manage.py jwt_keys``: make, list, rotate and retire asymmetric signing keys.

``generate`` writes a new private key (PEM, mode 0600) into the key directory
(``JWT_AUTH["JWT_KEY_DIR"]`` or ``--dir``), or to a single file with ``--out``, and prints the
settings lines that use it. ``list`` shows every key of the key ring: kid, algorithm, role, age
and where it comes from. ``rotate`` makes a new signing key (or, with ``--to``, lets a key
generated earlier sign) and keeps the old one for verification only. ``retire KID`` removes a
verify-only key once no token it signed can still be valid. A private key is only ever written
to its 0600 file, and never printed. See docs/keys.md.

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from __future__ import annotations

import contextlib
import datetime
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rest_framework_jwt import _state, backend, claims, keys, keystore
from rest_framework_jwt.settings import api_settings


def longest_lifetime() -> float | None:
    """Seconds a token can stay valid after it was signed, as the settings say (None: forever).

    The longest of the lifetimes of access, impersonation and (when on) refresh tokens, plus the
    leeway, plus ``JWT_KEY_RELOAD_INTERVAL`` (a running process may sign with a key that long
    after the key directory changed).
    """
    if not api_settings.JWT_VERIFY or not api_settings.JWT_VERIFY_EXPIRATION:
        return None
    lifetimes = [api_settings.JWT_EXPIRATION_DELTA, api_settings.JWT_IMPERSONATION_EXPIRATION_DELTA]
    if api_settings.JWT_REFRESH_TOKENS:
        lifetimes.append(api_settings.JWT_REFRESH_EXPIRATION_DELTA)
    return (
        max(claims.seconds(value) for value in lifetimes)
        + claims.seconds(api_settings.JWT_LEEWAY)
        + claims.seconds(api_settings.JWT_KEY_RELOAD_INTERVAL)
    )


def _age(seconds: float) -> str:
    seconds = max(0, int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m" if minutes else f"{seconds}s"


def _when(timestamp: float) -> str:
    moment = datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _thumbprint(algorithm: str, pem: bytes) -> str:
    members = backend.public_jwk(backend.prepare_key(algorithm, pem))
    if members is None:  # pragma: no cover - generated keys are RSA, EC or OKP
        raise CommandError(f"Cannot publish a {algorithm} key.")
    return backend.thumbprint(members)


class Command(BaseCommand):
    help = "Make, list, rotate and retire the asymmetric signing keys (see docs/keys.md)."
    # It makes the keys whose absence the system checks report (E004), so it runs without them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        generate = actions.add_parser(
            "generate", help="Write a new private key (PEM, mode 0600) and print its settings."
        )
        generate.add_argument("--alg", choices=keystore.GENERATED_ALGORITHMS, default="RS256")
        generate.add_argument("--kid", help="Name of the key (default: its RFC 7638 thumbprint).")
        generate.add_argument("--dir", help="The key directory (default: JWT_KEY_DIR).")
        generate.add_argument("--out", help="Write one PEM file here instead of a key directory.")
        generate.add_argument("--bits", type=int, default=2048, help="RSA key size (>= 2048).")
        actions.add_parser("list", help="Show each key: kid, algorithm, role, age, source.")
        rotate = actions.add_parser(
            "rotate", help="Make a new signing key; the old one stays, for verification only."
        )
        rotate.add_argument("--alg", choices=keystore.GENERATED_ALGORITHMS)
        rotate.add_argument("--kid", help="Name of the new key (default: its thumbprint).")
        rotate.add_argument("--to", metavar="KID", help="Let this existing key sign instead.")
        rotate.add_argument("--dir", help="The key directory (default: JWT_KEY_DIR).")
        rotate.add_argument("--bits", type=int, default=2048, help="RSA key size (>= 2048).")
        retire = actions.add_parser(
            "retire", help="Remove a verify-only key once no token it signed can be valid."
        )
        retire.add_argument("kid", metavar="KID")
        retire.add_argument(
            "--force", action="store_true", help="Retire it now: its tokens stop working."
        )
        retire.add_argument("--dir", help="The key directory (default: JWT_KEY_DIR).")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"do_{options['action']}")(options)
        # Other processes see a change of the key directory within JWT_KEY_RELOAD_INTERVAL;
        # this one (call_command in a shell or a test) at once.
        _state.reset()

    # -- helpers

    def directory(self, options: dict[str, Any], *, create: bool = False) -> Path:
        directory = options.get("dir") or api_settings.JWT_KEY_DIR
        if not directory:
            raise CommandError("No key directory: set JWT_AUTH['JWT_KEY_DIR'] or give --dir.")
        path = Path(directory).resolve()
        if create:
            keystore.make_directory(path)
        elif not path.is_dir():
            raise CommandError(f"The key directory {path} does not exist.")
        return path

    def stored(self, directory: Path) -> list[keystore.StoredKey]:
        try:
            return keystore.read(directory)
        except keys.KeySourceError as error:
            raise CommandError(str(error)) from None

    def new_key(self, algorithm: str, kid: str | None, bits: int) -> tuple[str, bytes]:
        if bits < 2048:
            raise CommandError("RSA keys need at least 2048 bits.")
        if kid is not None and not keystore.KID_PATTERN.fullmatch(kid):
            raise CommandError(
                f"The kid {kid!r} cannot name a file: use letters, digits, '-', '_' and '.'."
            )
        pem = keystore.generate_private_key(algorithm, bits)
        return kid or _thumbprint(algorithm, pem), pem

    def add_key(
        self, directory: Path, stored: list[keystore.StoredKey], algorithm: str, options: Any
    ) -> keystore.StoredKey:
        """Write a new key into ``directory`` (verify-only) and return its entry."""
        kid, pem = self.new_key(algorithm, options.get("kid"), options["bits"])
        if any(key.kid == kid for key in stored):
            raise CommandError(f"The key directory already has a key {kid!r}.")
        try:
            keystore.write_private_key(keystore.pem_path(directory, kid), pem)
        except FileExistsError:
            raise CommandError(f"{keystore.pem_path(directory, kid)} exists already.") from None
        return keystore.StoredKey(kid, algorithm, keystore.VERIFY_ONLY, claims.now())

    def require_allowed(self, algorithm: str) -> None:
        if algorithm not in keys.algorithm_list(api_settings.JWT_ALGORITHM):
            raise CommandError(
                f"{algorithm} is not in JWT_AUTH['JWT_ALGORITHM']: add it there first (and "
                "deploy that), so that every process accepts the new key's tokens."
            )

    # -- actions

    def do_generate(self, options: dict[str, Any]) -> None:
        algorithm = options["alg"]
        if options.get("out"):
            self.generate_file(Path(options["out"]).resolve(), algorithm, options)
            return
        directory = self.directory(options, create=True)
        stored = self.stored(directory)
        entry = self.add_key(directory, stored, algorithm, options)
        first = not any(key.signing for key in stored)
        if first:
            entry = keystore.StoredKey(entry.kid, algorithm, keystore.SIGNING, entry.created)
        keystore.write(directory, [*stored, entry])
        path = keystore.pem_path(directory, entry.kid)
        self.stdout.write(f"Wrote the {algorithm} private key {entry.kid} to {path} (mode 0600).")
        if first:
            self.stdout.write("It is the signing key.")
        else:
            self.stdout.write(
                "It is verify-only: published in the JWKS, not signing yet. Once the verifiers' "
                f"caches have it (JWT_JWKS_MAX_AGE), `jwt_keys rotate --to {entry.kid}` makes it "
                "sign."
            )
        ordered = sorted([*stored, entry], key=lambda key: not key.signing)
        algorithms = list(dict.fromkeys(key.algorithm for key in ordered))
        self.print_settings(
            [("JWT_ALGORITHM", _literal(algorithms)), ("JWT_KEY_DIR", _literal([str(directory)]))]
        )

    def generate_file(self, path: Path, algorithm: str, options: dict[str, Any]) -> None:
        kid, pem = self.new_key(algorithm, options.get("kid"), options["bits"])
        try:
            keystore.write_private_key(path, pem)
        except FileExistsError:
            raise CommandError(f"{path} exists already; a key file is never overwritten.") from None
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}.") from None
        self.stdout.write(f"Wrote the {algorithm} private key {kid} to {path} (mode 0600).")
        self.stdout.write("from rest_framework_jwt.keys import from_file")
        self.print_settings(
            [
                ("JWT_ALGORITHM", _literal([algorithm])),
                ("JWT_PRIVATE_KEY", f"{{{_literal([kid])}: from_file({_literal([str(path)])})}}"),
            ]
        )

    def print_settings(self, lines: list[tuple[str, str]]) -> None:
        self.stdout.write("Settings:")
        self.stdout.write("JWT_AUTH = {")
        for name, value in lines:
            self.stdout.write(f'    "{name}": {value},')
        self.stdout.write("}")

    def do_list(self, options: dict[str, Any]) -> None:
        ring = _state.build_ring(keys.algorithm_list(api_settings.JWT_ALGORITHM))
        stored = _stored_by_kid()
        signing_public = backend.public_jwk(ring.signing_key) if ring.signing_key else None
        rows = [("KID", "ALG", "ROLE", "AGE", "SOURCE")]
        rows.extend(_list_row(key, ring, signing_public, stored) for key in ring.verification)
        widths = [max(len(row[column]) for row in rows) for column in range(5)]
        for row in rows:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())
        for problem in ring.errors:
            self.stderr.write(f"Warning: {problem}")

    def do_rotate(self, options: dict[str, Any]) -> None:
        directory = self.directory(options, create=True)
        stored = self.stored(directory)
        old = next((key for key in stored if key.signing), None)
        if options.get("to"):
            target = _named_target(stored, options)
            self.require_allowed(target.algorithm)
        else:
            algorithm = options.get("alg") or (old.algorithm if old else "RS256")
            self.require_allowed(algorithm)
            target = self.add_key(directory, stored, algorithm, options)
            stored = [*stored, target]
        keystore.write(directory, keystore.promote(stored, target.kid, claims.now()))
        self.stdout.write(f"{target.kid} ({target.algorithm}) signs new tokens now.")
        if old is not None:
            lifetime = longest_lifetime()
            until = "" if lifetime is None else f" after {_when(claims.now() + lifetime)}"
            self.stdout.write(
                f"{old.kid} is verify-only: its tokens keep working; `jwt_keys retire {old.kid}` "
                f"can remove it{until}."
            )

    def do_retire(self, options: dict[str, Any]) -> None:
        directory = self.directory(options)
        stored = self.stored(directory)
        kid = options["kid"]
        entry = next((key for key in stored if key.kid == kid), None)
        if entry is None:
            raise CommandError(
                f"The key directory has no key {kid!r}. A key from the settings is retired by "
                "removing it from JWT_PRIVATE_KEY / JWT_PUBLIC_KEY."
            )
        if entry.signing:
            raise CommandError(f"{kid} is the signing key: `jwt_keys rotate` first.")
        if entry.demoted is not None and not options["force"]:
            _refuse_while_valid(kid, entry.demoted)
        keystore.write(directory, [key for key in stored if key.kid != kid])
        keystore.pem_path(directory, kid).unlink(missing_ok=True)
        self.stdout.write(f"Retired {kid}: removed from the JWKS and deleted its key file.")


def _stored_by_kid() -> dict[str, keystore.StoredKey]:
    """The keys of ``JWT_KEY_DIR`` by kid (none without one, or when it cannot be read: the
    ring's errors report that)."""
    if not api_settings.JWT_KEY_DIR:
        return {}
    with contextlib.suppress(keys.KeySourceError):
        return {key.kid: key for key in keystore.read(api_settings.JWT_KEY_DIR)}
    return {}


def _identity(
    key: backend.VerificationKey, ring: backend.KeyRing, signing_public: dict[str, Any] | None
) -> tuple[str, str, bool]:
    """The kid, algorithm(s) and whether it signs, of one key of the ring."""
    if key.jwk is None:
        return key.kid or "-", ",".join(sorted(key.algorithms)), key.key == ring.signing_key
    signs = signing_public is not None and all(
        key.jwk.get(name) == value for name, value in signing_public.items()
    )
    return key.jwk["kid"], key.jwk["alg"], signs


def _list_row(
    key: backend.VerificationKey,
    ring: backend.KeyRing,
    signing_public: dict[str, Any] | None,
    stored: dict[str, keystore.StoredKey],
) -> tuple[str, str, str, str, str]:
    """One row of ``jwt_keys list``."""
    kid, algorithm, signs = _identity(key, ring, signing_public)
    entry = stored.get(kid) if key.kid is not None else None
    return (
        kid,
        algorithm,
        keystore.SIGNING if signs else keystore.VERIFY_ONLY,
        _age(claims.now() - entry.created) if entry else "-",
        "key directory" if entry else "settings",
    )


def _named_target(stored: list[keystore.StoredKey], options: dict[str, Any]) -> keystore.StoredKey:
    """The existing key ``rotate --to`` makes sign (CommandError when it cannot)."""
    if options.get("alg") or options.get("kid"):
        raise CommandError("--to makes an existing key sign; it takes no --alg or --kid.")
    target = next((key for key in stored if key.kid == options["to"]), None)
    if target is None:
        raise CommandError(f"The key directory has no key {options['to']!r}.")
    if target.signing:
        raise CommandError(f"{target.kid} is the signing key already.")
    return target


def _refuse_while_valid(kid: str, demoted: float) -> None:
    """CommandError while a token signed with the key ``kid`` (demoted at ``demoted``) can be
    valid."""
    lifetime = longest_lifetime()
    if lifetime is None:
        raise CommandError(
            f"Tokens signed with {kid} never expire (JWT_VERIFY_EXPIRATION is off), so "
            "retiring it ends them: use --force to do so."
        )
    until = demoted + lifetime
    if claims.now() < until:
        raise CommandError(
            f"Tokens signed with {kid} can be valid until {_when(until)} (in "
            f"{_age(until - claims.now())}). Retire it after that, or with --force to end "
            "them now."
        )


def _literal(values: list[str]) -> str:
    """One str, or a list of them, as a Python literal (double-quoted, as settings files are)."""
    quoted = [json.dumps(value) for value in values]
    return quoted[0] if len(quoted) == 1 else f"[{', '.join(quoted)}]"


__all__ = ["Command", "longest_lifetime"]
