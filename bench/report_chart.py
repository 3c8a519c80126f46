"""The chart of a benchmark run: six panels in one PNG, drawn with matplotlib's Agg backend.

A panel whose benchmarks left no JSON says so instead of drawing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

Results = dict[str, Any]
PERCENTILES = ("p50", "p99", "max")
TARGET_STYLE: dict[str, Any] = {"color": "tab:red", "linestyle": "--", "linewidth": 1.5}
MET, MISSED = "tab:green", "tab:red"


def draw(results: dict[str, Results | None], title: str, path: Path) -> None:
    figure = Figure(figsize=(18, 10.5), layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(title, fontsize=13)
    panels = figure.subplots(2, 3, width_ratios=[1.25, 1, 1])
    latency(panels[0][0], results)
    pipeline(panels[0][1], results["pipeline"])
    memory(panels[0][2], results["pipeline"], results["load"])
    delivery(panels[1][0], results)
    throughput(panels[1][1], results)
    extraction(panels[1][2], results["extraction"])
    figure.savefig(path, dpi=100)


def number(value: float) -> str:
    """A figure with as many decimals as its size deserves: 1234, 56.7, 0.89."""
    if isinstance(value, int):
        return str(value)
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 'es' if noun.endswith('ss') else 's'}"


def bar_color(target: Results | None) -> str:
    """Green or red for a figure with a target, met or missed; blue for one without."""
    if target is None:
        return "tab:blue"
    return MET if target["met"] else MISSED


def no_data(axes: Axes, title: str, benchmarks: str) -> None:
    axes.set_title(title)
    axes.text(0.5, 0.5, f"no results from {benchmarks}", ha="center", va="center", fontsize=12)
    axes.set_axis_off()


def label_bars(axes: Axes, bars: Any, texts: list[str], **options: Any) -> None:
    axes.bar_label(bars, labels=texts, padding=2, fontsize=8, **options)


def latency(axes: Axes, results: dict[str, Results | None]) -> None:
    title = "Event latency: p50, p99, max"
    series: list[tuple[str, dict[str, float]]] = []
    target = None
    if events := results["events"]:
        measured = events["latency"]
        series += [
            ("events\nraw layer", measured["raw_group_send_to_receive"]),
            ("events\ncommit → client", measured["commit_to_websocket_client"]),
            ("events\nemit call", measured["emit_call"]),
        ]
        target = float(measured["target_p50_ms"])
    series += [
        (f"{name}\nemit → receive", data["latency"])
        for name in ("load", "storm")
        if (data := results[name])
    ]
    if not series:
        no_data(axes, title, "events, load and storm")
        return
    width = 0.27
    for offset, percentile in enumerate(PERCENTILES):
        positions = [index + (offset - 1) * width for index in range(len(series))]
        values = [figures[f"{percentile}_ms"] for _, figures in series]
        bars = axes.bar(positions, values, width, label=percentile)
        label_bars(axes, bars, [number(value) for value in values], rotation=90)
    if target is not None:
        axes.hlines(target, 0.6, 1.4, label="target for commit → client p50", **TARGET_STYLE)
    axes.set_xticks(range(len(series)), [name for name, _ in series], fontsize=8)
    axes.set_yscale("log")
    axes.set_ylim(top=30 * max(figures["max_ms"] for _, figures in series))  # room for labels
    axes.set_ylabel("milliseconds (log scale)")
    axes.set_title(title)
    axes.legend(fontsize=8)


def pipeline(axes: Axes, data: Results | None) -> None:
    title = "Pipeline: upload → completed"
    if data is None:
        no_data(axes, title, "the pipeline")
        return
    miss, hit, targets = data["cache_miss"], data["cache_hit_ms"], data["targets"]
    bars = [
        (f"{miss['geotopo']['pdf']}\ncache miss", miss["geotopo"]["ms"], targets["geotopo_ms"]),
        (f"{miss['twenty_pages']['pdf']}\ncache miss", miss["twenty_pages"]["ms"], None),
        ("cache hit p50", hit["p50"], targets["cache_hit_p50_ms"]),
        ("cache hit p95", hit["p95"], None),
    ]
    colors = [bar_color(target) for *_, target in bars]
    drawn = axes.barh(range(len(bars)), [ms for _, ms, _ in bars], color=colors)
    label_bars(axes, drawn, [f"{number(ms)} ms" for _, ms, _ in bars])
    for index, (_, _, target) in enumerate(bars):
        if target is not None:
            axes.vlines(target["below"], index - 0.4, index + 0.4, **TARGET_STYLE)
    axes.plot([], [], label="target (green: met, red: missed)", **TARGET_STYLE)
    axes.set_yticks(range(len(bars)), [name for name, _, _ in bars], fontsize=9)
    axes.invert_yaxis()
    axes.set_xscale("log")
    axes.set_xlabel("milliseconds (log scale)")
    axes.set_title(title)
    axes.legend(fontsize=8, loc="lower right")


def memory(axes: Axes, pipeline_data: Results | None, load_data: Results | None) -> None:
    title = "Memory (RSS)"
    bars: list[tuple[str, float]] = []
    if pipeline_data:
        bars.append(("pdf worker\npeak", pipeline_data["pdf_worker_peak_rss_mb"]))
    if load_data:
        rss = load_data["daphne_rss_mb"]
        bars += [
            ("daphne\nidle", rss["idle"]),
            (f"daphne\n{load_data['connections']} connections", rss["connected"]),
        ]
    if not bars:
        no_data(axes, title, "the pipeline and load")
        return
    colors = ["tab:blue"] * len(bars)
    highest = max(mb for _, mb in bars)
    if pipeline_data:  # the first bar: the pdf worker, which has a target
        target = pipeline_data["targets"]["pdf_worker_peak_rss_mb"]
        colors[0] = bar_color(target)
        axes.hlines(target["below"], -0.4, 0.4, label="pdf worker target", **TARGET_STYLE)
        axes.legend(fontsize=8)
        highest = max(highest, target["below"])
    drawn = axes.bar(range(len(bars)), [mb for _, mb in bars], color=colors)
    label_bars(axes, drawn, [f"{number(mb)} MB" for _, mb in bars])
    axes.set_ylim(0, 1.2 * highest)  # room for the labels and the legend
    axes.set_xticks(range(len(bars)), [name for name, _ in bars], fontsize=9)
    axes.set_ylabel("MB")
    axes.set_title(title)


def delivery_runs(results: dict[str, Results | None]) -> list[tuple[str, Results]]:
    """Per scenario: delivered, expected, lost, duplicates and deliveries per second."""
    runs = []
    if events := results["events"]:
        runs += [
            (
                f"events\n{plural(run['clients'], 'client')}",
                {
                    "delivered": run["delivered"],
                    "expected": run["clients"] * run["events"],
                    "lost": run["lost"],
                    "duplicates": run["duplicates"],
                    "per_second": run["delivered_per_second"],
                },
            )
            for run in events["throughput"]
        ]
    for name in ("load", "storm"):
        if data := results[name]:
            runs.append(
                (
                    f"{name}\n{data['connections']} clients",
                    {
                        "delivered": data["expected_deliveries"] - data["lost"],
                        "expected": data["expected_deliveries"],
                        "lost": data["lost"],
                        "duplicates": data["duplicated"],
                        "per_second": data["deliveries_per_second"],
                    },
                )
            )
    return runs


def delivery(axes: Axes, results: dict[str, Results | None]) -> None:
    title = "Events delivered to every client (target 100 %, 0 lost, 0 duplicated)"
    runs = delivery_runs(results)
    if not runs:
        no_data(axes, title, "events, load and storm")
        return
    shares = [100 * run["delivered"] / run["expected"] for _, run in runs]
    healthy = [run["lost"] == run["duplicates"] == 0 for _, run in runs]
    drawn = axes.bar(range(len(runs)), shares, color=[MET if ok else MISSED for ok in healthy])
    label_bars(
        axes,
        drawn,
        [
            f"{share:.1f} %\nlost {run['lost']}, dup {run['duplicates']}"
            for share, (_, run) in zip(shares, runs, strict=True)
        ],
    )
    axes.axhline(100, label="target", **TARGET_STYLE)
    axes.set_xticks(range(len(runs)), [name for name, _ in runs], fontsize=8)
    axes.set_ylim(0, 125)
    axes.set_ylabel("% of expected deliveries")
    axes.set_title(title, fontsize=10)
    axes.legend(fontsize=8, loc="lower right")


def throughput(axes: Axes, results: dict[str, Results | None]) -> None:
    title = "Deliveries per second, all clients together"
    runs = delivery_runs(results)
    if not runs:
        no_data(axes, title, "events, load and storm")
        return
    per_second = [run["per_second"] for _, run in runs]
    drawn = axes.bar(range(len(runs)), per_second, color="tab:purple")
    label_bars(axes, drawn, [number(value) for value in per_second])
    axes.set_xticks(range(len(runs)), [name for name, _ in runs], fontsize=8)
    axes.set_ylabel("events delivered per second")
    axes.set_title(title)


def extraction(axes: Axes, data: Results | None) -> None:
    title = "Text extraction speed (median)"
    if data is None:
        no_data(axes, title, "extraction")
        return
    runs = data["results"]
    speeds = [run["pages_per_second"] for run in runs]
    drawn = axes.barh(range(len(runs)), speeds, color="tab:olive")
    label_bars(axes, drawn, [number(speed) for speed in speeds])
    names = [f"{run['file'].removesuffix('.pdf')} ({run['pages']} p.)" for run in runs]
    axes.set_yticks(range(len(runs)), names, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel("pages per second")
    axes.set_title(title)
