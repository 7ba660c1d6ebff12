"""End-to-end crawl speed and memory, next to plain Scrapy on the same site, in one run.

    python -m bench.crawl_bench [--articles 2000] [--repeat 3] [--rss 10000,100000]

A generated China.com.cn-style site (bench.sitegen.VirtualSite: list pagination, bilingual pages,
GBK pages, Big5 gateway copies) is served on loopback by bench.faultserver. Prints, for each run:

  bare Scrapy          follows every link, parses nothing (the ceiling)
  headlines            `scrapy crawl headlines`: extraction, all pipelines, embedded store, WARC
  headlines, workers   the same with EXTRACT_PROCESSES=1 (pages parsed in a worker process)
  headlines rerun      the same crawl again over the unchanged site (incremental)

pages/s (responses / crawl time), CPU seconds and peak RSS of the crawling process (plus its
extraction worker's), and the ratios to the ceiling (target >= 0.9). --rss also crawls sites of those sizes and prints peak RSS for each (target: the largest
within 1.3x the smallest). --parts also crawls with links, then the WARC archive, then the store
turned off, and prints what is left per page (what each part costs). Both crawls use the same Scrapy settings: 32 concurrent requests, no
delay, no AutoThrottle, robots.txt obeyed, CONCURRENT_ITEMS=1.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.faultserver import SiteServer
from bench.sitegen import START_URL, VirtualSite

PROJECT = Path(__file__).resolve().parents[1]
SAME = ["-s", "CONCURRENT_REQUESTS=32", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32", "-s", "DOWNLOAD_DELAY=0"]
SAME += ["-s", "AUTOTHROTTLE_ENABLED=0", "-s", "LOG_LEVEL=INFO"]


def _environment(server: SiteServer, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("mongo_uri", "no_proxy")}
    # The crawls run in the benchmark's scratch folder: the project is found by its settings module.
    env.update(
        PYTHONPATH=str(PROJECT), SCRAPY_SETTINGS_MODULE="crawler.settings", http_proxy=server.proxy, HTTP_PROXY=server.proxy
    )
    env.update(extra)
    return env


def _run(command: list[str], env: dict[str, str], stats_file: Path) -> dict[str, Any]:
    started, server_cpu = time.monotonic(), time.process_time()
    subprocess.run(command, cwd=stats_file.parent, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - started
    stats: dict[str, Any] = json.loads(stats_file.read_text(encoding="utf-8"))
    stats["wall_seconds"] = wall
    # This process does nothing but serve the site while the crawl runs: its CPU is the server's.
    stats["server_cpu_seconds"] = time.process_time() - server_cpu
    return stats


def bare(work: Path, server: SiteServer) -> dict[str, Any]:
    stats_file = work / "bare.json"
    command = [sys.executable, "-m", "scrapy", "runspider", str(PROJECT / "bench" / "bare_spider.py"), "-a", f"start={START_URL}"]
    command += [*SAME, "-s", f"STATS_FILE={stats_file}", "-s", f"LOG_FILE={work / 'bare.log'}"]
    return _run(command, _environment(server, SCRAPY_SETTINGS_MODULE="bench.bare_settings"), stats_file)


def headlines(work: Path, server: SiteServer, name: str, *extra: str) -> dict[str, Any]:
    stats_file = work / f"{name}.json"
    command = [sys.executable, "-m", "scrapy", "crawl", "headlines", "-a", "site=chinacomcn", "-a", "max_pages=100000"]
    command += ["-s", f'HEADLINES_START_URLS={{"chinacomcn": ["{START_URL}"]}}', *SAME]
    command += ["-s", f"EMBEDDED_STORE_PATH={work / 'store.sqlite3'}", "-s", f"SPILL_DIR={work / 'spill'}"]
    command += ["-s", f"WARC_DIR={work / 'warc'}", "-s", f"STATS_FILE={stats_file}", "-s", f"LOG_FILE={work / f'{name}.log'}"]
    command += extra
    return _run(command, _environment(server), stats_file)


def figures(stats: dict[str, Any]) -> dict[str, float]:
    pages = stats.get("response_received_count", 0)
    seconds = stats.get("elapsed_time_seconds") or stats["wall_seconds"]
    crawl_cpu = stats.get("process/crawl_cpu_seconds", 0.0) + stats.get("process/extract_workers_cpu_seconds", 0.0)
    return {
        "pages": pages,
        "seconds": round(seconds, 2),
        "pages_per_s": round(pages / seconds, 1),
        "cpu_s": stats.get("process/cpu_seconds", 0.0),
        "peak_rss_mb": stats.get("process/peak_rss_mb", 0.0) + stats.get("process/extract_workers_peak_rss_mb", 0.0),
        "crawler_ms_per_page": round(1000 * crawl_cpu / max(pages, 1), 2),
        "server_ms_per_page": round(1000 * stats["server_cpu_seconds"] / max(pages, 1), 2),
    }


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: round(statistics.median(run[key] for run in runs), 2) for key in runs[0]}


def compare(articles: int, repeat: int) -> None:
    site = VirtualSite(articles)
    print(f"site: {articles} stories, {len(site.links)} article pages, {site.pages} list pages")
    ceiling, ours, offloaded, rerun = [], [], [], []
    with SiteServer(site) as server:
        for _ in range(repeat):
            with tempfile.TemporaryDirectory() as scratch:
                work = Path(scratch)
                ceiling.append(figures(bare(work, server)))
                ours.append(figures(headlines(work, server, "first")))
                with tempfile.TemporaryDirectory() as other:
                    offloaded.append(figures(headlines(Path(other), server, "workers", "-s", "EXTRACT_PROCESSES=1")))
                before = sum(n for url, n in server.log.attempts.items() if "content_" in url)
                again = headlines(work, server, "rerun")
                after = sum(n for url, n in server.log.attempts.items() if "content_" in url)
                rerun.append({**figures(again), "article_requests": after - before})
    bare_figures, our_figures, rerun_figures = _median(ceiling), _median(ours), _median(rerun)
    offloaded_figures = _median(offloaded)
    print(f"{'run':<20} {'pages':>7} {'seconds':>8} {'pages/s':>8} {'CPU s':>7} {'peak RSS MB':>12}")
    rows = [("bare Scrapy", bare_figures), ("headlines", our_figures), ("headlines, workers", offloaded_figures)]
    for name, row in [*rows, ("headlines rerun", rerun_figures)]:
        print(
            f"{name:<20} {row['pages']:>7.0f} {row['seconds']:>8.2f} {row['pages_per_s']:>8.1f} {row['cpu_s']:>7.2f} {row['peak_rss_mb']:>12.1f}"
        )
    for name, row in rows[1:]:
        print(f"{name} / ceiling pages/s: {row['pages_per_s'] / bare_figures['pages_per_s']:.2f} (target >= 0.9)")
    cpu_budget(rows, bare_figures)
    print(
        f"incremental rerun: {rerun_figures['article_requests']:.0f} article requests (target 0), {rerun_figures['seconds']:.2f} s"
    )


def cpu_budget(rows: list[tuple[str, dict[str, float]]], bare_figures: dict[str, float]) -> None:
    """CPU per page of each crawl (all its processes, start-up excluded) and of the site server, and
    what that allows at best on this machine: every core busy, the work spread perfectly."""
    cores = os.cpu_count() or 1
    print(f"CPU per page ({cores} cores; crawler = crawling process + extraction workers, start-up excluded):")
    for name, row in rows:
        per_page = row["crawler_ms_per_page"] + row["server_ms_per_page"]
        best = 1000 * cores / per_page if per_page else 0.0
        print(
            f"  {name:<20} crawler {row['crawler_ms_per_page']:6.2f} ms  server {row['server_ms_per_page']:5.2f} ms"
            f"  -> at most {best:6.1f} pages/s on {cores} cores = {best / bare_figures['pages_per_s']:.2f} of the ceiling"
        )
    for name, row in rows[1:]:
        ratio = row["crawler_ms_per_page"] / max(bare_figures["crawler_ms_per_page"], 1e-9)
        print(f"{name} / bare Scrapy CPU per page: {ratio:.2f} (target <= 1.3)")


PARTS = [
    ("everything on", []),
    ("links off", ["-s", "STORE_LINKS=0"]),
    ("links, WARC off", ["-s", "STORE_LINKS=0", "-s", "WARC_ENABLED=0"]),
    ("no store, no WARC", ["-s", "STORE_ENABLED=0", "-s", "WARC_ENABLED=0"]),
]
"""What each part of the crawl costs: the same crawl with parts turned off, one after another."""


def parts(articles: int) -> None:
    site = VirtualSite(articles)
    with SiteServer(site) as server, tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        bare_figures = figures(bare(work, server))
        print(
            f"parts: CPU per page of the crawling process ({articles} stories), against bare Scrapy's {bare_figures['crawler_ms_per_page']:.2f} ms"
        )
        for number, (name, settings) in enumerate(PARTS):
            with tempfile.TemporaryDirectory() as other:
                row = figures(headlines(Path(other), server, f"part{number}", *settings))
            ratio = row["crawler_ms_per_page"] / max(bare_figures["crawler_ms_per_page"], 1e-9)
            print(f"  {name:<20} {row['crawler_ms_per_page']:6.2f} ms  {ratio:5.2f}x bare Scrapy")


def memory(sizes: list[int]) -> None:
    peaks: list[float] = []
    for size in sizes:
        with SiteServer(VirtualSite(size)) as server, tempfile.TemporaryDirectory() as scratch:
            row = figures(headlines(Path(scratch), server, "rss"))
        peaks.append(row["peak_rss_mb"])
        print(
            f"rss: {size:>7} stories  {row['pages']:>7.0f} pages  {row['pages_per_s']:>6.1f} pages/s  peak RSS {row['peak_rss_mb']:.1f} MB"
        )
    if len(peaks) > 1:
        print(f"peak RSS {sizes[-1]} / {sizes[0]} stories: {peaks[-1] / peaks[0]:.2f}x (target <= 1.3)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure; medians are printed")
    parser.add_argument("--rss", default="", help="comma-separated site sizes for the memory comparison")
    parser.add_argument(
        "--parts", action="store_true", help="also crawl with links, the WARC archive and the store turned off in turn"
    )
    args = parser.parse_args()
    compare(args.articles, args.repeat)
    if args.parts:
        parts(args.articles)
    if args.rss:
        memory([int(size) for size in args.rss.split(",")])


if __name__ == "__main__":
    main()
