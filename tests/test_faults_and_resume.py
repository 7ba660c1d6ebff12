"""A crawl against a misbehaving server, and a crawl killed outright then resumed, store every story
exactly once."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bench.faultserver import Faults, SiteServer
from bench.sitegen import generate
from crawler import sites
from crawler.runtime import journal
from tests.live import live_command, live_crawl, live_env, stored_documents

if TYPE_CHECKING:
    from collections.abc import Callable

SITE = sites.get("chinacomcn")


def test_faults_with_retries_still_store_every_story_once(tmp_path: Path) -> None:
    links = generate(tmp_path / "site", articles=120)
    keys = {SITE.key_for(url) for url in links}
    faults = Faults(error_rate=0.10, drop_rate=0.05, slow_rate=0.05, slow_seconds=0.3, seed=7)
    with SiteServer.from_folder(tmp_path / "site", faults) as server:
        stats = live_crawl(tmp_path, server, "-s", "RETRY_TIMES=8")
        outcomes = server.log.outcomes
    assert outcomes["500"] >= 5 and outcomes["dropped"] >= 3, outcomes  # the faults really happened
    documents = stored_documents(tmp_path)
    assert {d["_id"] for d in documents} == keys
    assert len(documents) == len(keys)
    assert all(d["revision"] == 1 for d in documents)
    assert stats["store/inserted"] == len(keys)
    assert stats.get("site/chinacomcn/errors/http_500", 0) == 0  # every 500 was retried past
    assert stats["retry/count"] >= outcomes["500"]


def test_killed_crawl_resumes_from_its_job_directory_and_loses_nothing(tmp_path: Path) -> None:
    links = generate(tmp_path / "site", articles=80)
    keys = {SITE.key_for(url) for url in links}
    jobdir = tmp_path / "job"
    with SiteServer.from_folder(tmp_path / "site", Faults(delay=0.05)) as server:
        # First run: nothing reaches the store before the kill (huge batch, no timed flush), so
        # everything it parsed is only in its journal.
        command = live_command(
            tmp_path,
            "-s", f"JOBDIR={jobdir}",
            "-s", "STORE_BATCH_SIZE=100000",
            "-s", "STORE_FLUSH_SECONDS=3600",
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
        )  # fmt: skip
        crawl = subprocess.Popen(
            command, cwd=tmp_path, env=live_env(server), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        # Killed once its journal holds 15 parsed stories (the marker, whatever the machine's load),
        # far from the end of the 80.
        _wait_for(crawl, lambda: _journalled(tmp_path / "spill") >= 15, "15 journalled stories")
        crawl.send_signal(signal.SIGKILL)
        crawl.wait(timeout=30)
        attempts_before = dict(server.log.attempts)
        journals = list((tmp_path / "spill").glob("journal-*.jsonl"))
        assert len(journals) == 1, "the killed crawl left no journal"
        in_journal = {record["url"] for record in journal.read(journals[0])}
        assert len(in_journal) >= 15
        assert stored_documents(tmp_path) == [], "the first run was not supposed to reach the store"

        stats = live_crawl(tmp_path, server, "-s", f"JOBDIR={jobdir}")
        attempts_after = dict(server.log.attempts)

    documents = stored_documents(tmp_path)
    assert {d["_id"] for d in documents} == keys
    assert all(d["revision"] == 1 for d in documents)
    assert stats["store/recovered_from_journal"] == len(in_journal)
    # The dead run's disk queue was torn mid-write: not resumed from (crawler/jobdir.py).
    assert stats["jobdir/unclean_queue_discarded"] == 1
    assert "log_count/ERROR" not in stats
    # What the killed run had parsed was stored from its journal, not fetched again ...
    refetched = {url for url in in_journal if attempts_after.get(_server_key(url)) != attempts_before.get(_server_key(url))}
    assert refetched == set()
    # ... and everything else was fetched by the resumed run.
    assert all(attempts_after.get(_server_key(url)) for url in links)
    assert not list((tmp_path / "spill").glob("journal-*.jsonl")), "journals left behind after a clean run"


def test_a_crawl_stopped_gracefully_continues_its_queue(tmp_path: Path) -> None:
    links = generate(tmp_path / "site", articles=80)
    keys = {SITE.key_for(url) for url in links}
    jobdir = tmp_path / "job"
    with SiteServer.from_folder(tmp_path / "site", Faults(delay=0.05)) as server:
        command = live_command(tmp_path, "-s", f"JOBDIR={jobdir}", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2")
        crawl = subprocess.Popen(
            command, cwd=tmp_path, env=live_env(server), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _wait_for(crawl, lambda: _requested_stories(server) >= 25, "25 story requests")
        crawl.send_signal(signal.SIGTERM)  # Scrapy's graceful stop: in-flight requests finish
        assert crawl.wait(timeout=60) == 0
        assert not (jobdir / "headlines.running").exists(), "a clean stop left the running marker"
        assert (jobdir / "requests.queue" / "active.json").exists(), "no saved queue to continue"
        assert (jobdir / "requests.seen").stat().st_size > 0, "no memory of what the stopped run fetched"
        first = len(stored_documents(tmp_path))
        assert 0 < first < len(keys)

        stats = live_crawl(tmp_path, server, "-s", f"JOBDIR={jobdir}")
        attempts = dict(server.log.attempts)

    assert "jobdir/unclean_queue_discarded" not in stats
    assert "log_count/ERROR" not in stats
    documents = stored_documents(tmp_path)
    assert {d["_id"] for d in documents} == keys
    assert all(d["revision"] == 1 for d in documents)
    assert all(attempts.get(_server_key(url)) == 1 for url in links), "a story was fetched twice"
    # Finished: the next run starts afresh (lists read again, stored stories skipped by the store).
    assert not (jobdir / "requests.seen").exists()
    assert not (jobdir / "headlines.running").exists()


def _wait_for(crawl: subprocess.Popen[bytes], condition: Callable[[], bool], what: str) -> None:
    """Until `condition` holds; the crawl must still be running then."""
    deadline = time.monotonic() + 120
    while not condition():
        assert crawl.poll() is None, f"the crawl ended before {what}"
        assert time.monotonic() < deadline, f"the crawl made no progress towards {what}"
        time.sleep(0.05)


def _requested_stories(server: SiteServer) -> int:
    return sum(n for url, n in server.log.attempts.items() if "content_" in url)


def _journalled(spill: Path) -> int:
    """Whole records in the running crawl's journal."""
    return sum(path.read_text(encoding="utf-8", errors="replace").count("\n") for path in spill.glob("journal-*.jsonl"))


def _server_key(url: str) -> str:
    return url.removeprefix("http://")


@pytest.mark.parametrize("reason", ["journal of a live crawl is never taken"])
def test_a_live_crawls_journal_is_not_recovered_by_another(tmp_path: Path, reason: str) -> None:
    live = journal.Journal(tmp_path, "live")
    live.open()
    live.append({"type": "article", "key": "k"})
    assert journal.claim_orphans(tmp_path) == [], reason
    live.close()
    assert not (tmp_path / "journal-live.jsonl").exists()
