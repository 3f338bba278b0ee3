"""The API's tests, as they were written against djangorestframework-jwt 1.x."""

import warnings
from calendar import timegm
from datetime import datetime, timedelta

import jwt
from django.test import TestCase
from rest_framework import status
from rest_framework.test import APIClient, APITestCase

from rest_framework_jwt import utils
from rest_framework_jwt.compat import get_user_model
from rest_framework_jwt.serializers import JSONWebTokenSerializer
from rest_framework_jwt.settings import api_settings
from rest_framework_jwt.test import APIJWTClient, APIJWTTestCase

User = get_user_model()


def create_token(user, **claims):
    """A token for ``user``; ``claims`` replace or add claims of the payload."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        payload = utils.jwt_payload_handler(user)
    payload.update(claims)
    return utils.jwt_encode_handler(payload)


class PayloadHandlerTests(TestCase):
    def setUp(self):
        self.user = User.objects.create_user("alice", "alice@example.com", "password")

    def test_payload_handler_warns(self):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            utils.jwt_payload_handler(self.user)
        deprecations = [w for w in caught if issubclass(w.category, DeprecationWarning)]
        self.assertEqual(len(deprecations), 1)
        self.assertIn("email", str(deprecations[0].message))
        self.assertIn("user_id", str(deprecations[0].message))

    def test_payload_claims(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            payload = utils.jwt_payload_handler(self.user)
        self.assertEqual(payload["user_id"], self.user.pk)
        self.assertEqual(payload["username"], "alice")
        self.assertEqual(payload["email"], "alice@example.com")
        self.assertIn("exp", payload)
        self.assertIn("orig_iat", payload)

    def test_encode_then_decode_gives_the_payload(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            payload = utils.jwt_payload_handler(self.user)
        token = utils.jwt_encode_handler(payload)
        self.assertIsInstance(token, str)
        self.assertEqual(utils.jwt_decode_handler(token), payload)

    def test_decode_expired_token(self):
        token = create_token(self.user, exp=datetime.utcnow() - timedelta(seconds=1))
        with self.assertRaises(jwt.ExpiredSignatureError):
            utils.jwt_decode_handler(token)

    def test_decode_requires_audience_once_configured(self):
        token = create_token(self.user)
        api_settings.JWT_AUDIENCE = "orders.example.com"
        try:
            with self.assertRaises(jwt.MissingRequiredClaimError):
                utils.jwt_decode_handler(token)
        finally:
            api_settings.JWT_AUDIENCE = None
        self.assertEqual(utils.jwt_decode_handler(token)["username"], "alice")


class ObtainTokenTests(APITestCase):
    def setUp(self):
        self.user = User.objects.create_user("alice", "alice@example.com", "password")

    def test_obtain_token(self):
        response = self.client.post(
            "/api-token-auth/", {"username": "alice", "password": "password"}, format="json"
        )
        self.assertEqual(response.status_code, status.HTTP_200_OK)
        self.assertEqual(
            response.data["user"],
            {"id": self.user.pk, "username": "alice", "email": "alice@example.com"},
        )
        decoded = utils.jwt_decode_handler(response.data["token"])
        self.assertEqual(decoded["username"], "alice")

    def test_obtain_token_with_form_data(self):
        response = self.client.post(
            "/api-token-auth/", {"username": "alice", "password": "password"}
        )
        self.assertEqual(response.status_code, status.HTTP_200_OK)
        self.assertIn("token", response.data)

    def test_wrong_password(self):
        response = self.client.post(
            "/api-token-auth/", {"username": "alice", "password": "wrong"}, format="json"
        )
        self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST)
        self.assertEqual(
            response.data, {"non_field_errors": ["Unable to log in with provided credentials."]}
        )

    def test_missing_password(self):
        response = self.client.post("/api-token-auth/", {"username": "alice"}, format="json")
        self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST)
        self.assertEqual(response.data["password"], ["This field is required."])

    def test_serializer_object(self):
        serializer = JSONWebTokenSerializer(data={"username": "alice", "password": "password"})
        self.assertTrue(serializer.is_valid())
        self.assertEqual(serializer.object["user"], self.user)
        self.assertEqual(
            utils.jwt_decode_handler(serializer.object["token"])["user_id"], self.user.pk
        )

    def test_many_logins_in_a_row(self):
        client = APIJWTClient()
        for _ in range(50):
            self.assertTrue(client.login(username="alice", password="password"))
            self.assertEqual(client.get("/api/whoami/").status_code, status.HTTP_200_OK)


class SignupTests(APITestCase):
    def test_signup_returns_a_working_token(self):
        response = self.client.post(
            "/api/signup/",
            {"username": "carol", "email": "carol@example.com", "password": "password"},
            format="json",
        )
        self.assertEqual(response.status_code, status.HTTP_201_CREATED)
        self.assertEqual(
            utils.jwt_decode_handler(response.data["token"])["email"], "carol@example.com"
        )
        self.client.credentials(HTTP_AUTHORIZATION="JWT " + response.data["token"])
        self.assertEqual(self.client.get("/api/whoami/").data, {"username": "carol"})


class JWTClientTests(APIJWTTestCase):
    def setUp(self):
        self.user = User.objects.create_user("alice", "alice@example.com", "password")

    def test_login(self):
        self.assertTrue(self.client.login(username="alice", password="password"))
        response = self.client.get("/api/whoami/")
        self.assertEqual(response.status_code, status.HTTP_200_OK)
        self.assertEqual(response.data, {"username": "alice"})

    def test_login_with_wrong_password(self):
        self.assertFalse(self.client.login(username="alice", password="wrong"))
        self.assertEqual(self.client.get("/api/whoami/").status_code, status.HTTP_401_UNAUTHORIZED)


class AuthenticationTests(APITestCase):
    def setUp(self):
        self.user = User.objects.create_user("alice", "alice@example.com", "password")
        self.prefix = api_settings.JWT_AUTH_HEADER_PREFIX

    def tearDown(self):
        api_settings.JWT_AUTH_HEADER_PREFIX = self.prefix

    def get(self, authorization):
        return self.client.get("/api/whoami/", HTTP_AUTHORIZATION=authorization)

    def test_token_in_header(self):
        response = self.get("JWT " + create_token(self.user))
        self.assertEqual(response.status_code, status.HTTP_200_OK)
        self.assertEqual(response.data, {"username": "alice"})

    def test_prefix_is_case_insensitive(self):
        response = self.get("jwt " + create_token(self.user))
        self.assertEqual(response.status_code, status.HTTP_200_OK)

    def test_no_token(self):
        response = self.client.get("/api/whoami/")
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)
        self.assertEqual(response.data["detail"], "Authentication credentials were not provided.")
        self.assertEqual(response["WWW-Authenticate"], 'JWT realm="api"')

    def test_expired_token(self):
        token = create_token(self.user, exp=datetime.utcnow() - timedelta(seconds=1))
        response = self.get("JWT " + token)
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)
        self.assertEqual(response.data["detail"], "Signature has expired.")
        self.assertEqual(response["WWW-Authenticate"], 'JWT realm="api"')

    def test_token_signed_with_another_key(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            payload = utils.jwt_payload_handler(self.user)
        token = jwt.encode(
            payload, "another-secret-that-is-long-enough-for-hs256", algorithm="HS256"
        )
        response = self.get("JWT " + token)
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)
        self.assertEqual(response.data["detail"], "Error decoding signature.")

    def test_garbage_token(self):
        response = self.get("JWT abc.def.ghi")
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)
        self.assertEqual(response.data["detail"], "Error decoding signature.")

    def test_bare_prefix(self):
        response = self.get("JWT")
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)
        self.assertEqual(
            response.data["detail"], "Invalid Authorization header. No credentials provided."
        )

    def test_credentials_with_spaces(self):
        response = self.get("JWT abc def")
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)
        self.assertEqual(
            response.data["detail"],
            "Invalid Authorization header. Credentials string should not contain spaces.",
        )

    def test_deleted_user(self):
        token = create_token(self.user)
        self.user.delete()
        response = self.get("JWT " + token)
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)
        self.assertEqual(response.data["detail"], "Invalid signature.")

    def test_inactive_user(self):
        token = create_token(self.user)
        self.user.is_active = False
        self.user.save()
        response = self.get("JWT " + token)
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)
        self.assertEqual(response.data["detail"], "User account is disabled.")

    def test_basic_auth_still_works(self):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Basic YWxpY2U6cGFzc3dvcmQ=")  # alice:password
        response = client.get("/api/whoami/")
        self.assertEqual(response.status_code, status.HTTP_200_OK)

    def test_bearer_prefix(self):
        api_settings.JWT_AUTH_HEADER_PREFIX = "Bearer"
        response = self.get("Bearer " + create_token(self.user))
        self.assertEqual(response.status_code, status.HTTP_200_OK)
        response = self.get("JWT " + create_token(self.user))
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)
        self.assertEqual(response["WWW-Authenticate"], 'Bearer realm="api"')


class QueryStringAuthenticationTests(APITestCase):
    def setUp(self):
        self.user = User.objects.create_user("alice", "alice@example.com", "password")

    def test_token_in_query_string(self):
        response = self.client.get("/api/export/", {"jwt": create_token(self.user)})
        self.assertEqual(response.status_code, status.HTTP_200_OK)
        self.assertEqual(response.data["owner"], "alice")

    def test_header_is_not_read(self):
        response = self.client.get(
            "/api/export/", HTTP_AUTHORIZATION="JWT " + create_token(self.user)
        )
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)

    def test_expired_token_in_query_string(self):
        token = create_token(self.user, exp=datetime.utcnow() - timedelta(seconds=1))
        response = self.client.get("/api/export/", {"jwt": token})
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)
        self.assertEqual(response.data["detail"], "Signature has expired.")


class RefreshTokenTests(APITestCase):
    def setUp(self):
        self.user = User.objects.create_user("alice", "alice@example.com", "password")
        self.allow_refresh = api_settings.JWT_ALLOW_REFRESH

    def tearDown(self):
        api_settings.JWT_ALLOW_REFRESH = self.allow_refresh

    def test_refresh(self):
        token = create_token(self.user)
        orig_iat = utils.jwt_decode_handler(token)["orig_iat"]
        response = self.client.post("/api-token-refresh/", {"token": token}, format="json")
        self.assertEqual(response.status_code, status.HTTP_200_OK)
        self.assertEqual(response.data["user"]["username"], "alice")
        new = utils.jwt_decode_handler(response.data["token"])
        self.assertEqual(new["orig_iat"], orig_iat)
        self.assertEqual(new["username"], "alice")

    def test_refresh_window_over(self):
        eight_days_ago = timegm((datetime.utcnow() - timedelta(days=8)).utctimetuple())
        token = create_token(self.user, orig_iat=eight_days_ago)
        response = self.client.post("/api-token-refresh/", {"token": token}, format="json")
        self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST)
        self.assertEqual(response.data, {"non_field_errors": ["Refresh has expired."]})

    def test_refresh_needs_orig_iat(self):
        api_settings.JWT_ALLOW_REFRESH = False
        token = create_token(self.user)
        self.assertNotIn("orig_iat", utils.jwt_decode_handler(token))
        response = self.client.post("/api-token-refresh/", {"token": token}, format="json")
        self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST)
        self.assertEqual(response.data, {"non_field_errors": ["orig_iat field is required."]})

    def test_refresh_expired_token(self):
        token = create_token(self.user, exp=datetime.utcnow() - timedelta(seconds=1))
        response = self.client.post("/api-token-refresh/", {"token": token}, format="json")
        self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST)
        self.assertEqual(response.data, {"non_field_errors": ["Signature has expired."]})


class VerifyTokenTests(APITestCase):
    def setUp(self):
        self.user = User.objects.create_user("alice", "alice@example.com", "password")

    def test_verify(self):
        token = create_token(self.user)
        response = self.client.post("/api-token-verify/", {"token": token}, format="json")
        self.assertEqual(response.status_code, status.HTTP_200_OK)
        self.assertEqual(response.data["token"], token)

    def test_verify_garbage(self):
        response = self.client.post("/api-token-verify/", {"token": "abc.def.ghi"}, format="json")
        self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST)
        self.assertEqual(response.data, {"non_field_errors": ["Error decoding signature."]})

    def test_verify_deleted_user(self):
        token = create_token(self.user)
        self.user.delete()
        response = self.client.post("/api-token-verify/", {"token": token}, format="json")
        self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST)
        self.assertEqual(response.data, {"non_field_errors": ["User doesn't exist."]})
