"""The Django internals the one-query user lookup (:mod:`lookup`) relies on, in one place.

Compiling a queryset once to its SQL and parameters, preparing a value the way the database
expects it, running the SQL, and turning a row back into Python values and a model instance.
Everything else in the package uses the public ORM. ``tests/test_orm.py`` exercises each of
these on the Django version it runs with; tox runs it on every supported one.

Internal: not part of the public API (docs/api.md lists that); its names may change in any
release.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.dispatch.dispatcher import NO_RECEIVERS
from django.utils.functional import cached_property

#: Where Django's SQLite cursor (``SQLiteCursorWrapper.convert_query``) finds a ``%s``
#: placeholder: the same pattern, so the named form below has its placeholders in the same
#: places.
_PLACEHOLDER = re.compile(r"(?<!%)%s")


@dataclass(frozen=True)
class CompiledQuery:
    """A queryset's SQL and parameter template, and the converters of its selected columns.

    ``named_sql``: the same statement with named placeholders (``%(p0)s``...), on SQLite only.
    Django's SQLite cursor turns ``%s`` placeholders into ``?`` with a regular expression over
    the whole statement on every call (about as long as the rest of the cursor's work); a
    statement with named placeholders and a dict of parameters (a style Django supports on
    every backend) is turned into SQLite's ``:p0`` form by one ``%`` instead. The statement
    SQLite runs is the same; what ``connection.execute_wrapper`` and the query log see is this
    SQL and a dict. None where it would not be faster (other backends) or not the same.
    """

    sql: str
    params: tuple[Any, ...]
    compiler: Any
    converters: dict[int, Any]
    named_sql: str | None = None

    @cached_property
    def _names(self) -> tuple[str, ...]:
        """The names of the placeholders of :attr:`named_sql`, in order."""
        return tuple(f"p{i}" for i in range(len(self.params)))

    def statement(self, params: Sequence[Any]) -> tuple[str, Sequence[Any] | Mapping[str, Any]]:
        """The SQL and parameters to execute for ``params`` (in the order of :attr:`params`)."""
        if self.named_sql is None:
            return self.sql, params
        return self.named_sql, dict(zip(self._names, params, strict=True))

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
    return CompiledQuery(
        sql,
        tuple(params),
        compiler,
        compiler.get_converters(selected),
        named_sql=named_form(sql, len(params)) if compiler.connection.vendor == "sqlite" else None,
    )


def named_form(sql: str, count: int) -> str | None:
    """``sql`` with its ``count`` ``%s`` placeholders named ``%(p0)s``, ``%(p1)s``..., or None
    when the named form would not run exactly the statement the positional one runs on SQLite:
    its ``%s`` found where Django's SQLite cursor finds them, and every other ``%`` an escaped
    ``%%`` (which both forms turn into ``%``)."""
    pieces = _PLACEHOLDER.split(sql)
    if len(pieces) != count + 1 or any("%" in piece.replace("%%", "") for piece in pieces):
        return None
    return "".join(piece if i == count else f"{piece}%(p{i})s" for i, piece in enumerate(pieces))


def db_value(field: Any, value: Any, alias: str) -> Any:
    """``value`` prepared for ``field``'s column on ``alias``, as a query parameter."""
    return field.get_db_prep_value(value, connections[alias], prepared=False)


def fetch_rows(
    alias: str, sql: str, params: Sequence[Any] | Mapping[str, Any], limit: int
) -> Sequence[Sequence[Any]]:
    """At most ``limit`` rows of ``sql`` run with ``params`` on ``alias``, through
    ``connections[alias].cursor()`` (so execute wrappers and the query log see it)."""
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        rows: Sequence[Sequence[Any]] = cursor.fetchmany(limit)
        return rows


def instance(model: Any, alias: str, attnames: list[str], values: Sequence[Any]) -> Any:
    """The ``model`` instance of a row loaded from ``alias`` (``Model.from_db``)."""
    return model.from_db(alias, attnames, values)


_MODEL_INIT = Model.__init__
_MODEL_FROM_DB = Model.from_db.__func__  # type: ignore[attr-defined]
_OBJECT_SETATTR = object.__setattr__


def loader(model: Any, attnames: list[str]) -> Callable[[str, Sequence[Any]], Any]:
    """A function of ``(alias, values)`` that returns what ``model.from_db(alias, attnames,
    values)`` returns, faster where it can be the same.

    ``Model.from_db`` with every concrete field calls ``Model.__init__``, which sends
    ``pre_init``, sets ``_state`` and each field's attribute in field order, calls
    ``object.__init__`` and sends ``post_init``; ``from_db`` then marks the state loaded. When
    no class of ``model`` (or its metaclass) changes that (no ``__init__``, ``__new__`` or
    ``from_db`` of its own or of a mixin, no ``__call__`` of the metaclass) and ``attnames``
    are its concrete fields in order, the loader does those steps itself, on each call only
    while neither signal has a receiver for ``model`` (the test ``Signal.send`` itself makes
    before it returns at once) and those methods are still Django's (not patched since);
    otherwise it calls ``from_db``. Attributes go into the instance's ``__dict__`` in one
    step when no class defines ``__setattr__`` and no field attribute is a data descriptor
    (e.g. a ``FileField``'s); else one ``setattr`` each, as ``__init__`` does.
    """
    if not _builds_like_django(model, attnames):
        return lambda alias, values: model.from_db(alias, attnames, values)
    set_each = _needs_setattr(model, attnames)
    names = tuple(attnames)
    receivers = (pre_init, post_init)
    new = object.__new__

    def load(alias: str, values: Sequence[Any]) -> Any:
        if (
            model.__init__ is not _MODEL_INIT
            or model.from_db.__func__ is not _MODEL_FROM_DB
            or (not set_each and model.__setattr__ is not _OBJECT_SETATTR)
            or not all(
                not signal.receivers or signal.sender_receivers_cache.get(model) is NO_RECEIVERS
                for signal in receivers
            )
        ):
            return model.from_db(alias, attnames, values)
        obj = new(model)
        obj._state = state = ModelState()
        if set_each:
            for name, value in zip(names, values, strict=True):
                setattr(obj, name, value)
        else:
            obj.__dict__.update(zip(names, values, strict=True))
        state.adding = False
        state.db = alias
        return obj

    return load


def _builds_like_django(model: Any, attnames: list[str]) -> bool:
    """True when ``model(*values)`` of every concrete field's value runs Django's
    ``Model.__init__`` and nothing else (see :func:`loader`)."""
    if attnames != [field.attname for field in model._meta.concrete_fields]:
        return False
    if model._meta.abstract or type(model).__call__ is not type.__call__:
        return False
    own = ("__init__", "__new__", "from_db")
    return not any(
        name in vars(klass)
        for klass in model.__mro__
        if klass is not Model and klass is not object
        for name in own
    )


def _needs_setattr(model: Any, attnames: list[str]) -> bool:
    """True when setting the attributes one ``setattr`` at a time could differ from writing
    them into the instance ``__dict__``: a class defines ``__setattr__``, or an attribute of
    the class by that name is a data descriptor."""
    if any("__setattr__" in vars(klass) for klass in model.__mro__ if klass is not object):
        return True
    for name in attnames:
        for klass in model.__mro__:
            if name in vars(klass):
                kind = type(vars(klass)[name])
                if hasattr(kind, "__set__") or hasattr(kind, "__delete__"):
                    return True
                break
    return False


__all__ = [
    "CompiledQuery",
    "compile_queryset",
    "db_value",
    "fetch_rows",
    "instance",
    "loader",
    "named_form",
]
