"""The web reader over both stores, through Starlette's test client: pages, the JSON API behind
them, downloads, escaping of hostile stored text, errors, and the serve command's address rules.
(The browser tests are in test_reader_browser.py.)"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from starlette.testclient import TestClient

from crawler.ops.reader.app import create_app
from crawler.ops.reader.diff import inline, paragraphs
from crawler.ops.reader.serve import is_loopback
from crawler.store import MongoStore, Store
from crawler.store.writing import write_items
from tests.conftest import subprocess_env
from tests.servers import MongoServer
from tests.test_catalog import PARAGRAPHS, T0, item
from tests.test_links import story
from tests.test_store_crawl import credentials_uri

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def hostile_item() -> dict[str, Any]:
    found = story("chinanews", "https://www.chinanews.com.cn/gn/2025/06-04/10429999.shtml",
                  {"zh": [f"正文{HOSTILE}结束。", "第二段。"], "en": [f"Body {HOSTILE}"]}, published=T0 + timedelta(hours=5),
                  bylines=[{"role": "editor", "name": '"><svg onload=alert(2)>', "lang": "zh"}],
                  photos=[{"url": "javascript:alert(3)", "caption": f"图{HOSTILE}", "credit": None, "lang": "zh"}],
                  page_urls=["https://www.chinanews.com.cn/gn/2025/06-04/10429999.shtml", "javascript:alert(4)"])  # fmt: skip
    found["title"] = {"zh": f"标题{HOSTILE}", "en": f'=HYPERLINK("http://evil") {HOSTILE}'}
    return found


def fill(store: Store) -> dict[str, str]:
    """A revised story, a removed one, a hostile one and a run; their keys by name."""
    revised, removed, plain = item("xi", 0), item("wheat", 60), item("apart", 120, site="people")
    write_items(store, [revised, removed, plain, hostile_item()], T0)
    edited = {**revised, "body": {"zh": [PARAGRAPHS["xi"][0], "双方就中白关系深入交换意见。"]}}
    edited.update(content_hash="edited", fetched_at=(T0 + timedelta(hours=1)).isoformat())
    write_items(store, [edited], T0 + timedelta(hours=1))
    store.mark_removed([{"url": removed["url"], "site": removed["site"], "status": 410}], T0 + timedelta(hours=2))
    store.save_run({
        "_id": "run-1", "started_at": T0, "finished_at": T0 + timedelta(minutes=5), "status": "finished",
        "sites": {"chinanews": {"articles": 3, "store": {"inserted": 3}, "coverage": {"body_zh": 3, "editor": 2},
                                "blocked": {"waf": 2}}},
        "totals": {"store/spilled": 1},
        "health": {"findings": [{"site": "chinanews", "message": "the outlet refused us: waf"}]},
    })  # fmt: skip
    return {"revised": revised["key"], "removed": removed["key"], "plain": plain["key"], "hostile": hostile_item()["key"]}


@pytest.fixture
def reader(store: Store) -> Iterator[tuple[TestClient, dict[str, str]]]:
    keys = fill(store)
    with TestClient(create_app(store)) as client:
        yield client, keys


def elements(text: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(text)


def test_the_stories_page_lists_the_latest_first_with_badges(reader: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = reader
    page = client.get("/")
    assert page.status_code == 200
    rows = elements(page.text).cssselect("tr.story")
    assert [row.cssselect("a.title")[0].get("href") for row in rows] == [
        f"/stories/{keys[name]}" for name in ("hostile", "plain", "removed", "revised")
    ]
    revised = rows[3].text_content()
    assert "1 revision" in revised
    assert "2025-06-04 16:00" in revised  # Beijing time
    assert "removed" in rows[2].cssselect("td.badges")[0].text_content()
    filtered = elements(client.get("/", params={"site": "people"}).text).cssselect("tr.story")
    assert [row.get("data-site") for row in filtered] == ["people"]
    assert len(elements(client.get("/", params={"removed": "1"}).text).cssselect("tr.story")) == 1
    assert len(elements(client.get("/", params={"revisions": "1"}).text).cssselect("tr.story")) == 1
    # Paging keeps the filters, and leads back to the newest.
    first = elements(client.get("/", params={"limit": "3", "lang": "zh"}).text)
    assert first.cssselect("#first-page") == []
    second = elements(client.get(first.cssselect("#next-page")[0].get("href")).text)
    assert [row.get("data-site") for row in second.cssselect("tr.story")] == ["chinanews"]
    assert second.cssselect("#next-page") == []
    assert second.cssselect("#first-page")[0].get("href") == "?limit=3&lang=zh"


def test_the_api_pages_by_cursor_and_says_what_it_refuses(reader: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = reader
    first = client.get("/api/stories", params={"limit": 3}).json()
    assert len(first["stories"]) == 3
    assert first["next_url"].startswith("/api/stories?limit=3&after=")
    rest = client.get(first["next_url"]).json()
    assert [s["key"] for s in first["stories"] + rest["stories"]] == [keys[n] for n in ("hostile", "plain", "removed", "revised")]
    assert rest["next"] is None
    for bad, named in (({"lang": "xx"}, "lang"), ({"after": "!!"}, "after"), ({"limit": "5000"}, "limit"),
                       ({"since": "June"}, "since"), ({"site": "nowhere"}, "site")):  # fmt: skip
        answer = client.get("/api/stories", params=bad)
        assert answer.status_code == 400
        assert answer.json()["error"].startswith(named)
    assert client.get("/", params={"lang": "xx"}).status_code == 400
    assert client.get("/api/search").status_code == 400  # nothing to search for
    assert client.get("/api/stories/nope").status_code == 404
    assert client.get("/stories/nope").status_code == 404


def test_search_finds_either_script_and_downloads_every_match(reader: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = reader
    found = client.get("/api/search", params={"q": "習近平"}).json()
    assert [s["key"] for s in found["stories"]] == [keys["revised"]]
    page = elements(client.get("/search", params={"q": "習近平"}).text)
    assert [a.get("href") for a in page.cssselect("tr.story a.title")] == [f"/stories/{keys['revised']}"]
    csv_link = page.cssselect("#download-csv")[0].get("href")
    answer = client.get(csv_link)
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(answer.text)))
    assert [row["key"] for row in table] == [keys["revised"]]
    assert table[0]["revisions"] == "1"
    everything = client.get("/api/search", params={"q": "正文 OR 结束", "format": "jsonl"})  # OR is a word here
    assert everything.text == ""
    lines = client.get("/api/search", params={"q": "alert", "format": "jsonl"}).text.splitlines()
    assert [json.loads(line)["key"] for line in lines] == [keys["hostile"]]
    hostile = next(csv.DictReader(io.StringIO(client.get("/api/search", params={"q": "alert", "format": "csv"}).text)))
    assert hostile["title_en"].startswith("'=HYPERLINK")  # a spreadsheet shows it, never runs it


def test_stored_markup_renders_inert_everywhere(reader: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = reader
    for path in ("/", f"/stories/{keys['hostile']}", "/search?q=alert", f"/stories/{keys['hostile']}?script=folded"):
        answer = client.get(path)
        assert answer.status_code == 200
        assert "script-src" not in answer.headers["content-security-policy"]  # default-src 'none' forbids scripts
        assert "default-src 'none'" in answer.headers["content-security-policy"]
        tree = elements(answer.text)
        assert tree.cssselect("script") == []
        assert tree.cssselect("svg") == []
        assert [a for el in tree.iter() for a in el.attrib if a.startswith("on")] == []
        assert [el.get("href") for el in tree.iter("a") if "javascript" in (el.get("href") or "")] == []
        assert "<script>" not in answer.text
    page = elements(client.get(f"/stories/{keys['hostile']}").text)
    assert HOSTILE in page.cssselect("#column-zh h1")[0].text_content()  # shown as text, as stored
    assert "javascript:alert(4)" in page.cssselect("#urls")[0].text_content()  # listed, not linked
    data = client.get(f"/api/stories/{keys['hostile']}").json()
    assert data["story"]["title"]["zh"] == f"标题{HOSTILE}"  # the API returns stored text as it is


def test_the_story_page_shows_languages_credits_urls_and_the_revision_diff(reader: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = reader
    page = elements(client.get(f"/stories/{keys['revised']}").text)
    assert page.cssselect("#column-zh h1")[0].text_content() == PARAGRAPHS["xi"][0][:20]
    revision = page.cssselect("#revision-1")[0]
    assert [el.text_content() for el in revision.cssselect("ins")] == ["深入"]
    assert "body" in revision.cssselect("summary")[0].text_content()
    assert keys["revised"] in page.cssselect("#urls")[0].text_content()
    both = elements(client.get(f"/stories/{keys['hostile']}").text)
    assert [c.get("id") for c in both.cssselect("section.column")] == ["column-zh", "column-en"]
    api = client.get(f"/api/stories/{keys['revised']}").json()
    assert api["history"] == [{"revision": 1, "replaced_at": "2025-06-04 17:00", "changed": ["body"], "url": api["story"]["url"]}]
    removed = elements(client.get(f"/stories/{keys['removed']}").text)
    assert "410" in removed.cssselect("#removed")[0].text_content()


def test_a_story_stored_with_few_fields_still_renders(store: Store) -> None:
    store.put_document({"_id": "k-old", "key": "k-old", "site": "xinhua", "url": "http://www.news.cn/x.htm",
                        "canonical_url": "http://www.news.cn/x.htm", "title": {"zh": "旧文"}, "cluster": {"id": "c", "size": 2}})  # fmt: skip
    store.put_document({"_id": "k-bare", "site": "xinhua", "canonical_url": "http://www.news.cn/y.htm"})
    with TestClient(create_app(store)) as client:
        for key in ("k-old", "k-bare"):
            assert client.get(f"/stories/{key}").status_code == 200
            assert client.get(f"/api/stories/{key}").status_code == 200
        listed = client.get("/api/stories").json()["stories"]
        assert {s["key"] for s in listed} == {"k-old", "k-bare"}


def test_the_runs_page_draws_health_per_outlet(reader: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = reader
    page = elements(client.get("/runs").text)
    summary = page.cssselect("#summary tbody tr")[0].text_content()
    assert "chinanews" in summary
    assert page.cssselect(".chart svg polyline") or page.cssselect(".chart svg circle")
    assert "DEGRADED" in page.cssselect("#runs")[0].text_content()
    runs = client.get("/api/runs").json()
    assert runs["summary"]["chinanews"] == {"degraded": 1, "blocked pages": 2, "spilled": 1, "new stories": 3}
    assert client.get("/api/runs", params={"site": "people"}).json()["runs"] == []


def test_a_store_that_stops_answering_is_a_503_that_says_so(store: Store) -> None:
    fill(store)
    with TestClient(create_app(store), raise_server_exceptions=False) as client:
        store.close()
        answer = client.get("/api/stories")
        assert answer.status_code == 503
        assert answer.json()["error"].startswith("the store is not answering")
        assert client.get("/").status_code == 503


def test_no_credentials_reach_pages_or_answers(private_mongo_server: MongoServer) -> None:
    store = MongoStore(credentials_uri(private_mongo_server, "s3cret-reader"), "reader_credentials")
    store.open()
    try:
        keys = fill(store)
        with TestClient(create_app(store)) as client:
            for path in (
                "/",
                "/runs",
                f"/stories/{keys['revised']}",
                "/api/stories",
                "/api/runs",
                f"/api/stories/{keys['revised']}",
            ):
                assert "s3cret-reader" not in client.get(path).text
    finally:
        assert store.client is not None
        store.client.drop_database("reader_credentials")
        store.close()


def test_diffs_are_by_word_in_english_and_by_character_in_chinese() -> None:
    assert [(s.op, s.text) for s in inline("The cat sat.", "The dog sat.") if s.op != "same"] == [
        ("removed", "cat"),
        ("added", "dog"),
    ]
    assert [(s.op, s.text) for s in inline("王毅参加会见。", "王毅、蔡奇参加会见。") if s.op != "same"] == [("added", "、蔡奇")]
    rows = paragraphs(["一。", "二。", "三。"], ["一。", "新。", "二。", "三改。"])
    assert [[(s.op, s.text) for s in row if s.op != "same"] for row in rows] == [[("added", "新。")], [("added", "改")]]


def test_serve_listens_on_loopback_unless_told_and_warns_when_told(tmp_path: Path) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4") and not is_loopback("reader.example.org")
    # A port already taken: the warning for a non-loopback address, then one line that says why.
    import socket

    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "crawler", "serve", "--host", "0.0.0.0", "--port", str(port),
             "-s", f"EMBEDDED_STORE_PATH={tmp_path / 'store.sqlite3'}"],
            capture_output=True, text=True, timeout=60, env=subprocess_env(), cwd=tmp_path, check=False,
        )  # fmt: skip
    assert done.returncode == 1
    assert "not on loopback: anyone who can reach it can read the archive" in done.stderr
    assert f"cannot listen on 0.0.0.0:{port}" in done.stderr.strip().splitlines()[-1]


def test_reindex_lists_stories_stored_before_the_reader(tmp_path: Path) -> None:
    from crawler.store import EmbeddedStore

    path = tmp_path / "store.sqlite3"
    old = EmbeddedStore(path)
    old.open()
    write_items(old, [item("xi", 0), item("wheat", 5)], datetime(2025, 6, 4, tzinfo=UTC))
    old.db.execute("DELETE FROM catalog")
    old.close()
    done = subprocess.run([sys.executable, "-m", "crawler", "reindex", "-s", f"EMBEDDED_STORE_PATH={path}"],
                          capture_output=True, text=True, timeout=120, env=subprocess_env(), cwd=tmp_path, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "indexed 2 stories; 2 of 2 stored stories are in the reader's index"


def test_story_view_parts_on_odd_values() -> None:
    from crawler.ops.reader import story as view

    assert view.safe_href(None) is None
    assert view.safe_href("http://[::1") is None  # not a URL at all
    assert view.safe_href(" JavaScript:alert(1)") is None
    assert view.safe_href("https://www.news.cn/a.htm") == "https://www.news.cn/a.htm"
    assert view.beijing("printed, not a time") == "printed, not a time"
    assert view.beijing(None) == ""
    assert view.beijing(datetime(2025, 6, 4, 8, 0)) == "2025-06-04 08:00"  # no zone: shown as stored
    assert view.beijing(datetime(2025, 6, 4, 0, 0, tzinfo=UTC)) == "2025-06-04 08:00"
    doc: dict[str, Any] = {
        "_id": "k", "languages": ["zh-Hans", "en"], "title": {"zh": "习近平会见", "en": "Xi meets"},
        "body": {"zh": ["第一段。"], "en": ["First."]},
        "variants": {"zh-Hant": {"title": {"zh": "習近平會見"}, "body": {"zh": ["第一段。"]}, "url": "javascript:x"}},
        "canonical_url": "https://a/1", "url": "https://a/1", "page_urls": ["https://a/1", "https://a/1?page=2"],
        "fetched_urls": ["http://big5/a/1"], "redirected_from": ["https://old/1"],
        "revisions": [
            {"revision": 1, "replaced_at": "2025-06-04T09:00:00+00:00", "changed": ["title", "bylines"], "previous": None,
             "previous_moved": True},
            {"revision": 2, "replaced_at": "2025-06-04T10:00:00+00:00", "changed": ["body"],
             "previous": {"title": {"zh": "习近平会见卢卡申科"}, "body": {"zh": ["第一段。"], "en": ["First."]},
                          "bylines": [{"role": "editor", "name": "曹川川"}]}},
            {"revision": 3, "replaced_at": "2025-06-04T11:00:00+00:00", "changed": ["body"], "previous": None},
        ],
    }  # fmt: skip
    columns = view._columns(doc, "zh-Hant")
    assert [(c.lang, c.title, c.script) for c in columns] == [("zh", "習近平會見", "zh-Hant"), ("en", "Xi meets", "en")]
    assert view._columns({**doc, "title": {"zh": "習近平"}}, "folded")[0].title == "习近平"
    assert [(what, href) for what, _, href in view._urls(doc)] == [
        ("canonical", "https://a/1"), ("page", "https://a/1?page=2"), ("also fetched", "http://big5/a/1"),
        ("redirected from", "https://old/1"), ("variant zh-Hant", None),
    ]  # fmt: skip
    moved = [{"revision": 1, "previous": {"title": {"zh": "习近平会见"}, "bylines": []}}]
    first, second, third = view.revisions(doc, moved)
    assert [(c.field, c.lang) for c in first.changes] == [("title", "zh"), ("bylines", "")]
    assert any(s.op == "added" and "曹川川" in s.text for s in first.changes[1].rows[0])
    # Revision 3's text is neither kept nor in the history: no diff touching it can be drawn.
    assert second.moved_away and third.moved_away
    assert second.changes == third.changes == []


def test_the_cluster_and_translations_show_on_the_story_page(store: Store) -> None:
    from crawler.linking.maintain import Linker

    wire = story("xinhua", "https://www.news.cn/fortune/20250604/0123456789abcdef0123456789abcdef/c.html",
                 {"zh": PARAGRAPHS["wheat"] * 3}, published=T0, source="新华网")  # fmt: skip
    copy = story("people", "http://finance.people.com.cn/n1/2025/0604/c1004-40494100.html",
                 {"zh": [*PARAGRAPHS["wheat"] * 2, "（本报综合报道）"]}, published=T0 + timedelta(hours=1), source="新华社")  # fmt: skip
    for one in (wire, copy):
        Linker(store).link(write_items(store, [one], T0).changed)
    store.set_story_fields(wire["key"], {"translations": [{"key": copy["key"], "lang": "zh", "confidence": 0.71,
                                                           "evidence": ["dateline: 北京 6月4日"]}]})  # fmt: skip
    with TestClient(create_app(store)) as client:
        page = elements(client.get(f"/stories/{wire['key']}").text)
        (member,) = page.cssselect("#cluster tr.member")
        assert "people" in member.text_content()
        assert "本报综合报道" in member.text_content()
        assert "0.71" in page.cssselect("#translations")[0].text_content()
        data = client.get(f"/api/stories/{wire['key']}").json()
        assert [m["key"] for m in data["cluster_members"]] == [copy["key"]]
        assert data["translations"][0]["confidence"] == 0.71


def test_ctrl_c_stops_the_reader_quietly(store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import uvicorn

    from crawler.ops.reader.serve import serve

    def interrupted(self: uvicorn.Server, sockets: list[Any]) -> None:
        assert sockets[0].getsockname()[0] == "127.0.0.1"
        raise KeyboardInterrupt  # what uvicorn raises again after its shutdown on Ctrl-C

    monkeypatch.setattr(uvicorn.Server, "run", interrupted)
    caplog.set_level("INFO", logger="crawler.reader")
    assert serve(store, "127.0.0.1", 0) == 0
    assert "the reader is at http://127.0.0.1:" in caplog.text
    assert "the reader stopped" in caplog.text
