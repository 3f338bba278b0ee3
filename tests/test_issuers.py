"""External issuers: TrustedIssuerAuthentication against a real JWKS server on a loopback port.

Each test starts its own server (tests/jwks_server.py). The clock is moved with time_machine,
never waited for; the JWKS cache is the LocMemCache "locmem" (emptied per test).
"""

from __future__ import annotations

import base64
import json
import logging
import time
from typing import Any

import jwt
import pytest
from django.core.cache import caches
from django.test import override_settings
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from rest_framework_jwt import issuers
from rest_framework_jwt.authentication import (
    IssuerTokenUser,
    JSONWebTokenAuthentication,
    TrustedIssuerAuthentication,
)
from rest_framework_jwt.settings import api_settings
from tests.jwks_server import (
    DISCOVERY_PATH,
    EC_PRIVATE,
    JWKS_PATH,
    RSA2_PRIVATE,
    RSA_PRIVATE,
    JWKSServer,
    public_jwk,
)

START = "2026-03-04 05:06:07+00:00"


class Whoami(APIView):
    authentication_classes = (TrustedIssuerAuthentication,)
    permission_classes = (IsAuthenticated,)

    def get(self, request: Any) -> Response:
        token = request.verified_token
        return Response(
            {
                "user": type(request.user).__name__,
                "username": request.user.get_username(),
                "iss": getattr(getattr(token, "issuer", None), "issuer", None),
            }
        )


whoami = Whoami.as_view()
both = Whoami.as_view(
    authentication_classes=(TrustedIssuerAuthentication, JSONWebTokenAuthentication)
)


def call(token: str | None, view: Any = whoami, scheme: str = "Bearer") -> Any:
    extra = {"HTTP_AUTHORIZATION": f"{scheme} {token}"} if token is not None else {}
    response = view(APIRequestFactory().get("/whoami/", **extra))
    response.render()
    return response


@pytest.fixture
def idp():
    server = JWKSServer().start()
    caches["locmem"].clear()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def entry(server: JWKSServer, **changes: Any) -> dict[str, Any]:
    found = {"issuer": server.issuer, "jwks_url": server.url(JWKS_PATH), "audience": "api"}
    found.update(changes)
    return found


def trusting(*entries: dict[str, Any], debug: bool = True, **jwt_auth: Any) -> Any:
    return override_settings(
        DEBUG=debug,
        JWT_AUTH={
            "JWT_TRUSTED_ISSUERS": list(entries),
            "JWT_JWKS_CACHE": "locmem",
            "JWT_RESPONSE_ERROR_CODES": True,
            **jwt_auth,
        },
    )


def token_of(
    server: JWKSServer, key: str = RSA_PRIVATE, kid: str | None = "k1", alg: str = "RS256", **claims
) -> str:
    payload = {"iss": server.issuer, "aud": "api", "sub": "alice", "exp": int(time.time()) + 300}
    payload.update(claims)
    headers = {"kid": kid} if kid is not None else None
    return jwt.encode(payload, key, algorithm=alg, headers=headers)


def refused(response: Any, code: str, status: int = 401) -> None:
    assert response.status_code == status, response.content
    assert response.data["code"] == code, response.data


# --- accepting ------------------------------------------------------------------------------


def test_a_trusted_token_is_accepted_and_the_user_is_built_from_its_claims(idp, clock):
    with trusting(entry(idp)):
        response = call(token_of(idp))
    assert response.status_code == 200, response.content
    assert response.data == {"user": "IssuerTokenUser", "username": "alice", "iss": idp.issuer}


def test_the_verified_token_is_request_verified_token(idp, clock):
    raw = token_of(idp, scope="a")
    request = Whoami().initialize_request(
        APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    )
    with trusting(entry(idp)):
        user, auth = TrustedIssuerAuthentication().authenticate(request)
    assert isinstance(user, IssuerTokenUser) and user.issuer == idp.issuer and user.pk == "alice"
    assert auth == raw  # request.auth is the raw token, as for the package's own tokens
    token = request.verified_token
    assert isinstance(token, issuers.ExternalToken) and token.issuer.issuer == idp.issuer
    assert token.claims["scope"] == "a" and token.key_id == "k1" and token.raw == raw
    with pytest.raises(TypeError):
        token.claims["scope"] = "b"  # read-only


