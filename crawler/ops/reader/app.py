"""The reader's routes: HTML pages and the JSON API behind each of them.

Pages: `/` (stories), `/search?q=`, `/stories/<key>`, `/runs`. API: `/api/stories`,
`/api/stories/<key>`, `/api/search?q=` (also `format=csv|jsonl`, every match), `/api/runs`.
Read-only: nothing here writes to the store. Handlers are plain functions, which Starlette runs in
its thread pool, since both stores answer synchronously.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import sqlite3
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import jinja2
from pymongo.errors import PyMongoError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from crawler import sites
from crawler.ops import report
from crawler.ops.reader import params, story
from crawler.runtime.health import figure
from crawler.store import StoreUnavailable
from crawler.store.secrets import redact

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator

    from starlette.requests import Request

    from crawler.store import Store
    from crawler.store.catalog import Cursor

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
RUNS_SHOWN = 200
EXPORT_PAGE = 200
CSV_COLUMNS = ("key", "published_at", "site", "title_zh", "title_en", "bylines", "source", "section", "revisions", "removed",
               "cluster_size", "url")  # fmt: skip
# No scripts at all, from anywhere: a stored `<script>` that escaped escaping still would not run.
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


class JSON(JSONResponse):
    """JSON with the stores' datetimes as ISO 8601 and Chinese as itself (not \\u escapes)."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, default=_json_default, separators=(",", ":")).encode("utf-8")


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response


def _templates() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every stored string is escaped, in every template, whatever its name
        # Stored documents span years of field changes: a field an older story lacks renders empty.
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(outlets=sorted(sites.SITES), languages=params.LANGUAGES, beijing=story.beijing)
    environment.filters["href"] = story.safe_href
    return environment


def _entry_json(entry: dict[str, Any]) -> dict[str, Any]:
    shown = {k: v for k, v in entry.items() if k not in ("search_hash", "v")}
    shown["key"] = shown.pop("_id")
    return shown


def _page_url(request: Request, path: str, cursor: Cursor | None) -> str | None:
    if cursor is None:
        return None
    kept = {k: v for k, v in request.query_params.items() if k != "after" and v}
    return f"{path}?{urlencode({**kept, 'after': cursor.encode()})}"


