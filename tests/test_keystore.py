"""The key directory (keystore.py) and the refusals of ``manage.py jwt_keys``.

tests/test_jwt_keys.py has the command's working paths; this file the lists of keys that are not
valid, the files that cannot be read or written, and each refusal of the command, with the message
that tells the operator what to do.
"""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from rest_framework_jwt import keystore
from rest_framework_jwt.keys import KeySourceError
from tests.test_jwt_keys import key_dir_settings, metadata, run


@pytest.fixture
def keydir(tmp_path):
    return tmp_path / "jwt-keys"


GOOD = {"kid": "a", "algorithm": "RS256", "role": "signing", "created": 1.0}


def write_list(directory, document) -> None:
    directory.mkdir(exist_ok=True)
    (directory / "keys.json").write_text(json.dumps(document))


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        (["a"], "an entry is not an object"),
        ([{**GOOD, "kid": "../a"}], "the kid '../a' is not a valid key name"),
        ([{**GOOD, "kid": 7}], "the kid 7 is not a valid key name"),
        ([{**GOOD, "role": "admin"}], "the key 'a' has no algorithm or an unknown role"),
        ([{**GOOD, "algorithm": None}], "the key 'a' has no algorithm or an unknown role"),
        ([{**GOOD, "created": "yesterday"}], "the key 'a' has invalid times"),
        ([{**GOOD, "demoted": "now"}], "the key 'a' has invalid times"),
        ([GOOD, {**GOOD, "kid": "b"}], "more than one signing key, or a kid listed twice"),
        ([GOOD, {**GOOD, "role": "verify-only"}], "more than one signing key, or a kid listed"),
    ],
)
def test_an_invalid_list_of_keys_is_refused_naming_the_file(tmp_path, entries, message):
    write_list(tmp_path, {"keys": entries})
    with pytest.raises(KeySourceError) as error:
        keystore.read(tmp_path)
    assert str(error.value).startswith(f"{tmp_path / 'keys.json'}: {message}")


def test_a_valid_list_is_read_with_its_times(tmp_path):
    second = {**GOOD, "kid": "b", "role": "verify-only", "demoted": 2}
    write_list(tmp_path, {"keys": [GOOD, second]})
    assert keystore.read(tmp_path) == [
        keystore.StoredKey("a", "RS256", "signing", 1.0),
        keystore.StoredKey("b", "RS256", "verify-only", 1.0, 2),
    ]


def test_a_list_that_cannot_be_read_says_why(tmp_path):
    (tmp_path / "keys.json").mkdir()
    with pytest.raises(KeySourceError, match=r"cannot read .*keys\.json: Is a directory\."):
        keystore.read(tmp_path)


def test_a_missing_private_key_file_says_which(tmp_path):
    with pytest.raises(KeySourceError, match=r"cannot read the key file .*gone\.pem: No such file"):
        keystore.read_private_key(tmp_path, "gone")


def test_a_failed_write_keeps_the_old_list_and_leaves_no_temporary_file(tmp_path):
    keystore.write(tmp_path, [keystore.StoredKey("a", "RS256", "signing", 1.0)])
    before = (tmp_path / "keys.json").read_bytes()
    unserializable = keystore.StoredKey("b", "RS256", "signing", object())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        keystore.write(tmp_path, [unserializable])
    assert (tmp_path / "keys.json").read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["keys.json"]


def test_only_the_generated_algorithms_can_be_generated():
    with pytest.raises(ValueError, match="Cannot generate keys for 'HS256'"):
        keystore.generate_private_key("HS256")


def test_file_identity_is_none_for_a_missing_file_and_changes_on_replace(tmp_path):
    path = tmp_path / "keys.json"
    assert keystore.file_identity(path) is None
    keystore.write(tmp_path, [])
    first = keystore.file_identity(path)
    keystore.write(tmp_path, [keystore.StoredKey("a", "RS256", "signing", 1.0)])
    assert first is not None
    assert keystore.file_identity(path) != first


# -- the command's refusals


def test_a_directory_with_an_invalid_list_is_refused_and_left_alone(keydir):
    write_list(keydir, {"keys": "none"})
    with key_dir_settings(keydir):
        for action in (["generate"], ["rotate"], ["retire", "a"]):
            with pytest.raises(CommandError, match="has no list of keys"):
                run(*action)
    assert sorted(path.name for path in keydir.iterdir()) == ["keys.json"]


