"""The fast user lookup: its Django adapter (orm.py), its explicit "no fast path" answer, and
the warning when it falls back for an unexpected reason."""

import uuid
import warnings
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import UserManager
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Model
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_init, pre_init
from django.test.utils import CaptureQueriesContext

from rest_framework_jwt import lookup, orm, utils, verification
from rest_framework_jwt.exceptions import FastLookupWarning
from tests.helpers import capture, protected

SENTINEL = "\x01sentinel\x01"


@pytest.fixture
def fresh_plans(settings):
    """A settings change: the compiled plans of earlier tests are dropped."""
    settings.JWT_AUTH = {"JWT_LEEWAY": 0}


def token_of(user) -> verification.VerifiedToken:
    return verification.decode(utils.jwt_encode_handler(utils.jwt_payload_handler(user)))


# --- the adapter: each function on this Django version ----------------------------------------


def test_a_compiled_queryset_runs_and_converts_like_the_orm(user):
    model = get_user_model()
    names = [f.attname for f in model._meta.concrete_fields]
    queryset = model.objects.filter(username=SENTINEL).values_list(*names)[:2]
    query = orm.compile_queryset(queryset, "default")
    assert query.params.count(SENTINEL) == 1
    params = [user.username if p == SENTINEL else p for p in query.params]
    rows = orm.fetch_rows("default", query.sql, params, 2)
    assert len(rows) == 1
    row = query.convert(rows[0])
    assert tuple(row) == model.objects.filter(pk=user.pk).values_list(*names).get()
    loaded = orm.instance(model, "default", names, row)
    assert loaded == user and loaded.date_joined == user.date_joined
    assert loaded._state.db == "default" and not loaded._state.adding


def test_db_value_is_the_parameter_the_orm_sends(user):
    field = get_user_model()._meta.get_field("date_joined")
    expected = field.get_db_prep_value(user.date_joined, connection, prepared=False)
    assert orm.db_value(field, user.date_joined, "default") == expected


# --- no fast path, said explicitly ------------------------------------------------------------


def test_a_username_that_is_not_a_string_has_no_fast_path(user):
    assert lookup.fetch(42, token_of(user)) == lookup.USERNAME_NOT_A_STRING


def test_a_manager_with_its_own_natural_key_lookup_has_no_fast_path(
    user, fresh_plans, monkeypatch, recwarn
):
    seen = []

    def get_by_natural_key(self, username):
        seen.append(username)
        return self.get(username=username)

    monkeypatch.setattr(UserManager, "get_by_natural_key", get_by_natural_key)
    token = token_of(user)
    assert lookup.fetch("admin", token) == lookup.CUSTOM_MANAGER
    assert protected(f"JWT {token.raw}").status_code == 200
    assert seen == ["admin"]  # the request took the manager's own lookup
    assert not [w for w in recwarn if issubclass(w.category, FastLookupWarning)]


def test_the_fast_path_answers_user_and_revocation(user, fresh_plans):
    found = lookup.fetch("admin", token_of(user))
    assert not isinstance(found, lookup.NoFastPath)
    assert found == (user, False)
    assert lookup.fetch("nobody", token_of(user)) == (None, None)


def test_the_natural_key_lookup_is_the_user_query_alone(user, fresh_plans):
    # The test settings install the revocation app: fetch's plan checks the denylist too,
    # by_natural_key's (the password check of obtain) asks for the user only.
    model = get_user_model()
    fused = lookup.plan(model, "default")
    alone = lookup.plan(model, "default", user_only=True)
    assert isinstance(fused, lookup.Plan)
    assert isinstance(alone, lookup.Plan)
    assert fused.keys_at is not None
    assert alone.keys_at is None
    assert "blacklist" not in alone.query.sql
    with CaptureQueriesContext(connection) as queries:
        assert lookup.by_natural_key(model, "admin") == user
    ((query,),) = [[q["sql"] for q in queries.captured_queries]]
    assert "blacklist" not in query
    assert lookup.by_natural_key(model, "nobody") is None
    assert lookup.by_natural_key(model, 42) == lookup.USERNAME_NOT_A_STRING


