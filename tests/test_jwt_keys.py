"""``manage.py jwt_keys`` and the key sources: the key directory, files, environment variables."""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import stat

import jwt
import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, ManagementUtility, call_command
from django.test import Client, override_settings

from rest_framework_jwt import _state, claims, keystore, utils
from rest_framework_jwt.keys import from_env, from_file
from tests.conftest import read_key
from tests.test_jwks import rfc7638

JWKS = "/included/.well-known/jwks.json"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("jwt_keys", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def key_dir_settings(path, **extra):
    return override_settings(
        JWT_AUTH={
            "JWT_ALGORITHM": ["RS256", "ES256", "EdDSA"],
            "JWT_KEY_DIR": str(path),
            **extra,
        }
    )


def metadata(path) -> list[dict]:
    return json.loads((path / "keys.json").read_text())["keys"]


def token_for(user) -> str:
    return utils.jwt_encode_handler(utils.jwt_payload_handler(user))


def kid_of(token: str) -> str:
    return jwt.get_unverified_header(token)["kid"]


def published_kids() -> list[str]:
    return [key["kid"] for key in Client().get(JWKS).json()["keys"]]


@pytest.fixture
def keydir(tmp_path):
    return tmp_path / "jwt-keys"


@pytest.mark.parametrize("algorithm", ["RS256", "ES256", "EdDSA"])
def test_generate_writes_a_0600_pem_and_prints_the_settings(keydir, user, algorithm):
    with key_dir_settings(keydir):
        out = run("generate", "--alg", algorithm)
        (entry,) = metadata(keydir)
        pem = keydir / f"{entry['kid']}.pem"
        assert stat.S_IMODE(pem.stat().st_mode) == 0o600
        assert stat.S_IMODE(keydir.stat().st_mode) == 0o700
        assert pem.read_text().startswith("-----BEGIN PRIVATE KEY-----")
        assert entry["algorithm"] == algorithm
        assert entry["role"] == "signing"
        # The settings lines, never the key.
        assert f'"JWT_ALGORITHM": "{algorithm}",' in out
        assert f'"JWT_KEY_DIR": "{keydir.resolve()}",' in out
        assert "PRIVATE KEY" not in out
        assert pem.read_text().splitlines()[1] not in out
        # The key ring signs with it and publishes it under that kid.
        token = token_for(user)
        assert jwt.get_unverified_header(token) == {
            "alg": algorithm,
            "typ": "JWT",
            "kid": entry["kid"],
        }
        assert utils.jwt_decode_handler(token)["username"] == "admin"
        assert published_kids() == [entry["kid"]]


def test_the_kid_is_the_thumbprint_of_the_published_key(keydir):
    with key_dir_settings(keydir):
        run("generate")
        (published,) = Client().get(JWKS).json()["keys"]
    members = {name: published[name] for name in ("kty", "n", "e")}
    assert published["kid"] == rfc7638(members) == metadata(keydir)[0]["kid"]


def test_generate_out_writes_one_file_whose_printed_settings_work(tmp_path, user):
    path = tmp_path / "signing.pem"
    out = run("generate", "--alg", "ES256", "--kid", "2026-01", "--out", str(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "BEGIN" not in out
    start = out.index("JWT_AUTH = {")
    namespace = {"from_file": from_file}
    exec(out[start:], namespace)  # the printed lines, as a settings module would run them
    with override_settings(JWT_AUTH=namespace["JWT_AUTH"]):
        token = token_for(user)
        assert kid_of(token) == "2026-01"
        assert utils.jwt_decode_handler(token)["username"] == "admin"
    with pytest.raises(CommandError, match="exists already"):
        run("generate", "--out", str(path))


def test_generate_needs_a_directory():
    with pytest.raises(CommandError, match="JWT_KEY_DIR"):
        run("generate")


@pytest.mark.parametrize("kid", ["../escape", ".hidden", "a/b", ""])
def test_a_kid_that_is_not_a_file_name_is_refused(keydir, kid):
    with key_dir_settings(keydir), pytest.raises(CommandError, match="cannot name a file"):
        run("generate", "--kid", kid)


def test_a_second_generated_key_is_published_before_it_signs(keydir, user):
    with key_dir_settings(keydir):
        run("generate", "--kid", "first")
        out = run("generate", "--alg", "EdDSA", "--kid", "next")
        assert "rotate --to next" in out
        assert '"JWT_ALGORITHM": ["RS256", "EdDSA"],' in out
        assert published_kids() == ["first", "next"]
        assert kid_of(token_for(user)) == "first"
        run("rotate", "--to", "next")
        token = token_for(user)
        assert jwt.get_unverified_header(token)["alg"] == "EdDSA"
        assert kid_of(token) == "next"
    roles = {entry["kid"]: entry["role"] for entry in metadata(keydir)}
    assert roles == {"first": "verify-only", "next": "signing"}


def test_rotate_signs_with_a_new_key_and_old_tokens_keep_working(keydir, user, client):
    with key_dir_settings(keydir):
        run("generate", "--kid", "old")
        old_token = token_for(user)
        out = run("rotate", "--kid", "new")
        assert "new (RS256) signs new tokens now." in out
        assert "old is verify-only" in out
        new_token = token_for(user)
        assert kid_of(new_token) == "new"
        for token in (old_token, new_token):
            client.credentials(HTTP_AUTHORIZATION=f"JWT {token}")
            assert client.get("/protected/").status_code == 200
        assert published_kids() == ["old", "new"]


def test_rotate_keeps_the_algorithm_unless_told(keydir):
    with key_dir_settings(keydir):
        run("generate", "--alg", "ES256")
        run("rotate")
        run("rotate", "--alg", "EdDSA")
    assert [entry["algorithm"] for entry in metadata(keydir)] == ["ES256", "ES256", "EdDSA"]
    assert [entry["role"] for entry in metadata(keydir)] == ["verify-only"] * 2 + ["signing"]


def test_rotate_refuses_an_algorithm_that_is_not_accepted(keydir):
    with (
        override_settings(JWT_AUTH={"JWT_ALGORITHM": "RS256", "JWT_KEY_DIR": str(keydir)}),
        pytest.raises(CommandError, match="ES256 is not in JWT_AUTH"),
    ):
        run("rotate", "--alg", "ES256")
    assert not (keydir / "keys.json").exists()


def test_list_shows_kid_algorithm_role_age_and_source(keydir, time_machine):
    time_machine.move_to("2026-03-01 12:00:00+00:00", tick=False)
    with key_dir_settings(keydir, JWT_PUBLIC_KEY=[read_key("ed25519_public.pem")]):
        run("generate", "--kid", "a")
        time_machine.shift(datetime.timedelta(days=2, hours=3))
        run("rotate", "--alg", "ES256", "--kid", "b")
        time_machine.shift(datetime.timedelta(minutes=7))
        lines = run("list").splitlines()
    assert lines[0].split() == ["KID", "ALG", "ROLE", "AGE", "SOURCE"]
    rows = [line.split(None, 3) for line in lines[1:]]
    assert rows[0] == ["a", "RS256", "verify-only", "2d 3h  key directory"]
    assert rows[1] == ["b", "ES256", "signing", "7m     key directory"]
    assert rows[2][1:] == ["EdDSA", "verify-only", "-      settings"]


def test_list_shows_the_signing_key_of_the_settings():
    auth = {"JWT_ALGORITHM": "RS256", "JWT_PRIVATE_KEY": {"k1": read_key("rsa_private.pem")}}
    with override_settings(JWT_AUTH=auth):
        lines = run("list").splitlines()
    assert lines[1].split() == ["k1", "RS256", "signing", "-", "settings"]


def test_retire_is_refused_while_its_tokens_can_be_valid(keydir, user, time_machine):
    time_machine.move_to("2026-03-01 12:00:00+00:00", tick=False)
    with key_dir_settings(keydir, JWT_EXPIRATION_DELTA=datetime.timedelta(minutes=30)):
        run("generate", "--kid", "old")
        old_token = token_for(user)
        run("rotate", "--kid", "new")
        with pytest.raises(CommandError, match="signing key"):
            run("retire", "new")
        # 30 minutes of lifetime, 60 seconds of reload interval (the defaults' impersonation
        # lifetime is shorter).
        time_machine.shift(datetime.timedelta(minutes=30))
        with pytest.raises(CommandError, match=r"valid until 2026-03-01T12:31:00Z \(in 1m\)"):
            run("retire", "old")
        assert (keydir / "old.pem").exists()
        time_machine.shift(datetime.timedelta(minutes=1))
        assert "Retired old" in run("retire", "old")
        assert not (keydir / "old.pem").exists()
        assert [entry["kid"] for entry in metadata(keydir)] == ["new"]
        assert published_kids() == ["new"]
        with pytest.raises(jwt.InvalidTokenError):
            utils.jwt_decode_handler(old_token)


def test_retire_counts_refresh_tokens_when_they_are_on(keydir, time_machine):
    time_machine.move_to("2026-03-01 12:00:00+00:00", tick=False)
    with key_dir_settings(
        keydir,
        JWT_REFRESH_TOKENS=True,
        JWT_REFRESH_EXPIRATION_DELTA=datetime.timedelta(days=7),
    ):
        run("generate", "--kid", "old")
        run("rotate")
        time_machine.shift(datetime.timedelta(days=6))
        with pytest.raises(CommandError, match="2026-03-08T12:01:00Z"):
            run("retire", "old")


def test_retire_force_and_keys_that_never_signed(keydir):
    with key_dir_settings(keydir):
        run("generate", "--kid", "a")
        run("generate", "--kid", "unused")
        assert "Retired unused" in run("retire", "unused")  # it signed nothing
        run("rotate", "--kid", "b")
        assert "Retired a" in run("retire", "a", "--force")
        with pytest.raises(CommandError, match="no key 'a'"):
            run("retire", "a")


def test_retire_is_refused_when_tokens_never_expire(keydir):
    with key_dir_settings(keydir, JWT_VERIFY_EXPIRATION=False):
        run("generate", "--kid", "a")
        run("rotate")
        with pytest.raises(CommandError, match="never expire"):
            run("retire", "a")


def test_a_running_process_picks_up_a_rotation_within_the_reload_interval(
    keydir, user, time_machine
):
    time_machine.move_to("2026-03-01 12:00:00+00:00", tick=False)
    with key_dir_settings(keydir, JWT_KEY_RELOAD_INTERVAL=30):
        run("generate", "--kid", "one")
        run("generate", "--kid", "two")
        assert kid_of(token_for(user)) == "one"
        _state.config()  # looks at the key files now; the next look is in 30 s
        # Another process rotates (as `jwt_keys rotate --to two` there would); nothing reloads
        # the settings here.
        keystore.write(keydir, keystore.promote(keystore.read(keydir), "two", claims.now()))
        time_machine.shift(29)
        assert kid_of(token_for(user)) == "one"
        time_machine.shift(2)
        assert kid_of(token_for(user)) == "two"


def test_keys_from_a_file_and_a_change_of_the_file(tmp_path, user, time_machine):
    time_machine.move_to("2026-03-01 12:00:00+00:00", tick=False)
    path = tmp_path / "key.pem"
    path.write_text(read_key("rsa_private.pem"))
    auth = {"JWT_ALGORITHM": "RS256", "JWT_PRIVATE_KEY": {"k": from_file(path)}}
    with override_settings(JWT_AUTH=auth):
        first = token_for(user)
        assert utils.jwt_decode_handler(first)["username"] == "admin"
        replacement = tmp_path / "new.pem"
        replacement.write_text(read_key("rsa2_private.pem"))
        replacement.replace(path)
        time_machine.shift(61)
        second = token_for(user)
    assert jwt.decode(first, read_key("rsa_public.pem"), algorithms=["RS256"])
    assert jwt.decode(second, read_key("rsa2_public.pem"), algorithms=["RS256"])


def test_a_secret_file_without_its_final_newline(tmp_path, user):
    secret = "an-hmac-secret-kept-in-a-file-0123456789abcdef"
    path = tmp_path / "secret"
    path.write_text(secret + "\n")
    with override_settings(JWT_AUTH={"JWT_SECRET_KEY": from_file(path)}):
        token = token_for(user)
    assert jwt.decode(token, secret, algorithms=["HS256"])["username"] == "admin"


def test_keys_from_environment_variables(monkeypatch, user):
    one_line = read_key("ec_private.pem").replace("\n", "\\n")
    monkeypatch.setenv("TEST_JWT_PRIVATE_KEY", one_line)
    monkeypatch.setenv("TEST_JWT_SECRET", "an-hmac-secret-from-the-environment-0123456789")
    auth = {
        "JWT_ALGORITHM": ["ES256", "HS256"],
        "JWT_PRIVATE_KEY": from_env("TEST_JWT_PRIVATE_KEY"),
        "JWT_SECRET_KEY": from_env("TEST_JWT_SECRET"),
    }
    with override_settings(JWT_AUTH=auth):
        token = token_for(user)
        assert utils.jwt_decode_handler(token)["username"] == "admin"
        hs = jwt.encode(
            {"username": "admin", "exp": 2**31},
            "an-hmac-secret-from-the-environment-0123456789",
            "HS256",
        )
        assert utils.jwt_decode_handler(hs)["username"] == "admin"
        assert not [message for message in run_checks() if "rest_framework_jwt" in message.id]
    assert jwt.decode(token, read_key("ec_public.pem"), algorithms=["ES256"])


def test_an_unreadable_key_source_is_a_system_check_error(tmp_path, monkeypatch):
    monkeypatch.delenv("TEST_JWT_MISSING", raising=False)
    auth = {
        "JWT_ALGORITHM": "RS256",
        "JWT_PRIVATE_KEY": from_file(tmp_path / "missing.pem"),
        "JWT_PUBLIC_KEY": [from_env("TEST_JWT_MISSING")],
    }
    with override_settings(JWT_AUTH=auth):
        messages = [m for m in run_checks() if m.id == "rest_framework_jwt.E007"]
    text = " ".join(message.msg for message in messages)
    assert "missing.pem" in text
    assert "TEST_JWT_MISSING is not set" in text


def test_key_directory_checks(keydir):
    keydir.mkdir()
    with key_dir_settings(keydir):
        run("generate")
        ids = [m.id for m in run_checks() if m.id.startswith("rest_framework_jwt")]
        assert ids == []  # no E004 (keys come from the directory), no W004 (it signs)
        (keydir / "keys.json").write_text("not json")
        messages = [m for m in run_checks() if m.id == "rest_framework_jwt.E007"]
        assert "keys.json is not valid JSON" in messages[0].msg
    with override_settings(JWT_AUTH={"JWT_ALGORITHM": "RS256", "JWT_KEY_DIR": 42}):
        assert "rest_framework_jwt.E006" in [m.id for m in run_checks()]


def test_a_directory_key_of_an_algorithm_not_accepted_is_an_error(keydir):
    with key_dir_settings(keydir):
        run("generate", "--alg", "EdDSA")
    with override_settings(JWT_AUTH={"JWT_ALGORITHM": "RS256", "JWT_KEY_DIR": str(keydir)}):
        messages = [m for m in run_checks() if m.id == "rest_framework_jwt.E007"]
    assert "is a EdDSA key, not in JWT_ALGORITHM" in messages[0].msg


def test_moving_from_settings_keys_to_the_directory_keeps_old_tokens(keydir, user):
    old = {"JWT_PRIVATE_KEY": [read_key("rsa_private.pem"), read_key("rsa2_private.pem")]}
    with key_dir_settings(keydir, **old):
        old_token = token_for(user)  # two keys verify: a thumbprint kid
    new = {"JWT_PUBLIC_KEY": [read_key("rsa_public.pem")], "JWT_INSIST_ON_KID": True}
    with key_dir_settings(keydir, **new):
        run("generate", "--kid", "dir")
        assert kid_of(token_for(user)) == "dir"
        # The unnamed settings key is found by its thumbprint among the named ones.
        assert utils.jwt_decode_handler(old_token)["username"] == "admin"
        assert published_kids() == ["dir", kid_of(old_token)]


def test_the_command_runs_while_the_checks_report_the_missing_key(keydir):
    with override_settings(JWT_AUTH={"JWT_ALGORITHM": "RS256", "JWT_KEY_DIR": str(keydir)}):
        assert "rest_framework_jwt.E004" in [m.id for m in run_checks()]
        # As from the command line, where a command's system checks run first.
        with contextlib.redirect_stdout(io.StringIO()) as out:
            ManagementUtility(["manage.py", "jwt_keys", "generate"]).execute()
        assert "It is the signing key." in out.getvalue()
        assert "rest_framework_jwt.E004" not in [m.id for m in run_checks()]


def test_list_prints_the_key_problems_as_warnings(keydir):
    keydir.mkdir()
    (keydir / "keys.json").write_text('{"keys": "none"}')
    err = io.StringIO()
    with key_dir_settings(keydir):
        call_command("jwt_keys", "list", stdout=io.StringIO(), stderr=err)
    assert "Warning: JWT_KEY_DIR:" in err.getvalue()
    assert "has no list of keys" in err.getvalue()
