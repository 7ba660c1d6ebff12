"""The benchmark scripts run and print their figures (tiny sizes; no timing is asserted here).

The figures themselves are for people: `python -m bench.crawl_bench`, `bench.extract_bench` and
`bench.store_bench` print them (docs/performance.md)."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import TYPE_CHECKING

from bench.extract_bench import corpus_pages
from tests.conftest import subprocess_env

if TYPE_CHECKING:
    from tests.servers import MongoServer


def run_bench(*arguments: str, env: dict[str, str] | None = None) -> str:
    # In the test's working directory: whatever a benchmark writes by default lands there.
    done = subprocess.run(
        [sys.executable, "-m", *arguments], env=subprocess_env(env), capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_crawl_bench_compares_with_bare_scrapy_and_reruns_without_article_requests() -> None:
    out = run_bench("bench.crawl_bench", "--articles", "30", "--rss", "20,40", "--parts")
    rows = dict(re.findall(r"^(bare Scrapy|headlines, workers|headlines rerun|headlines)\s+(\d+)", out, re.MULTILINE))
    # 30 stories + 3 gateway copies + 1 list page + robots.txt: every crawler saw the whole site.
    assert rows["bare Scrapy"] == rows["headlines"] == rows["headlines, workers"], out
    assert int(rows["headlines"]) >= 34, out
    assert "incremental rerun: 0 article requests" in out
    assert re.search(r"^headlines / ceiling pages/s: \d+\.\d\d", out, re.MULTILINE), out
    assert re.search(r"^peak RSS 40 / 20 stories: \d+\.\d\dx", out, re.MULTILINE), out
    # CPU per page of every run, and the best this machine could do with every core busy.
    budget = re.findall(
        r"^  (bare Scrapy|headlines, workers|headlines)\s+crawler\s+(\d+\.\d+) ms\s+server\s+(\d+\.\d+) ms", out, re.MULTILINE
    )
    assert [name for name, _, _ in budget] == ["bare Scrapy", "headlines", "headlines, workers"], out
    assert all(float(crawler) > 0 and float(server) > 0 for _, crawler, server in budget), out
    ratios = re.findall(
        r"^(headlines|headlines, workers) / bare Scrapy CPU per page: (\d+\.\d\d) \(target <= 1\.3\)$", out, re.MULTILINE
    )
    assert [name for name, _ in ratios] == ["headlines", "headlines, workers"], out
    assert all(float(ratio) > 0 for _, ratio in ratios), out
    parts = re.findall(
        r"^  (everything on|links off|links, WARC off|no store, no WARC)\s+\d+\.\d\d ms\s+\d+\.\d\dx bare Scrapy$",
        out,
        re.MULTILINE,
    )
    assert parts == ["everything on", "links off", "links, WARC off", "no store, no WARC"], out


def test_reparse_bench_re_extracts_the_archive_with_and_without_workers() -> None:
    out = run_bench("bench.reparse_bench", "--stories", "30", "--processes", "0,2")
    assert re.search(r"^archive: 30 stories, \d+ responses, \d+\.\d MiB of WARC", out, re.MULTILINE), out
    rows = re.findall(r"^\s+(\d+)\s+(\d+)\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+([\d.]+)$", out, re.MULTILINE)
    # 30 stories and their 3 Big5 gateway copies, re-extracted with 0 and with 2 extraction workers.
    assert [(processes, items) for processes, items, _ in rows] == [("0", "33"), ("2", "33")], out
    assert all(float(per_cpu) > 0 for _, _, per_cpu in rows), out


def test_extract_bench_times_every_contender() -> None:
    out = run_bench("bench.extract_bench", "--repeat", "1", "--synthetic", "10", "--huge", "1000,60000")
    for page_set in ("fixtures", "synthetic"):
        assert re.search(rf"^{page_set}: \d+ pages", out, re.MULTILINE), out
    if corpus_pages():  # each outlet's real pages against the floor, both paths
        assert re.search(r"^  layout pages, all outlets: parse / floor \d+\.\dx, generic / floor \d+\.\dx$", out, re.MULTILINE), (
            out
        )
        assert re.search(r"^  layout\s+xinhua\s+\d+\s+[\d.]+\s+[\d.]+\s+[\d.]+x\s+[\d.]+\s+[\d.]+x$", out, re.MULTILINE), out
    for contender in ("lxml.html.fromstring", "headlines parse_page", "trafilatura.extract"):
        assert len(re.findall(rf"^  {re.escape(contender)}\s+\d+\.\d+ ms/page", out, re.MULTILINE)) == 2, out
    rows = re.findall(r"^\s+(\d+)\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+(\w+)\s+[\d.]+\s+[\d.]+ µs$", out, re.MULTILINE)
    assert rows == [("1000", "article"), ("60000", "too_large")], out


def test_link_eval_prints_precision_and_recall() -> None:
    out = run_bench("bench.link_eval")
    for name in ("clusters", "translations"):
        assert re.search(
            rf"^{name}: precision \d\.\d{{3}} recall \d\.\d{{3}} \(tp \d+, fp \d+, fn \d+, tn \d+\)$", out, re.MULTILINE
        ), out


def test_store_bench_compares_the_store_with_insert_many(mongo_server: MongoServer) -> None:
    out = run_bench(
        "bench.store_bench", "--items", "40", "--batch", "10", "--plans", env={"HEADLINES_TEST_MONGO_URI": mongo_server.uri}
    )
    assert re.search(r"^raw insert_many\s+\d+ items/s", out, re.MULTILINE), out
    assert re.search(r"^store, first write\s+\d+ items/s .* ratio to raw: \d+\.\d\d", out, re.MULTILINE), out
    assert re.search(r"^store, unchanged\s+\d+ items/s .* ratio to raw: \d+\.\d\d \(target >= 0\.5\)$", out, re.MULTILINE), out
    assert len(re.findall(r"^plan: .*(Seq Scan|SCAN|COLLSCAN|IXSCAN|IDHACK|EXPRESS)", out, re.MULTILINE)) == 3, out
    assert re.search(r"^embedded, first write\s+\d+ items/s", out, re.MULTILINE), out
    for store in ("store", "embedded"):
        assert re.search(
            rf"^{store} \+ links\s+\d+ items/s .* links add -?\d+\.\d\d ms per item \(\d+ clustered\)", out, re.MULTILINE
        ), out
    assert re.search(r"^  ratio per run \(raw and store alternated\): \d+\.\d\d, \d+\.\d\d, \d+\.\d\d$", out, re.MULTILINE), out


def test_reader_bench_times_pages_and_searches_on_both_stores(mongo_server: MongoServer) -> None:
    out = run_bench(
        "bench.reader_bench", "--stories", "300", "--samples", "2", env={"HEADLINES_TEST_MONGO_URI": mongo_server.uri}
    )
    assert (
        len(re.findall(r"^\S.*: 300 stories written in \d+\.\d s \(\d+ stories/s, catalog included\)$", out, re.MULTILINE)) == 2
    ), out
    for case in ("story page", "list, deep page", "search, rare word", "search, traditional", "search, phrase"):
        assert len(re.findall(rf"^  {case}\s+\d+\.\dms\s+\d+\.\dms", out, re.MULTILINE)) == 2, out
    # The rare word is in story 0 only, found in either script on both stores.
    assert len(re.findall(r"^  search, (rare word|traditional)\s+\S+\s+\S+\s+1$", out, re.MULTILINE)) == 4, out
