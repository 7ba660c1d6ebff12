"""Soak runs that print figures: a crawl of a large generated site through the fault server, and a
crawl killed with SIGKILL part-way then resumed. Too long for CI; run by hand:

    python -m bench.fault_soak --articles 2000 [--error-rate 0.1 --drop-rate 0.05 --slow-rate 0.05]

Each line says what was expected, what was stored, and what it cost.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.faultserver import Faults, SiteServer
from bench.sitegen import generate
from crawler import sites
from tests.live import live_command, live_env, stored_documents

if TYPE_CHECKING:
    from collections.abc import Callable


def _crawl(work: Path, server: SiteServer, *extra: str) -> dict[str, Any]:
    stats_file = work / f"stats-{time.monotonic_ns()}.json"
    command = live_command(work, "-s", f"STATS_FILE={stats_file}", *extra)
    subprocess.run(command, cwd=work, env=live_env(server), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stats: dict[str, Any] = json.loads(stats_file.read_text(encoding="utf-8"))
    return stats


def fault_run(work: Path, articles: int, faults: Faults) -> dict[str, Any]:
    links = generate(work / "site", articles=articles)
    keys = {sites.get("chinacomcn").key_for(u) for u in links}
    with SiteServer.from_folder(work / "site", faults) as server:
        started = time.monotonic()
        stats = _crawl(work, server, "-s", "RETRY_TIMES=8", "-a", "max_pages=1000")
        elapsed = time.monotonic() - started
        outcomes = dict(server.log.outcomes)
    documents = stored_documents(work)
    return {
        "run": "faults",
        "stories_expected": len(keys),
        "stories_stored": len({d["_id"] for d in documents}),
        "stored_twice": len(documents) - len({d["_id"] for d in documents}),
        "revisions_above_1": sum(1 for d in documents if d["revision"] != 1),
        "server_answers": outcomes,
        "retries": stats.get("retry/count", 0),
        "given_up": stats.get("retry/max_reached", 0),
        "seconds": round(elapsed, 1),
        "pages_per_second": round(sum(outcomes.values()) / elapsed, 1),
    }


def resume_run(work: Path, articles: int, kill_at: float) -> dict[str, Any]:
    links = generate(work / "site", articles=articles)
    keys = {sites.get("chinacomcn").key_for(u) for u in links}
    jobdir = work / "job"
    with SiteServer.from_folder(work / "site", Faults(delay=0.01)) as server:
        command = live_command(work, "-s", f"JOBDIR={jobdir}", "-s", "STORE_FLUSH_SECONDS=2", "-a", "max_pages=1000")
        crawl = subprocess.Popen(command, cwd=work, env=live_env(server), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while sum(n for u, n in server.log.attempts.items() if "content_" in u) < kill_at * len(links):
            if crawl.poll() is not None:
                break
            time.sleep(0.02)
        crawl.send_signal(signal.SIGKILL)
        crawl.wait()
        before = sum(n for u, n in server.log.attempts.items() if "content_" in u)
        stored_at_kill = len(stored_documents(work))
        journal = sum(1 for p in (work / "spill").glob("journal-*.jsonl") for _ in p.open(encoding="utf-8"))
        stats = _crawl(work, server, "-s", f"JOBDIR={jobdir}", "-a", "max_pages=1000")
        after = sum(n for u, n in server.log.attempts.items() if "content_" in u)
    documents = stored_documents(work)
    return {
        "run": "kill -9 then resume",
        "stories_expected": len(keys),
        "article_fetches_before_kill": before,
        "stored_at_kill": stored_at_kill,
        "journalled_at_kill": journal,
        "recovered_from_journal": stats.get("store/recovered_from_journal", 0),
        "article_fetches_after_resume": after - before,
        "skipped_as_stored": stats.get("site/chinacomcn/incremental/skipped", 0),
        "stories_stored": len({d["_id"] for d in documents}),
        "missing": len(keys - {d["_id"] for d in documents}),
        "revisions_above_1": sum(1 for d in documents if d["revision"] != 1),
        "revised": [(d["url"], [r["changed"] for r in d["revisions"]]) for d in documents if d["revision"] != 1][:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--error-rate", type=float, default=0.10)
    parser.add_argument("--drop-rate", type=float, default=0.05)
    parser.add_argument("--slow-rate", type=float, default=0.05)
    parser.add_argument("--kill-at", type=float, default=0.4, help="share of article pages fetched before the kill")
    args = parser.parse_args()
    faults = Faults(error_rate=args.error_rate, drop_rate=args.drop_rate, slow_rate=args.slow_rate, slow_seconds=0.5, seed=11)
    runs: list[Callable[[Path], dict[str, Any]]] = [
        lambda work: fault_run(work, args.articles, faults),
        lambda work: resume_run(work, args.articles, args.kill_at),
    ]
    for run in runs:
        work = Path(tempfile.mkdtemp(prefix="soak-"))
        try:
            print(json.dumps(run(work), ensure_ascii=False), flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