def test_retire_needs_an_existing_directory(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(CommandError, match=rf"The key directory {missing} does not exist\."):
        run("retire", "a", "--dir", str(missing))
    assert not missing.exists()  # unlike generate and rotate, retire creates nothing


@pytest.mark.parametrize("action", ["generate", "rotate"])
def test_rsa_keys_shorter_than_2048_bits_are_refused(keydir, action):
    with key_dir_settings(keydir), pytest.raises(CommandError, match="at least 2048 bits"):
        run(action, "--bits", "1024")
    assert list(keydir.iterdir()) == []  # no key file, no list


def test_a_kid_already_listed_is_refused(keydir):
    with key_dir_settings(keydir):
        run("generate", "--kid", "a")
        pem = (keydir / "a.pem").read_bytes()
        for action in ("generate", "rotate"):
            with pytest.raises(CommandError, match="already has a key 'a'"):
                run(action, "--kid", "a")
    assert (keydir / "a.pem").read_bytes() == pem
    assert [entry["kid"] for entry in metadata(keydir)] == ["a"]


def test_a_key_file_not_listed_is_never_overwritten(keydir):
    keydir.mkdir()
    (keydir / "a.pem").write_bytes(b"someone's key")
    with key_dir_settings(keydir), pytest.raises(CommandError, match=r"a\.pem exists already"):
        run("generate", "--kid", "a")
    assert (keydir / "a.pem").read_bytes() == b"someone's key"
    assert not (keydir / "keys.json").exists()


def test_generate_out_into_a_missing_directory_says_why(tmp_path):
    path = tmp_path / "missing" / "key.pem"
    with pytest.raises(CommandError, match=rf"Cannot write {path}: No such file or directory\."):
        run("generate", "--out", str(path))


def test_rotate_to_takes_no_algorithm_or_kid(keydir):
    with key_dir_settings(keydir):
        run("generate", "--kid", "a")
        run("generate", "--kid", "b")
        before = metadata(keydir)
        for extra in (["--alg", "ES256"], ["--kid", "c"]):
            with pytest.raises(CommandError, match="it takes no --alg or --kid"):
                run("rotate", "--to", "b", *extra)
        with pytest.raises(CommandError, match="The key directory has no key 'c'"):
            run("rotate", "--to", "c")
        with pytest.raises(CommandError, match="a is the signing key already"):
            run("rotate", "--to", "a")
    assert metadata(keydir) == before


def test_rotate_to_refuses_a_key_whose_algorithm_is_not_accepted(keydir):
    with key_dir_settings(keydir):
        run("generate", "--kid", "a")
        run("generate", "--kid", "ed", "--alg", "EdDSA")
    with (
        override_settings(JWT_AUTH={"JWT_ALGORITHM": "RS256", "JWT_KEY_DIR": str(keydir)}),
        pytest.raises(CommandError, match="EdDSA is not in JWT_AUTH"),
    ):
        run("rotate", "--to", "ed")
    assert {entry["kid"]: entry["role"] for entry in metadata(keydir)}["a"] == "signing"


def test_rotate_in_an_empty_directory_makes_the_first_signing_key(keydir):
    with key_dir_settings(keydir):
        out = run("rotate", "--kid", "first")
    assert out.splitlines() == ["first (RS256) signs new tokens now."]  # no old key to retire
    assert [(entry["kid"], entry["role"]) for entry in metadata(keydir)] == [("first", "signing")]


def test_list_shows_ages_in_hours_and_seconds(keydir, time_machine):
    time_machine.move_to("2026-03-01 12:00:00+00:00", tick=False)
    with key_dir_settings(keydir):
        run("generate", "--kid", "a")
        time_machine.shift(datetime.timedelta(hours=3, minutes=5))
        run("generate", "--kid", "b")
        time_machine.shift(datetime.timedelta(seconds=42))
        rows = [line.split() for line in run("list").splitlines()[1:]]
    assert [row[3:5] for row in rows] == [["3h", "5m"], ["42s", "key"]]


def test_list_shows_a_secret_without_publishing_it():
    auth = {"JWT_ALGORITHM": ["HS256", "HS512"], "JWT_SECRET_KEY": "s" * 64}
    err = io.StringIO()
    with override_settings(JWT_AUTH=auth):
        out = io.StringIO()
        call_command("jwt_keys", "list", stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert lines[1].split() == ["-", "HS256,HS512", "signing", "-", "settings"]
    assert "s" * 64 not in out.getvalue() + err.getvalue()
