"""What the upload page shows when a file is refused or its job fails."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import JOB_TIMEOUT_MS, expect_live

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_an_encrypted_pdf_fails_with_its_clear_message(signed_in_page: Page, corpus, celery_worker):
    page = signed_in_page
    page.goto("/upload/")
    expect_live(page)

    page.get_by_label("or choose files").set_input_files(corpus / "libreoffice-writer-password.pdf")

    card = page.locator(".job-card", has_text="libreoffice-writer-password.pdf")
    expect(card.locator(".job-stage")).to_have_text("Failed", timeout=JOB_TIMEOUT_MS)
    expect(card.locator(".job-error")).to_have_text(
        "This PDF is password-protected. Remove the password (for example by saving an "
        "unprotected copy) and upload it again."
    )
    # Not recoverable: retrying would fail the same way.
    expect(card.get_by_role("button", name="Retry")).to_be_hidden()
    expect(card.get_by_role("link", name="Open the notes")).to_be_hidden()


def test_the_browser_refuses_a_file_that_is_not_a_pdf_before_sending_it(signed_in_page: Page):
    page = signed_in_page
    page.goto("/upload/")
    uploads: list[str] = []
    page.on(
        "request", lambda request: uploads.append(request.url) if request.method == "POST" else None
    )

    page.get_by_label("or choose files").set_input_files(
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"just text"}
    )

    card = page.locator(".job-card", has_text="notes.txt")
    expect(card.locator(".job-error")).to_have_text("notes.txt is not a PDF.")
    assert uploads == []


def test_the_servers_refusal_is_shown_with_its_message(signed_in_page: Page):
    page = signed_in_page
    page.goto("/upload/")

    page.get_by_label("or choose files").set_input_files(
        {"name": "fake.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf at all"}
    )

    card = page.locator(".job-card", has_text="fake.pdf")
    expect(card.locator(".job-stage")).to_have_text("Not uploaded")
    expect(card.locator(".job-error")).to_have_text("The file is not a PDF.")


def test_several_dropped_files_each_get_their_own_row(signed_in_page: Page, corpus, celery_worker):
    page = signed_in_page
    page.goto("/upload/")
    expect_live(page)
    names = ["minimal-document.pdf", "multicolumn.pdf"]
    files = [
        {"name": name, "mimeType": "application/pdf", "buffer": (corpus / name).read_bytes()}
        for name in names
    ]
    # A drop carries a DataTransfer; build one in the page with the files' bytes.
    page.evaluate(
        """files => {
            const transfer = new DataTransfer();
            for (const {name, mimeType, bytes} of files) {
                transfer.items.add(new File([new Uint8Array(bytes)], name, {type: mimeType}));
            }
            const zone = document.getElementById("upload-form");
            const drop = {dataTransfer: transfer, bubbles: true, cancelable: true};
            zone.dispatchEvent(new DragEvent("drop", drop));
        }""",
        [{"name": f["name"], "mimeType": f["mimeType"], "bytes": list(f["buffer"])} for f in files],
    )

    for name in names:
        card = page.locator(".job-card", has_text=name)
        expect(card.locator(".job-stage")).to_have_text("Done", timeout=JOB_TIMEOUT_MS)
    expect(page.locator(".job-card")).to_have_count(2)
