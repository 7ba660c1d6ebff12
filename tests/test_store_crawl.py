"""Whole crawls into the stores: incremental reruns, rechecks, fail-fast, credentials, an outage."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pymongo
import pytest

from bench.sitegen import START_URL, generate
from crawler.store import EmbeddedStore, MongoStore, Store
from tests.conftest import FIXTURES, crawl, subprocess_env
from tests.servers import MongoServer

SITE = FIXTURES / "chinacomcn"
# The fixture site holds 8 article pages that are 6 stories (two are Big5 gateway copies).
STORIES = 6


def store_env(kind: str, request: pytest.FixtureRequest) -> tuple[dict[str, str], Any]:
    """Environment for a crawl into `kind`, and a function that opens the same store for checks."""
    if kind == "embedded":
        return {}, lambda tmp: EmbeddedStore(tmp / "store.sqlite3")
    server: MongoServer = request.getfixturevalue("mongo_server")
    database = f"crawl_{uuid.uuid4().hex[:10]}"
    return {"MONGO_URI": server.uri, "MONGO_DATABASE": database}, lambda tmp: MongoStore(server.uri, database)


def opened(factory: Any, tmp_path: Path, request: pytest.FixtureRequest) -> Store:
    store: Store = factory(tmp_path)
    store.open()
    request.addfinalizer(store.close)  # closed even when an assertion fails first
    return store


def renderings(doc: dict[str, Any]) -> dict[str, str]:
    """Chinese script -> title, over the main text and its variants (their order depends on which
    copy was fetched first, which concurrent downloads do not fix)."""
    found = {tag: doc["title"]["zh"] for tag in doc["languages"] if tag.startswith("zh")}
    found.update({tag: variant["title"]["zh"] for tag, variant in doc.get("variants", {}).items()})
    return found


@pytest.mark.parametrize("kind", ["embedded", "mongodb"])
def test_crawl_stores_stories_and_records_the_run(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    env, factory = store_env(kind, request)
    items, stats = crawl(tmp_path, SITE, env=env)
    assert len(items) == 8
    store = opened(factory, tmp_path, request)
    docs = list(store.documents())
    assert len(docs) == STORIES
    seed = next(d for d in docs if d["canonical_url"].endswith("content_117911710.htm"))
    assert len(seed["fetched_urls"]) == 2
    assert renderings(seed) == {"zh-Hans": "习近平会见白俄罗斯总统卢卡申科", "zh-Hant": "習近平會見白俄羅斯總統盧卡申科"}
    (run,) = list(store.runs())
    assert run["_id"] == stats["run/id"]
    assert run["status"] == "finished"
    assert run["store"] == ("embedded" if kind == "embedded" else "mongodb")
    site = run["sites"]["chinacomcn"]
    # The English-only story reads the same through the gateway: unchanged, not a variant.
    assert site["store"] == {"inserted": STORIES, "variant": 1, "unchanged": 1, "other_remembered": 1, "removal_unknown": 1}
    assert site["pages"]["list"] == 5
    log = (tmp_path / "crawl.log").read_text(encoding="utf-8")
    assert ("No MONGO_URI configured" in log) == (kind == "embedded")


@pytest.mark.parametrize("kind", ["embedded", "mongodb"])
def test_export_dumps_the_store_as_json_lines(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    env, factory = store_env(kind, request)
    crawl(tmp_path, SITE, env=env)
    stored = {doc["_id"]: doc for doc in opened(factory, tmp_path, request).documents()}
    settings = ["-s", f"EMBEDDED_STORE_PATH={tmp_path / 'store.sqlite3'}"]
    for what, extra in (("stories", []), ("runs", ["--runs"])):
        out = tmp_path / f"{what}.jsonl"
        done = subprocess.run(
            [sys.executable, "-m", "crawler", "export", "-o", str(out), *extra, *settings],
            cwd=tmp_path, env=subprocess_env(env), capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        if what == "stories":
            assert {doc["_id"] for doc in lines} == set(stored)
            for doc in lines:  # the whole document, dates as ISO 8601 strings
                assert doc["canonical_url"] == stored[doc["_id"]]["canonical_url"]
                assert doc["body"] == stored[doc["_id"]]["body"]
                assert doc["first_seen_at"].endswith("+00:00")
            assert f"exported {len(stored)} stories" in done.stderr
        else:
            assert [run["status"] for run in lines] == ["finished"]


@pytest.mark.parametrize("kind", ["embedded", "mongodb"])
def test_rerun_over_an_unchanged_site_makes_zero_article_requests(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    env, factory = store_env(kind, request)
    crawl(tmp_path, SITE, env=env)
    store = opened(factory, tmp_path, request)
    before = {d["_id"]: d for d in store.documents()}
    items, stats = crawl(tmp_path, SITE, env=env)
    assert items == []
    # Only list pages and robots.txt went out: no article page, no non-article page, no known 404.
    assert not [name for name in stats if name.startswith("site/chinacomcn/pages/") and name != "site/chinacomcn/pages/list"]
    assert (
        "site/chinacomcn/errors/http_404" not in stats or stats["site/chinacomcn/errors/http_404"] == 3
    )  # the 3 list pages not in the set
    assert stats["site/chinacomcn/incremental/skipped"] == 8
    assert stats["site/chinacomcn/incremental/skipped_not_article"] == 1
    assert stats["site/chinacomcn/incremental/skipped_missing"] == 1
    after = {d["_id"]: d for d in store.documents()}
    assert after == before  # nothing was rewritten
    assert len(list(store.runs())) == 2


@pytest.mark.parametrize("kind", ["embedded", "mongodb"])
def test_recheck_catches_a_silent_edit_and_a_removal(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    env, factory = store_env(kind, request)
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    crawl(tmp_path, site, env=env)
    edit_one_take_one_down(site)
    age_fetches(opened(factory, tmp_path, request), timedelta(hours=7))  # instead of waiting: the fetches are 7 h old
    _, stats = crawl(tmp_path, site, "-s", "RECHECK_AFTER=6h", env=env)
    assert stats["site/chinacomcn/incremental/recheck"] == 8
    assert stats["site/chinacomcn/store/updated"] == 1
    assert stats["site/chinacomcn/store/variant"] == 1  # the traditional copy is refreshed, not a second revision
    assert stats["site/chinacomcn/store/removed"] == 1
    store = opened(factory, tmp_path, request)
    docs = {d["canonical_url"].rsplit("/", 1)[1]: d for d in store.documents()}
    edited = docs["content_117911710.htm"]
    assert edited["revision"] == 2
    assert edited["revisions"][0]["changed"] == ["body"]
    bodies = {edited["languages"][0]: edited["body"]["zh"], **{t: v["body"]["zh"] for t, v in edited["variants"].items()}}
    assert bodies["zh-Hans"][-1] == "王毅、蔡奇参加会见。"
    assert bodies["zh-Hant"][-1] == "王毅、蔡奇參加會見。"
    assert docs["content_117909876.htm"]["removed_at"] is not None
    assert docs["content_117909876.htm"]["removal_status"] == 404
    assert all(d["revision"] == 1 for name, d in docs.items() if name != "content_117911710.htm")


def edit_one_take_one_down(site: Path) -> None:
    """The fixture site edits the seed story silently (the Big5 gateway mirrors it: 王毅 becomes
    王毅、蔡奇) and takes the 2022-template story down."""
    page = site / "article_xitheory_seed.html"
    page.write_bytes(page.read_bytes().replace("王毅参加会见。".encode(), "王毅、蔡奇参加会见。".encode()))
    gate = site / "article_xitheory_seed_big5gate.html"
    gate.write_bytes(gate.read_bytes().replace("王毅參加會見。".encode("big5"), "王毅、蔡奇參加會見。".encode("big5")))
    for name in ("article_news_2022_template.html", "article_news_2022_template.meta.json"):
        (site / name).unlink()


def age_fetches(store: Store, by: timedelta) -> None:
    """Move every recorded fetch of `store` back in time, as if the crawl had been `by` ago."""
    if isinstance(store, EmbeddedStore):
        rows = store.db.execute("SELECT url, first_fetched_at, last_fetched_at FROM article_urls").fetchall()
        for url, first, last in rows:
            earlier = [(datetime.fromisoformat(t) - by).isoformat() for t in (first, last)]
            store.db.execute("UPDATE article_urls SET first_fetched_at = ?, last_fetched_at = ? WHERE url = ?", (*earlier, url))
        return
    assert isinstance(store, MongoStore)
    urls = store._collection("urls")
    for entry in urls.find():
        urls.update_one(
            {"_id": entry["_id"]},
            {"$set": {"first_fetched_at": entry["first_fetched_at"] - by, "last_fetched_at": entry["last_fetched_at"] - by}},
        )


def wait_for(condition: Any, what: str, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def credentials_uri(server: MongoServer, password: str) -> str:
    """A URI that logs in with a password on a server the tests started: FerretDB accepts PLAIN
    credentials without an account; mongod needs the account created first."""
    host = server.uri.removeprefix("mongodb://").rstrip("/")
    if server.kind == "ferretdb":
        return f"mongodb://headlines:{password}@{host}/?authMechanism=PLAIN&authSource=%24external"
    with pymongo.MongoClient(server.uri) as client:
        if not client.admin.command("usersInfo", "headlines")["users"]:
            client.admin.command("createUser", "headlines", pwd=password, roles=["readWriteAnyDatabase"])
    return f"mongodb://headlines:{password}@{host}/?authSource=admin"


def test_credentials_never_reach_logs_stats_or_runs(tmp_path: Path, private_mongo_server: MongoServer) -> None:
    mongo_server = private_mongo_server
    database = f"creds_{uuid.uuid4().hex[:8]}"
    uri = credentials_uri(mongo_server, "s3cret-passw0rd")
    _, stats = crawl(tmp_path, SITE, "-s", "LOG_LEVEL=DEBUG", env={"MONGO_URI": uri, "MONGO_DATABASE": database})
    log = (tmp_path / "crawl.log").read_text(encoding="utf-8")
    assert "Overridden settings" in log
    assert "Storing into MongoDB mongodb://***@" in log
    assert "s3cret-passw0rd" not in log  # at DEBUG, pymongo's own log lines included
    assert "s3cret-passw0rd" not in json.dumps(stats)
    with pymongo.MongoClient(mongo_server.uri) as client:
        runs = list(client[database]["runs"].find())
        assert runs
        assert "s3cret-passw0rd" not in json.dumps(runs, default=str)
    # The -s route goes through the add-on that wraps the value.
    again = tmp_path / "again"
    again.mkdir()
    crawl(again, SITE, "-s", f"MONGO_URI={uri}", "-s", f"MONGO_DATABASE={database}")
    log = (again / "crawl.log").read_text(encoding="utf-8")
    assert "Storing into MongoDB mongodb://***@" in log
    assert "s3cret-passw0rd" not in log


def test_mongodb_outage_mid_crawl_loses_nothing(tmp_path: Path, private_mongo_server: MongoServer) -> None:
    """The server goes away twice during a crawl: once briefly (retries ride it out), once for
    longer (batches are spilled). After replay-spill every story is stored exactly once."""
    mongo_server = private_mongo_server
    site = tmp_path / "site"
    urls = generate(site, articles=120)
    database = f"outage_{uuid.uuid4().hex[:8]}"
    env = {"MONGO_URI": mongo_server.uri, "MONGO_DATABASE": database}
    settings = [
        "-a", "max_pages=10",
        "-s", f'HEADLINES_START_URLS={{"chinacomcn": ["{START_URL}"]}}',
        "-s", "DOWNLOAD_DELAY=0.1", "-s", "CONCURRENT_REQUESTS=1",
        "-s", "STORE_BATCH_SIZE=5", "-s", "STORE_RETRY_TIMES=6", "-s", "STORE_RETRY_BACKOFF=0.2",
        "-s", "MONGO_SERVER_TIMEOUT_MS=800",
    ]  # fmt: skip
    log = tmp_path / "crawl.log"
    failures: list[BaseException] = []

    def count() -> int:
        try:
            with pymongo.MongoClient(mongo_server.uri, serverSelectionTimeoutMS=300) as client:
                return client[database]["articles"].count_documents({})
        except pymongo.errors.PyMongoError:
            return 0

    def logged(text: str) -> bool:
        return log.exists() and text in log.read_text(encoding="utf-8", errors="replace")

    def outages() -> None:
        # Each step waits for the crawl to show the event it depends on, however slow the machine.
        try:
            wait_for(lambda: count() >= 15, "15 stories stored")
            mongo_server.stop()  # a short outage: a write fails, then the retries (6, backing off) ride it out
            wait_for(lambda: logged("store write failed (attempt 1 of 7)"), "a failed write")
            mongo_server.start()
            wait_for(lambda: count() >= 50, "50 stories stored")
            mongo_server.stop()  # a long outage: a batch fails all its retries and is spilled
            wait_for(lambda: logged("could not be stored and were spilled"), "a spilled batch")
            mongo_server.start()
        except BaseException as error:
            failures.append(error)

    chaos = threading.Thread(target=outages)
    chaos.start()
    try:
        _, stats = crawl(tmp_path, site, *settings, env=env)
    finally:
        chaos.join(180)
        mongo_server.start()
    assert not failures, failures
    assert stats.get("store/write_retries", 0) > 0
    assert stats.get("store/spilled", 0) > 0, "the long outage should have spilled batches"
    spill = Path(stats["store/spill_file"])
    assert spill.exists()
    done = subprocess.run(
        [sys.executable, "-m", "crawler", "replay-spill", str(spill)],
        check=False, cwd=tmp_path, capture_output=True, text=True, timeout=300, env=subprocess_env(env),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with pymongo.MongoClient(mongo_server.uri) as client:
        articles = client[database]["articles"]
        docs = list(articles.find())
        assert len(docs) == 120  # every story, once
        assert sorted(u for d in docs for u in d["fetched_urls"]) == sorted(urls)  # every page, once
        revised = {d["_id"]: [(r["changed"], r["url"]) for r in d["revisions"]] for d in docs if d["revision"] != 1}
        assert not revised, revised
        client.drop_database(database)


def drop_links(site: Path, story_id: str) -> None:
    """Take a story out of every list page of the saved site, as an outlet does when it deletes one."""
    for page in site.glob("list_*.html"):
        html = page.read_bytes()
        kept = re.sub(rb"<li>(?:(?!</li>).)*content_" + story_id.encode() + rb"(?:(?!</li>).)*</li>", b"", html, flags=re.DOTALL)
        assert story_id.encode() not in kept
        page.write_bytes(kept)


@pytest.mark.parametrize("kind", ["embedded", "mongodb"])
def test_a_recheck_run_finds_deletions_the_lists_forgot(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """Three stories deleted three ways, each dropped from every list: a 404, a redirect to the
    channel's list, an error page served as 200. The recheck run takes them from the store."""
    env, factory = store_env(kind, request)
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    crawl(tmp_path, site, env=env)
    for name in ("article_news_2022_template", "article_news_2022_template_big5gate"):  # 404
        for suffix in (".html", ".meta.json"):
            (site / f"{name}{suffix}").unlink()
    drop_links(site, "117909876")
    meta = json.loads((site / "article_odd_infoline.meta.json").read_text(encoding="utf-8"))  # redirected to the list
    meta.update(status=301, headers={"Location": "http://news.china.com.cn/node_7247300.htm"})
    (site / "article_odd_infoline.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    (site / "article_odd_infoline.html").write_bytes(b"")
    drop_links(site, "117903100")
    (site / "article_caption_without_image.html").write_bytes(  # an error page in place of the story
        "<html><head><meta charset='utf-8'><title>页面不存在_中国网</title></head>"
        "<body><p>对不起，您访问的页面不存在或已被删除。</p><p><a href='/'>返回首页</a></p></body></html>".encode()
    )
    drop_links(site, "117901234")
    age_fetches(opened(factory, tmp_path, request), timedelta(hours=7))
    _, stats = crawl(tmp_path, site, "-s", "RECHECK_AFTER=6h", env=env)
    assert stats["site/chinacomcn/recheck/queued"] >= 4  # the three stories' URLs, none of them listed any more
    assert stats["site/chinacomcn/store/removed"] == 3
    store = opened(factory, tmp_path, request)
    docs = {d["canonical_url"].rsplit("/", 1)[1]: d for d in store.documents()}
    removals = {name: (d["removal_reason"], d["removal_status"]) for name, d in docs.items() if d["removed_at"] is not None}
    assert removals == {
        "content_117909876.htm": ("http_status", 404),
        "content_117903100.htm": ("redirect_to_list", 301),
        "content_117901234.htm": ("soft_404", 200),
    }
    # The story comes back: the next recheck clears the removal.
    shutil.copy(SITE / "article_caption_without_image.html", site / "article_caption_without_image.html")
    age_fetches(store, timedelta(hours=7))
    crawl(tmp_path, site, "-s", "RECHECK_AFTER=6h", env=env)
    back = next(d for d in store.documents() if d["canonical_url"].endswith("content_117901234.htm"))
    assert back["removed_at"] is None and back["removal_reason"] is None
