"""The jobs dashboard follows jobs live, in several tabs, and across a lost connection."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, WebSocketRoute, expect

from jobs.models import Job, JobEvent
from tests.browser.conftest import (
    JOB_TIMEOUT_MS,
    applied,
    expect_live,
    screenshot,
    upload_through_api,
)
from tests.servers import Server

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


# Records every estimate of the time left that a card shows, however briefly: on a fast
# machine the long job reads its pages in about a second.
RECORD_ETAS = """() => {
  window.__etasShown = [];
  new MutationObserver(() => {
    for (const eta of document.querySelectorAll(".job-eta")) {
      const card = eta.closest(".job-card");
      if (eta.textContent) window.__etasShown.push([card.dataset.jobId, eta.textContent]);
    }
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
}"""


def job_card(page: Page, job_id: str):
    return page.locator(f'.job-card[data-job-id="{job_id}"]')


def logged_seqs(job_id: str) -> list[int]:
    return list(JobEvent.objects.filter(job_id=job_id).values_list("seq", flat=True))


class SocketGate:
    """Routes the page's WebSockets to the server while open; cut() drops them and refuses
    new ones until opened again."""

    def __init__(self) -> None:
        self.is_open = True
        self.routes: list[WebSocketRoute] = []

    def handle(self, route: WebSocketRoute) -> None:
        if not self.is_open:
            route.close(code=1011, reason="cut by the test")
            return
        route.connect_to_server()
        self.routes.append(route)

    def cut(self) -> None:
        self.is_open = False
        for route in self.routes:
            route.close(code=1011, reason="cut by the test")
        self.routes.clear()


def test_two_tabs_of_one_person_both_follow_their_jobs_live(
    context: BrowserContext, signed_in_page: Page, server: Server, corpus, celery_worker
):
    first = signed_in_page
    first.goto("/jobs/")
    second = context.new_page()
    second.goto("/jobs/")
    for page in (first, second):
        expect_live(page)
        expect(page.locator("#jobs-empty")).to_be_visible()

    first.evaluate(RECORD_ETAS)
    names = ["pdflatex-4-pages.pdf", "libreoffice-writer-password.pdf", "GeoTopo-komprimiert.pdf"]
    jobs = [upload_through_api(context, server, corpus / name) for name in names]

    for page in (first, second):
        expect(page.locator("#jobs-empty")).to_be_hidden()
        done = job_card(page, jobs[2]["id"])
        expect(done.locator(".job-stage")).to_have_text("Done", timeout=JOB_TIMEOUT_MS)
        expect(
            done.get_by_role("link", name="Open the notes of GeoTopo-komprimiert.pdf")
        ).to_be_visible()
        failed = job_card(page, jobs[1]["id"])
        expect(failed.locator(".job-error")).to_contain_text("password-protected")
        # The tab was open before the uploads: it applied every event of every job, live.
        for job in jobs:
            assert applied(page, job["id"])["seqs"] == logged_seqs(job["id"])
    screenshot(first, "dashboard.png")
    # While the long one read its pages, its card showed an estimate of the time left.
    shown = first.evaluate("window.__etasShown")
    assert any(job_id == jobs[2]["id"] and "left" in text for job_id, text in shown), shown


def test_a_cut_connection_falls_back_to_polling_and_misses_nothing(
    context: BrowserContext, signed_in_page: Page, server: Server, corpus, start_worker
):
    gate = SocketGate()
    page = signed_in_page
    page.route_web_socket("**/ws/jobs/", gate.handle)
    page.goto("/jobs/")
    expect_live(page)
    status = page.locator("#connection-status")

    job = upload_through_api(context, server, corpus / "pdflatex-4-pages.pdf")
    card = job_card(page, job["id"])
    expect(card).to_have_attribute("data-status", "queued")  # live, then the socket goes
    gate.cut()
    expect(status).to_have_attribute("data-state", "reconnecting")
    expect(status).to_have_attribute("data-state", "polling", timeout=6_000)
    expect(status).to_contain_text("Polling for updates")

    # A worker runs the job while the socket is down: the page follows it by polling.
    start_worker()
    expect(card.locator(".job-stage")).to_have_text("Done", timeout=JOB_TIMEOUT_MS)
    expect(status).to_have_attribute("data-state", "reconnecting")  # nothing left to poll for

    gate.is_open = True
    expect_live(page, timeout=15_000)  # the next attempt, at most 10 s later, gets through
    assert applied(page, job["id"])["seqs"] == logged_seqs(job["id"])
    assert page.evaluate("window.__jobsDebug.connection") == [
        "live",
        "reconnecting",
        "polling",
        "reconnecting",
        "live",
    ]


def test_a_job_can_be_cancelled_and_retried_from_the_dashboard(
    context: BrowserContext, signed_in_page: Page, server: Server, corpus, start_worker
):
    page = signed_in_page
    page.goto("/jobs/")
    expect_live(page)

    job = upload_through_api(context, server, corpus / "minimal-document.pdf")
    card = job_card(page, job["id"])
    card.get_by_role("button", name="Cancel").click()
    expect(card.locator(".job-stage")).to_have_text("Cancelled")
    expect(card.get_by_role("button", name="Cancel")).to_be_hidden()
    card.get_by_role("button", name="Retry").click()
    expect(card.locator(".job-stage")).to_have_text("Queued")

    start_worker()
    expect(card.locator(".job-stage")).to_have_text("Done", timeout=JOB_TIMEOUT_MS)
    assert Job.objects.get(id=job["id"]).attempt == 2
    assert applied(page, job["id"])["seqs"] == logged_seqs(job["id"])
