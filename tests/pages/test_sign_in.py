"""Signing in and out, and where `/` leads."""

import pytest
from django.test import Client

from tests.factories import JobFactory

pytestmark = pytest.mark.django_db


def test_the_home_page_sends_a_visitor_to_sign_in(client: Client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"


def test_the_sign_in_page_has_labelled_fields(client: Client):
    html = client.get("/login/").content.decode()
    assert '<label for="id_username">Username</label>' in html
    assert '<label for="id_password">Password</label>' in html


def test_signing_in_with_the_right_password_leads_home(client: Client, user):
    user.set_password("right horse battery")
    user.save()
    response = client.post(
        "/login/", {"username": user.username, "password": "right horse battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_wrong_password_is_refused_with_a_message(client: Client, user):
    response = client.post("/login/", {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_someone_with_no_jobs_lands_on_the_upload_page(signed_in: Client):
    assert signed_in.get("/")["Location"] == "/upload/"


def test_someone_with_jobs_lands_on_the_dashboard(signed_in: Client, user):
    JobFactory.create(owner=user)
    assert signed_in.get("/")["Location"] == "/jobs/"


def test_signing_out_ends_the_session(signed_in: Client):
    html = signed_in.get("/upload/").content.decode()
    assert 'action="/logout/"' in html
    response = signed_in.post("/logout/")
    assert response.status_code == 302
    assert signed_in.get("/jobs/")["Location"].startswith("/login/")


@pytest.mark.parametrize("path", ["/upload/", "/jobs/", "/notes/"])
def test_pages_need_a_signed_in_user(client: Client, path: str):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"
