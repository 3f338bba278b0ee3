"""The accounts tests, as they were written against drf-jwt 1.19."""

from datetime import datetime, timedelta, timezone
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from rest_framework import status
from rest_framework.test import APIClient, APITestCase

from rest_framework_jwt.authentication import JSONWebTokenAuthentication
from rest_framework_jwt.blacklist.models import BlacklistedToken
from rest_framework_jwt.utils import unix_epoch

User = get_user_model()

CLAIMS = {"user_id", "username", "exp", "iat", "jti", "orig_iat"}


def create_token(user, drop=(), **claims):
    """A token for ``user``; ``claims`` replace claims of the payload, ``drop`` removes some."""
    payload = JSONWebTokenAuthentication.jwt_create_payload(user)
    payload.update(claims)
    for name in drop:
        del payload[name]
    return JSONWebTokenAuthentication.jwt_encode_payload(payload)


def decode(token):
    return JSONWebTokenAuthentication.jwt_decode_token(token)


def in_an_hour():
    return datetime.now(timezone.utc) + timedelta(hours=1)


class AccountsTestCase(APITestCase):
    def setUp(self):
        self.alice = User.objects.create_user("alice", "alice@example.com", "password")
        self.bob = User.objects.create_user("bob", "bob@example.com", "password")
        self.root = User.objects.create_superuser("root", "root@example.com", "password")

    def login(self, username, client=None):
        client = client or self.client
        response = client.post(
            "/auth/token/", {"username": username, "password": "password"}, format="json"
        )
        self.assertEqual(response.status_code, status.HTTP_201_CREATED, response.data)
        return response.data["token"]

    def me(self, token=None, client=None):
        client = client or self.client
        if token is None:
            return client.get("/api/me/")
        return client.get("/api/me/", HTTP_AUTHORIZATION="Bearer " + token)


class ObtainTokenTests(AccountsTestCase):
    def test_obtain(self):
        response = self.client.post(
            "/auth/token/", {"username": "alice", "password": "password"}, format="json"
        )
        self.assertEqual(response.status_code, status.HTTP_201_CREATED)
        self.assertEqual(set(response.data), {"pk", "token"})
        payload = decode(response.data["token"])
        self.assertEqual(response.data["pk"], payload["iat"])
        self.assertEqual(set(payload), CLAIMS)
        self.assertEqual(payload["username"], "alice")
        self.assertEqual(payload["user_id"], self.alice.pk)
        self.assertEqual(payload["orig_iat"], payload["iat"])

    def test_wrong_password(self):
        response = self.client.post(
            "/auth/token/", {"username": "alice", "password": "wrong"}, format="json"
        )
        self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST)
        self.assertEqual(
            response.data, {"non_field_errors": ["Unable to log in with provided credentials."]}
        )

    def test_inactive_user_gets_no_token(self):
        self.alice.is_active = False
        self.alice.save()
        response = self.client.post(
            "/auth/token/", {"username": "alice", "password": "password"}, format="json"
        )
        self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST)
        self.assertEqual(
            response.data, {"non_field_errors": ["Unable to log in with provided credentials."]}
        )

    def test_hundreds_of_logins(self):
        for _ in range(100):
            for username in ("alice", "bob"):
                token = self.login(username, client=APIClient())
                response = self.me(token)
                self.assertEqual(response.status_code, status.HTTP_200_OK)
                self.assertEqual(response.data["username"], username)

    def test_token_from_the_classmethods(self):
        payload = JSONWebTokenAuthentication.jwt_create_payload(self.alice)
        self.assertEqual(set(payload), CLAIMS)
        token = JSONWebTokenAuthentication.jwt_encode_payload(payload)
        self.assertEqual(JSONWebTokenAuthentication.jwt_get_username_from_payload(payload), "alice")
        self.assertEqual(
            JSONWebTokenAuthentication.jwt_create_response_payload(token, self.alice, None, 7),
            {"pk": 7, "token": token},
        )
        self.assertEqual(self.me(token).data["username"], "alice")


