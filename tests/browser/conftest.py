"""Headless Chromium against a real daphne and a real Celery worker on the test database.

The pages come from daphne, static files included (DEBUG pages serve them, see
config/page_urls.py). Tests that use these fixtures are `django_db(transaction=True)`: the
server and the worker only see committed rows.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from django.conf import global_settings
from django.contrib.auth.models import User
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.servers import Server, celery_worker, running_celery_worker, running_daphne

__all__ = ["celery_worker"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PASSWORD = "correct horse battery staple"
JOB_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module", autouse=True)
def _orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API keeps an event loop running in this thread for the module; the
    ORM calls these tests make (and the database flush after each) are plain synchronous ones,
    so Django may allow them here, and only here."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Per module: while Playwright runs, its event loop occupies this thread, which the
    suite's async tests (collected after these) need free."""
    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: CI must run the browser tests")  # .ci/run installs it
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def server(transactional_db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """daphne on the test database, serving the pages and their static files."""
    monkeypatch.setenv("DEBUG", "1")
    with running_daphne(tmp_path) as daphne:
        yield daphne


@pytest.fixture
def person(transactional_db: None, settings) -> User:
    # Hashed the way the server checks it: the test process's fast hasher is not its own.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    return User.objects.create_user(username="ada", password=PASSWORD)


@pytest.fixture
def context(browser: Browser, server: Server) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=server.url, viewport={"width": 1100, "height": 820})
    context.set_default_timeout(15_000)
    # The pages record what their client applied (live-page.js) when this is set.
    context.add_init_script("window.__jobsDebug = {};")
    yield context
    context.close()


def sign_in(page: Page, user: User) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.fixture
def signed_in_page(context: BrowserContext, person: User) -> Page:
    page = context.new_page()
    sign_in(page, person)
    return page


def expect_live(page: Page, timeout: float = 5_000) -> None:
    expect(page.locator("#connection-status")).to_have_attribute(
        "data-state", "live", timeout=timeout
    )


def upload_through_api(context: BrowserContext, server: Server, path: Path) -> dict[str, Any]:
    """POST /api/documents/ with the context's session, as a page script does."""
    csrf = next(cookie["value"] for cookie in context.cookies() if cookie["name"] == "csrftoken")
    response = context.request.post(
        f"{server.url}/api/documents/",
        multipart={
            "file": {"name": path.name, "mimeType": "application/pdf", "buffer": path.read_bytes()}
        },
        headers={"X-CSRFToken": csrf},
    )
    assert response.status == 202, response.text()
    job: dict[str, Any] = response.json()["job"]
    return job


def applied(page: Page, job_id: str) -> dict[str, list[Any]]:
    """The seqs and stages the page's client applied for a job, in order."""
    debug: dict[str, dict[str, list[Any]]] = page.evaluate("window.__jobsDebug")
    return {
        "seqs": debug["applied"].get(job_id, []),
        "stages": debug["stages"].get(job_id, []),
    }


def screenshot(page: Page, name: str, selector: str | None = None) -> None:
    """The whole page (or the element at `selector`) into tests/artifacts/ for people to see."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = str(ARTIFACTS / name)
    if selector is None:
        page.screenshot(path=path, full_page=True, animations="disabled")
    else:
        page.locator(selector).screenshot(path=path, animations="disabled")


@pytest.fixture
def start_worker(transactional_db: None, tmp_path: Path) -> Iterator[Callable[[], None]]:
    """`start_worker()` starts a Celery worker when the test wants one: until then, queued
    jobs wait. (Stopping a running worker with SIGSTOP instead can lose the message Redis hands
    its blocked connection meanwhile.)"""
    with ExitStack() as stack:

        def start() -> None:
            stack.enter_context(running_celery_worker(tmp_path))

        yield start
