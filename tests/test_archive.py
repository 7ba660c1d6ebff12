"""WARC archive of a live crawl: complete, rotating, replayable, and re-parseable into the store."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from bench.faultserver import SiteServer
from bench.sitegen import START_URL, generate
from crawler import sites
from crawler.store import EmbeddedStore
from tests.conftest import crawl, subprocess_env
from tests.live import live_crawl

SITE = sites.get("chinacomcn")


def records(warc_dir: Path) -> list[tuple[str, str, int | None, str | None]]:
    """(file, type, status, target URI) of every record, in file order."""
    found = []
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                status = int(record.http_headers.get_statuscode()) if record.rec_type == "response" else None
                found.append((path.name, record.rec_type, status, record.rec_headers.get_header("WARC-Target-URI")))
    return found


def last_record_offsets(warc_dir: Path) -> dict[str, int]:
    """Where each file's last exchange starts (its response record; warcio writes the request after
    it): it was written while the file was still under the limit."""
    offsets = {}
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with path.open("rb") as stream:
            iterator = ArchiveIterator(stream)
            for record in iterator:
                if record.rec_type in ("response", "warcinfo"):
                    offsets[path.name] = iterator.get_record_offset()
    return offsets


def documents(path: Path) -> dict[str, dict]:
    store = EmbeddedStore(path)
    store.open()
    try:
        return {d["_id"]: d for d in store.documents()}
    finally:
        store.close()


def test_every_exchange_is_archived_and_files_rotate(tmp_path: Path) -> None:
    links = generate(tmp_path / "site", articles=30)
    with SiteServer.from_folder(tmp_path / "site") as server:
        stats = live_crawl(tmp_path, server, "-s", "WARC_MAX_BYTES=25000")
    found = records(tmp_path / "warc")
    files = sorted({name for name, *_ in found})
    # Rotation: a file takes records while it is under WARC_MAX_BYTES, then the next one opens.
    sizes = {path.name: path.stat().st_size for path in (tmp_path / "warc").glob("*.warc.gz")}
    last_offsets = last_record_offsets(tmp_path / "warc")
    assert len(files) == len(sizes) > 1
    assert all(sizes[name] >= 25000 for name in files[:-1]), sizes
    assert all(offset < 25000 for offset in last_offsets.values()), last_offsets
    for name in files:  # each file opens with its own warcinfo record
        assert next(kind for file, kind, *_ in found if file == name) == "warcinfo"
    responses = {uri: status for _, kind, status, uri in found if kind == "response"}
    requests = [uri for _, kind, _, uri in found if kind == "request"]
    assert set(links) <= set(responses)
    assert START_URL in responses
    assert "http://news.china.com.cn/robots.txt" in responses
    assert sorted(map(str, requests)) == sorted(str(uri) for _, kind, _, uri in found if kind == "response")
    assert stats["warc/records"] == len(requests) * 2


def test_a_warc_replays_into_the_same_stories(tmp_path: Path) -> None:
    generate(tmp_path / "site", articles=20)
    live = tmp_path / "live"
    live.mkdir()
    with SiteServer.from_folder(tmp_path / "site") as server:
        live_stats = live_crawl(live, server)
    replayed = tmp_path / "replayed"
    replayed.mkdir()
    _, stats = crawl(replayed, live / "warc", "-s", f'HEADLINES_START_URLS={{"chinacomcn": ["{START_URL}"]}}')
    assert stats.get("replay/missing", 0) == 0
    # Every request of the replay (robots.txt, lists, stories) is answered from the archive.
    assert stats["replay/hit"] == live_stats["response_received_count"] == stats["response_received_count"]
    original, copy = documents(live / "store.sqlite3"), documents(replayed / "store.sqlite3")
    assert set(original) == set(copy)
    for key, document in original.items():
        assert copy[key]["title"] == document["title"]
        assert copy[key]["body"] == document["body"]
        assert copy[key]["photos"] == document["photos"]
        # A replayed story was fetched when it was archived.
        assert copy[key]["first_seen_at"] == document["first_seen_at"]


def test_reparse_stores_an_archived_edit_as_a_new_revision_without_network(tmp_path: Path) -> None:
    links = generate(tmp_path / "site", articles=12)
    first = tmp_path / "first"
    first.mkdir()
    with SiteServer.from_folder(tmp_path / "site") as server:
        live_crawl(first, server)
    # The site edits one story; a later crawl (into another store) archives the edited page.
    edited = tmp_path / "site" / "a3.html"
    charset = "gbk" if b"charset=gbk" in edited.read_bytes() else "utf-8"
    edited.write_bytes(
        edited.read_bytes().replace(b"<!--enpcontent-->", "<!--enpcontent--><p>更正：本文已更新。</p>".encode(charset))
    )
    second = tmp_path / "second"
    second.mkdir()
    with SiteServer.from_folder(tmp_path / "site") as server:
        live_crawl(second, server)

    with contextlib.closing(sqlite3.connect(first / "store.sqlite3")) as db, db:  # links rebuilt by what reparse stores
        db.execute("DELETE FROM link_index")
        db.execute("DELETE FROM link_terms")
    environment = subprocess_env({"http_proxy": "http://127.0.0.1:9"})  # any network use would fail
    done = subprocess.run(
        [sys.executable, "-m", "crawler", "reparse", str(second / "warc"), "--site", "chinacomcn",
         "-s", f"EMBEDDED_STORE_PATH={first / 'store.sqlite3'}", "-s", f"SPILL_DIR={tmp_path / 'spill'}",
         "-s", f"WARC_DIR={tmp_path / 'no-warc'}", "-s", "LOG_LEVEL=WARNING"],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["stories_in_archive"] == len(links)
    assert summary["store"].get("updated") == 1
    stories = documents(first / "store.sqlite3")
    edited_story = stories[SITE.key_for("http://news.china.com.cn/2025-06/04/content_120000003.htm")]
    assert edited_story["revision"] == 2
    assert edited_story["body"]["zh"][0] == "更正：本文已更新。"
    assert all(d["revision"] == 1 for k, d in stories.items() if d is not edited_story)
    assert not (tmp_path / "no-warc").exists(), "a reparse must not archive the archive again"
    with contextlib.closing(sqlite3.connect(first / "store.sqlite3")) as db:
        indexed = {key for (key,) in db.execute("SELECT id FROM link_index")}
    assert indexed == {edited_story["_id"]}  # the story reparse stored anew is linked again