class AuthenticationTests(AccountsTestCase):
    def test_bearer_token(self):
        response = self.me(create_token(self.alice))
        self.assertEqual(response.status_code, status.HTTP_200_OK)
        self.assertEqual(response.data, {"username": "alice", "id": self.alice.pk})

    def test_no_token(self):
        response = self.me()
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)
        self.assertEqual(response.data["detail"], "Authentication credentials were not provided.")
        self.assertEqual(response["WWW-Authenticate"], 'Bearer realm="api"')

    def test_jwt_prefix_is_another_scheme(self):
        response = self.client.get("/api/me/", HTTP_AUTHORIZATION="JWT " + create_token(self.alice))
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)
        self.assertEqual(response.data["detail"], "Authentication credentials were not provided.")

    def test_bare_prefix_is_no_token(self):
        response = self.client.get("/api/me/", HTTP_AUTHORIZATION="Bearer")
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)
        self.assertEqual(response.data["detail"], "Authentication credentials were not provided.")

    def test_expired_token(self):
        response = self.me(create_token(self.alice, exp=datetime.utcnow() - timedelta(seconds=1)))
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)
        self.assertEqual(response.data["detail"], "Token has expired.")

    def test_garbage_token(self):
        response = self.me("abc.def.ghi")
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)
        self.assertEqual(response.data["detail"], "Error decoding token.")

    def test_deleted_user(self):
        token = create_token(self.alice)
        self.alice.delete()
        response = self.me(token)
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)
        self.assertEqual(response.data["detail"], "Invalid token.")

    def test_inactive_user(self):
        token = create_token(self.alice)
        self.alice.is_active = False
        self.alice.save()
        response = self.me(token)
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)
        self.assertEqual(response.data["detail"], "User account is disabled.")

    def test_token_in_query_string(self):
        response = self.client.get("/api/me/", {"token": create_token(self.bob)})
        self.assertEqual(response.status_code, status.HTTP_200_OK)
        self.assertEqual(response.data["username"], "bob")

    def test_download_link(self):
        response = self.client.post(
            "/api/download-link/", HTTP_AUTHORIZATION="Bearer " + self.login("bob")
        )
        self.assertEqual(response.status_code, status.HTTP_201_CREATED)
        response = APIClient().get(response.data["url"])
        self.assertEqual(response.status_code, status.HTTP_200_OK)
        self.assertEqual(response.data["username"], "bob")

    def test_query_string_only_for_get(self):
        response = self.client.post(
            "/api/notes/?token=" + create_token(self.bob), {"note": "x"}, format="json"
        )
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)

    def test_token_without_id_is_refused(self):
        response = self.me(create_token(self.alice, drop=("jti",)))
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)
        self.assertEqual(response.data["detail"], "Token has no id.")


class RefreshAndVerifyTests(AccountsTestCase):
    def test_refresh(self):
        token = self.login("alice")
        old = decode(token)
        response = self.client.post("/auth/token/refresh/", {"token": token}, format="json")
        self.assertEqual(response.status_code, status.HTTP_201_CREATED)
        self.assertEqual(set(response.data), {"pk", "token"})
        new = decode(response.data["token"])
        self.assertEqual(set(new), CLAIMS | {"orig_jti"})
        self.assertEqual(new["orig_iat"], old["orig_iat"])
        self.assertEqual(new["orig_jti"], old["jti"])
        self.assertEqual(response.data["pk"], new["iat"])

    def test_refresh_without_orig_iat(self):
        token = create_token(self.alice, drop=("orig_iat",))
        response = self.client.post("/auth/token/refresh/", {"token": token}, format="json")
        self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST)
        self.assertEqual(
            response.data, {"non_field_errors": ["orig_iat field not found in token."]}
        )

    def test_refresh_window_over(self):
        two_days_ago = unix_epoch(datetime.utcnow() - timedelta(days=2))
        token = create_token(self.alice, orig_iat=two_days_ago)
        response = self.client.post("/auth/token/refresh/", {"token": token}, format="json")
        self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST)
        self.assertEqual(response.data, {"non_field_errors": ["Refresh has expired."]})

    def test_verify(self):
        token = self.login("bob")
        response = self.client.post("/auth/token/verify/", {"token": token}, format="json")
        self.assertEqual(response.status_code, status.HTTP_201_CREATED)
        self.assertEqual(response.data, {"pk": decode(token)["iat"], "token": token})

    def test_verify_expired(self):
        token = create_token(self.bob, exp=datetime.utcnow() - timedelta(seconds=1))
        response = self.client.post("/auth/token/verify/", {"token": token}, format="json")
        self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST)
        self.assertEqual(response.data, {"non_field_errors": ["Token has expired."]})

    def test_verify_deleted_user(self):
        token = create_token(self.bob)
        self.bob.delete()
        response = self.client.post("/auth/token/verify/", {"token": token}, format="json")
        self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST)
        self.assertEqual(response.data, {"non_field_errors": ["User doesn't exist."]})