def test_an_unexpected_failure_warns_once_and_takes_the_orm_path(
    user, fresh_plans, settings, monkeypatch, django_assert_num_queries
):
    cause = f"internals moved {uuid.uuid4()}"

    def broken(queryset, alias):
        raise AttributeError(cause)

    monkeypatch.setattr(orm, "compile_queryset", broken)
    token = token_of(user)
    with pytest.warns(FastLookupWarning, match=cause):
        found = lookup.fetch("admin", token)
    assert isinstance(found, lookup.NoFastPath) and cause in found.reason
    with warnings.catch_warnings():
        warnings.simplefilter("error", FastLookupWarning)
        with django_assert_num_queries(2):  # the ORM's user query and the denylist lookup
            assert protected(f"JWT {token.raw}").status_code == 200
        settings.JWT_AUTH = {"JWT_LEEWAY": 1}  # the plan is built (and fails) again: no warning
        assert protected(f"JWT {token.raw}").status_code == 200


# --- the statement: named placeholders on SQLite, the same query everywhere -----------------


@pytest.mark.parametrize(
    ("sql", "count", "named"),
    [
        ("SELECT a FROM t WHERE b = %s", 1, "SELECT a FROM t WHERE b = %(p0)s"),
        ("SELECT %s, %s", 2, "SELECT %(p0)s, %(p1)s"),
        # An escaped percent sign stays escaped (both forms turn it into one "%").
        ("SELECT '50%%' WHERE b = %s", 1, "SELECT '50%%' WHERE b = %(p0)s"),
        ("SELECT 1", 0, "SELECT 1"),
        # Not the same statement as the positional form, or not one % can format: none.
        ("SELECT '5%' WHERE b = %s", 1, None),
        ("SELECT %%%s", 0, None),
        ("SELECT a WHERE b = %s", 2, None),
    ],
)
def test_the_named_form_of_a_statement(sql, count, named):
    assert orm.named_form(sql, count) == named


def test_the_named_statement_returns_what_the_positional_one_returns(user):
    """On SQLite, where the plan runs the named form; elsewhere it runs the positional one."""
    model = get_user_model()
    queryset = model.objects.filter(username=SENTINEL, email__endswith="@example.com")
    queryset = queryset.annotate(percent=RawSQL("'50%%'", ())).values_list("pk", "percent")
    query = orm.compile_queryset(queryset[:2], "default")
    params = [user.username if p == SENTINEL else p for p in query.params]
    sql, sent = query.statement(params)
    if connection.vendor == "sqlite":
        assert query.named_sql is not None and sql == query.named_sql
        assert sent == {f"p{i}": value for i, value in enumerate(params)}
    else:
        assert query.named_sql is None and (sql, sent) == (query.sql, params)
    expected = [(user.pk, "50%")]
    assert [tuple(row) for row in orm.fetch_rows("default", sql, sent, 2)] == expected
    assert [tuple(row) for row in orm.fetch_rows("default", query.sql, params, 2)] == expected


def test_the_user_query_goes_through_the_execute_wrappers_and_the_query_log(
    user, fresh_plans, settings, caplog
):
    """Django sees the one statement of an authenticated request as it sees any query: the
    execute wrappers get it, and the query log records the statement the positional SQL
    would have recorded."""
    token = token_of(user)
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    settings.DEBUG = True  # the query log (django.db.backends) and connection.queries
    with (
        connection.execute_wrapper(wrapper),
        CaptureQueriesContext(connection) as fast,
        caplog.at_level("DEBUG", "django.db.backends"),
    ):
        assert protected(f"JWT {token.raw}").status_code == 200
    ((sql, params),) = seen
    compiled = lookup.plan(get_user_model(), "default")
    assert isinstance(compiled, lookup.Plan)
    assert sql in (compiled.query.sql, compiled.query.named_sql)
    values = list(params.values()) if isinstance(params, dict) else list(params)
    assert user.username in values
    with CaptureQueriesContext(connection) as positional:
        orm.fetch_rows("default", compiled.query.sql, values, 2)
    assert [q["sql"] for q in fast.captured_queries] == [
        q["sql"] for q in positional.captured_queries
    ]
    logged = [r for r in caplog.records if getattr(r, "sql", None) == fast[0]["sql"]]
    assert len(logged) == 1


# --- the instance: from_db's, built faster only where it is the same -------------------------


def snapshot(obj):
    """What an instance is made of: its class, its attributes in the order they were set,
    and its loaded state."""
    attributes = {key: value for key, value in vars(obj).items() if key != "_state"}
    return type(obj), list(vars(obj)), attributes, obj._state.adding, obj._state.db


def row_of(model, obj):
    names = [f.attname for f in model._meta.concrete_fields]
    return names, [getattr(obj, name) for name in names]


