"""Store path throughput next to raw `insert_many` on the same server.

    python -m bench.store_bench [--items 2000] [--batch 100] [--repeat 3] [--no-links] [--plans]

Uses the server the tests use: HEADLINES_TEST_MONGO_URI when set, else mongod on PATH, else
FerretDB (on PostgreSQL when Debian's postgresql is installed; HEADLINES_TEST_FERRETDB_BACKEND=sqlite
for its SQLite backend). Items are real parses of a generated site, so documents have realistic
sizes. Prints items/s for:
  raw insert_many        the documents the store would write, inserted with nothing else
  store, first write     MongoStore.write: new stories (insert + URL index + content-hash links)
  store, unchanged       the same items again, every one of them (the recheck path)
  embedded, first write  the SQLite store, for comparison
  ... + links            the same first writes with clusters and translation links maintained after
                         each batch (crawler.linking: link index, LSH candidates, cluster refresh),
                         and the cost that adds per item
and each store/raw ratio (the targets are >= 0.5). `--plans` prints the server's plan for the
queries of the unchanged path.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pymongo
from itemadapter import ItemAdapter

from bench.sitegen import article_html, article_url
from crawler.extraction.results import ArticleResult
from crawler.linking.maintain import Linker
from crawler.parse import parse_page
from crawler.store import EmbeddedStore, MongoStore, Store
from crawler.store.documents import content_hash, new_document
from tests.servers import start_server


def make_items(count: int) -> list[dict[str, Any]]:
    items = []
    for index in range(count):
        result = parse_page(
            article_url(index),
            article_html(index, seed=7, charset="utf-8").encode(),
            {"Content-Type": "text/html; charset=utf-8"},
        )
        assert isinstance(result, ArticleResult)
        item = ItemAdapter(result.item).asdict()
        item["content_hash"] = content_hash(item)
        item["fetched_at"] = datetime.now(UTC).isoformat()
        items.append(item)
    return items


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:8.0f} items/s  ({seconds:6.2f} s)"


def raw_insert(client: pymongo.MongoClient[dict[str, Any]], batches: list[list[dict[str, Any]]], now: datetime) -> float:
    """Seconds to insert_many the documents the store would write (built beforehand, not timed)."""
    raw = client[f"bench_raw_{uuid.uuid4().hex[:6]}"]["articles"]
    raw.create_index("canonical_url", unique=True)
    documents = [[new_document(item, now) for item in batch] for batch in batches]
    started = time.perf_counter()
    for batch in documents:
        raw.insert_many(batch, ordered=False)
    seconds = time.perf_counter() - started
    client.drop_database(raw.database.name)
    return seconds


def store_write(uri: str, batches: list[list[dict[str, Any]]], now: datetime, plans: bool) -> tuple[float, float]:
    """Seconds for MongoStore.write of every batch into a fresh database, and for writing them all
    again an hour later, unchanged (the recheck path)."""
    store = MongoStore(uri, f"bench_store_{uuid.uuid4().hex[:6]}")
    store.open()
    started = time.perf_counter()
    for batch in batches:
        store.write(batch, now)
    store_seconds = time.perf_counter() - started
    later = now + timedelta(hours=1)
    again = [[{**item, "fetched_at": later.isoformat()} for item in batch] for batch in batches]
    started = time.perf_counter()
    for batch in again:
        report = store.write(batch, later)
        unchanged = sum(n for (_, outcome), n in report.outcomes.items() if outcome == "unchanged")
        assert unchanged == len(batch), report.outcomes
    unchanged_seconds = time.perf_counter() - started
    assert store.client is not None
    if plans:
        print_plans(store.client[store.database_name], [item["key"] for item in batches[0]])
    store.client.drop_database(store.database_name)
    store.close()
    return store_seconds, unchanged_seconds


def print_plans(database: Any, keys: list[str]) -> None:
    """The server's plan for each query of the unchanged path (FerretDB says whether it pushed the
    filter down to SQL and what its backend did with it)."""
    queries = {
        "read a batch (_id $in)": {"find": "articles", "filter": {"_id": {"$in": keys}}},
        "guarded update (_id, _v)": {"find": "articles", "filter": {"_id": keys[0], "_v": 2}},
        "URL index (_id)": {"find": "articles_urls", "filter": {"_id": "http://example.invalid/"}},
    }
    for name, query in queries.items():
        explained = database.command("explain", query, verbosity="queryPlanner")
        pushed = ", ".join(f"{k} {v}" for k, v in sorted(explained.items()) if k.endswith("Pushdown"))
        print(f"plan: {name}: {plan_summary(explained.get('queryPlanner', {}))}" + (f" ({pushed})" if pushed else ""))


def plan_summary(planner: Any) -> str:
    """The plan's steps in a line: PostgreSQL's node types and filter (FerretDB on PostgreSQL),
    SQLite's plan text (FerretDB on SQLite), or MongoDB's stages."""
    if isinstance(planner, dict) and isinstance(planner.get("Plan"), dict):
        steps, node = [], planner["Plan"]
        while isinstance(node, dict):
            steps.append(f"{node.get('Node Type')}" + (f" [{node['Filter']}]" if node.get("Filter") else ""))
            node = (node.get("Plans") or [None])[0]
        return " <- ".join(steps)[:240]
    if isinstance(planner, dict) and isinstance(planner.get("winningPlan"), dict):
        stages, stage = [], planner["winningPlan"]
        while isinstance(stage, dict):
            stages.append(str(stage.get("stage")))
            stage = stage.get("inputStage")
        return " <- ".join(stages)
    return " ".join(str(planner).split())[:240]


def linked_write(store: Store, batches: list[list[dict[str, Any]]], now: datetime) -> tuple[float, int]:
    """Seconds for first writes with links maintained after each batch, and the clustered stories."""
    store.open()
    linker = Linker(store)
    clustered = 0
    started = time.perf_counter()
    for batch in batches:
        clustered += linker.link(store.write(batch, now).changed).counts["clustered"]
    seconds = time.perf_counter() - started
    if isinstance(store, MongoStore) and store.client is not None:
        store.client.drop_database(store.database_name)
    store.close()
    return seconds, clustered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--no-links", action="store_true", help="skip the runs with links (slow on FerretDB)")
    parser.add_argument("--plans", action="store_true", help="print the server's plans for the unchanged path's queries")
    parser.add_argument("--repeat", type=int, default=3, help="runs of raw and store, alternated; medians are printed")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        server, how = start_server(Path(work))
        if server is None:
            raise SystemExit(f"no server: {how}")
        try:
            items = make_items(args.items)
            size = sum(len(str(i)) for i in items) / len(items)
            print(f"server: {how}; {args.items} items, ~{size / 1024:.1f} KiB each, batches of {args.batch}")
            batches = [items[i : i + args.batch] for i in range(0, len(items), args.batch)]
            now = datetime.now(UTC)

            client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(server.uri, tz_aware=True)
            raw_runs, store_runs, unchanged_runs = [], [], []
            for run in range(args.repeat):  # alternated, so that both see the same machine
                raw_runs.append(raw_insert(client, batches, now))
                store_seconds, unchanged_seconds = store_write(server.uri, batches, now, args.plans and run == 0)
                store_runs.append(store_seconds)
                unchanged_runs.append(unchanged_seconds)
            raw_seconds, store_seconds = statistics.median(raw_runs), statistics.median(store_runs)
            unchanged_seconds = statistics.median(unchanged_runs)
            ratios = sorted(raw / store for raw, store in zip(raw_runs, store_runs, strict=True))
            unchanged_ratios = sorted(raw / again for raw, again in zip(raw_runs, unchanged_runs, strict=True))

            embedded = EmbeddedStore(Path(work) / "bench.sqlite3")
            embedded.open()
            started = time.perf_counter()
            for batch in batches:
                embedded.write(batch, now)
            embedded_seconds = time.perf_counter() - started
            embedded.close()

            print(f"raw insert_many        {rate(args.items, raw_seconds)}")
            print(
                f"store, first write     {rate(args.items, store_seconds)}   ratio to raw: {raw_seconds / store_seconds:.2f} (target >= 0.5)"
            )
            if args.repeat > 1:
                print(f"  ratio per run (raw and store alternated): {', '.join(f'{r:.2f}' for r in ratios)}")
            print(
                f"store, unchanged       {rate(args.items, unchanged_seconds)}   ratio to raw: {raw_seconds / unchanged_seconds:.2f} (target >= 0.5)"
            )
            if args.repeat > 1:
                print(f"  ratio per run (raw and store alternated): {', '.join(f'{r:.2f}' for r in unchanged_ratios)}")
            print(f"embedded, first write  {rate(args.items, embedded_seconds)}")
            if args.no_links:
                client.close()
                return
            linked, clustered = linked_write(MongoStore(server.uri, f"bench_links_{uuid.uuid4().hex[:6]}"), batches, now)
            per_item = (linked - store_seconds) / args.items * 1000
            print(
                f"store + links          {rate(args.items, linked)}   links add {per_item:.2f} ms per item ({clustered} clustered)"
            )
            embedded_linked, clustered = linked_write(EmbeddedStore(Path(work) / "links.sqlite3"), batches, now)
            per_item = (embedded_linked - embedded_seconds) / args.items * 1000
            print(
                f"embedded + links       {rate(args.items, embedded_linked)}   links add {per_item:.2f} ms per item ({clustered} clustered)"
            )
            client.close()
        finally:
            server.close()


if __name__ == "__main__":
    main()