def test_discovery_names_the_jwks_url(idp, clock):
    discovered = {"issuer": idp.issuer, "discovery_url": idp.url(DISCOVERY_PATH), "audience": "api"}
    with trusting(discovered):
        assert call(token_of(idp)).status_code == 200
    assert idp.hits[DISCOVERY_PATH] == 1 and idp.fetches == 1


def test_a_discovery_document_of_another_issuer_is_not_used(idp, clock, caplog):
    discovered = {
        "issuer": idp.issuer + "other/",
        "discovery_url": idp.url(DISCOVERY_PATH),
        "audience": "api",
    }
    with trusting(discovered):
        response = call(token_of(idp, iss=idp.issuer + "other/"))
    refused(response, "issuer_unavailable", 503)
    assert idp.fetches == 0
    assert "discovery document names the issuer" in caplog.text


def test_ec_keys_and_keys_without_kid(idp, clock):
    idp.jwks = {"keys": [public_jwk(EC_PRIVATE, None, "ES256")]}
    with trusting(entry(idp, algorithms=["ES256"])):
        assert call(token_of(idp, EC_PRIVATE, kid=None, alg="ES256")).status_code == 200
        refused(call(token_of(idp, kid=None)), "token_invalid_algorithm")


# --- caching ----------------------------------------------------------------------------------


def test_one_fetch_serves_many_requests_until_the_lifetime_ends(idp, clock):
    with trusting(entry(idp), JWT_JWKS_CACHE_LIFETIME=600):
        for _ in range(5):
            assert call(token_of(idp)).status_code == 200
        assert idp.fetches == 1
        clock.shift(599)
        assert call(token_of(idp)).status_code == 200
        assert idp.fetches == 1
        clock.shift(2)
        assert call(token_of(idp)).status_code == 200
        assert idp.fetches == 2


def test_the_cache_is_shared_a_new_process_copy_reads_it_without_fetching(idp, clock):
    with trusting(entry(idp)):
        assert call(token_of(idp)).status_code == 200
        issuers._memo().clear()  # what another process starts with
        assert call(token_of(idp)).status_code == 200
    assert idp.fetches == 1


