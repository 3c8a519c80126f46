"""Text extraction over the corpus: time, pages per second and peak memory per file.

Run: .venv/bin/python bench/bench_extraction.py
(prints a table and writes bench/results/extraction.json)

Each file runs in a fresh process so that its peak RSS is its own. "pypdf s" is pypdf's own
extraction of the same pages (no fast content reader, no cleaning), for comparison.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import resource
import sys
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
RESULTS = ROOT / "bench" / "results" / "extraction.json"
FILES = [
    "minimal-document.pdf",
    "pdflatex-4-pages.pdf",
    "multicolumn.pdf",
    "google-doc-document.pdf",
    "GeoTopo-komprimiert.pdf",
]
REPEAT = 3
COLUMNS = [  # key, title, width
    ("file", "file", -26),
    ("pages", "pages", 5),
    ("seconds", "s", 6),
    ("pages_per_second", "pages/s", 8),
    ("pypdf_seconds", "pypdf s", 8),
    ("peak_rss_mb", "peak MB", 8),
    ("rss_growth_mb", "growth", 7),
]


def measure(name: str) -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # font warnings, one per page and font
    from pypdf import PdfReader

    from documents.extraction import ExtractionLimits, extract_text

    data = (CORPUS / name).read_bytes()
    rss_before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    seconds = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        extracted = extract_text(data, limits=ExtractionLimits())
        seconds.append(time.perf_counter() - started)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    for page in PdfReader(BytesIO(data)).pages:
        page.extract_text()
    pypdf_seconds = time.perf_counter() - started
    best = min(seconds)
    return {
        "file": name,
        "pages": extracted.page_count,
        "chars": extracted.char_count,
        "seconds": round(best, 3),
        "pages_per_second": round(extracted.page_count / best, 1),
        "pypdf_seconds": round(pypdf_seconds, 3),
        "peak_rss_mb": round(peak_rss_mb, 1),
        "rss_growth_mb": round(peak_rss_mb - rss_before_mb, 1),
    }


def main() -> None:
    context = multiprocessing.get_context("spawn")
    rows = []
    for name in FILES:
        with context.Pool(1) as pool:
            rows.append(pool.apply(measure, (name,)))
    print(" ".join(_cell(title, width) for _, title, width in COLUMNS))
    for row in rows:
        print(" ".join(_cell(row[key], width) for key, _, width in COLUMNS))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"repeat": REPEAT, "results": rows}, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


def _cell(value: object, width: int) -> str:
    return f"{value!s:>{width}}" if width > 0 else f"{value!s:{-width}}"


if __name__ == "__main__":
    main()
