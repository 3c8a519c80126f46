"""Fixtures for the page tests: a signed-in test client and notes to show."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from jobs.models import Job
from notes.models import Note
from tests.factories import JobFactory

NOTE_CONTENT = {
    "summary": ["Graphs model pairwise relations.", "Trees are connected acyclic graphs."],
    "sections": [
        {"heading": "Graphs", "points": ["A graph has vertices and edges.", "Edges join two."]},
        {"heading": "Trees", "points": ["A tree with n vertices has n - 1 edges."]},
    ],
    "key_terms": [{"term": "Vertex", "definition": "A node of a graph."}],
}
NOTE_QUIZ = {
    "questions": [
        {
            "question": "How many edges has a tree with 5 vertices?",
            "choices": ["4", "5", "6"],
            "answer_index": 0,
            "explanation": "A tree with n vertices has n - 1 edges.",
        },
        {
            "question": "What does an edge join?",
            "choices": ["Two vertices", "Two graphs"],
            "answer_index": 0,
            "explanation": "Edges join two vertices.",
        },
    ]
}


@pytest.fixture
def signed_in(client: Client, user) -> Client:
    # As stored: the session's auth hash is checked against the stored password.
    client.force_login(User.objects.get(pk=user.pk))
    return client


def make_note(owner, title: str = "Graphs and trees") -> Note:
    job: Job = JobFactory.create(owner=owner)
    return Note.objects.create(
        owner=owner,
        job=job,
        document=job.document,
        title=title,
        content=NOTE_CONTENT,
        quiz=NOTE_QUIZ,
        generator="local",
        generator_version="test",
    )


def json_script(html: str, element_id: str) -> Any:
    """The value a page passed to its script with `json_script`."""
    start = html.index(f'<script id="{element_id}" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])