class BlacklistTests(AccountsTestCase):
    def test_logout_blacklists_the_token(self):
        token = self.login("alice")
        response = self.client.post("/auth/logout/", HTTP_AUTHORIZATION="Bearer " + token)
        self.assertEqual(response.status_code, status.HTTP_204_NO_CONTENT)
        self.assertTrue(BlacklistedToken.objects.filter(token=token).exists())
        self.assertTrue(BlacklistedToken.is_blocked(token, decode(token)))
        self.assertEqual(BlacklistedToken.objects.filter(user=self.alice).count(), 1)

        response = self.me(token)
        self.assertEqual(response.status_code, status.HTTP_403_FORBIDDEN)
        self.assertEqual(response.data["detail"], "Token is blacklisted.")
        for endpoint in ("/auth/token/verify/", "/auth/token/refresh/"):
            response = self.client.post(endpoint, {"token": token}, format="json")
            self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST)
            self.assertEqual(response.data, {"non_field_errors": ["Token is blacklisted."]})

    def test_other_tokens_still_work(self):
        token = self.login("alice")
        other = self.login("alice")
        self.client.post("/auth/logout/", HTTP_AUTHORIZATION="Bearer " + token)
        self.assertFalse(BlacklistedToken.objects.filter(token=other).exists())
        self.assertFalse(BlacklistedToken.is_blocked(other, decode(other)))
        self.assertEqual(self.me(other).status_code, status.HTTP_200_OK)

    def test_blacklist_view(self):
        token = self.login("bob")
        stolen = self.login("bob")
        response = self.client.post(
            "/auth/token/blacklist/",
            {"token": stolen},
            format="json",
            HTTP_AUTHORIZATION="Bearer " + token,
        )
        self.assertEqual(response.status_code, status.HTTP_201_CREATED)
        self.assertEqual(response.data, {"token": stolen})
        self.assertTrue(BlacklistedToken.objects.filter(token=stolen).exists())
        self.assertEqual(self.me(stolen).status_code, status.HTTP_403_FORBIDDEN)
        self.assertEqual(self.me(token).status_code, status.HTTP_200_OK)

    def test_blacklist_by_token_id(self):
        token = self.login("bob")
        BlacklistedToken.objects.create(
            token_id=decode(token)["jti"], user=self.bob, expires_at=in_an_hour()
        )
        self.assertTrue(BlacklistedToken.objects.filter(token_id=decode(token)["jti"]).exists())
        self.assertTrue(BlacklistedToken.is_blocked(token, decode(token)))
        response = self.me(token)
        self.assertEqual(response.status_code, status.HTTP_403_FORBIDDEN)
        self.assertEqual(response.data["detail"], "Token is blacklisted.")

    def test_unblock_by_deleting_the_row(self):
        token = self.login("alice")
        BlacklistedToken.objects.create(token=token, user=self.alice, expires_at=in_an_hour())
        self.assertEqual(self.me(token).status_code, status.HTTP_403_FORBIDDEN)
        BlacklistedToken.objects.filter(token=token).delete()
        self.assertEqual(self.me(token).status_code, status.HTTP_200_OK)

    def test_delete_stale_tokens(self):
        three_days_ago = datetime.utcnow() - timedelta(days=3)
        stale = create_token(
            self.alice,
            iat=unix_epoch(three_days_ago),
            orig_iat=unix_epoch(three_days_ago),
            exp=three_days_ago + timedelta(minutes=15),
        )
        fresh = create_token(self.alice)
        BlacklistedToken.objects.create(
            token=stale,
            user=self.alice,
            expires_at=datetime.now(timezone.utc) - timedelta(minutes=1),
        )
        BlacklistedToken.objects.create(token=fresh, user=self.alice, expires_at=in_an_hour())
        BlacklistedToken.objects.delete_stale_tokens()
        self.assertFalse(BlacklistedToken.objects.filter(token=stale).exists())
        self.assertTrue(BlacklistedToken.objects.filter(token=fresh).exists())
        self.assertEqual(BlacklistedToken.objects.count(), 1)


