"""`python -m crawler probe`, offline over replays: what each outlet's sources give, and what is wrong."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING, Any

from crawler import sites
from crawler.discovery.sources import SOURCE_KINDS
from tests.conftest import FIXTURES, subprocess_env

if TYPE_CHECKING:
    from pathlib import Path

RECOGNISED = {"lists": {"list", "json"}, "feeds": {"feed"}, "sitemaps": {"sitemap", "robots"}}


def probe(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler", "probe", *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=subprocess_env(),
    )


def test_every_declared_source_of_every_outlet_is_recognised_and_gives_links() -> None:
    every_folder = os.pathsep.join(str(FIXTURES / key) for key in sites.SITES)
    done = probe("--replay", every_folder, "--json")
    assert done.returncode == 0, done.stderr[-3000:]
    reports: list[dict[str, Any]] = json.loads(done.stdout)
    declared = [(s.key, source.kind, source.url) for s in sites.SITES.values() for source in s.sources(SOURCE_KINDS)]
    assert [(r["site"], r["kind"], r["url"]) for r in reports] == declared
    for report in reports:
        assert report["recognised"] in RECOGNISED[report["kind"]], report
        assert report["stories"] or report["further"], report
        assert len(report["examples"]) == min(3, report["stories"])
        assert report["problem"] is None and report["redirected_to"] is None, report
    stale = [r["url"] for r in reports if r["stale"]]
    assert "http://www.people.com.cn/rss/politics.xml" in stale  # its newest item is from 2025


def test_blocked_dead_and_redirected_sources_are_named(tmp_path: Path) -> None:
    folder = tmp_path / "people"
    shutil.copytree(FIXTURES / "people", folder)
    # The English home page moved (a 301); the sitemap index is gone; the home page is the WAF's.
    (folder / "list_english_home.meta.json").write_text(
        (folder / "list_english_home.meta.json")
        .read_text(encoding="utf-8")
        .replace("http://en.people.cn/", "https://en.people.cn/"),
        encoding="utf-8",
    )
    moved = {
        "url": "http://en.people.cn/",
        "status": 301,
        "content_type": "text/html",
        "headers": {"Location": "https://en.people.cn/"},
    }
    (folder / "moved.meta.json").write_text(json.dumps(moved), encoding="utf-8")
    (folder / "moved.html").write_text("", encoding="utf-8")
    (folder / "sitemap_index.meta.json").unlink()
    home = json.loads((folder / "list_home.meta.json").read_text(encoding="utf-8"))
    waf = json.loads((folder / "blocked_waf.meta.json").read_text(encoding="utf-8"))
    (folder / "blocked_waf.meta.json").write_text(json.dumps({**waf, "url": home["url"]}), encoding="utf-8")
    (folder / "list_home.meta.json").unlink()

    done = probe("--site", "people", "--replay", str(folder))
    assert done.returncode == 0, done.stderr[-3000:]  # the feed and the English list still give stories
    out = done.stdout
    assert "lists    blocked (waf)" in out
    assert "redirected to https://en.people.cn/" in out
    assert "sitemaps dead (HTTP 404)" in out
    assert (
        "dead: http://www.people.com.cn/sitemap_index.xml; blocked: waf; stale: http://www.people.com.cn/rss/politics.xml" in out
    )


def test_an_outlet_that_gives_nothing_fails_the_probe_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    done = probe("--site", "gmw", "--replay", str(tmp_path / "empty"))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == "probe: no story links from gmw"
    assert "dead: https://news.gmw.cn/node_4108.htm, https://politics.gmw.cn/node_9844.htm" in done.stdout


def test_wrong_arguments_are_one_line_and_status_2(tmp_path: Path) -> None:
    done = probe("--site", "nosuch")
    assert (done.returncode, done.stderr.splitlines()[0][:28]) == (2, "error: unknown site 'nosuch'")
    done = probe("--replay", str(tmp_path / "missing"))
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: replay source not found: {tmp_path / 'missing'}"
