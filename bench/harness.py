"""What the benchmarks share: an environment of their own, real processes, and measurements.

Each benchmark gets its own SQLite database (or DATABASE_URL when set), media folder, Redis
database, broker key prefix and channel layer prefix, so that neither a running `make dev` nor
another benchmark is disturbed. Import this module before Django: `use_own_environment` must
run before settings load.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
RESULTS_DIR_VARIABLE = "BENCH_RESULTS_DIR"
BIN = Path(sys.executable).parent
BENCH_REDIS_DB = "8"


def use_own_environment(name: str) -> Path:
    """Point this process (and the processes it starts) at a fresh environment called `name`."""
    work = ROOT / "var" / "bench" / name
    shutil.rmtree(work, ignore_errors=True)
    (work / "media").mkdir(parents=True)
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": os.environ.get(
                "BENCH_DATABASE_URL", f"sqlite:///{work / 'db.sqlite3'}"
            ),
            "MEDIA_ROOT": str(work / "media"),
            "REDIS_URL": urlunsplit(urlsplit(redis_url)._replace(path=f"/{BENCH_REDIS_DB}")),
            "BROKER_KEY_PREFIX": f"bench-{name}:",
            "CHANNEL_LAYER_PREFIX": f"bench-{name}",
            "NOTES_GENERATOR": "local",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    return work


def setup_django() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def results_dir() -> Path:
    """Where benchmarks write their JSON: the run's own folder under `make bench`
    (BENCH_RESULTS_DIR), else bench/results/ for a benchmark run alone."""
    return Path(os.environ.get(RESULTS_DIR_VARIABLE) or ROOT / "bench" / "results").resolve()


def write_results(name: str, results: dict[str, Any]) -> None:
    """Write a benchmark's figures as `<name>.json` into the results folder."""
    path = results_dir() / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def machine() -> str:
    """The CPU model, cores, memory and Python of this machine, in one line."""
    cpu = _proc_field("/proc/cpuinfo", "model name") or platform.processor()
    memory_kib = _proc_field("/proc/meminfo", "MemTotal").removesuffix(" kB")
    memory = f", {int(memory_kib) / 1024**2:.1f} GiB memory" if memory_kib else ""
    return (
        f"{cpu or 'unknown CPU'} ({platform.machine()}), {os.cpu_count()} cores{memory}, "
        f"Python {platform.python_version()}"
    )


def _proc_field(path: str, name: str) -> str:
    """The first `name: value` of a /proc file, or "" where there is none (not Linux)."""
    if not Path(path).exists():
        return ""
    for line in Path(path).read_text().splitlines():
        key, _, value = line.partition(":")
        if key.strip() == name:
            return value.strip()
    return ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(command: list[str], log: Path, **env: str) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def workers(
    work: Path, concurrency: dict[str, int]
) -> Iterator[dict[str, subprocess.Popen[bytes]]]:
    """One Celery worker per queue, as in the Procfile."""
    started = {
        queue: _start(
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "-Q",
                queue,
                "-c",
                str(count),
                "-n",
                f"bench-{queue}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            work / f"worker-{queue}.log",
            **(
                {"WORKER_MEMORY_LIMIT_MB": os.environ.get("PDF_WORKER_MEMORY_MB", "1024")}
                if queue == "pdf"
                else {}
            ),
        )
        for queue, count in concurrency.items()
    }
    try:
        from config.celery import app

        deadline = time.monotonic() + 60
        while len(app.control.ping(timeout=1.0) or []) < len(started):
            if time.monotonic() > deadline:
                raise SystemExit(f"the workers did not start; see {work}")
        yield started
    finally:
        _stop(list(started.values()))


@contextmanager
def daphne(work: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """The web process as the Procfile starts it (`config.serve`); yields it and its base URL."""
    port = free_port()
    process = _start(
        [sys.executable, "-m", "config.serve", "-v", "0", "-b", "127.0.0.1", "-p", str(port)],
        work / "daphne.log",
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=1):  # noqa: S310
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"daphne did not start; see {work / 'daphne.log'}") from None
                time.sleep(0.1)
        yield process, url
    finally:
        _stop([process])


def child_pids(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return [int(child) for child in out.stdout.split()]


def memory_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory now (VmRSS) or at its peak (VmHWM) of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary_ms(values_ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(values_ms), 2),
        "p99_ms": round(percentile(values_ms, 0.99), 2),
        "mean_ms": round(statistics.fmean(values_ms), 2),
        "max_ms": round(max(values_ms), 2),
    }
