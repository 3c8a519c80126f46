"""Hostile uploads through the real API (daphne) and a real worker: a decompression bomb, many
uploads at once with bad files and bad names among them, the same bytes twice at once.

Every answer has its code and a message for people, no accepted upload is lost, the worker
survives, and nothing is written outside MEDIA_ROOT.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from rest_framework.authtoken.models import Token

from documents.models import Document
from jobs.models import Job
from notes.models import Note
from tests.pdfs import decompression_bomb_pdf, pdf_with_pages
from tests.servers import Server, Worker, running_celery_worker, running_daphne, wait_for_terminal

pytestmark = pytest.mark.django_db(transaction=True)

MAX_BYTES = 2 * 1024 * 1024  # the site's upload limit: the bomb (1.3 MB) is under it
LINE = "Entropy measures how many microscopic states agree with what is observed."


@dataclass(frozen=True)
class Site:
    server: Server
    worker: Worker
    media_root: Path
    around: Path  # the folder MEDIA_ROOT is in: nothing may be written here but MEDIA_ROOT


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """daphne and a worker on every queue, sharing a MEDIA_ROOT of their own, with a 2 MB
    upload limit and no upload throttle in the way (the throttle has its own tests)."""
    around = tmp_path / "around"
    media_root = around / "media"
    media_root.mkdir(parents=True)
    env = {
        "MEDIA_ROOT": str(media_root),
        "UPLOAD_MAX_BYTES": str(MAX_BYTES),
        "UPLOAD_THROTTLE_RATE": "10000/hour",
    }
    with (
        running_celery_worker(tmp_path, **env) as worker,
        running_daphne(tmp_path, **env) as server,
    ):
        yield Site(server, worker, media_root, around)


@pytest.fixture
def client(site: Site, user) -> Iterator[httpx.Client]:
    token, _ = Token.objects.get_or_create(user=user)
    headers = {"Authorization": f"Token {token.key}"}
    with httpx.Client(base_url=site.server.url, headers=headers, timeout=60) as http:
        yield http


def upload(client: httpx.Client, name: str, data: bytes) -> httpx.Response:
    return client.post("/api/documents/", files={"file": (name, data, "application/pdf")})


def a_pdf(n: int) -> bytes:
    """A small readable PDF whose bytes differ with `n`."""
    return pdf_with_pages([f"Lecture {n}: thermodynamics.", *[LINE] * 30])


def job_of(response: httpx.Response) -> Job:
    return Job.objects.get(id=response.json()["job"]["id"])


def assert_refused(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    assert "Traceback" not in response.text


def test_a_decompression_bomb_fails_its_job_with_a_code_and_the_worker_goes_on(site, client):
    bomb = decompression_bomb_pdf(300)  # 1.3 MB that inflate to 300 MB
    pool = site.worker.child_pids()

    accepted = upload(client, "bomb.pdf", bomb)

    assert accepted.status_code == 202, accepted.text
    job = wait_for_terminal(job_of(accepted))
    snapshot = client.get(f"/api/jobs/{job.id}/").json()
    assert (snapshot["status"], snapshot["error"]["code"]) == ("failed", "PDF_TOO_LARGE")
    assert snapshot["error"]["message"]
    assert "Traceback" not in snapshot["error"]["message"]
    assert not Note.objects.exists()
    assert site.worker.child_pids() == pool, "the bomb took the worker's process down"
    after = wait_for_terminal(job_of(upload(client, "next.pdf", a_pdf(0))))
    assert after.status == "completed"


def test_many_uploads_at_once_each_get_their_answer_and_nothing_lands_outside_media(site, client):
    escape = f"escaped-{uuid.uuid4().hex}.pdf"
    good = {f"lecture-{n}.pdf": a_pdf(n) for n in range(8)}
    hostile_names = {
        f"../../../../../../tmp/{escape}": a_pdf(100),
        f"..\\..\\..\\{escape}": a_pdf(101),
        f"{site.around}/{escape}": a_pdf(102),
        "\x1b[31mred\r\nSet-Cookie: x=1.pdf": a_pdf(103),
    }
    refused: dict[str, tuple[bytes, int, str]] = {
        "notes.pdf": (b"PK\x03\x04 a zip file, not a PDF" * 10, 415, "not_a_pdf"),
        "empty.pdf": (b"", 400, "empty_file"),
        "huge.pdf": (b"%PDF-1.7\n" + b"0" * (MAX_BYTES + 1), 413, "file_too_large"),
        "image.pdf": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 4000, 415, "not_a_pdf"),
    }
    requests: list[tuple[str, bytes]] = [
        *good.items(),
        *hostile_names.items(),
        *((name, data) for name, (data, _, _) in refused.items()),
    ]

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        sent = pool.map(lambda request: upload(client, *request), requests)
        answers = dict(zip((name for name, _ in requests), sent, strict=True))

    for name, (_, status, code) in refused.items():
        assert_refused(answers[name], status, code)
    accepted = [*good, *hostile_names]
    assert all(answers[name].status_code == 202 for name in accepted), {
        name: answers[name].text for name in accepted if answers[name].status_code != 202
    }
    jobs = [wait_for_terminal(job_of(answers[name]), timeout=120) for name in accepted]
    assert [job.status for job in jobs] == ["completed"] * len(accepted)
    assert Note.objects.count() == len(accepted)
    shown = [answers[name].json()["document"]["file_name"] for name in hostile_names]
    assert shown[:3] == [escape] * 3
    assert shown[3].endswith(".pdf")
    assert shown[3].isprintable()
    assert "/" not in shown[3]
    assert client.get("/healthz").status_code == 200

    stored = [site.media_root / document.file.name for document in Document.objects.all()]
    assert all(path.resolve().is_relative_to(site.media_root) for path in stored), stored
    assert all(path.is_file() for path in stored)
    written = [path for path in site.around.rglob("*") if path.is_file()]
    assert [path for path in written if not path.is_relative_to(site.media_root)] == []
    assert not Path("/tmp", escape).exists()


def test_the_same_bytes_sent_twice_at_once_start_one_job(site, client):
    data = a_pdf(7)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda name: upload(client, name, data), ["a.pdf", "b.pdf"]))

    assert sorted(answer.status_code for answer in answers) == [200, 202]
    assert len({answer.json()["job"]["id"] for answer in answers}) == 1
    assert Job.objects.count() == 1
    assert wait_for_terminal(Job.objects.get()).status == "completed"
    assert Note.objects.count() == 1
