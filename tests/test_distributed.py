"""Two workers on one Redis and one MongoDB-wire store crawl the generated site together."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pymongo

from bench.faultserver import Faults, SiteServer
from bench.sitegen import START_URL, generate
from crawler import sites
from tests.live import FAST, live_env
from tests.servers import MongoServer, RedisServer

REDIS_PASSWORD = "s3cret-redis-pw"


def worker_command(folder: Path, redis_url: str, run: str) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "scrapy", "crawl", "headlines", "-a", "site=chinacomcn"]
    command += ["-s", f'HEADLINES_START_URLS={{"chinacomcn": ["{START_URL}"]}}', "-a", "max_pages=100"]
    command += ["-s", "DISTRIBUTED=redis", "-s", f"REDIS_URL={redis_url}", "-s", f"DISTRIBUTED_RUN={run}"]
    command += ["-s", "DISTRIBUTED_IDLE_SECONDS=2", "-s", f"STATS_FILE={folder / 'stats.json'}"]
    command += [
        "-s",
        f"LOG_FILE={folder / 'crawl.log'}",
        "-s",
        f"SPILL_DIR={folder / 'spill'}",
        "-s",
        f"WARC_DIR={folder / 'warc'}",
    ]
    # Each worker names itself, so the server can tell them apart (see the gate in the test).
    return [*command, *FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", f"USER_AGENT=headlines-test/{folder.name}"]


def test_two_workers_share_the_crawl_and_store_every_story_once(
    tmp_path: Path, redis_server: RedisServer, mongo_server: MongoServer
) -> None:
    links = generate(tmp_path / "site", articles=150)
    keys = {sites.get("chinacomcn").key_for(url) for url in links}
    database = f"test_{uuid.uuid4().hex[:12]}"
    run = f"test-{uuid.uuid4().hex[:8]}"
    with SiteServer.from_folder(tmp_path / "site", Faults(delay=0.05)) as server:
        # No story is answered until both workers are waiting for one: whatever the machine's load,
        # each worker has taken work from the shared queue.
        server.hold_until_clients(2, gated=lambda key: "content_" in key)
        env = live_env(server, {"MONGO_URI": mongo_server.uri, "MONGO_DATABASE": database})
        # One worker names Redis with credentials (Redis accepts any password for its default
        # user when none is set): they must not reach its log or stats.
        with_password = redis_server.url.replace("redis://", f"redis://default:{REDIS_PASSWORD}@")
        urls = [with_password, redis_server.url]
        workers = [subprocess.Popen(worker_command(tmp_path / f"w{n}", urls[n], run), cwd=tmp_path, env=env) for n in range(2)]
        codes = [worker.wait(timeout=300) for worker in workers]  # a hang fails here
        attempts = dict(server.log.attempts)
    assert codes == [0, 0]
    for written in (tmp_path / "w0").glob("*.*"):
        assert REDIS_PASSWORD not in written.read_text(encoding="utf-8", errors="replace"), written
    stats = [json.loads((tmp_path / f"w{n}" / "stats.json").read_text(encoding="utf-8")) for n in range(2)]

    assert sorted(bool(s.get("distributed/seeded_here")) for s in stats) == [False, True]
    assert [s.get("distributed/poll_seconds") for s in stats] == [1.0, 1.0]  # not Scrapy's 5 s heartbeat
    pages = {url: count for url, count in attempts.items() if not url.endswith("/robots.txt")}
    assert {url: count for url, count in pages.items() if count != 1} == {}, "a page was fetched twice"
    assert {url for url in pages if "content_" in url} == {url.removeprefix("http://") for url in links}
    items = [s.get("item_scraped_count", 0) for s in stats]
    assert sum(items) == len(links)
    assert min(items) > 0, f"the work was not shared: {items}"

    with pymongo.MongoClient(mongo_server.uri) as client:
        documents = list(client[database]["articles"].find({}, {"revision": 1}))
        client.drop_database(database)
    assert {d["_id"] for d in documents} == keys
    assert all(d["revision"] == 1 for d in documents)
    assert sum(s.get("store/inserted", 0) for s in stats) == len(keys)
