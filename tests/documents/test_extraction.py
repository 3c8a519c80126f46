"""PDF -> text: the corpus outcomes, the limits, progress, and the fast content reader."""

from __future__ import annotations

import functools
import resource
import signal
import threading
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ContentStream,
)

from documents.extraction import (
    ExtractedText,
    ExtractionLimits,
    extract_text,
    looks_like_pdf,
    open_pdf,
    text_quality,
)
from documents.extraction.cleaning import clean_page
from documents.extraction.content import (
    TEXT_OPERATORS,
    UnsupportedContent,
    fast_text_operations,
    text_operations,
)
from documents.extraction.fonts import fonts_cached
from jobs.errors import JobCancelled, JobError
from jobs.events import ErrorCode
from tests.pdfs import (
    decompression_bomb_pdf,
    pdf_with_content,
    pdf_with_pages,
    text_content,
    written,
)

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
LIMITS = ExtractionLimits()
TEXT_FILES = [
    ("minimal-document.pdf", 1),
    ("pdflatex-4-pages.pdf", 4),
    ("multicolumn.pdf", 3),
    ("google-doc-document.pdf", 1),
    ("GeoTopo-komprimiert.pdf", 117),
]
FAILING_FILES = [
    ("libreoffice-writer-password.pdf", ErrorCode.PDF_ENCRYPTED),
    ("grayscale-image.pdf", ErrorCode.PDF_NO_TEXT),
    ("unreadablemetadata.pdf", ErrorCode.PDF_INVALID),  # its /Pages object is missing
    ("qpdf-bad-xref.pdf", ErrorCode.PDF_INVALID),
    ("qpdf-deep-pages.pdf", ErrorCode.PDF_INVALID),
]
GERMAN = (
    "Die Topologie ist ein Teilgebiet der Mathematik, das sich mit den Eigenschaften "
    "mathematischer Strukturen beschäftigt, die unter stetigen Verformungen erhalten bleiben. "
    "Größere Räume und Übungen für Schüler folgen im nächsten Kapitel."
)
LINE = "The quick brown fox jumps over the lazy dog while the students take notes."


