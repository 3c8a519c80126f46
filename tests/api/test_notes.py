"""Reading notes: the light list, the full notes with the quiz, and the Markdown download."""

import pytest

from notes.services import note_as_markdown


@pytest.fixture
def note(make_note, user):
    return make_note(user)


def test_the_list_gives_light_items(api, note):
    [item] = api.get("/api/notes/").json()["results"]

    assert item == {
        "id": str(note.id),
        "title": note.title,
        "document_id": str(note.document_id),
        "job_id": str(note.job_id),
        "file_name": "minimal-document.pdf",
        "created_at": item["created_at"],
        "generator": note.generator,
    }


def test_a_note_answers_with_its_content_and_quiz(api, note):
    body = api.get(f"/api/notes/{note.id}/").json()

    assert body["title"] == note.title
    assert body["summary"] == note.content["summary"]
    assert body["sections"] == note.content["sections"]
    assert body["key_terms"] == note.content["key_terms"]
    assert body["quiz"] == note.quiz
    assert (body["generator"], body["generator_version"]) == (
        note.generator,
        note.generator_version,
    )
    assert (body["document_id"], body["job_id"]) == (str(note.document_id), str(note.job_id))
    assert body["quiz"]["questions"], "the local generator writes a quiz"
    assert set(body["quiz"]["questions"][0]) == {
        "question",
        "choices",
        "answer_index",
        "explanation",
    }


def test_the_export_is_a_markdown_download_named_after_the_title(api, note):
    note.title = 'Week 3: "I/O" <basics>'
    note.save()

    response = api.get(f"/api/notes/{note.id}/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="Week 3_ _I_O_ _basics.md"'
    assert response.content.decode() == note_as_markdown(note)
    assert response.content.decode().startswith('# Week 3: "I/O" <basics>\n')


def test_a_title_beyond_ascii_is_kept_in_the_download_name(api, note):
    note.title = "Übungsblatt 2"
    note.save()

    response = api.get(f"/api/notes/{note.id}/export/")

    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%C3%9Cbungsblatt%202.md"
    )


def test_the_export_answers_markdown_whatever_the_client_accepts(api, note):
    response = api.get(f"/api/notes/{note.id}/export/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
