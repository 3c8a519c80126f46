"""`/metrics` is for Prometheus (a bearer of METRICS_TOKEN) and for staff, nobody else."""

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-0123456789"


@pytest.fixture(autouse=True)
def _metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN


def signed_in(**attributes) -> Client:
    client = Client()
    client.force_login(UserFactory(**attributes))
    return client


def test_without_a_token_or_a_session_the_answer_is_401_with_the_bearer_challenge(client):
    response = client.get("/metrics")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_token_is_401(client):
    response = client.get("/metrics", headers={"Authorization": "Bearer not-the-token"})
    assert response.status_code == 401


def test_the_token_gets_the_prometheus_text(client):
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert "# TYPE jobs gauge" in response.content.decode()


def test_a_staff_session_gets_the_metrics():
    assert signed_in(is_staff=True).get("/metrics").status_code == 200


def test_a_signed_in_user_who_is_not_staff_is_403():
    assert signed_in().get("/metrics").status_code == 403


def test_with_no_token_configured_no_bearer_gets_in(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 401
