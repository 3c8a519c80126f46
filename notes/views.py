"""The notes pages: the list, and one note with its quiz."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from notes.access import get_note_for_user
from notes.generation.types import Notes, Quiz
from notes.models import Note

NOTES_PER_PAGE = 25


@login_required
def notes_list(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    notes = Note.objects.filter(owner=request.user).select_related("document")
    page = Paginator(notes, NOTES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notes/list.html", {"page_obj": page})


@login_required
def note_detail(request: HttpRequest, note_id: UUID) -> HttpResponse:
    assert isinstance(request.user, User)
    try:
        note = get_note_for_user(request.user, note_id)
    except Note.DoesNotExist:
        raise Http404("No such note.") from None
    notes = Notes.model_validate({"title": note.title, **note.content})
    quiz = Quiz.model_validate(note.quiz)
    context = {
        "note": note,
        "notes": notes,
        "quiz": quiz,
        # The answer key is in the page: the quiz is for practice, scored in the browser.
        "quiz_key": [
            {"answer_index": question.answer_index, "explanation": question.explanation}
            for question in quiz.questions
        ],
        "markdown_url": reverse("api-note-export", kwargs={"note_id": note.id}),
    }
    return render(request, "notes/detail.html", context)
