"""Every endpoint needs a signed-in user (session or API token); the token endpoint gives one."""

import uuid

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

pytestmark = pytest.mark.usefixtures("no_enqueue")

PASSWORD = "correct horse battery staple"

SOME_ID = uuid.uuid4()
PROTECTED_ENDPOINTS = [
    ("get", "/api/documents/"),
    ("post", "/api/documents/"),
    ("get", f"/api/documents/{SOME_ID}/"),
    ("get", f"/api/documents/{SOME_ID}/status/"),
    ("get", "/api/jobs/"),
    ("get", f"/api/jobs/{SOME_ID}/"),
    ("post", f"/api/jobs/{SOME_ID}/cancel/"),
    ("post", f"/api/jobs/{SOME_ID}/retry/"),
    ("get", f"/api/jobs/{SOME_ID}/events/"),
    ("get", "/api/events/"),
    ("get", "/api/notes/"),
    ("get", f"/api/notes/{SOME_ID}/"),
    ("get", f"/api/notes/{SOME_ID}/export/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), PROTECTED_ENDPOINTS)
def test_every_endpoint_refuses_an_anonymous_request_with_401_in_the_error_format(method, path):
    response = getattr(APIClient(), method)(path)

    assert response.status_code == 401
    assert response.json() == {
        "code": "not_authenticated",
        "message": "Sign in or send an API token.",
        "details": None,
    }


@pytest.mark.django_db
def test_an_unknown_token_is_refused_with_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = client.get("/api/jobs/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"


@pytest.fixture
def user(user):
    """The user, with a known password stored."""
    user.set_password(PASSWORD)
    user.save()
    return user


def test_the_token_endpoint_gives_the_users_token_for_the_right_credentials(user):
    response = APIClient().post(
        "/api/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=user).key}


def test_wrong_credentials_get_400_in_the_error_format(user):
    response = APIClient().post(
        "/api/auth/token/", {"username": user.username, "password": "wrong"}, format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"] == "Unable to log in with provided credentials."
    assert not Token.objects.exists()


def test_missing_credentials_name_the_missing_fields(db):
    response = APIClient().post("/api/auth/token/", {}, format="json")

    assert response.status_code == 400
    assert set(response.json()["details"]) == {"username", "password"}


def test_a_token_from_the_token_endpoint_authenticates_api_requests(user):
    client = APIClient()
    token = client.post(
        "/api/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert client.get("/api/jobs/").status_code == 200


def test_a_signed_in_session_authenticates_api_requests(user):
    client = APIClient()
    client.force_login(user)

    assert client.get("/api/documents/").status_code == 200


def test_the_token_endpoint_limits_password_guessing_with_429(user, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "sign_in", "2/minute")
    client = APIClient()
    answers = [
        client.post(
            "/api/auth/token/", {"username": user.username, "password": "wrong"}
        ).status_code
        for _ in range(3)
    ]
    assert answers == [400, 400, 429]


@pytest.mark.usefixtures("no_enqueue")
def test_a_session_authenticated_upload_without_the_csrf_token_is_refused(user, corpus):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    pdf = (corpus / "minimal-document.pdf").open("rb")
    refused = browser.post("/api/documents/", {"file": pdf})
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert "CSRF" in refused.json()["message"]

    browser.get("/upload/")  # the page sets the csrftoken cookie
    pdf.seek(0)
    accepted = browser.post(
        "/api/documents/", {"file": pdf}, HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value
    )
    assert accepted.status_code == 202
