"""`python -m crawler report`: the last runs per outlet as a table, and an HTML page with charts.

Reads only the runs collection (one document per crawl, crawler.runtime.extensions.RunRecorder), so it
works the same against MongoDB and the embedded store. The HTML page is self-contained (inline SVG,
no scripts, no fonts to fetch): articles per outlet per day, and field coverage run by run.
"""

from __future__ import annotations

import html
from collections import defaultdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crawler.helpers.dates import BEIJING
from crawler.runtime.health import figure

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

COVERAGE_SHOWN = ("body_zh", "body_en", "editor", "reporter_or_author", "published_time", "photos_credited")
_COLOURS = ("#1b6ca8", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d96a3", "#6a4c93", "#e07a5f", "#3d405b", "#81b29a")


def _when(run: dict[str, Any]) -> datetime | None:
    value = run.get("started_at")
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return None


def coverage(site: dict[str, Any], field: str) -> float | None:
    if field == "photos_credited":
        captioned = figure(site, "photos", "captioned")
        return figure(site, "photos", "credited") / captioned if captioned else None
    articles = figure(site, "articles")
    return figure(site, "coverage", field) / articles if articles else None


# How a run's status reads in the table: whatever is not plainly fine is in capitals.
_STATUS_LABELS = {"finished": "ok", "failed": "FAILED", "stopped": "STOPPED", "running": "RUNNING?"}


def health(run: dict[str, Any], outlet: str | None) -> str:
    """ok, DEGRADED, FAILED, STOPPED, or RUNNING? (a run still going, or killed before it could
    record its end)."""
    status = run.get("status") or "running"
    if status == "finished" and outlet in {f.get("site") for f in (run.get("health") or {}).get("findings", [])}:
        return "DEGRADED"
    return _STATUS_LABELS.get(status, str(status).upper())


def rows(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (run, outlet), newest run first; a run that reached no outlet (it failed at
    start, or was stopped or killed early) still has its row."""
    table: list[dict[str, Any]] = []
    for run in runs:
        started = _when(run)
        for key, site in sorted((run.get("sites") or {"-": {}}).items()):
            row: dict[str, Any] = {
                "run": run.get("_id"),
                "started": started.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if started else "?",
                "outlet": key,
                "health": health(run, key),
                "lists": int(figure(site, "pages", "list")),
                "links": int(figure(site, "links", "articles")),
                "articles": int(figure(site, "articles")),
                "new": int(figure(site, "store", "inserted")),
                "updated": int(figure(site, "store", "updated")),
                "unchanged": int(figure(site, "store", "unchanged")),
                "dropped": int(figure(site, "dropped")),
                "errors": int(figure(site, "errors")),
            }
            for field in COVERAGE_SHOWN:
                row[field] = coverage(site, field)
            table.append(row)
    return table


def text_table(table: list[dict[str, Any]]) -> str:
    if not table:
        return "no runs recorded yet"
    columns = list(table[0])
    cells = [[_cell(row[c]) for c in columns] for row in table]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells)
    return "\n".join(lines)


def causes(runs: list[dict[str, Any]]) -> list[str]:
    """Why each run that was not plainly fine was not: its cause, or its health findings."""
    lines = []
    for run in runs:
        findings = [f"{f.get('site')}: {f.get('message')}" for f in (run.get("health") or {}).get("findings", [])]
        label = health(run, None)
        if label != "ok" and run.get("cause"):
            lines.append(f"{run.get('_id')} {label}: {run['cause']}")
        elif label == "RUNNING?":
            lines.append(f"{run.get('_id')} RUNNING?: no end recorded (still running, or killed)")
        if run.get("status") == "finished":  # a failed run's findings only repeat its cause
            lines.extend(f"{run.get('_id')} DEGRADED: {finding}" for finding in findings)
    return lines


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.0%}"
    return str(value)


def articles_per_day(runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """outlet -> Beijing day -> new stories stored that day."""
    days: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for run in runs:
        started = _when(run)
        if started is None:
            continue
        day = started.astimezone(BEIJING).strftime("%Y-%m-%d")
        for key, site in (run.get("sites") or {}).items():
            days[key][day] += figure(site, "store", "inserted")
    return days


def svg_lines(
    series: Mapping[str, Sequence[float | None]], labels: list[str], *, height: int = 180, percent: bool = False
) -> str:
    width, left, bottom = max(320, 40 * len(labels) + 60), 44, 24
    top_value = 1.0 if percent else max([v for values in series.values() for v in values if v is not None] + [1.0])
    plot_w, plot_h = width - left - 10, height - bottom - 10

    def x(i: int) -> float:
        return left + (plot_w * i / max(1, len(labels) - 1))

    def y(v: float) -> float:
        return 10 + plot_h * (1 - v / top_value)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 20 * len(series)}" role="img">']
    parts.append(f'<line x1="{left}" y1="{10 + plot_h}" x2="{width - 10}" y2="{10 + plot_h}" stroke="#999"/>')
    top_label = "100%" if percent else f"{top_value:.0f}"
    parts.append(f'<text x="2" y="16" font-size="10">{top_label}</text><text x="2" y="{10 + plot_h}" font-size="10">0</text>')
    for i, label in enumerate(labels):
        if len(labels) <= 12 or i % max(1, len(labels) // 12) == 0:
            parts.append(f'<text x="{x(i):.0f}" y="{height - 6}" font-size="9" text-anchor="middle">{html.escape(label)}</text>')
    for n, (name, values) in enumerate(series.items()):
        colour = _COLOURS[n % len(_COLOURS)]
        coordinates = [(x(i), y(v)) for i, v in enumerate(values) if v is not None]
        if coordinates:
            points = " ".join(f"{px:.1f},{py:.1f}" for px, py in coordinates)
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
            # Dots too: a single run or day is a point, which a line alone would not show.
            parts.extend(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.5" fill="{colour}"/>' for px, py in coordinates)
        parts.append(f'<text x="{left}" y="{height + 14 + 20 * n}" font-size="11" fill="{colour}">■ {html.escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def html_report(runs: list[dict[str, Any]]) -> str:
    """runs: newest first, as from Store.recent_runs."""
    chronological = list(reversed(runs))
    per_day = articles_per_day(chronological)
    days = sorted({day for outlet in per_day.values() for day in outlet})
    daily = {outlet: [per_day[outlet].get(day, 0.0) for day in days] for outlet in sorted(per_day)}
    sections = [
        "<h2>New stories per outlet per day (Beijing time)</h2>",
        svg_lines(daily, [d[5:] for d in days]) if days else "<p>no runs yet</p>",
        "<h2>Field coverage by run</h2>",
    ]
    outlets = sorted({key for run in chronological for key in (run.get("sites") or {})})
    for outlet in outlets:
        mine = [run for run in chronological if outlet in (run.get("sites") or {})]
        labels = [(_when(r) or datetime.min).astimezone(BEIJING).strftime("%m-%d %H:%M") for r in mine]
        series = {field: [coverage(r["sites"][outlet], field) for r in mine] for field in COVERAGE_SHOWN}
        sections.append(f"<h3>{html.escape(outlet)}</h3>{svg_lines(series, labels, percent=True)}")
    table = rows(runs)
    header = "".join(f"<th>{html.escape(c)}</th>" for c in (table[0] if table else {}))
    body = "".join(
        f'<tr class="{html.escape(str(row["health"]).rstrip("?").lower())}">'
        + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row.values())
        + "</tr>"
        for row in table
    )
    notes = "".join(f"<li>{html.escape(line)}</li>" for line in causes(runs))
    # The table first: what a reader opens the report for is whether the last runs were fine.
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>headlines: runs</title>'
        "<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;font-size:12px}"
        "td,th{border:1px solid #ccc;padding:2px 6px}tr.failed{background:#f8c9c9}tr.degraded{background:#fbe3b5}"
        "tr.stopped,tr.running{background:#e4e4f4}</style></head><body><h1>headlines: recent runs</h1>"
        + f"<h2>Runs</h2><table><tr>{header}</tr>{body}</table>"
        + (f"<h2>What went wrong</h2><ul>{notes}</ul>" if notes else "")
        + "".join(sections)
        + "</body></html>"
    )
