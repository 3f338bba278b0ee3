"""The SQL of a rotation (:func:`rotation.rotate`), built once per database alias.

A rotation consumes the refresh token (a conditional ``UPDATE`` that also checks, in the same
statement, that its session is live and the user's), moves the session's expiry and inserts the
successor's row. On PostgreSQL the three are one statement (two data-modifying ``WITH`` clauses
and the ``INSERT``), atomic by itself; elsewhere they are three statements, run in one
transaction. The statements run through Django's cursor (``connection.cursor()``), so query
logging, ``connection.execute_wrapper`` and instrumentation see each of them; their text and the
column preparation are made here once, not per request.

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from django.db import connections

from . import orm, revocation


class Rotation(NamedTuple):
    """What one rotation writes: the ``jti`` of ``family`` (owned by ``user_pk``) consumed at
    ``now``, the session then expiring at ``family_expires``, and the row of ``successor``,
    issued and expiring at the whole seconds of its token."""

    jti: str
    family: str
    user_pk: Any
    now: datetime
    family_expires: datetime
    successor: str
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Plan:
    """The statements of a rotation on one database alias, and their parameters."""

    alias: str
    #: UPDATE the token row: consumed now, replaced by the successor; only if it is live and its
    #: session is live and the user's (the row count decides).
    consume: str
    #: UPDATE the session: last used now, expiring a refresh lifetime from now.
    slide: str
    #: INSERT the successor's row.
    insert: str
    #: The three as one statement (PostgreSQL), or "" where they run one after another.
    one_statement: str
    fields: dict[str, Any]

    def _value(self, name: str, value: Any) -> Any:
        return orm.db_value(self.fields[name], value, self.alias)

    def params_of_consume(self, rotation: Rotation) -> list[Any]:
        family = self._value("family", rotation.family)
        return [
            self._value("time", rotation.now),
            rotation.successor,
            rotation.jti,
            family,
            family,
            self._value("user", rotation.user_pk),
        ]

    def params_of_slide(self, rotation: Rotation, *, with_family: bool = True) -> list[Any]:
        params = [
            self._value("time", rotation.now),
            self._value("time", rotation.family_expires),
        ]
        if with_family:
            params.append(self._value("family", rotation.family))
        return params

    def params_of_insert(self, rotation: Rotation, *, with_family: bool = True) -> list[Any]:
        params = [rotation.successor]
        if with_family:
            params.append(self._value("family", rotation.family))
        params += [
            self._value("time", rotation.issued_at),
            self._value("time", rotation.expires_at),
            "",
        ]
        return params

    def params_of_one_statement(self, rotation: Rotation) -> list[Any]:
        return (
            self.params_of_consume(rotation)
            + self.params_of_slide(rotation, with_family=False)
            + self.params_of_insert(rotation, with_family=False)
        )


def _row_lock(connection: Any) -> str:
    """The locking clause of the session check: the session's row is locked before the token
    is consumed, so a revocation of the session that is written but not yet committed makes
    the rotation wait for it and then see it (under READ COMMITTED a plain subquery reads the
    row as it was when the statement started, and the rotation would write a successor into a
    session revoked a moment later). ``FOR NO KEY UPDATE`` where the database has it (the lock
    the session's own ``UPDATE`` takes anyway: it does not block the successor's foreign key);
    none on SQLite, which lets one writer at a time."""
    features = connection.features
    if features.has_select_for_no_key_update:
        return " FOR NO KEY UPDATE"
    if features.has_select_for_update:
        return " FOR UPDATE"
    return ""


def _build(alias: str) -> Plan:
    tokens = revocation.model("RefreshToken")._meta
    families = revocation.model("TokenFamily")._meta
    connection = connections[alias]
    quote = connection.ops.quote_name

    def column(meta: Any, name: str) -> str:
        return f"{quote(meta.db_table)}.{quote(meta.get_field(name).column)}"

    # Only table and column names of the models, quoted, go into the text; every value is a
    # parameter.
    rt, fam = quote(tokens.db_table), quote(families.db_table)
    consume = (
        f"UPDATE {rt} SET {quote(tokens.get_field('consumed_at').column)} = %s, "  # noqa: S608
        f"{quote(tokens.get_field('replaced_by').column)} = %s "
        f"WHERE {column(tokens, 'jti')} = %s AND {column(tokens, 'family')} = %s "
        f"AND {column(tokens, 'consumed_at')} IS NULL "
        f"AND EXISTS (SELECT 1 FROM {fam} WHERE {column(families, 'id')} = %s "
        f"AND {column(families, 'user')} = %s AND {column(families, 'revoked_at')} IS NULL"
        f"{_row_lock(connection)})"
    )
    slide_set = (
        f"UPDATE {fam} SET {quote(families.get_field('last_used_at').column)} = %s, "  # noqa: S608
        f"{quote(families.get_field('expires_at').column)} = %s"
    )
    names = ("jti", "family", "issued_at", "expires_at", "consumed_at", "replaced_by")
    columns = ", ".join(quote(tokens.get_field(name).column) for name in names)
    insert_into = f"INSERT INTO {rt} ({columns})"
    one_statement = ""
    if connection.vendor == "postgresql":
        family_column = quote(tokens.get_field("family").column)
        id_column = quote(families.get_field("id").column)
        one_statement = (
            f"WITH consumed AS ({consume} RETURNING {column(tokens, 'family')}), "  # noqa: S608
            f"slid AS ({slide_set} WHERE {column(families, 'id')} IN "
            f"(SELECT {family_column} FROM consumed) RETURNING {column(families, 'id')}) "
            f"{insert_into} SELECT %s, slid.{id_column}, %s, %s, NULL, %s FROM slid"
        )
    return Plan(
        alias=alias,
        consume=consume,
        slide=f"{slide_set} WHERE {column(families, 'id')} = %s",
        insert=f"{insert_into} VALUES (%s, %s, %s, %s, NULL, %s)",
        one_statement=one_statement,
        fields={
            "time": tokens.get_field("consumed_at"),
            "family": tokens.get_field("family"),
            "user": families.get_field("user"),
        },
    )


_plans: dict[tuple[str, str], Plan] = {}
_lock = threading.Lock()


def plan(alias: str) -> Plan:
    """The rotation's statements for the database ``alias`` (built on first use)."""
    key = (alias, connections[alias].vendor)
    found = _plans.get(key)
    if found is None:
        with _lock:
            found = _plans[key] = _build(alias)
    return found


__all__ = ["Plan", "Rotation", "plan"]
