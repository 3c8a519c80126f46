"""Documents and notes are in the admin as read-only records."""

import pytest

from notes.models import Note
from tests.factories import DocumentFactory, JobFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def note():
    owner = UserFactory(username="lin")
    job = JobFactory(owner=owner, status="completed", stage="completed")
    return Note.objects.create(
        owner=owner,
        job=job,
        document=job.document,
        title="Graph theory",
        content={"summary": [], "sections": [], "key_terms": []},
        quiz={"questions": []},
        generator="local",
        generator_version="1",
    )


def test_documents_are_listed_searchable_and_shown(admin_client_for_ops):
    document = DocumentFactory(original_name="topology.pdf", owner=UserFactory(username="emmy"))
    DocumentFactory(original_name="algebra.pdf")
    response = admin_client_for_ops.get("/admin/documents/document/", {"q": "emmy"})
    assert [d.id for d in response.context["cl"].result_list] == [document.id]
    assert "topology.pdf" in response.content.decode()
    page = admin_client_for_ops.get(f"/admin/documents/document/{document.id}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


def test_documents_are_not_added_from_the_admin(admin_client_for_ops):
    assert admin_client_for_ops.get("/admin/documents/document/add/").status_code == 403


def test_notes_are_listed_searchable_and_shown(admin_client_for_ops, note):
    response = admin_client_for_ops.get("/admin/notes/note/", {"q": "Graph"})
    assert [n.id for n in response.context["cl"].result_list] == [note.id]
    page = admin_client_for_ops.get(f"/admin/notes/note/{note.id}/change/")
    assert page.status_code == 200
    assert "Graph theory" in page.content.decode()


def test_the_notes_cache_is_listed(admin_client_for_ops):
    assert admin_client_for_ops.get("/admin/notes/notescacheentry/").status_code == 200
