"""The report of one benchmark run: `report.md` (one table) and `report.png` (one chart).

    .venv/bin/python bench/report.py bench/results/2026-11-23T0612Z

Reads the JSON that the benchmarks wrote into the run's folder, and `run.json`, which
`run_all.py` writes: when the run started, the machine, the commit and the commands with their
exit codes. A benchmark without its JSON (it failed, or did not run) gets a row that says so.
The numeric targets come from the JSON, as each benchmark decided them; lost and duplicated
events must always be 0.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import report_chart
from report_chart import number, plural

Results = dict[str, Any]


@dataclass(frozen=True)
class Row:
    benchmark: str
    measurement: str
    value: float | str
    unit: str = ""
    target: str = ""
    met: bool | None = None


def zero(benchmark: str, measurement: str, value: int) -> Row:
    return Row(benchmark, measurement, value, target="0", met=value == 0)


def below(benchmark: str, measurement: str, value: float, unit: str, target: Results) -> Row:
    return Row(benchmark, measurement, value, unit, f"< {target['below']:g} {unit}", target["met"])


def events_rows(data: Results) -> list[Row]:
    latency = data["latency"]
    paced = f"{latency['events']} events at {latency['rate_per_second']}/s"
    raw, committed, emit = (
        latency[key]
        for key in ("raw_group_send_to_receive", "commit_to_websocket_client", "emit_call")
    )
    target = f"≤ {latency['target_p50_ms']} ms (1.5 x raw p50 + 2 ms)"
    rows = [
        Row("events", f"raw group_send → receive p50 ({paced})", raw["p50_ms"], "ms"),
        Row("events", f"raw group_send → receive p99 ({paced})", raw["p99_ms"], "ms"),
        Row(
            "events",
            f"commit → WebSocket client p50 ({paced})",
            committed["p50_ms"],
            "ms",
            target,
            latency["target_met"],
        ),
        Row("events", f"commit → WebSocket client p99 ({paced})", committed["p99_ms"], "ms"),
        Row("events", f"emit call p50 ({paced})", emit["p50_ms"], "ms"),
        Row("events", f"emit call p99 ({paced})", emit["p99_ms"], "ms"),
        zero("events", f"lost ({paced})", latency["lost"]),
        zero("events", f"duplicates ({paced})", latency["duplicates"]),
    ]
    for run in data["throughput"]:
        room = f"{run['events']} events to {plural(run['clients'], 'client')}"
        delivered = round(100 * run["delivered"] / (run["clients"] * run["events"]), 2)
        rows += [
            Row("events", f"{room}: delivery rate", run["delivered_per_second"], "events/s"),
            Row("events", f"{room}: delivered", delivered, "%", "100 %", delivered == 100),
            zero("events", f"{room}: lost", run["lost"]),
            zero("events", f"{room}: duplicates", run["duplicates"]),
        ]
    return rows


def pipeline_rows(data: Results) -> list[Row]:
    miss, hit, targets = data["cache_miss"], data["cache_hit_ms"], data["targets"]
    geotopo, twenty = miss["geotopo"], miss["twenty_pages"]
    rss = data["pdf_worker_peak_rss_mb"]
    return [
        below(
            "pipeline",
            f"{geotopo['pdf']}, cache miss: upload → completed",
            geotopo["ms"],
            "ms",
            targets["geotopo_ms"],
        ),
        extraction_speed(geotopo),
        Row("pipeline", f"{twenty['pdf']}, cache miss: upload → completed", twenty["ms"], "ms"),
        extraction_speed(twenty),
        below(
            "pipeline",
            f"cache hit: upload → completed p50 ({hit['runs']} runs)",
            hit["p50"],
            "ms",
            targets["cache_hit_p50_ms"],
        ),
        Row(
            "pipeline", f"cache hit: upload → completed p95 ({hit['runs']} runs)", hit["p95"], "ms"
        ),
        below("pipeline", "pdf worker peak RSS", rss, "MB", targets["pdf_worker_peak_rss_mb"]),
    ]


def extraction_speed(run: Results) -> Row:
    """Pages per second from the extracting_text progress events, when there were any."""
    if run["pages_per_second"] is None:
        return Row("pipeline", f"{run['pdf']}: extraction (too quick for a progress event)", "—")
    return Row("pipeline", f"{run['pdf']}: extraction", run["pages_per_second"], "pages/s")


def load_rows(name: str) -> Callable[[Results], list[Row]]:
    """The rows of bench_load.py's JSON, for the load scenario or the reconnect storm."""

    def rows(data: Results) -> list[Row]:
        latency = data["latency"]
        completed = data["jobs_completed"]
        # In a storm, an event sent while a client was away arrives when it comes back.
        replayed = " (with the time clients spent reconnecting)" if data["storm"] else ""
        result = [
            Row(name, "WebSocket connections", data["connections"]),
            Row(
                name,
                "jobs completed",
                completed,
                "",
                f"all {data['jobs']}",
                completed == data["jobs"],
            ),
            Row(name, "events logged", data["events_logged"]),
            Row(
                name, f"deliveries (of {data['expected_deliveries']} expected)", data["deliveries"]
            ),
            Row(name, "delivery rate", data["deliveries_per_second"], "events/s"),
            zero(name, "lost", data["lost"]),
            zero(name, "duplicated", data["duplicated"]),
            zero(name, "jobs with events out of order", data["out_of_order_jobs"]),
            Row(name, f"emit → receive p50{replayed}", latency["p50_ms"], "ms"),
            Row(name, f"emit → receive p99{replayed}", latency["p99_ms"], "ms"),
            Row(name, "daphne memory per connection", data["daphne_kib_per_connection"], "KiB"),
            Row(name, "seconds until the jobs ended", data["seconds_until_jobs_ended"], "s"),
        ]
        if data["storm"]:
            result.append(Row(name, "reconnects", data["reconnects"]))
        return result

    return rows


