"""Run every benchmark into a folder of its own, then write the run's report (`make bench`).

    .venv/bin/python scripts/with_redis.py -- .venv/bin/python bench/run_all.py

The folder is bench/results/<UTC time>/, for example bench/results/2026-11-23T0612Z/. Each
benchmark runs as a subprocess with BENCH_RESULTS_DIR pointing at the folder; `run.json`
records the machine, the commit and each command with its exit code. The first benchmark that
fails stops the run: the report then shows what ran, and the exit status is 1.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
import report

# Name (also the name of its JSON file and its key in report.BENCHMARKS), script, extra environment.
BENCHMARKS: list[tuple[str, str, dict[str, str]]] = [
    ("events", "bench_events.py", {}),
    ("pipeline", "bench_pipeline.py", {}),
    ("load", "bench_load.py", {}),
    ("storm", "bench_load.py", {"BENCH_STORM": "1", "BENCH_CONNECTIONS_PER_USER": "4"}),
    ("extraction", "bench_extraction.py", {}),
]


def new_run_folder(started: datetime) -> Path:
    results = harness.ROOT / "bench" / "results"
    name = started.strftime("%Y-%m-%dT%H%MZ")
    folder, suffix = results / name, 1
    while folder.exists():  # a second run within the same minute
        suffix += 1
        folder = results / f"{name}-{suffix}"
    folder.mkdir(parents=True)
    return folder


def commit() -> str:
    """The short commit, plus "+ changes" when the working tree differs from it."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "--no-optional-locks", *args],
            cwd=harness.ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    head = git("rev-parse", "--short", "HEAD")
    return f"{head} + changes" if git("status", "--porcelain") else head


def run_benchmark(script: str, extra_env: dict[str, str], folder: Path) -> tuple[int, float]:
    env = {**os.environ, **extra_env, harness.RESULTS_DIR_VARIABLE: str(folder)}
    started = time.monotonic()
    exit_code = subprocess.run(
        [sys.executable, str(harness.ROOT / "bench" / script)], cwd=harness.ROOT, env=env
    ).returncode
    return exit_code, time.monotonic() - started


def main() -> int:
    started = datetime.now(UTC)
    folder = new_run_folder(started)
    python = os.path.relpath(sys.executable, harness.ROOT)
    run: dict[str, Any] = {
        "started": started.isoformat(timespec="seconds"),
        "machine": harness.machine(),
        "commit": commit(),
        "redis_url": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "load_average_at_start": os.getloadavg()[0],
        "load_average_at_end": None,
        "commands": [],
    }
    failed = False
    for name, script, extra_env in BENCHMARKS:
        print(f"\n=== {name} ===", flush=True)
        command: dict[str, Any] = {
            "benchmark": name,
            "command": shlex.join(
                [*(f"{k}={v}" for k, v in extra_env.items()), python, f"bench/{script}"]
            ),
            "exit_code": None,
            "seconds": None,
        }
        run["commands"].append(command)
        (folder / "run.json").write_text(json.dumps(run, indent=2) + "\n")
        command["exit_code"], command["seconds"] = run_benchmark(script, extra_env, folder)
        if command["exit_code"] != 0:
            print(f"{name} failed (exit {command['exit_code']}); stopping here", flush=True)
            failed = True
            break
    run["load_average_at_end"] = os.getloadavg()[0]
    (folder / "run.json").write_text(json.dumps(run, indent=2) + "\n")
    report_md, report_png = report.write_report(folder)
    print(f"\nreport: {report_md.relative_to(harness.ROOT)}")
    print(f"chart:  {report_png.relative_to(harness.ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