@pytest.mark.parametrize("model_name", ["auth.User", "admin.LogEntry", "contenttypes.ContentType"])
def test_the_loader_builds_what_from_db_builds(user, model_name):
    """auth.User and ContentType take the one-step path, LogEntry (its foreign keys' id
    attributes are data descriptors) one setattr per field."""
    from django.apps import apps
    from django.contrib.admin.models import LogEntry

    if model_name == "admin.LogEntry":
        LogEntry.objects.create(user=user, action_flag=1, object_repr="x")
    model = apps.get_model(model_name)
    obj = model.objects.first()
    names, values = row_of(model, obj)
    assert orm._needs_setattr(model, names) is (model is LogEntry)
    load = orm.loader(model, names)
    assert snapshot(load("other", values)) == snapshot(model.from_db("other", names, values))


def test_a_post_init_or_pre_init_receiver_of_the_user_model_is_called(user, fresh_plans):
    model = get_user_model()
    token = token_of(user)
    for signal in (post_init, pre_init):
        with capture(signal) as sent:
            assert protected(f"JWT {token.raw}").status_code == 200
        mine = [call for call in sent if call["sender"] is model]
        assert len(mine) == 1
        if signal is post_init:
            assert mine[0]["instance"] == user
        else:
            assert mine[0]["args"] == tuple(row_of(model, user)[1])


def test_the_loader_sends_no_signal_only_while_nobody_listens(user, monkeypatch):
    """Without a receiver for the model (one for another model does not count), the loader
    skips the sends that would return at once; with one, they are sent (by from_db)."""
    model = get_user_model()
    names, values = row_of(model, user)
    load = orm.loader(model, names)
    sends = []
    for signal in (pre_init, post_init):
        monkeypatch.setattr(
            signal,
            "send",
            lambda sender, _send=signal.send, **kw: sends.append(sender) or _send(sender, **kw),
        )

    def ignore(**kwargs):
        pass

    assert load("default", values) == user and sends == []
    post_init.connect(ignore, sender=ContentType)
    try:
        # A connect empties Django's cache of "no receivers": the next load is from_db's,
        # whose sends fill it again; the user model still has no receiver.
        assert load("default", values) == user and sends == [model, model]
        del sends[:]
        assert load("default", values) == user and sends == []
        post_init.connect(ignore, sender=model)
        assert load("default", values) == user and sends[-2:] == [model, model]
    finally:
        post_init.disconnect(ignore, sender=ContentType)
        post_init.disconnect(ignore, sender=model)
    del sends[:]
    assert load("default", values) == user and sends == []  # no receiver at all again


def test_a_model_whose_instances_are_built_its_own_way_gets_from_db(user, monkeypatch):
    """A model or mixin with its own __init__, __new__ or from_db, or a metaclass __call__:
    from_db, also when the method is patched in after the loader was made."""
    model = get_user_model()
    names, values = row_of(model, user)
    calls = []

    def init(self, *args, **kwargs):
        calls.append(args)
        Model.__init__(self, *args, **kwargs)

    load = orm.loader(model, names)
    monkeypatch.setattr(model, "__init__", init)
    assert load("default", values) == user and calls == [tuple(values)]
    monkeypatch.undo()

    original = Model.from_db.__func__

    def from_db(cls, db, field_names, row):
        calls.append(db)
        return original(cls, db, field_names, row)

    monkeypatch.setattr(model, "from_db", classmethod(from_db))
    for made in (load, orm.loader(model, names)):
        assert made("default", values) == user
    assert calls[-2:] == ["default", "default"]
    monkeypatch.undo()

    def setattr_(self, name, value):
        calls.append(name)
        object.__setattr__(self, name, value)

    monkeypatch.setattr(model, "__setattr__", setattr_)
    del calls[:]
    assert load("default", values) == user and "password" in calls
    monkeypatch.undo()

    assert orm._builds_like_django(model, names)
    assert not orm._builds_like_django(model, names[:-1])  # not every concrete field


def test_a_class_of_its_own_in_the_hierarchy_makes_the_loader_use_from_db():
    class Options:
        abstract = False
        concrete_fields = (SimpleNamespace(attname="id"),)

    class Plain:
        _meta = Options

    class Calling(type):
        def __call__(cls, *args, **kwargs):
            return super().__call__(*args, **kwargs)

    assert orm._builds_like_django(Plain, ["id"])
    for method in ("__init__", "__new__", "from_db"):
        mixin = type("Mixin", (), {method: lambda *args, **kwargs: None})
        assert not orm._builds_like_django(type("Own", (Plain, mixin), {}), ["id"])
    assert not orm._builds_like_django(Calling("Called", (Plain,), {}), ["id"])
    abstract = type("Abstract", (Plain,), {"_meta": type("Meta", (Options,), {"abstract": True})})
    assert not orm._builds_like_django(abstract, ["id"])