def extraction_rows(data: Results) -> list[Row]:
    rows = []
    for run in data["results"]:
        pdf = (
            f"{run['file']} ({plural(run['pages'], 'page')}, {plural(run['processes'], 'process')})"
        )
        rows += [
            Row("extraction", f"{pdf}: speed", run["pages_per_second"], "pages/s"),
            Row("extraction", f"{pdf}: peak RSS", run["peak_rss_mb"], "MB"),
        ]
    return rows


# In the order run_all.py runs them; each name is also its JSON file's name.
BENCHMARKS: dict[str, Callable[[Results], list[Row]]] = {
    "events": events_rows,
    "pipeline": pipeline_rows,
    "load": load_rows("load"),
    "storm": load_rows("storm"),
    "extraction": extraction_rows,
}


def read_json(path: Path) -> Results | None:
    return dict(json.loads(path.read_text())) if path.exists() else None


def missing(name: str, run: Results) -> Row:
    """The row of a benchmark whose JSON is not there."""
    command = next((c for c in run.get("commands", []) if c["benchmark"] == name), None)
    if command is None:
        why = "not run" if run else f"no {name}.json"
    elif command["exit_code"] is None:
        why = "interrupted"
    elif command["exit_code"] != 0:
        why = f"failed (exit {command['exit_code']}) before writing {name}.json"
    else:
        why = f"no {name}.json"
    return Row(name, why, "—")


def table_rows(results: dict[str, Results | None], run: Results) -> list[Row]:
    rows = []
    for name, rows_of in BENCHMARKS.items():
        data = results[name]
        rows += rows_of(data) if data is not None else [missing(name, run)]
    return rows


def run_date(folder: Path, run: Results) -> str:
    if "started" not in run:
        return folder.name
    return datetime.fromisoformat(run["started"]).strftime("%Y-%m-%d %H:%M UTC")


def heading(folder: Path, run: Results) -> list[str]:
    if not run:
        return [
            f"# Benchmarks, {folder.name}",
            "",
            "No run.json: machine, commit and commands unknown.",
            "",
        ]
    load = f"load average {run['load_average_at_start']:.2f} at the start"
    if run["load_average_at_end"] is not None:
        load += f", {run['load_average_at_end']:.2f} at the end"
    lines = [
        f"# Benchmarks, {run_date(folder, run)}",
        "",
        f"- Machine: {run['machine']}; {load}",
        f"- Commit: {run['commit']}",
        f"- Redis: {run['redis_url']}",
        "- Commands, run by `bench/run_all.py` (which `make bench` starts under"
        " `scripts/with_redis.py`), each with `BENCH_RESULTS_DIR` set to this folder:",
    ]
    for command in run["commands"]:
        outcome = "interrupted"
        if command["exit_code"] is not None:
            outcome = f"exit {command['exit_code']} after {command['seconds']:.0f} s"
        lines.append(f"  - `{command['command']}`: {outcome}")
    return [*lines, ""]


def markdown(folder: Path, run: Results, rows: list[Row]) -> str:
    lines = [
        *heading(folder, run),
        "| benchmark | measurement | value | unit | target | met |",
        "|---|---|--:|---|---|---|",
    ]
    for row in rows:
        met = {None: "", True: "yes", False: "**no**"}[row.met]
        value = row.value if isinstance(row.value, str) else number(row.value)
        cells = (row.benchmark, row.measurement, value, row.unit, row.target, met)
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "![The run's figures as a chart](report.png)", ""]
    return "\n".join(lines)


def write_report(folder: Path) -> tuple[Path, Path]:
    """Write report.md and report.png into `folder`; returns their paths."""
    run = read_json(folder / "run.json") or {}
    results = {name: read_json(folder / f"{name}.json") for name in BENCHMARKS}
    report_md, report_png = folder / "report.md", folder / "report.png"
    report_md.write_text(markdown(folder, run, table_rows(results, run)))
    title = f"Benchmarks, {run_date(folder, run)}, commit {run.get('commit', 'unknown')}"
    report_chart.draw(results, f"{title}\n{run.get('machine', '')}", report_png)
    return report_md, report_png


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(f"usage: {sys.argv[0]} RUN_FOLDER")
    for path in write_report(Path(sys.argv[1])):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
