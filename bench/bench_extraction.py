"""Text extraction over the corpus: time, pages per second and peak memory per file.

Run: .venv/bin/python bench/bench_extraction.py [--repeat N]
(prints a table and writes extraction.json into bench/results/, or the run's folder under
`make bench`)

Each file runs in a fresh process so that its peak RSS is its own. Times are medians of N runs
after a warm-up, the two ways taking turns so that a busy machine slows both alike:
- "s": `extract_text` as it runs in production: worker processes for a long document
  ("procs" of them), in-process for a short one;
- "1-proc s": the same, forced to read page by page in-process;
- "pypdf s": pypdf's own extraction of the same pages (no fast content reader, no font cache,
  no cleaning), once, for comparison.
"peak MB" is the calling process's peak RSS in production mode, "worker MB" the largest peak of
a worker process (forked: it shares most of its pages with the caller), "1-proc MB" the peak
after the in-process runs too.

The GeoTopo slices show where reading in workers starts to pay (see `parallel.py`).
"""

from __future__ import annotations

import argparse
import io
import logging
import multiprocessing
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

ROOT = Path(__file__).resolve().parents[1]
FILES = [
    "minimal-document.pdf",
    "pdflatex-4-pages.pdf",
    "multicolumn.pdf",
    "google-doc-document.pdf",
    "GeoTopo-komprimiert.pdf",
]
SLICES = [(20, 28), (20, 36), (20, 40), (20, 60)]  # pages of GeoTopo, as their own PDFs
REPEAT = 5
COLUMNS = [  # key, title, width
    ("file", "file", -26),
    ("pages", "pages", 5),
    ("processes", "procs", 5),
    ("seconds", "s", 6),
    ("in_process_seconds", "1-proc s", 8),
    ("speedup", "speedup", 7),
    ("pages_per_second", "pages/s", 8),
    ("pypdf_seconds", "pypdf s", 8),
    ("peak_rss_mb", "peak MB", 8),
    ("worker_peak_rss_mb", "worker MB", 9),
    ("in_process_peak_rss_mb", "1-proc MB", 9),
]


def measure(name: str, repeat: int) -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # font warnings, one per page and font
    from pypdf import PdfReader

    from documents.extraction import ExtractionLimits, extract_text, parallel

    data = _file(name)
    limits = ExtractionLimits()
    production = parallel.process_count

    def in_process(total_pages: int) -> int:
        return 1

    def run(process_count: Callable[[int], int]) -> float:
        with mock.patch.object(parallel, "process_count", process_count):
            started = time.perf_counter()
            extract_text(data, limits=limits)
            return time.perf_counter() - started

    run(production)  # warm-up, and the memory of production mode alone
    peak_rss_mb = _peak_mb(resource.RUSAGE_SELF)
    run(in_process)
    seconds, in_process_seconds = [], []
    for _ in range(repeat):
        seconds.append(run(production))
        in_process_seconds.append(run(in_process))
    extracted = extract_text(data, limits=limits)
    started = time.perf_counter()
    for page in PdfReader(BytesIO(data)).pages:
        page.extract_text()
    pypdf_seconds = time.perf_counter() - started
    median, in_process_median = statistics.median(seconds), statistics.median(in_process_seconds)
    return {
        "file": name,
        "pages": extracted.page_count,
        "chars": extracted.char_count,
        "processes": production(extracted.page_count),
        "seconds": round(median, 3),
        "in_process_seconds": round(in_process_median, 3),
        "speedup": round(in_process_median / median, 2),
        "pages_per_second": round(extracted.page_count / median, 1),
        "pypdf_seconds": round(pypdf_seconds, 3),
        "peak_rss_mb": peak_rss_mb,
        "worker_peak_rss_mb": _peak_mb(resource.RUSAGE_CHILDREN),
        "in_process_peak_rss_mb": _peak_mb(resource.RUSAGE_SELF),
        "runs": {"seconds": seconds, "in_process_seconds": in_process_seconds},
    }


def _file(name: str) -> bytes:
    if not name.startswith("GeoTopo pages "):
        return (harness.CORPUS / name).read_bytes()
    from pypdf import PdfReader, PdfWriter

    first, last = (int(page) for page in name.removeprefix("GeoTopo pages ").split("-"))
    writer = PdfWriter()
    for page in PdfReader(harness.CORPUS / "GeoTopo-komprimiert.pdf").pages[first - 1 : last]:
        writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _peak_mb(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=REPEAT)
    repeat = parser.parse_args().repeat
    names = FILES + [f"GeoTopo pages {first + 1}-{last}" for first, last in SLICES]
    context = multiprocessing.get_context("spawn")
    rows = []
    for name in names:
        with context.Pool(1) as pool:
            rows.append(pool.apply(measure, (name, repeat)))
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the end")
    print(" ".join(_cell(title, width) for _, title, width in COLUMNS))
    for row in rows:
        print(" ".join(_cell(row[key], width) for key, _, width in COLUMNS))
    harness.write_results("extraction", {"repeat": repeat, "results": rows})


def _cell(value: object, width: int) -> str:
    return f"{value!s:>{width}}" if width > 0 else f"{value!s:{-width}}"


if __name__ == "__main__":
    main()
