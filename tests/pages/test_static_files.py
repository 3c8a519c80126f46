"""Every static file a page names exists, and development serves them itself."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from tests.pages.conftest import make_note

pytestmark = pytest.mark.django_db


def static_paths(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="/static/([^"]+)"', html)


def test_the_pages_static_files_and_their_imports_exist(signed_in: Client, user):
    note = make_note(user)
    named: set[str] = set()
    for path in ("/login/", "/upload/", "/jobs/", "/notes/", f"/notes/{note.id}/"):
        named.update(static_paths(signed_in.get(path).content.decode()))
    assert {"css/app.css", "js/upload.js", "js/dashboard.js", "js/quiz.js"} <= named
    modules = [name for name in named if name.endswith(".js")]
    while modules:
        found = finders.find(modules.pop())
        assert found, "a page names a static file that does not exist"
        for imported in re.findall(r'from "\./([\w-]+\.js)"', Path(found).read_text()):
            modules.append(f"js/{imported}")
    assert all(finders.find(name) for name in named)
