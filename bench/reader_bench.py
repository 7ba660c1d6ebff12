"""The reader at archive scale: page and search latency over N stories, on both stores.

    python -m bench.reader_bench [--stories 100000] [--store embedded|mongodb|both] [--samples 30]

Fills a fresh store (embedded SQLite in a temporary folder; HEADLINES_TEST_MONGO_URI when set, else
mongod on PATH, else FerretDB, as the tests do: never MONGO_URI, the bench drops what it writes) with N stories made from parses of the generated site, each
with its own URL, key, publish time (one every 10 minutes, backwards) and a few sentences of its
own, then times the reader's answers in-process (Starlette's test client, no network):
  story page             /stories/<key> for random keys
  list, first page       /  (50 newest)
  list, deep page        /?after=<cursor in the middle of the archive>
  list, outlet + lang    /?site=chinacomcn&lang=en
  list, rare filter      /?removed=1 (one story in 10,000 is removed, all among the oldest 500)
  search, common word    /api/search?q=发展 (in most stories)
  search, rare word      /api/search?q=蓝鲸计划 (in one story in 10,000)
  search, traditional    /api/search?q=藍鯨計劃 (the same, in traditional script)
  search, phrase         /api/search?q="习近平会见" (two words, adjacent)
  search, English        /api/search?q=cooperation
Prints the median and 95th percentile of each, and the fill rate with the catalog maintained.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from starlette.testclient import TestClient

from bench.sitegen import article_html, article_url
from crawler import sites
from crawler.extraction.results import ArticleResult
from crawler.ops.reader.app import create_app
from crawler.parse import parse_page
from crawler.store import EmbeddedStore, MongoStore, Store
from crawler.store.catalog import Cursor
from tests.servers import start_server

TEMPLATES = 400
BATCH = 500
RARE_EVERY = 10_000
T_END = datetime(2026, 11, 30, tzinfo=UTC)
EXTRA = ["双方同意深化务实合作。", "会议强调推动高质量发展。", "专家表示市场信心持续恢复。", "The two sides agreed to deepen cooperation.",
         "各地加快推进重大项目建设。", "有关部门将加强监督检查。"]  # fmt: skip


def templates() -> list[dict[str, Any]]:
    found = []
    for index in range(TEMPLATES):
        result = parse_page(article_url(index), article_html(index, seed=11, charset="utf-8").encode(),
                            {"Content-Type": "text/html; charset=utf-8"})  # fmt: skip
        assert isinstance(result, ArticleResult)
        found.append(ItemAdapter(result.item).asdict())
    return found


def story(base: dict[str, Any], index: int, rng: random.Random) -> dict[str, Any]:
    site = sites.get("chinacomcn")
    url = article_url(1_000_000 + index)
    body = {lang: list(paragraphs) for lang, paragraphs in (base.get("body") or {}).items()}
    body.setdefault("zh", []).append("".join(rng.sample(EXTRA, 3)) + f"第{index}号。")
    if index % RARE_EVERY == 0:
        body["zh"].append("蓝鲸计划今日启动。")
    published = T_END - timedelta(minutes=10 * index)
    return {**base, "url": url, "canonical_url": site.canonical_url(url), "key": site.key_for(url), "page_urls": [url],
            "body": body, "published_at": published.isoformat(), "fetched_at": (published + timedelta(minutes=5)).isoformat(),
            "content_hash": hashlib.sha1(f"bench:{index}".encode()).hexdigest()}  # fmt: skip


def fill(store: Store, count: int) -> tuple[float, list[str]]:
    """Seconds to write `count` stories (catalog included), and their keys."""
    rng = random.Random(3)
    bases = templates()
    keys: list[str] = []
    spent = 0.0
    # Oldest first, as a crawl would have stored them.
    for start in range(0, count, BATCH):
        batch = [story(bases[i % TEMPLATES], i, rng) for i in range(count - 1 - start, max(-1, count - 1 - start - BATCH), -1)]
        began = time.perf_counter()
        store.write(batch, T_END)
        spent += time.perf_counter() - began
        keys.extend(item["key"] for item in batch)
        if start == 0:
            # As many as one in RARE_EVERY of the whole archive, among the oldest (the filter walks
            # the archive to find them), marked while the store is small: a removal is a guarded
            # update, which a server that scans (FerretDB 1.x) pays per story.
            gone = range(5, len(batch), max(1, len(batch) * RARE_EVERY // count))[: max(1, count // RARE_EVERY)]
            store.mark_removed([{"url": batch[i]["url"], "site": "chinacomcn", "status": 404} for i in gone], T_END)
    return spent, keys


def timed(client: TestClient, paths: list[str]) -> tuple[float, float, int]:
    """Median and 95th percentile in ms, and the stories the last answer held."""
    times, held = [], 0
    for path in paths:
        began = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - began) * 1000)
        assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
        if path.startswith("/api/"):
            held = len(answer.json()["stories"])
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], held


def measure(name: str, store: Store, count: int, args: argparse.Namespace) -> None:
    samples, scans = args.samples, args.scan_samples or args.samples
    seconds, keys = fill(store, count)
    print(f"\n{name}: {count} stories written in {seconds:.1f} s ({count / seconds:.0f} stories/s, catalog included)")
    rng = random.Random(5)
    middle = store.catalog_entries([keys[count // 2]])[0]  # keys are oldest first: the middle is the middle
    deep = Cursor.after(middle).encode()
    cases = {
        "story page": [f"/stories/{rng.choice(keys)}" for _ in range(samples)],
        "list, first page": ["/"] * scans,
        "list, deep page": [f"/?after={deep}"] * scans,
        "list, outlet + lang": ["/?site=chinacomcn&lang=en"] * scans,
        "list, rare filter": ["/?removed=1"] * scans,
        "search, common word": ["/api/search?q=发展"] * scans,
        "search, rare word": ["/api/search?q=蓝鲸计划"] * scans,
        "search, traditional": ["/api/search?q=藍鯨計劃"] * scans,
        "search, phrase": ['/api/search?q="双方同意深化"'] * scans,
        "search, English": ["/api/search?q=cooperation"] * scans,
    }
    if args.cases:
        wanted = args.cases.split(",")
        cases = {case: paths for case, paths in cases.items() if any(word in case for word in wanted)}
    with TestClient(create_app(store)) as client:
        print(f"  {'answer':24} {'median':>9} {'p95':>9}  stories")
        for case, paths in cases.items():
            median, p95, held = timed(client, paths)
            print(f"  {case:24} {median:7.1f}ms {p95:7.1f}ms  {held if case.startswith('search') else ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--store", choices=("embedded", "mongodb", "both"), default="both")
    parser.add_argument("--samples", type=int, default=30, help="answers timed per case")
    parser.add_argument("--scan-samples", type=int, help="for list and search cases only (a server that scans: 1)")
    parser.add_argument("--cases", help="only the cases whose names contain one of these comma-separated words")
    args = parser.parse_args()
    if args.store in ("embedded", "both"):
        with tempfile.TemporaryDirectory() as folder:
            store = EmbeddedStore(Path(folder) / "bench.sqlite3")
            store.open()
            try:
                measure("embedded", store, args.stories, args)
            finally:
                store.close()
    if args.store in ("mongodb", "both"):
        with tempfile.TemporaryDirectory() as folder:
            server, how = start_server(Path(folder))
            if server is None:
                raise SystemExit(f"no MongoDB-wire server: {how}")
            database = f"bench_reader_{uuid.uuid4().hex[:6]}"
            mongo = MongoStore(server.uri, database, server_timeout_ms=120_000)
            try:
                mongo.open()
                measure(f"MongoDB-wire ({how})", mongo, args.stories, args)
            finally:
                if mongo.client is not None:
                    mongo.client.drop_database(database)
                mongo.close()
                server.close()


if __name__ == "__main__":
    main()
