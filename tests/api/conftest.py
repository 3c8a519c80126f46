"""Fixtures for the REST API tests: clients signed in with a real API token, uploads, notes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from notes.models import Note
from tests.pipeline.conftest import no_enqueue, run_pipeline, upload

__all__ = ["no_enqueue"]

SMALL_PDF = "minimal-document.pdf"


@pytest.fixture(autouse=True)
def _fresh_throttle_history() -> None:
    """Throttle history lives in the cache; each test starts with none."""
    cache.clear()


@pytest.fixture
def api_for() -> Callable[[User | None], APIClient]:
    """`api_for(user)`: a client that sends the user's API token; `api_for(None)`: anonymous."""

    def client(user: User | None) -> APIClient:
        api = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return api

    return client


@pytest.fixture
def api(user: User, api_for: Callable[[User | None], APIClient]) -> APIClient:
    return api_for(user)


@pytest.fixture
def small_pdf(corpus: Path) -> Path:
    return corpus / SMALL_PDF


def pdf_part(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes(), "application/pdf")


@pytest.fixture
def make_note(no_enqueue, corpus: Path) -> Callable[[User], Note]:
    """`make_note(owner)`: a note made by running the pipeline's steps on a small corpus PDF."""

    def make(owner: User) -> Note:
        job = run_pipeline(upload(owner, corpus / SMALL_PDF).job)
        assert job.status == "completed", (job.error_code, job.error_message)
        return Note.objects.select_related("document").get(job=job)

    return make