def corpus_bytes(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


@functools.cache
def extracted_corpus_file(name: str) -> ExtractedText:
    return extract_text(corpus_bytes(name), limits=LIMITS)


def extraction_error(data: bytes, **kwargs: Any) -> JobError:
    with pytest.raises(JobError) as raised:
        extract_text(data, **{"limits": LIMITS, **kwargs})
    return raised.value


# The corpus


@pytest.mark.parametrize(("name", "pages"), TEXT_FILES)
def test_text_pdfs_of_the_corpus_give_one_text_per_page(name: str, pages: int) -> None:
    extracted = extracted_corpus_file(name)

    assert extracted.page_count == pages == len(extracted.pages)
    assert text_quality("\n".join(extracted.pages)).is_readable
    assert not any("\x00" in page for page in extracted.pages)


@pytest.mark.parametrize(("name", "code"), FAILING_FILES)
def test_bad_pdfs_of_the_corpus_fail_with_their_code_and_a_message_for_people(
    name: str, code: ErrorCode
) -> None:
    error = extraction_error(corpus_bytes(name))

    assert error.code is code
    assert error.message.endswith(".")
    assert "pypdf" not in error.message.lower()
    assert "Traceback" not in error.message


def test_the_german_maths_lecture_keeps_its_umlauts_and_loses_its_ligatures() -> None:
    text = "\n".join(extracted_corpus_file("GeoTopo-komprimiert.pdf").pages)

    assert "zusammenhängender" in text
    assert "Quotiententopologie" in text
    assert "Definition" in text
    assert "\ufb01" not in text


def test_a_two_column_paper_reads_each_column_top_to_bottom() -> None:
    first_page = extracted_corpus_file("multicolumn.pdf").pages[0]

    assert "consectetuer adipiscing elit. Ut purus elit" in first_page
    assert first_page.index("Lorem ipsum dolor sit amet") < first_page.index("Nam dui ligula")


def test_words_broken_across_lines_are_joined() -> None:
    first_page = extracted_corpus_file("minimal-document.pdf").pages[0]

    assert "takimata" in first_page


def test_the_char_count_adds_up_the_pages() -> None:
    extracted = ExtractedText(pages=["abc", "de"], page_count=2)

    assert extracted.char_count == 5


# Encryption


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_a_pdf_encrypted_with_an_empty_user_password_is_read(algorithm: str) -> None:
    writer = PdfWriter(clone_from=PdfReader(BytesIO(pdf_with_pages([LINE] * 5))))
    writer.encrypt(user_password="", owner_password="x", algorithm=algorithm)

    extracted = extract_text(written(writer), limits=LIMITS)

    assert "quick brown fox" in extracted.pages[0]


def test_a_pdf_that_needs_a_password_fails_as_encrypted() -> None:
    writer = PdfWriter(clone_from=PdfReader(BytesIO(pdf_with_pages([LINE] * 5))))
    writer.encrypt(user_password="secret", owner_password="x", algorithm="AES-256")

    assert extraction_error(written(writer)).code is ErrorCode.PDF_ENCRYPTED


# Limits


def test_more_pages_than_the_limit_fail_naming_the_count_and_the_limit() -> None:
    data = pdf_with_pages(*[[LINE] * 3] * 4)

    error = extraction_error(data, limits=ExtractionLimits(max_pages=3))

    assert error.code is ErrorCode.PDF_TOO_MANY_PAGES
    assert "4" in error.message
    assert "3" in error.message


def test_pages_are_cut_at_the_character_limit() -> None:
    extracted = extract_text(
        pdf_with_pages(*[[LINE] * 20] * 5), limits=ExtractionLimits(max_page_chars=100)
    )

    assert [len(page) <= 100 for page in extracted.pages] == [True] * 5


def test_a_document_slower_than_its_budget_times_out() -> None:
    error = extraction_error(
        corpus_bytes("GeoTopo-komprimiert.pdf"),
        limits=ExtractionLimits(time_budget_seconds=0.2),
    )

    assert error.code is ErrorCode.PDF_TIMEOUT
    assert "0.2 seconds" in error.message


def test_a_page_that_hangs_inside_pypdf_is_interrupted(monkeypatch: pytest.MonkeyPatch) -> None:
    def hang(page: PageObject, **kwargs: Any) -> str:
        time.sleep(30)
        return ""

    monkeypatch.setattr(PageObject, "extract_text", hang)
    started = time.monotonic()

    error = extraction_error(
        pdf_with_pages([LINE]), limits=ExtractionLimits(time_budget_seconds=0.3)
    )

    assert error.code is ErrorCode.PDF_TIMEOUT
    assert time.monotonic() - started < 5


def test_a_slow_progress_callback_counts_against_the_budget_but_is_not_interrupted() -> None:
    finished: list[int] = []

    def slow_progress(done: int, total: int) -> None:
        time.sleep(0.6)  # the budget runs out during the second call
        finished.append(done)

    error = extraction_error(
        pdf_with_pages(*[[LINE] * 3] * 4),
        limits=ExtractionLimits(time_budget_seconds=1.0),
        on_page=slow_progress,
    )

    assert error.code is ErrorCode.PDF_TIMEOUT
    assert finished == [1, 2]


def test_outside_the_main_thread_the_budget_is_checked_between_pages() -> None:
    errors: list[BaseException] = []

    def extract() -> None:
        try:
            extract_text(
                corpus_bytes("GeoTopo-komprimiert.pdf"),
                limits=ExtractionLimits(time_budget_seconds=0.2),
            )
        except JobError as error:
            errors.append(error)

    worker = threading.Thread(target=extract)
    worker.start()
    worker.join(timeout=30)

    assert [error.code for error in errors if isinstance(error, JobError)] == [
        ErrorCode.PDF_TIMEOUT
    ]


def test_extraction_gives_back_the_alarm_handler_and_timer_it_found(
    outer_alarm: Callable[[int, Any], None],
) -> None:
    extract_text(corpus_bytes("pdflatex-4-pages.pdf"), limits=LIMITS)

    assert signal.getsignal(signal.SIGALRM) is outer_alarm
    assert 55 < signal.getitimer(signal.ITIMER_REAL)[0] <= 60


def test_a_decompression_bomb_fails_as_too_large_quickly_and_without_eating_memory() -> None:
    data = decompression_bomb_pdf(300)  # 1.3 MB that inflate to 300 MB
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()

    error = extraction_error(data)

    assert error.code is ErrorCode.PDF_TOO_LARGE
    assert time.monotonic() - started < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 150_000  # KiB


# Progress and cancellation


def test_progress_is_reported_once_per_page_with_the_total() -> None:
    calls: list[tuple[int, int]] = []

    extract_text(
        pdf_with_pages(*[[LINE] * 3] * 3),
        limits=LIMITS,
        on_page=lambda done, total: calls.append((done, total)),
    )

    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_a_cancellation_raised_by_the_progress_callback_propagates_unchanged() -> None:
    cancelled = JobCancelled("stop")

    def cancel(done: int, total: int) -> None:
        raise cancelled

    with pytest.raises(JobCancelled) as raised:
        extract_text(pdf_with_pages([LINE] * 5), limits=LIMITS, on_page=cancel)

    assert raised.value is cancelled


# Not PDFs, scans and garbled text


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", True),
        (b"\xef\xbb\xbf junk before %PDF-1.4", True),
        (b" " * 1000 + b"%PDF-1.4", True),
        (b" " * 1020 + b"%PDF-1.4", False),
        (b"<html><body>%PDF</body></html>", False),
        (b"", False),
    ],
)
def test_a_pdf_is_recognised_by_its_signature_in_the_first_kilobyte(
    head: bytes, expected: bool
) -> None:
    assert looks_like_pdf(head) is expected


