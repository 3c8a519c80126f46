"""Long documents read in forked worker processes: the same text, errors, progress, budget and
cancellation as page by page, and never a worker left behind. The per-font cache."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from documents.extraction import ExtractionLimits, extract_text, fonts, parallel, text
from documents.extraction.fonts import fonts_cached
from jobs.errors import JobCancelled, JobError
from jobs.events import ErrorCode
from tests.documents.test_extraction import (
    FAILING_FILES,
    LIMITS,
    LINE,
    TEXT_FILES,
    corpus_bytes,
)
from tests.pdfs import flate_bomb, pdf_with_pages, text_content, text_page, written

ROOT = Path(__file__).resolve().parents[2]
PAGES = 40


@pytest.fixture(scope="module")
def long_pdf() -> bytes:
    return pdf_with_pages(*[[f"Page {n}.", *[LINE] * 3] for n in range(PAGES)])


def child_processes() -> dict[int, str]:
    """This process's children, zombies included: pid -> state."""
    return processes_of(os.getpid())


def processes_of(parent: int) -> dict[int, str]:
    children = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == parent:
            children[int(entry.name)] = state
    return children


@pytest.fixture
def use_processes(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Read with this many processes, whatever the machine's cores and the document's length."""

    def use(count: int) -> None:
        monkeypatch.setattr(parallel, "process_count", lambda total_pages: count)

    return use


@pytest.fixture
def no_process_left() -> Iterator[None]:
    before = child_processes()
    yield
    assert child_processes() == before


@pytest.fixture
def pages_read_here(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pages read in this process; those read in workers are counted in theirs."""
    read: list[int] = []
    original = text._page_text

    def counting(reader: PdfReader, page: PageObject) -> str:
        read.append(page.page_number or 0)
        return original(reader, page)

    monkeypatch.setattr(text, "_page_text", counting)
    return read


def page_text_that(monkeypatch: pytest.MonkeyPatch, act: Callable[[int], str | None]) -> None:
    """`_page_text` calls `act(page index)` first, and gives its text instead when it has one."""
    original = text._page_text

    def acting(reader: PdfReader, page: PageObject) -> str:
        replaced = act(page.page_number or 0)
        return original(reader, page) if replaced is None else replaced

    monkeypatch.setattr(text, "_page_text", acting)


def outcome(data: bytes, **kwargs: Any) -> list[str] | ErrorCode:
    try:
        return extract_text(data, **{"limits": LIMITS, **kwargs}).pages
    except JobError as error:
        return error.code


# The same text


@pytest.mark.usefixtures("no_process_left")
@pytest.mark.parametrize("name", [name for name, _ in TEXT_FILES + FAILING_FILES])
def test_workers_read_every_corpus_file_as_page_by_page_does(
    name: str, use_processes: Callable[[int], None], pages_read_here: list[int]
) -> None:
    data = corpus_bytes(name)
    use_processes(1)
    page_by_page = outcome(data)
    read_here = len(pages_read_here)
    pages_read_here.clear()

    for count in (2, 3):
        use_processes(count)
        assert outcome(data) == page_by_page
    if isinstance(page_by_page, list):
        assert read_here == len(page_by_page)
        assert pages_read_here == []  # the workers read them all


def test_pages_are_read_in_as_many_worker_processes(
    long_pdf: bytes, use_processes: Callable[[int], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_processes(3)
    page_text_that(monkeypatch, lambda index: f"{LINE}\nread by {os.getpid()}")

    pages = extract_text(long_pdf, limits=LIMITS).pages

    readers = {page.rsplit("read by ", 1)[1] for page in pages}
    assert len(readers) == 3
    assert str(os.getpid()) not in readers


def test_short_documents_are_read_in_process_and_long_ones_by_up_to_four() -> None:
    assert parallel.process_count(1) == 1
    assert parallel.process_count(parallel.MIN_PAGES_PER_PROCESS * 2 - 1) == 1
    assert 1 <= parallel.process_count(10_000) <= min(os.cpu_count() or 1, 4)


def test_progress_grows_in_page_order_to_the_total(
    long_pdf: bytes, use_processes: Callable[[int], None]
) -> None:
    use_processes(2)
    calls: list[tuple[int, int]] = []

    extract_text(long_pdf, limits=LIMITS, on_page=lambda done, total: calls.append((done, total)))

    done = [d for d, _ in calls]
    assert done == sorted(set(done))
    assert done[-1] == PAGES
    assert {total for _, total in calls} == {PAGES}


# Cancellation, the budget, failures


def test_a_cancellation_from_progress_stops_the_workers(
    long_pdf: bytes, use_processes: Callable[[int], None]
) -> None:
    use_processes(2)
    before = child_processes()
    cancelled = JobCancelled("stop")
    workers: dict[int, str] = {}

    def cancel(done: int, total: int) -> None:
        workers.update({pid: s for pid, s in child_processes().items() if pid not in before})
        raise cancelled

    with pytest.raises(JobCancelled) as raised:
        extract_text(long_pdf, limits=LIMITS, on_page=cancel)

    assert raised.value is cancelled
    assert len(workers) == 2
    assert child_processes() == before


@pytest.mark.usefixtures("no_process_left")
@pytest.mark.parametrize("in_main_thread", [True, False])
def test_at_the_deadline_the_workers_are_killed_and_it_times_out(
    long_pdf: bytes,
    use_processes: Callable[[int], None],
    monkeypatch: pytest.MonkeyPatch,
    in_main_thread: bool,
) -> None:
    use_processes(2)
    page_text_that(monkeypatch, lambda index: time.sleep(60))
    errors: list[BaseException] = []

    def extract() -> None:
        try:
            extract_text(long_pdf, limits=ExtractionLimits(time_budget_seconds=0.5))
        except BaseException as error:
            errors.append(error)

    if in_main_thread:
        extract()
    else:
        worker = threading.Thread(target=extract)
        worker.start()
        worker.join(timeout=30)

    assert [getattr(error, "code", error) for error in errors] == [ErrorCode.PDF_TIMEOUT]


class SoftTimeLimit(Exception):
    """As Celery raises from its SIGUSR1 handler when a task's soft time limit passes."""


@pytest.mark.usefixtures("no_process_left")
def test_an_exception_from_another_signal_handler_stops_the_workers(
    long_pdf: bytes, use_processes: Callable[[int], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_processes(2)
    page_text_that(monkeypatch, lambda index: time.sleep(60))

    def soft_time_limit(signum: int, frame: Any) -> None:
        raise SoftTimeLimit

    previous = signal.signal(signal.SIGUSR1, soft_time_limit)
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGUSR1))
    timer.start()
    try:
        with pytest.raises(SoftTimeLimit):
            extract_text(long_pdf, limits=ExtractionLimits(time_budget_seconds=30))
    finally:
        timer.cancel()
        signal.signal(signal.SIGUSR1, previous)


@pytest.mark.usefixtures("no_process_left")
@pytest.mark.parametrize(
    ("failure", "code"),
    [
        (MemoryError, ErrorCode.PDF_TOO_LARGE),
        (PdfReadError, ErrorCode.PDF_INVALID),
        (KeyError, ErrorCode.PDF_INVALID),
    ],
)
def test_a_page_failing_in_a_worker_fails_with_its_code(
    long_pdf: bytes,
    use_processes: Callable[[int], None],
    monkeypatch: pytest.MonkeyPatch,
    failure: type[Exception],
    code: ErrorCode,
) -> None:
    use_processes(2)

    def fail_on_a_late_page(index: int) -> None:
        if index == PAGES - 5:
            raise failure

    page_text_that(monkeypatch, fail_on_a_late_page)
    calls: list[int] = []

    error = outcome(long_pdf, on_page=lambda done, total: calls.append(done))

    assert error is code
    assert max(calls, default=0) <= PAGES - 5  # no progress past the failing page


@pytest.mark.usefixtures("no_process_left")
def test_a_decompression_bomb_read_in_a_worker_fails_as_too_large(
    use_processes: Callable[[int], None], pages_read_here: list[int]
) -> None:
    use_processes(2)
    bomb, compressor = flate_bomb(300)
    writer = PdfWriter()
    for index in range(PAGES):
        if index == PAGES // 2:
            content = bomb + compressor.flush()  # 1.3 MB that inflate to 300 MB
            writer.add_page(text_page(writer, content, filter_flate=True))
        else:
            writer.add_page(text_page(writer, text_content([LINE] * 3)))

    assert outcome(written(writer)) is ErrorCode.PDF_TOO_LARGE
    assert pages_read_here == []


@pytest.mark.usefixtures("no_process_left")
@pytest.mark.parametrize("count", [1, 2, 3])
def test_of_two_failing_pages_the_first_one_decides(
    long_pdf: bytes,
    use_processes: Callable[[int], None],
    monkeypatch: pytest.MonkeyPatch,
    count: int,
) -> None:
    use_processes(count)

    def fail(index: int) -> None:
        if index == 5:
            time.sleep(1)  # in workers, the later failure arrives first
        if index == 7:
            raise PdfReadError("bad page")
        if index == 30:
            raise MemoryError

    page_text_that(monkeypatch, fail)

    assert outcome(long_pdf) is ErrorCode.PDF_INVALID


@pytest.mark.usefixtures("no_process_left")
@pytest.mark.parametrize("how", ["exit", "kill"])
def test_pages_of_a_worker_that_died_are_read_in_process(
    long_pdf: bytes,
    use_processes: Callable[[int], None],
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    use_processes(1)
    expected = outcome(long_pdf)
    use_processes(2)
    caller = os.getpid()

    def die_in_a_worker(index: int) -> None:
        if index == 20 and os.getpid() != caller:
            if how == "exit":
                os._exit(3)
            os.kill(os.getpid(), signal.SIGKILL)

    page_text_that(monkeypatch, die_in_a_worker)

    assert outcome(long_pdf) == expected


@pytest.mark.usefixtures("no_process_left")
def test_when_no_worker_can_start_the_pages_are_read_in_process(
    long_pdf: bytes, use_processes: Callable[[int], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_processes(1)
    expected = outcome(long_pdf)
    use_processes(2)

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)

    assert outcome(long_pdf) == expected


@pytest.mark.usefixtures("no_process_left")
def test_pages_that_do_not_fit_in_the_caller_fail_as_too_large(
    long_pdf: bytes, use_processes: Callable[[int], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_processes(2)

    def out_of_memory(worker: Any) -> Any:
        raise MemoryError

    monkeypatch.setattr(parallel._Worker, "receive", out_of_memory)

    assert outcome(long_pdf) is ErrorCode.PDF_TOO_LARGE


# Signals


def test_workers_get_neither_the_alarm_handler_nor_the_timer_of_the_caller(
    long_pdf: bytes,
    use_processes: Callable[[int], None],
    monkeypatch: pytest.MonkeyPatch,
    outer_alarm: Callable[[int, Any], None],
) -> None:
    use_processes(2)
    budget = 30.0

    def signals(index: int) -> str:
        handler = signal.getsignal(signal.SIGALRM)
        timer = signal.getitimer(signal.ITIMER_REAL)[0]
        term = signal.getsignal(signal.SIGTERM)
        return f"{LINE}\nalarm {handler!r} {timer > budget} term {term!r}"

    page_text_that(monkeypatch, signals)

    pages = extract_text(long_pdf, limits=ExtractionLimits(time_budget_seconds=budget)).pages

    # Their own alarm kills them a little after the deadline, should the caller hang.
    expected = f"alarm {signal.SIG_DFL!r} True term {signal.SIG_DFL!r}"
    assert {page.split("\n")[-1] for page in pages} == {expected}
    assert signal.getsignal(signal.SIGALRM) is outer_alarm
    assert 55 < signal.getitimer(signal.ITIMER_REAL)[0] <= 60


WORKERS_OF_A_KILLED_CALLER = """
import os, sys, time
sys.path.insert(0, sys.argv[1])
from documents.extraction import ExtractionLimits, parallel, text
parallel.process_count = lambda total_pages: 2
text._page_text = lambda reader, page: time.sleep(60) or ""
data = sys.stdin.buffer.read()
text.extract_text(data, limits=ExtractionLimits())
"""


def test_workers_die_with_their_caller(long_pdf: bytes) -> None:
    caller = subprocess.Popen(
        [sys.executable, "-c", WORKERS_OF_A_KILLED_CALLER, str(ROOT)], stdin=subprocess.PIPE
    )
    try:
        assert caller.stdin is not None
        caller.stdin.write(long_pdf)
        caller.stdin.close()
        workers = wait_for(lambda: processes_of(caller.pid), until=lambda found: len(found) == 2)
    finally:
        caller.kill()
        caller.wait()

    def alive() -> list[int]:
        return [pid for pid in workers if process_state(pid) not in (None, "Z")]

    assert wait_for(alive, until=lambda found: not found) == []


def wait_for(probe: Callable[[], Any], *, until: Callable[[Any], bool]) -> Any:
    deadline = time.monotonic() + 30
    while not until(found := probe()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def process_state(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


# The font cache


def test_each_font_is_built_once_per_document(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[int] = []
    build = fonts._build

    def counting(cls: Any, font_dict: Any) -> Any:
        built.append(id(font_dict))
        return build(cls, font_dict)

    monkeypatch.setattr(fonts, "_build", counting)
    reader = PdfReader(BytesIO(corpus_bytes("GeoTopo-komprimiert.pdf")))

    with fonts_cached():
        for page in reader.pages[:20]:
            page.extract_text()
    cached = len(built)
    for page in reader.pages[:20]:
        page.extract_text()  # outside the block, as pypdf does

    assert len(set(built)) == cached
    assert len(built) - cached > 5 * cached