def test_no_key_is_parsed_and_nothing_is_read_per_request(idp, clock, monkeypatch):
    with trusting(entry(idp)):
        assert call(token_of(idp)).status_code == 200
        token = token_of(idp)

        def forbidden(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("no key parsing on the request path")

        class Watched(dict):
            """The caches, each use of one recorded (the module's cache helpers catch any
            error, so a raising stand-in would go unseen)."""

            def __getitem__(self, alias: str) -> Any:
                used.append(alias)
                return caches[alias]

        used: list[str] = []
        fetches = idp.fetches
        monkeypatch.setattr(issuers, "caches", Watched())
        monkeypatch.setattr(issuers.backend, "jwk_set_ring", forbidden)
        for _ in range(3):
            assert call(token).status_code == 200
        assert used == []
        assert idp.fetches == fetches


def test_a_rotated_key_is_fetched_on_its_unknown_kid_at_most_once_per_interval(idp, clock):
    with trusting(entry(idp), JWT_JWKS_REFETCH_INTERVAL=60):
        assert call(token_of(idp)).status_code == 200
        idp.jwks = {"keys": [public_jwk(RSA_PRIVATE, "k1"), public_jwk(RSA2_PRIVATE, "k2")]}
        new = token_of(idp, RSA2_PRIVATE, kid="k2")
        # Right after a fetch, an unknown kid does not fetch again.
        refused(call(new), "token_unknown_key")
        assert idp.fetches == 1
        clock.shift(60)
        assert call(new).status_code == 200
        assert idp.fetches == 2
        # The old key is still in the set.
        assert call(token_of(idp)).status_code == 200


def test_unknown_kids_cannot_make_it_fetch_more_than_once_per_interval(idp, clock):
    with trusting(entry(idp), JWT_JWKS_REFETCH_INTERVAL=60):
        assert call(token_of(idp)).status_code == 200
        clock.shift(61)
        for number in range(5):
            refused(call(token_of(idp, kid=f"nope{number}")), "token_unknown_key")
        assert idp.fetches == 2
        clock.shift(61)
        refused(call(token_of(idp, kid="nope")), "token_unknown_key")
        assert idp.fetches == 3


def test_a_key_removed_from_the_set_stops_verifying_after_the_next_fetch(idp, clock):
    with trusting(entry(idp), JWT_JWKS_CACHE_LIFETIME=600):
        assert call(token_of(idp)).status_code == 200
        idp.jwks = {"keys": [public_jwk(RSA2_PRIVATE, "k2")]}
        clock.shift(601)
        refused(call(token_of(idp)), "token_unknown_key")
        assert call(token_of(idp, RSA2_PRIVATE, kid="k2")).status_code == 200


# --- outages --------------------------------------------------------------------------------


def test_while_the_issuer_is_down_the_last_set_keeps_serving_and_it_recovers(idp, clock, caplog):
    caplog.set_level(logging.WARNING, "rest_framework_jwt.issuers")
    with trusting(entry(idp), JWT_JWKS_CACHE_LIFETIME=600, JWT_JWKS_REFETCH_INTERVAL=60):
        assert call(token_of(idp)).status_code == 200
        idp.down = True
        clock.shift(601)
        assert call(token_of(idp)).status_code == 200  # stale-if-error
        assert "Could not fetch the JWK Set" in caplog.text
        assert "still using the set fetched 601 s ago" in caplog.text
        for _ in range(3):
            assert call(token_of(idp)).status_code == 200
        assert idp.fetches == 2  # one failed attempt per interval, not one per request
        idp.down = False
        idp.jwks = {"keys": [public_jwk(RSA2_PRIVATE, "k2")]}
        clock.shift(60)
        assert call(token_of(idp, RSA2_PRIVATE, kid="k2")).status_code == 200
        assert idp.fetches == 3


def test_a_stale_set_serves_no_longer_than_the_stale_lifetime(idp, clock):
    with trusting(entry(idp), JWT_JWKS_CACHE_LIFETIME=600, JWT_JWKS_STALE_LIFETIME=3600):
        assert call(token_of(idp)).status_code == 200
        idp.down = True
        clock.shift(600 + 3599)
        assert call(token_of(idp)).status_code == 200
        clock.shift(2)
        response = call(token_of(idp))
    refused(response, "issuer_unavailable", 503)
    assert response["Retry-After"]


def test_an_issuer_down_without_a_cached_set_is_a_503_and_is_not_hammered(idp, clock, caplog):
    idp.down = True
    with trusting(entry(idp), JWT_JWKS_REFETCH_INTERVAL=60):
        for _ in range(3):
            response = call(token_of(idp))
            refused(response, "issuer_unavailable", 503)
        assert response["Retry-After"] == "5"
        assert idp.fetches == 1
        assert "its tokens are refused with 503" in caplog.text
        idp.down = False
        clock.shift(60)
        assert call(token_of(idp)).status_code == 200


def test_a_cache_that_cannot_be_reached_still_lets_each_process_fetch(idp, clock, monkeypatch):
    class Broken:
        def __getattr__(self, name: str) -> Any:
            raise ConnectionError("cache down")

    monkeypatch.setattr(issuers, "caches", {"locmem": Broken()})
    with trusting(entry(idp)):
        assert call(token_of(idp)).status_code == 200
        assert call(token_of(idp)).status_code == 200
    assert idp.fetches == 1


def _unreachable(idp, clock, caplog, expected: str, **changes: Any) -> None:
    with trusting(entry(idp, **changes), JWT_JWKS_MAX_SIZE=65536):
        refused(call(token_of(idp)), "issuer_unavailable", 503)
    assert expected in caplog.text


def test_http_is_refused_outside_debug(idp, clock, caplog):
    with trusting(entry(idp), debug=False):
        refused(call(token_of(idp)), "issuer_unavailable", 503)
    assert idp.fetches == 0
    assert "is not an https:// URL" in caplog.text


def test_an_oversized_answer_is_refused(idp, clock, caplog):
    idp.oversized = True
    _unreachable(idp, clock, caplog, "answered more than 65536 bytes")


def test_a_redirect_to_another_host_is_not_followed(idp, clock, caplog):
    idp.redirect = f"http://localhost:{idp.port}/moved/jwks.json"
    _unreachable(idp, clock, caplog, "redirected to another host")
    assert idp.hits["/moved/jwks.json"] == 0


def test_a_redirect_on_the_same_host_is_followed(idp, clock):
    idp.redirect = idp.url("/moved/jwks.json")
    with trusting(entry(idp)):
        assert call(token_of(idp)).status_code == 200
    assert idp.hits["/moved/jwks.json"] == 1


def test_a_set_without_a_usable_key_is_not_used(idp, clock, caplog):
    idp.jwks = {"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "k1"}]}
    _unreachable(idp, clock, caplog, "has no key for RS256")


def test_a_slow_issuer_times_out(idp, clock, caplog):
    idp.hanging = True
    with trusting(entry(idp), JWT_JWKS_FETCH_TIMEOUT=0.2):
        refused(call(token_of(idp)), "issuer_unavailable", 503)
    assert "timed out" in caplog.text


def test_an_issuer_that_answers_byte_by_byte_times_out(idp, clock, caplog):
    # Each read gets a byte before the timeout; the answer as a whole must not take longer
    # (the server drips for 30 s: without the overall limit the fetch ends with its close).
    idp.dripping = True
    with trusting(entry(idp), JWT_JWKS_FETCH_TIMEOUT=0.5):
        refused(call(token_of(idp)), "issuer_unavailable", 503)
    assert "timed out" in caplog.text


# --- refusals ---------------------------------------------------------------------------------


def _segments(header: Any, payload: Any) -> str:
    """An unsigned compact token of these JSON values (the signature is garbage)."""

    def part(value: Any) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(payload)}.{part('sig')}"


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda idp: token_of(idp, exp=int(time.time()) - 1), "token_expired"),
        (lambda idp: token_of(idp, aud="other"), "token_invalid_audience"),
        (lambda idp: token_of(idp, iss="https://stranger.example/"), "token_invalid_issuer"),
        (lambda idp: token_of(idp, RSA2_PRIVATE), "token_decode_error"),  # bad signature
        (lambda idp: token_of(idp, kid="unknown"), "token_unknown_key"),
        (lambda idp: token_of(idp, RSA_PRIVATE, alg="RS512"), "token_invalid_algorithm"),
        (
            lambda idp: jwt.encode(
                {"iss": idp.issuer, "aud": "api", "sub": "a", "exp": int(time.time()) + 60},
                "a-secret-that-is-long-enough-for-hmac-sha256!!",
                algorithm="HS256",
                headers={"kid": "k1"},
            ),
            "token_invalid_algorithm",
        ),
        (lambda idp: token_of(idp, sub=""), "payload_invalid"),
        (lambda idp: token_of(idp, sub=["a"]), "token_invalid_claim"),
        (lambda idp: "not-a-token", "token_decode_error"),
        (
            lambda idp: _segments({"alg": "RS256", "kid": 7}, {"iss": idp.issuer}),
            "token_decode_error",
        ),
        (lambda idp: _segments({"alg": "RS256"}, {"iss": [idp.issuer]}), "token_invalid_issuer"),
        (lambda idp: token_of(idp, pad="x" * 9000), "token_too_large"),
        (
            lambda idp: _segments({"alg": "none", "kid": "k1"}, {"iss": idp.issuer}),
            "token_invalid_algorithm",
        ),
        (lambda idp: _segments({"alg": "RS256", "kid": "k1"}, [idp.issuer]), "token_decode_error"),
        (
            lambda idp: _segments({"alg": "RS256", "typ": "xml"}, {"iss": idp.issuer}),
            "token_decode_error",
        ),
        (lambda idp: "e30.e30.", "token_invalid_issuer"),  # no iss: not a trusted issuer's
        (lambda idp: "a.b.c", "token_decode_error"),
    ],
)
def test_bad_tokens_get_a_401_with_a_stable_code(idp, clock, make, code):
    with trusting(entry(idp)):
        response = call(make(idp))
    refused(response, code)
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_match_claims_need_their_exact_values(idp, clock):
    with trusting(
        entry(idp, audience=None, match_claims={"token_use": "access", "client_id": "c1"})
    ):
        payload = {"iss": idp.issuer, "sub": "a", "exp": int(time.time()) + 60}
        ok = jwt.encode(
            {**payload, "token_use": "access", "client_id": "c1"},
            RSA_PRIVATE,
            "RS256",
            headers={"kid": "k1"},
        )
        assert call(ok).status_code == 200
        wrong = jwt.encode(
            {**payload, "token_use": "id", "client_id": "c1"},
            RSA_PRIVATE,
            "RS256",
            headers={"kid": "k1"},
        )
        refused(call(wrong), "token_invalid_claim")
        missing = jwt.encode(
            {**payload, "token_use": "access"}, RSA_PRIVATE, "RS256", headers={"kid": "k1"}
        )
        refused(call(missing), "token_missing_claim")
        with_aud = jwt.encode(
            {**payload, "aud": "x", "token_use": "access", "client_id": "c1"},
            RSA_PRIVATE,
            "RS256",
            headers={"kid": "k1"},
        )
        refused(call(with_aud), "token_invalid_audience")