@pytest.mark.parametrize(
    "data",
    [b"", b"<html></html>", b"%PDF-1.7\n", b"%PDF-1.4\n" + bytes(range(256)) * 8],
)
def test_bytes_that_are_no_pdf_fail_as_invalid(data: bytes) -> None:
    assert extraction_error(data).code is ErrorCode.PDF_INVALID


def test_a_truncated_pdf_fails_as_invalid() -> None:
    data = corpus_bytes("pdflatex-4-pages.pdf")

    assert extraction_error(data[: len(data) // 2]).code is ErrorCode.PDF_INVALID


def test_a_page_with_a_few_words_only_has_no_text_to_make_notes_from() -> None:
    error = extraction_error(pdf_with_pages(["Page 1"], ["Page 2"]))

    assert error.code is ErrorCode.PDF_NO_TEXT
    assert "scan" in error.message
    assert "text-based PDF" in error.message


def test_open_pdf_gives_a_decrypted_reader_with_its_pages() -> None:
    assert len(open_pdf(corpus_bytes("multicolumn.pdf")).pages) == 3


def test_open_pdf_fails_with_the_same_codes() -> None:
    with pytest.raises(JobError) as raised:
        open_pdf(corpus_bytes("qpdf-deep-pages.pdf"))

    assert raised.value.code is ErrorCode.PDF_INVALID


def caesar(text: str, shift: int) -> str:
    def shifted(letter: str) -> str:
        base = ord("a") if letter.islower() else ord("A")
        return chr((ord(letter) - base + shift) % 26 + base)

    return "".join(shifted(c) if c.isascii() and c.isalpha() else c for c in text)


@pytest.mark.parametrize(
    "text",
    [
        GERMAN * 2,
        "Lorem ipsum dolor sit amet, consetetur sadipscing elitr, sed diam nonumy eirmod "
        "tempor invidunt ut labore et dolore magna aliquyam erat, sed diam voluptua.",
        "Sei (X, d) ein metrischer Raum und B_r(x) := {y ∈ X | d(x, y) < r} für x ∈ X. "
        "Dann ist B eine Basis einer Topologie auf X, der von d induzierten Topologie. "
        "Beweis: Seien U, V offen und x ∈ U ∩ V.",
        "Топология — раздел математики, изучающий свойства фигур, сохраняющиеся при "
        "непрерывных деформациях, например растяжении и сжатии, без разрывов и склеиваний. "
        "Топологические пространства обобщают метрические пространства.",
    ],
)
def test_real_text_is_readable(text: str) -> None:
    assert text_quality(text).is_readable


@pytest.mark.parametrize(
    "text",
    [
        "",
        " \n\t ",
        "Seite 1 Seite 2 Seite 3",
        "\ue000\ue001\ue002 \ue003\ue004 " * 200,
        "\ufffd\ufffd \ufffd\ufffd\ufffd " * 200,
        "".join(chr(code) for code in range(1, 32)) * 50,
        "ǻǽǿ ȁȃȅ ȇȉ ȋȍȏ ȑȓ ȕȗ Ǎǎ Ǐǐ ǑǒǓ ǔǕ ǖǗǘ ǙǚǛ ǜǝ Ǟǟ ǠǡǢ ǣǤǥ Ǧǧ ǨǩǪ ǫǬǭ " * 20,
        "xKqZ vbWt pLmN qrsT zxCv bnMq wrtY hjKl " * 20,
        caesar(GERMAN * 3, 3),
    ],
)
def test_empty_scanned_or_garbled_text_is_not_readable(text: str) -> None:
    assert not text_quality(text).is_readable


# Cleaning


def test_cleaning_joins_hyphenated_words_and_normalises_whitespace() -> None:
    raw = "adip-\niscing  elit,\u00a0Gauß-\nBonnet\r\n\n\n\nnext\x00 para\u00ad\ngraph ﬁnal\t "

    assert clean_page(raw, max_chars=1000) == "adipiscing elit, Gauß-Bonnet\n\nnext paragraph final"


# The fast content reader gives pypdf exactly what pypdf's own parser would


def pypdf_text_operations(data: bytes) -> list[tuple[list[Any], bytes]]:
    stream = ContentStream(None, None, "bytes")
    stream.set_data(data)
    return [(operands, op) for operands, op in stream.operations if op in TEXT_OPERATORS]


@pytest.mark.parametrize(
    "content",
    [
        b"BT /F1 12 Tf 72 712 Td (Hello) Tj ET",
        b"q 1 0 0 1 .5 -3. cm BT/F1 9.96 Tf[(W)80(ord)-333(two)]TJ ET Q",
        b"BT (esc\\(aped\\) \\101\\n) Tj (nested (paren) s) Tj <48 65 6C6C 6> Tj ET",
        b"% a comment (not a string\n0 0 1 rg 10 10 m 20 20 l S BT 1 2 Td (x) ' 1 2 (y) \" ET",
        b"/P <</MCID 0 /Alt (a) /On true>> BDC BT /F2 1 Tf T* (z) Tj ET EMC [3 2] 0 d",
        b"/Im1 Do q 0.5 g 0 0 10 10 re f Q BT 14 TL (last) Tj ET",
        b"BT /F1 12 Tf\x00(a)Tj\x00(b)Tj 5Tz(c)Tj\x00\x00ET",
    ],
)
def test_the_fast_reader_matches_pypdfs_parser(content: bytes) -> None:
    assert text_operations(content) == pypdf_text_operations(content)


@pytest.mark.parametrize(
    "content",
    [
        b"BT (a) Tj ET BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI",
        b"BT /F#20 1 Tf ET",
        b"BT [(a) true] TJ ET",
        b"BT (a) Tj ET {",
        b"[1 2",
    ],
)
def test_the_fast_reader_leaves_what_it_does_not_know_to_pypdf(content: bytes) -> None:
    with pytest.raises(UnsupportedContent):
        text_operations(content)


def test_a_page_with_an_inline_image_still_gives_its_text() -> None:
    content = text_content([LINE] * 3) + b" q BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q"

    extracted = extract_text(pdf_with_content(content), limits=LIMITS)

    assert "quick brown fox" in extracted.pages[0]


@pytest.mark.parametrize("name", [name for name, _ in TEXT_FILES])
def test_every_corpus_page_reads_the_same_through_the_fast_reader_and_font_cache(
    name: str,
) -> None:
    native = PdfReader(BytesIO(corpus_bytes(name)))
    fast = PdfReader(BytesIO(corpus_bytes(name)))

    with fonts_cached():  # across the pages of the document, as `extract_text` does
        for native_page, fast_page in zip(native.pages, fast.pages, strict=True):
            with fast_text_operations(fast, fast_page):
                assert fast_page.extract_text() == native_page.extract_text()
