"""`reparse` throughput: stories re-extracted per second, and per CPU-second, over a WARC archive.

    python -m bench.reparse_bench [--stories 10000] [--processes 0,2]

A generated China.com.cn-style site (bench.sitegen) of `--stories` stories is crawled once, on
loopback, with the WARC archive on (as a cron run keeps it). Then the archive is re-extracted,
as `python -m crawler reparse data/warc` does after a parser fix, once per EXTRACT_PROCESSES value,
each time into a copy of the crawl's store (so most stories come back unchanged, as they do after
a fix). Printed for each: stories re-extracted, seconds, stories/s, CPU seconds of the reparse (its
process and its extraction workers), and stories per CPU-second: the throughput of one core.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.crawl_bench import PROJECT, SAME, headlines
from bench.faultserver import SiteServer
from bench.sitegen import VirtualSite


def reparse(work: Path, processes: int) -> dict[str, Any]:
    store = work / f"reparse-{processes}.sqlite3"
    shutil.copy(work / "store.sqlite3", store)
    stats_file = work / f"reparse-{processes}.json"
    command = [sys.executable, "-m", "scrapy", "crawl", "headlines", "-a", "site=all", "-a", "reparse=1"]
    command += ["-a", f"replay={work / 'warc'}", *SAME, "-s", f"EXTRACT_PROCESSES={processes}"]
    command += ["-s", f"EMBEDDED_STORE_PATH={store}", "-s", f"SPILL_DIR={work / 'spill'}", "-s", f"STATS_FILE={stats_file}"]
    command += ["-s", f"LOG_FILE={work / f'reparse-{processes}.log'}", "-s", "WARC_ENABLED=0"]
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("mongo_uri", "http_proxy", "https_proxy")}
    env.update(PYTHONPATH=str(PROJECT), SCRAPY_SETTINGS_MODULE="crawler.settings")
    started = time.monotonic()
    subprocess.run(command, cwd=work, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - started
    stats: dict[str, Any] = json.loads(stats_file.read_text(encoding="utf-8"))
    stats["wall_seconds"] = wall
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=10000)
    parser.add_argument("--processes", default="0,2", help="EXTRACT_PROCESSES values to compare")
    args = parser.parse_args()
    site = VirtualSite(args.stories)
    with SiteServer(site) as server, tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        crawled = headlines(work, server, "crawl")
        warc = sum(path.stat().st_size for path in (work / "warc").rglob("*.warc.gz"))
        print(
            f"archive: {args.stories} stories, {crawled.get('response_received_count', 0)} responses, "
            f"{warc / 2**20:.1f} MiB of WARC (crawled in {crawled['wall_seconds']:.1f} s)"
        )
        print(f"{'EXTRACT_PROCESSES':>17} {'items':>8} {'seconds':>8} {'items/s':>10} {'CPU s':>7} {'items/CPU-s':>14}")
        for processes in (int(value) for value in args.processes.split(",")):
            stats = reparse(work, processes)
            stories = stats.get("item_scraped_count", 0)
            seconds = stats.get("elapsed_time_seconds") or stats["wall_seconds"]
            cpu = stats.get("process/crawl_cpu_seconds", 0.0) + stats.get("process/extract_workers_cpu_seconds", 0.0)
            print(
                f"{processes:>17} {stories:>8} {seconds:>8.1f} {stories / seconds:>10.1f} {cpu:>7.1f} {stories / max(cpu, 1e-9):>14.1f}"
            )
        print(
            f"cores: {os.cpu_count()}; items/CPU-s is what one core re-extracts per second (items: stories and their gateway copies)"
        )


if __name__ == "__main__":
    main()
