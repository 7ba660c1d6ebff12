"""The reader as a person uses it, in a real browser (Debian's chromium, driven by Playwright).

The store comes from replay crawls of the fixture site: a first crawl; then the site edits the seed
story silently and takes a story down, and a recheck crawl records the revision and the removal.
A copy of the seed at another outlet makes a cluster. The reader runs as `python -m crawler serve`.
A screenshot of the story page is left in tests/output/ (not committed; CI keeps it as an artifact).
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.linking.maintain import Linker
from crawler.store import EmbeddedStore
from crawler.store.writing import write_items
from tests.conftest import ROOT, crawl, missing, subprocess_env
from tests.servers import free_port
from tests.test_links import story
from tests.test_store_crawl import SITE, age_fetches, edit_one_take_one_down

OUTPUT = ROOT / "tests" / "output"
SEED_SIMPLIFIED = "习近平会见白俄罗斯总统卢卡申科"
SEED_TRADITIONAL = "習近平會見白俄羅斯總統盧卡申科"


def chromium() -> str:
    found = os.environ.get("HEADLINES_TEST_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        missing("NO CHROMIUM, browser tests NOT RUN: `apt-get install chromium` (.ci/run does)", "HEADLINES_REQUIRE_BROWSER")
    return found


def filled_store(tmp: Path) -> tuple[Path, dict[str, Any]]:
    site = tmp / "site"
    shutil.copytree(SITE, site)
    crawl(tmp, site)
    edit_one_take_one_down(site)
    path = tmp / "store.sqlite3"
    store = EmbeddedStore(path)
    store.open()
    age_fetches(store, timedelta(hours=7))
    store.close()
    crawl(tmp, site, "-s", "RECHECK_AFTER=6h")
    store.open()
    try:
        seed = next(d for d in store.documents() if d["title"].get("zh") == SEED_SIMPLIFIED)
        published = datetime.fromisoformat(seed["published_at"])
        copy = story("people", "http://politics.people.com.cn/n1/2025/0605/c1001-40494999.html",
                     {"zh": [*seed["body"]["zh"][:-1], "（本报综合报道）"]}, published=published + timedelta(hours=2),
                     source="新华社")  # fmt: skip
        Linker(store).link(write_items(store, [copy], published + timedelta(hours=3)).changed)
        return path, {"seed": seed["_id"], "copy": copy["key"]}
    finally:
        store.close()


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    chromium()
    tmp = tmp_path_factory.mktemp("reader")
    path, keys = filled_store(tmp)
    port = free_port()
    log = (tmp / "serve.log").open("w", encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "crawler", "serve", "--port", str(port), "-s", f"EMBEDDED_STORE_PATH={path}"],
        stdout=log, stderr=subprocess.STDOUT, cwd=tmp, env=subprocess_env(),
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/stories?limit=1", timeout=2):
                    break
            except OSError:
                assert server.poll() is None, (tmp / "serve.log").read_text(encoding="utf-8")
                assert time.monotonic() < deadline, "the reader did not start"
                time.sleep(0.2)
        yield base, keys
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C, as a person stops it
        assert server.wait(timeout=30) == 0, (tmp / "serve.log").read_text(encoding="utf-8")
        log.close()


@pytest.fixture(scope="module")
def browser(reader: tuple[str, dict[str, Any]]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where chromium refuses its sandbox.
        launched = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def test_a_traditional_search_opens_the_simplified_story_with_both_languages(page: Any, reader: tuple[str, Any]) -> None:
    base, keys = reader
    page.goto(base + "/")
    page.fill("header input[name=q]", "習近平會見")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=*")
    titles = page.locator("#stories a.title")
    assert SEED_SIMPLIFIED in titles.all_inner_texts()
    page.click(f"#stories a.title:text('{SEED_SIMPLIFIED}')")
    page.wait_for_url(f"**/stories/{keys['seed']}")
    assert page.inner_text("#column-zh h1") == SEED_SIMPLIFIED
    assert page.locator("#column-en h1").inner_text().startswith("Xi")
    assert page.locator("#column-en p").count() > 1
    # The gateway's traditional rendering, one click away; and the folded form back.
    page.click("#script-zh-Hant")
    assert page.inner_text("#column-zh h1") == SEED_TRADITIONAL
    page.click("#script-folded")
    assert page.inner_text("#column-zh h1") == SEED_SIMPLIFIED
    OUTPUT.mkdir(exist_ok=True)
    page.goto(f"{base}/stories/{keys['seed']}")
    shot = OUTPUT / "story-page.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000


def test_the_revision_diff_opens_and_the_cluster_shows_the_copy(page: Any, reader: tuple[str, Any]) -> None:
    base, keys = reader
    page.goto(f"{base}/stories/{keys['seed']}")
    inserted = page.locator("#revision-1 ins").first
    assert not inserted.is_visible()  # folded until asked for
    page.click("#revision-1 summary")
    assert inserted.is_visible()
    assert "、蔡奇" in page.locator("#revision-1 ins").all_inner_texts()
    member = page.locator("#cluster tr.member")
    assert member.count() == 1
    assert "people" in member.inner_text()
    assert "本报综合报道" in member.inner_text()  # what the copy added
    member.locator("a").click()
    page.wait_for_url(f"**/stories/{keys['copy']}")
    assert "copy" in page.inner_text("#cluster")


def test_filter_by_outlet_and_removed(page: Any, reader: tuple[str, Any]) -> None:
    base, _ = reader
    page.goto(base + "/")
    assert page.locator("#stories tr.story").count() == 7
    page.select_option("#site", "people")
    page.click("#apply")
    page.wait_for_url("**/?*site=people*")
    assert page.locator("#stories tr.story").count() == 1
    page.select_option("#site", "")
    page.check("input[name=removed]")
    page.click("#apply")
    rows = page.locator("#stories tr.story")
    assert rows.count() == 1
    assert "removed" in rows.inner_text()


def test_search_results_download_as_csv(page: Any, reader: tuple[str, Any], tmp_path: Path) -> None:
    base, keys = reader
    page.goto(base + "/search")
    page.fill("#q", "卢卡申科")
    page.click("#apply")
    with page.expect_download() as download:
        page.click("#download-csv")
    saved = tmp_path / "found.csv"
    download.value.save_as(saved)
    rows = list(csv.DictReader(saved.read_text(encoding="utf-8").splitlines()))
    assert {keys["seed"], keys["copy"]} <= {row["key"] for row in rows}
    assert SEED_SIMPLIFIED in {row["title_zh"] for row in rows}
