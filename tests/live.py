"""Crawls over the loopback fault server (bench.faultserver), as a user runs them: a subprocess of
`scrapy crawl headlines` whose only network is the server, reached as an HTTP proxy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.faultserver import SiteServer
from bench.sitegen import START_URL
from crawler.store import EmbeddedStore
from tests.conftest import subprocess_env

# Fast but still Scrapy's real politeness machinery (robots.txt, per-outlet slot, retries).
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]


def live_command(tmp_path: Path, *extra: str, start_url: str = START_URL) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", "headlines", "-a", "site=chinacomcn"]
    command += ["-s", f'HEADLINES_START_URLS={{"chinacomcn": ["{start_url}"]}}']
    command += ["-s", f"EMBEDDED_STORE_PATH={tmp_path / 'store.sqlite3'}", "-s", f"SPILL_DIR={tmp_path / 'spill'}"]
    command += ["-s", f"WARC_DIR={tmp_path / 'warc'}", "-s", f"LOG_FILE={tmp_path / 'crawl.log'}", "-s", "LOG_LEVEL=INFO"]
    return [*command, *FAST, *extra]


def live_env(server: SiteServer, env: dict[str, str] | None = None) -> dict[str, str]:
    return subprocess_env({"http_proxy": server.proxy, "HTTP_PROXY": server.proxy, **(env or {})})


def live_crawl(
    tmp_path: Path, server: SiteServer, *extra: str, env: dict[str, str] | None = None, start_url: str = START_URL
) -> dict[str, Any]:
    """Run one crawl to its end; its final stats."""
    stats_file = tmp_path / f"stats-{len(list(tmp_path.glob('stats-*.json')))}.json"
    command = live_command(tmp_path, "-s", f"STATS_FILE={stats_file}", *extra, start_url=start_url)
    done = subprocess.run(
        command, cwd=tmp_path, env=live_env(server, env), capture_output=True, text=True, timeout=600, check=False
    )
    log = (tmp_path / "crawl.log").read_text(encoding="utf-8") if (tmp_path / "crawl.log").exists() else ""
    assert done.returncode == 0, (done.stderr + log)[-4000:]
    stats: dict[str, Any] = json.loads(stats_file.read_text(encoding="utf-8"))
    return stats


def stored_documents(tmp_path: Path) -> list[dict[str, Any]]:
    """Every story in the embedded store a live crawl under `tmp_path` wrote (see live_command)."""
    store = EmbeddedStore(tmp_path / "store.sqlite3")
    store.open()
    try:
        return list(store.documents())
    finally:
        store.close()