class Reader:
    """The app's state: one open store and the templates."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.templates = _templates()
        stories, current = store.catalog_size()
        self.behind = stories - current
        if self.behind:
            logger.warning(
                "%d stored stories are not in the reader's index yet: run `python -m crawler reindex` to list them", self.behind
            )

    def html(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("behind", self.behind)
        context.setdefault("first_query", "")
        context.setdefault("store", self.store.describe())
        return HTMLResponse(self.templates.get_template(name).render(**context), status_code=status)

    # -- lists ------------------------------------------------------------------------------------

    def _listing(self, request: Request, *, need_query: bool) -> tuple[params.Listing, list[dict[str, Any]], Cursor | None]:
        chosen = params.listing(request.query_params, need_query=need_query)
        entries, cursor = self.store.catalog_page(chosen.filters, chosen.words, chosen.after, chosen.limit)
        return chosen, entries, cursor

    def stories_page(self, request: Request) -> Response:
        chosen, entries, cursor = self._listing(request, need_query=False)
        return self.html("stories.html", chosen=chosen, entries=entries, next_url=_page_url(request, "/", cursor),
                         params=request.query_params, searching=False, first_query=urlencode(_kept(request)))  # fmt: skip

    def search_page(self, request: Request) -> Response:
        if not request.query_params.get("q", "").strip():
            chosen = params.listing({})
            return self.html("stories.html", chosen=chosen, entries=[], next_url=None, params=request.query_params,
                             searching=True)  # fmt: skip
        chosen, entries, cursor = self._listing(request, need_query=True)
        downloads = {kind: f"/api/search?{urlencode({**_kept(request), 'format': kind})}" for kind in ("csv", "jsonl")}
        return self.html("stories.html", chosen=chosen, entries=entries, next_url=_page_url(request, "/search", cursor),
                         params=request.query_params, searching=True, downloads=downloads,
                         first_query=urlencode(_kept(request)))  # fmt: skip

    def stories_api(self, request: Request) -> Response:
        _, entries, cursor = self._listing(request, need_query=False)
        return JSON({"stories": [_entry_json(e) for e in entries], "next": cursor.encode() if cursor else None,
                     "next_url": _page_url(request, "/api/stories", cursor)})  # fmt: skip

    def search_api(self, request: Request) -> Response:
        kind = request.query_params.get("format", "json")
        if kind not in ("json", "csv", "jsonl"):
            raise params.BadParameter(f"format: json, csv or jsonl, not {kind[:20]!r}")
        if kind == "json":
            chosen, entries, cursor = self._listing(request, need_query=True)
            return JSON({"query": chosen.query, "stories": [_entry_json(e) for e in entries],
                         "next": cursor.encode() if cursor else None,
                         "next_url": _page_url(request, "/api/search", cursor)})  # fmt: skip
        every = self._every(params.listing(request.query_params, need_query=True))
        body = _csv_lines(every) if kind == "csv" else (json.dumps(_entry_json(e), ensure_ascii=False) + "\n" for e in every)
        media = "text/csv; charset=utf-8" if kind == "csv" else "application/x-ndjson; charset=utf-8"
        disposition = f'attachment; filename="headlines-search.{kind}"'
        return StreamingResponse(body, media_type=media, headers={"content-disposition": disposition})

    def _every(self, chosen: params.Listing) -> Iterator[dict[str, Any]]:
        """Every match, page by page (keyset), for downloads: memory stays one page."""
        cursor = chosen.after
        while True:
            entries, cursor = self.store.catalog_page(chosen.filters, chosen.words, cursor, EXPORT_PAGE)
            yield from entries
            if cursor is None:
                return

    # -- one story --------------------------------------------------------------------------------

    def _story(self, request: Request) -> story.StoryView | None:
        doc = self.store.get(request.path_params["key"])
        if doc is None:
            return None
        return story.view(self.store, doc, request.query_params.get("script", "published"))

    def story_page(self, request: Request) -> Response:
        found = self._story(request)
        if found is None:
            return self.html("error.html", status=404, title="No such story",
                             message="No story is stored under this key.")  # fmt: skip
        return self.html("story.html", view=found, key=request.path_params["key"])

    def story_api(self, request: Request) -> Response:
        found = self._story(request)
        if found is None:
            return JSON({"error": "no story is stored under this key"}, status_code=404)
        return JSON({"story": found.doc,
                     "history": [{"revision": r.number, "replaced_at": r.replaced_at, "changed": r.changed,
                                  "url": r.url} for r in found.revisions],
                     "cluster_members": [{"key": m["key"], "site": m["site"], **m["cluster"]} for m in found.members],
                     "translations": [{k: v for k, v in t.items() if k != "entry"} for t in found.translations]})  # fmt: skip

    # -- runs -------------------------------------------------------------------------------------

    def _runs(self, request: Request) -> tuple[list[dict[str, Any]], str | None]:
        site = request.query_params.get("site", "").strip() or None
        if site is not None and site not in sites.SITES:
            raise params.BadParameter(f"site: unknown outlet {site[:40]!r}")
        limit = params.number(request.query_params, "limit", RUNS_SHOWN, 1, 5000)
        runs = self.store.recent_runs(limit)
        if site:
            runs = [r for r in runs if site in (r.get("sites") or {})]
        return runs, site

    def runs_page(self, request: Request) -> Response:
        runs, site = self._runs(request)
        chronological = list(reversed(runs))
        per_day = report.articles_per_day(chronological)
        days = sorted({day for outlet in per_day.values() for day in outlet})
        daily = {o: [per_day[o].get(d, 0.0) for d in days] for o in sorted(per_day) if site in (None, o)}
        # svg_lines escapes every label it prints (crawler.ops.report): the template inserts it as is.
        charts = [("New stories per outlet per day (Beijing time)", report.svg_lines(daily, [d[5:] for d in days]))]
        if not days:
            charts = []
        for outlet in sorted({k for r in chronological for k in (r.get("sites") or {})}):
            if site not in (None, outlet):
                continue
            mine = [r for r in chronological if outlet in (r.get("sites") or {})]
            labels = [story.beijing(r.get("started_at"))[5:] for r in mine]
            series = {f: [report.coverage(r["sites"][outlet], f) for r in mine] for f in report.COVERAGE_SHOWN}
            charts.append((f"Field coverage by run: {outlet}", report.svg_lines(series, labels, percent=True)))
        return self.html("runs.html", rows=_run_rows(runs, site), causes=report.causes(runs), charts=charts,
                         summary=_run_summary(runs, site), site=site)  # fmt: skip

    def runs_api(self, request: Request) -> Response:
        runs, site = self._runs(request)
        return JSON({"runs": _run_rows(runs, site), "summary": _run_summary(runs, site), "causes": report.causes(runs)})


def _kept(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items() if k not in ("after", "format") and v}


def _run_rows(runs: list[dict[str, Any]], site: str | None) -> list[dict[str, Any]]:
    by_id = {r.get("_id"): r for r in runs}
    rows = []
    for row in report.rows(runs):
        if site not in (None, row["outlet"]):
            continue
        run = by_id.get(row["run"]) or {}
        node = (run.get("sites") or {}).get(row["outlet"]) or {}
        rows.append({**row, "blocked": int(figure(node, "blocked")),
                     "spilled": int(figure(run.get("totals") or {}, "store/spilled"))})  # fmt: skip
    return rows


def _run_summary(runs: list[dict[str, Any]], site: str | None) -> dict[str, dict[str, int]]:
    """Per outlet: runs by health, blocked pages, stories spilled, new stories."""
    summary: dict[str, Counter[str]] = {}
    for row in _run_rows(runs, site):
        counts = summary.setdefault(row["outlet"], Counter())
        counts[str(row["health"]).rstrip("?").lower()] += 1
        counts["blocked pages"] += row["blocked"]
        counts["spilled"] += row["spilled"]
        counts["new stories"] += row["new"]
    return {outlet: dict(counts) for outlet, counts in sorted(summary.items())}


def _csv_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet runs a cell that starts with these as a formula: stored text stays text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_lines(entries: Iterator[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        title = entry.get("title") or {}
        writer.writerow([_csv_cell(v) for v in (
            entry["_id"], entry.get("published_at") or entry.get("at"), entry.get("site"), title.get("zh"), title.get("en"),
            "; ".join(f"{b['role']}: {b['name']}" for b in entry.get("bylines") or []), entry.get("source"),
            " / ".join(entry.get("section") or []), entry.get("revisions"), entry.get("removed"), entry.get("cluster_size"),
            f"/stories/{entry['_id']}",
        )])  # fmt: skip
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def create_app(store: Store) -> Starlette:
    """The reader over an open store (the caller opens and closes it)."""
    reader = Reader(store)

    async def bad_parameter(request: Request, error: Exception) -> Response:
        if request.url.path.startswith("/api/"):
            return JSON({"error": str(error)}, status_code=400)
        return reader.html("error.html", status=400, title="That request cannot be read", message=str(error))

    async def unavailable(request: Request, error: Exception) -> Response:
        message = redact(f"the store is not answering: {type(error).__name__}: {error}")[:300]
        logger.error("%s", message)
        if request.url.path.startswith("/api/"):
            return JSON({"error": message}, status_code=503)
        return reader.html("error.html", status=503, title="The store is not answering", message=message)

    handlers: dict[Any, Any] = {
        params.BadParameter: bad_parameter,
        StoreUnavailable: unavailable,
        sqlite3.Error: unavailable,
        PyMongoError: unavailable,
    }
    routes = [
        Route("/", reader.stories_page),
        Route("/search", reader.search_page),
        Route("/stories/{key}", reader.story_page),
        Route("/runs", reader.runs_page),
        Route("/api/stories", reader.stories_api),
        Route("/api/stories/{key}", reader.story_api),
        Route("/api/search", reader.search_api),
        Route("/api/runs", reader.runs_api),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    return Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)], exception_handlers=handlers)