def test_a_token_that_asks_to_fetch_its_own_key_is_refused(idp, clock):
    for header in ({"jku": idp.url(JWKS_PATH)}, {"x5u": idp.url(JWKS_PATH)}, {"jwk": {}}):
        payload = {"iss": idp.issuer, "aud": "api", "sub": "a", "exp": int(time.time()) + 60}
        token = jwt.encode(payload, RSA_PRIVATE, algorithm="RS256", headers=header)
        with trusting(entry(idp)):
            refused(call(token), "token_decode_error")
    assert idp.hits[JWKS_PATH] == 0


def test_a_header_of_another_scheme_is_left_to_other_classes(idp, clock):
    with trusting(entry(idp)):
        response = call(token_of(idp), scheme="Basic")
    assert response.status_code == 401
    assert response.data["detail"].code == "not_authenticated"


# --- several issuers, and the package's own tokens ------------------------------------------


@pytest.fixture
def second_idp():
    server = JWKSServer().start()
    server.jwks = {"keys": [public_jwk(RSA2_PRIVATE, "k1")]}  # the same kid, another key
    try:
        yield server
    finally:
        server.stop()


def test_one_issuers_key_never_verifies_another_issuers_token(idp, second_idp, clock):
    with trusting(entry(idp), entry(second_idp)):
        assert call(token_of(idp)).status_code == 200
        assert call(token_of(second_idp, RSA2_PRIVATE)).status_code == 200
        # Signed with the second issuer's key and kid, claiming the first issuer.
        refused(call(token_of(idp, RSA2_PRIVATE)), "token_decode_error")
        refused(call(token_of(second_idp, RSA_PRIVATE)), "token_decode_error")


