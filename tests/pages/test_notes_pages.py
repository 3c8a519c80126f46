"""The notes list and a note's page with its quiz."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.pages.conftest import NOTE_QUIZ, json_script, make_note

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_users_notes_newest_first(signed_in: Client, user, other_user):
    make_note(user, "First lecture")
    make_note(user, "Second lecture")
    make_note(other_user, "Someone else's")
    html = signed_in.get("/notes/").content.decode()
    assert html.index("Second lecture") < html.index("First lecture")
    assert "Someone else" not in html


def test_an_empty_list_says_how_to_get_notes(signed_in: Client):
    assert "No notes yet" in signed_in.get("/notes/").content.decode()


def test_a_note_shows_its_summary_sections_and_key_terms(signed_in: Client, user):
    note = make_note(user)
    html = signed_in.get(f"/notes/{note.id}/").content.decode()
    assert "<h1>Graphs and trees</h1>" in html
    assert "Graphs model pairwise relations. Trees are connected acyclic graphs." in html
    assert ">Trees</h2>" in html
    assert "<li>A tree with n vertices has n - 1 edges.</li>" in html
    assert "<dt>Vertex</dt>" in html


def test_the_quiz_is_a_form_of_labelled_choices_with_its_key_in_the_page(signed_in: Client, user):
    note = make_note(user)
    html = signed_in.get(f"/notes/{note.id}/").content.decode()
    assert html.count('<fieldset class="question"') == 2
    assert '<input type="radio" id="q1-0" name="q1" value="0">' in html
    assert '<label for="q1-0">4</label>' in html
    assert json_script(html, "quiz-key") == [
        {"answer_index": q["answer_index"], "explanation": q["explanation"]}
        for q in NOTE_QUIZ["questions"]
    ]


def test_the_note_links_its_markdown_download(signed_in: Client, user):
    note = make_note(user)
    html = signed_in.get(f"/notes/{note.id}/").content.decode()
    assert f'href="/api/notes/{note.id}/export/" download' in html


def test_someone_elses_note_is_not_found(signed_in: Client, other_user):
    note = make_note(other_user)
    assert signed_in.get(f"/notes/{note.id}/").status_code == 404


def test_staff_can_open_any_note(client: Client, staff_user, other_user):
    client.force_login(User.objects.get(pk=staff_user.pk))
    note = make_note(other_user)
    assert client.get(f"/notes/{note.id}/").status_code == 200


def test_note_text_is_escaped(signed_in: Client, user):
    note = make_note(user, title="<script>alert(1)</script>")
    html = signed_in.get(f"/notes/{note.id}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
