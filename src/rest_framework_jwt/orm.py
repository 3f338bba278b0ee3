"""The Django internals the one-query user lookup (:mod:`lookup`) relies on, in one place.

Compiling a queryset once to its SQL and parameters, preparing a value the way the database
expects it, running the SQL, and turning a row back into Python values and a model instance.
Everything else in the package uses the public ORM. ``tests/test_orm.py`` exercises each of
these on the Django version it runs with; tox runs it on every supported one.

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections


@dataclass(frozen=True)
class CompiledQuery:
    """A queryset's SQL and parameter template, and the converters of its selected columns."""

    sql: str
    params: tuple[Any, ...]
    compiler: Any
    converters: dict[int, Any]

    def convert(self, row: Sequence[Any]) -> Sequence[Any]:
        """``row`` as the ORM would return it (database values converted to Python): each
        selected column's converters in turn, as ``SQLCompiler.apply_converters`` runs them,
        for one row."""
        if not self.converters:
            return row
        converted = list(row)
        connection = self.compiler.connection
        for position, (converters, expression) in self.converters.items():
            value = converted[position]
            for converter in converters:
                value = converter(value, expression, connection)
            converted[position] = value
        return converted


def compile_queryset(queryset: Any, alias: str) -> CompiledQuery:
    """Compile ``queryset`` (a ``values_list`` queryset) for the database ``alias``."""
    compiler = queryset.query.get_compiler(alias)
    sql, params = compiler.as_sql()
    selected = [column[0] for column in compiler.select[: compiler.col_count]]
    return CompiledQuery(sql, tuple(params), compiler, compiler.get_converters(selected))


def db_value(field: Any, value: Any, alias: str) -> Any:
    """``value`` prepared for ``field``'s column on ``alias``, as a query parameter."""
    return field.get_db_prep_value(value, connections[alias], prepared=False)


def fetch_rows(alias: str, sql: str, params: list[Any], limit: int) -> Sequence[Sequence[Any]]:
    """At most ``limit`` rows of ``sql`` run with ``params`` on ``alias``."""
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        rows: Sequence[Sequence[Any]] = cursor.fetchmany(limit)
        return rows


def instance(model: Any, alias: str, attnames: list[str], values: Sequence[Any]) -> Any:
    """The ``model`` instance of a row loaded from ``alias`` (``Model.from_db``)."""
    return model.from_db(alias, attnames, values)


__all__ = ["CompiledQuery", "compile_queryset", "db_value", "fetch_rows", "instance"]