class CookieTests(AccountsTestCase):
    def setUp(self):
        super().setUp()
        self.browser = APIClient(enforce_csrf_checks=True)

    def test_obtain_sets_the_cookie(self):
        token = self.login("alice", client=self.browser)
        cookie = self.browser.cookies["jwt"]
        self.assertEqual(cookie.value, token)
        self.assertTrue(cookie["httponly"])
        self.assertTrue(cookie["secure"])
        self.assertEqual(cookie["samesite"], "Lax")

    def test_cookie_authenticates(self):
        self.login("alice", client=self.browser)
        response = self.me(client=self.browser)
        self.assertEqual(response.status_code, status.HTTP_200_OK)
        self.assertEqual(response.data["username"], "alice")

    def test_unsafe_request_with_cookie_needs_csrf_token(self):
        self.login("alice", client=self.browser)
        response = self.browser.post("/api/notes/", {"note": "hi"}, format="json")
        self.assertEqual(response.status_code, status.HTTP_403_FORBIDDEN)
        self.assertIn("CSRF", str(response.data["detail"]))

        self.browser.get("/auth/csrf/")
        csrf_token = self.browser.cookies["csrftoken"].value
        response = self.browser.post(
            "/api/notes/", {"note": "hi"}, format="json", HTTP_X_CSRFTOKEN=csrf_token
        )
        self.assertEqual(response.status_code, status.HTTP_201_CREATED)

    def test_blacklisting_with_the_cookie_needs_csrf_token(self):
        token = self.login("alice", client=self.browser)
        response = self.browser.post("/auth/token/blacklist/", {}, format="json")
        self.assertEqual(response.status_code, status.HTTP_403_FORBIDDEN)
        self.assertFalse(BlacklistedToken.objects.filter(token=token).exists())

        self.browser.get("/auth/csrf/")
        response = self.browser.post(
            "/auth/token/blacklist/",
            {},
            format="json",
            HTTP_X_CSRFTOKEN=self.browser.cookies["csrftoken"].value,
        )
        self.assertEqual(response.status_code, status.HTTP_201_CREATED)
        self.assertEqual(response.data, {"token": token})
        self.assertTrue(BlacklistedToken.objects.filter(token=token).exists())

    def test_header_needs_no_csrf_token(self):
        token = self.login("alice")
        client = APIClient(enforce_csrf_checks=True)
        response = client.post(
            "/api/notes/", {"note": "hi"}, format="json", HTTP_AUTHORIZATION="Bearer " + token
        )
        self.assertEqual(response.status_code, status.HTTP_201_CREATED)

    def test_refresh_with_cookie_login(self):
        token = self.login("bob", client=self.browser)
        response = self.browser.post("/auth/token/refresh/", {"token": token}, format="json")
        self.assertEqual(response.status_code, status.HTTP_201_CREATED)
        self.assertEqual(self.browser.cookies["jwt"].value, response.data["token"])

    def test_logout_clears_the_cookie(self):
        token = self.login("bob", client=self.browser)
        self.browser.get("/auth/csrf/")
        response = self.browser.post(
            "/auth/logout/", HTTP_X_CSRFTOKEN=self.browser.cookies["csrftoken"].value
        )
        self.assertEqual(response.status_code, status.HTTP_204_NO_CONTENT)
        self.assertEqual(self.browser.cookies["jwt"].value, "")
        self.assertTrue(BlacklistedToken.objects.filter(token=token).exists())
        self.assertEqual(self.me(client=self.browser).status_code, status.HTTP_401_UNAUTHORIZED)


class ImpersonationTests(AccountsTestCase):
    def impersonate(self, token, user_pk, client=None):
        client = client or self.client
        return client.post(
            "/auth/token/impersonate/",
            {"user": user_pk},
            format="json",
            HTTP_AUTHORIZATION="Bearer " + token,
        )

    def test_superuser_impersonates(self):
        response = self.impersonate(self.login("root"), self.alice.pk)
        self.assertEqual(response.status_code, status.HTTP_201_CREATED)
        self.assertEqual(set(response.data), {"token"})
        me = self.me(response.data["token"])
        self.assertEqual(me.status_code, status.HTTP_200_OK)
        self.assertEqual(me.data["username"], "alice")

    def test_impersonation_cookie_wins(self):
        browser = APIClient()
        root_token = self.login("root", client=browser)
        response = self.impersonate(root_token, self.bob.pk, client=browser)
        self.assertEqual(browser.cookies["jwt-impersonation"].value, response.data["token"])
        self.assertEqual(browser.cookies["jwt"].value, root_token)
        self.assertEqual(self.me(client=browser).data["username"], "bob")

    def test_not_a_superuser(self):
        response = self.impersonate(self.login("alice"), self.bob.pk)
        self.assertEqual(response.status_code, status.HTTP_403_FORBIDDEN)

    def test_anonymous(self):
        response = self.client.post(
            "/auth/token/impersonate/", {"user": self.bob.pk}, format="json"
        )
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)

    def test_inactive_target(self):
        self.bob.is_active = False
        self.bob.save()
        response = self.impersonate(self.login("root"), self.bob.pk)
        self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST)
        self.assertEqual(response.data, {"non_field_errors": ["User account is disabled."]})


class ObtainTokenCommandTests(AccountsTestCase):
    @override_settings(DEBUG=True)
    def test_obtain_token(self):
        out = StringIO()
        call_command("obtain_token", str(self.alice.pk), stdout=out)
        token = out.getvalue().strip()
        self.assertEqual(decode(token)["username"], "alice")

    def test_needs_debug(self):
        err = StringIO()
        with self.assertRaises(SystemExit) as exit_:
            call_command("obtain_token", str(self.alice.pk), stderr=err)
        self.assertEqual(exit_.exception.code, 1)
        self.assertIn("Unable to obtain token because", err.getvalue())