def test_own_and_external_tokens_side_by_side(idp, clock, user):
    own = api_settings.JWT_ENCODE_HANDLER(api_settings.JWT_PAYLOAD_HANDLER(user))
    with trusting(entry(idp)):
        own = api_settings.JWT_ENCODE_HANDLER(api_settings.JWT_PAYLOAD_HANDLER(user))
        assert call(own, both, "JWT").data["user"] == "User"
        assert call(token_of(idp), both).data["user"] == "IssuerTokenUser"
        # Under Bearer, the package's own token is not one of a trusted issuer: refused.
        refused(call(own, both, "Bearer"), "token_invalid_issuer")


def test_with_the_same_prefix_the_own_tokens_pass_to_the_own_class(idp, clock, user):
    with trusting(entry(idp), JWT_AUTH_HEADER_PREFIX="Bearer"):
        own = api_settings.JWT_ENCODE_HANDLER(api_settings.JWT_PAYLOAD_HANDLER(user))
        assert call(own, both).data["user"] == "User"
        assert call(token_of(idp), both).data["user"] == "IssuerTokenUser"


def test_the_own_keys_never_verify_a_token_claiming_a_trusted_issuer(idp, clock, user):
    with trusting(entry(idp)):
        payload = api_settings.JWT_PAYLOAD_HANDLER(user)
        payload["iss"] = idp.issuer
        forged = api_settings.JWT_ENCODE_HANDLER(payload)
        response = call(
            forged, Whoami.as_view(authentication_classes=(JSONWebTokenAuthentication,)), "JWT"
        )
    refused(response, "token_invalid_issuer")


# --- local users ------------------------------------------------------------------------------


def test_a_local_user_is_looked_up_by_the_configured_claim(idp, clock, user):
    with trusting(entry(idp, user_claim="email", user_field="email")):
        response = call(token_of(idp, email=user.email))
        assert response.status_code == 200 and response.data["username"] == user.username
        refused(call(token_of(idp, email="nobody@example.com")), "user_not_found")
        user.is_active = False
        user.save()
        refused(call(token_of(idp, email=user.email)), "user_inactive")


def test_local_users_are_created_only_when_allowed(idp, clock, db, django_user_model):
    with trusting(entry(idp, user_claim="sub")):
        refused(call(token_of(idp, sub="carol")), "user_not_found")
    assert not django_user_model.objects.filter(username="carol").exists()
    with trusting(entry(idp, user_claim="sub", create_users=True)):
        assert call(token_of(idp, sub="carol")).data["username"] == "carol"
        assert call(token_of(idp, sub="carol")).data["username"] == "carol"
    carol = django_user_model.objects.get(username="carol")
    assert not carol.has_usable_password()


def test_a_user_field_the_model_lacks_is_a_401_not_a_500(idp, clock, db):
    with trusting(entry(idp, user_claim="sub", user_field="nope")):
        refused(call(token_of(idp)), "user_not_found")


def test_a_settings_change_drops_the_parsed_sets(idp, clock):
    with trusting(entry(idp)):
        assert call(token_of(idp)).status_code == 200
        assert issuers._memo()
    with trusting(entry(idp, audience="other")):
        assert not issuers._memo()
        refused(call(token_of(idp)), "token_invalid_audience")
        assert call(token_of(idp, aud="other")).status_code == 200
    assert idp.fetches == 1  # the shared cache still had the set


def test_the_second_django_service_recipe(idp, clock, user):
    """docs/resource-server.md, "Another Django service": the first service's RS256 tokens,
    with JWT_ISSUER and JWT_AUDIENCE, are accepted by a second that trusts its JWK Set."""
    issuer = {
        "JWT_ALGORITHM": "RS256",
        "JWT_PRIVATE_KEY": RSA_PRIVATE,
        "JWT_ISSUER": idp.issuer,
        "JWT_AUDIENCE": "https://api.example.com",
    }
    with override_settings(JWT_AUTH=issuer):
        token = api_settings.JWT_ENCODE_HANDLER(api_settings.JWT_PAYLOAD_HANDLER(user))
    idp.jwks = {"keys": [public_jwk(RSA_PRIVATE, "k1")]}
    second = entry(
        idp,
        audience="https://api.example.com",
        username_claim="username",
        required_claims=["exp", "jti"],
    )
    with trusting(second):
        response = call(token)
        assert response.status_code == 200, response.content
        assert response.data == {
            "user": "IssuerTokenUser",
            "username": user.username,
            "iss": idp.issuer,
        }
        # Without the audience the first service names, the second refuses it.
    with trusting({**second, "audience": "https://other.example.com"}):
        refused(call(token), "token_invalid_audience")


def test_which_members_of_a_jwk_set_are_used():
    from rest_framework_jwt import backend

    rsa = public_jwk(RSA_PRIVATE, "rsa")
    members = [
        rsa,
        {**public_jwk(RSA2_PRIVATE, "enc"), "use": "enc"},
        {**public_jwk(RSA2_PRIVATE, "ops"), "key_ops": ["encrypt"]},
        {**public_jwk(RSA2_PRIVATE, "ps"), "alg": "PS256"},  # not an allowed algorithm here
        {"kty": "oct", "k": "c2VjcmV0", "kid": "oct"},
        {"kty": "RSA", "kid": "broken", "n": "AQAB"},
        "not an object",
        public_jwk(EC_PRIVATE, "ec", "ES256"),
    ]
    ring = backend.jwk_set_ring({"keys": members}, ["RS256", "ES256"])
    assert sorted(ring.by_kid) == ["ec", "rsa"]
    assert ring.by_kid["rsa"][0].algorithms == {"RS256"}
    assert ring.by_kid["ec"][0].algorithms == {"ES256"}
    assert len(ring.errors) == 6 and ring.signing_key is None
    # At most 100 members are read.
    many = {"keys": [public_jwk(RSA_PRIVATE, f"k{n}") for n in range(101)]}
    assert len(backend.jwk_set_ring(many, ["RS256"]).verification) == backend.MAX_JWKS_KEYS
    assert backend.jwk_set_ring({"keys": "x"}, ["RS256"]).errors == [
        'The JWK Set has no "keys" list.'
    ]


def test_a_private_jwk_in_a_set_is_kept_as_its_public_half():
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
    from jwt.algorithms import RSAAlgorithm

    from rest_framework_jwt import backend

    private = RSAAlgorithm.to_jwk(
        RSAAlgorithm(RSAAlgorithm.SHA256).prepare_key(RSA_PRIVATE), as_dict=True
    )
    private.pop("key_ops")  # PyJWT writes ["sign"], which the set would leave out
    ring = backend.jwk_set_ring({"keys": [{**private, "kid": "p"}]}, ["RS256"])
    assert isinstance(ring.by_kid["p"][0].key, RSAPublicKey)
