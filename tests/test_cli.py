"""`python -m crawler parse`: one saved page in, one JSON document out, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, Case

SITE = FIXTURES / "chinacomcn"
SEED_GATE_URL = "http://big5.china.com.cn/gate/big5/xitheory.china.com.cn/2025-06/05/content_117911710.htm"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    # In the test's own working directory (conftest), with the scrubbed environment.
    return subprocess.run([sys.executable, "-m", "crawler", *args], check=False, input=stdin, capture_output=True, timeout=60)


def parse(*args: str, stdin: bytes | None = None) -> dict[str, Any]:
    done = run("parse", *args, stdin=stdin)
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)


def test_article_page() -> None:
    document = parse("--url", SEED_GATE_URL, str(SITE / "article_xitheory_seed_big5gate.html"))
    assert document["kind"] == "article"
    assert document["title"] == {"zh": "習近平會見白俄羅斯總統盧卡申科", "en": "Xi meets Belarusian president"}
    assert document["published_at"] == "2025-06-05T09:19:14+08:00"


def test_list_page() -> None:
    document = parse("--url", "http://xitheory.china.com.cn/node_1003891.htm", str(SITE / "list_xitheory_toutiao.html"))
    assert document["kind"] == "list"
    assert document["next"] == ["http://xitheory.china.com.cn/node_1003891_2.htm"]
    assert "http://xitheory.china.com.cn/2025-06/05/content_117911710.htm" in document["articles"]


def test_other_page() -> None:
    document = parse(
        "--url", "http://xitheory.china.com.cn/2025-06/06/content_117913000.htm", str(SITE / "other_xitheory_video.html")
    )
    assert document == {"kind": "other", "reason": "no article text"}


def test_page_of_a_site_without_a_parser_goes_to_the_generic_extractor() -> None:
    document = parse("--url", "http://example.org/a.htm", "-", stdin=b"<html><body><p>hello</p></body></html>")
    assert document["kind"] == "other"
    page = (
        "<html><head><title>A story - Example News</title></head><body><div id='nav'><a href='/'>Home</a></div>"
        "<h1>A story</h1><p>2025-06-05 09:19 Source: Example Agency</p><div class='content'>"
        + "".join(f"<p>Paragraph {n} of a story long enough to be read as the body of an article page.</p>" for n in range(6))
        + "</div></body></html>"
    )
    document = parse("--url", "http://example.org/2025/06/05/a-story.html", "-", stdin=page.encode())
    assert document["kind"] == "article"
    assert document["parser"] == "generic"
    assert document["site"] == "example.org"
    assert document["title"] == {"en": "A story"}
    assert len(document["body"]["en"]) == 6
    assert document["published_at"] == "2025-06-05T09:19:00+08:00"


def test_content_type_header_decides_the_charset() -> None:
    # The same Big5 bytes with the charset in the header rather than the page.
    document = parse(
        "--url", SEED_GATE_URL, "--content-type", "text/html; charset=big5", str(SITE / "article_xitheory_seed_big5gate.html")
    )
    assert document["title"]["zh"] == "習近平會見白俄羅斯總統盧卡申科"


def test_a_lying_charset_header_is_repaired_and_reported() -> None:
    document = parse(
        "--url", SEED_GATE_URL, "--content-type", "text/html; charset=utf-8", str(SITE / "article_xitheory_seed_big5gate.html")
    )
    assert document["title"]["zh"] == "習近平會見白俄羅斯總統盧卡申科"
    assert any(w.startswith("decoding: bytes are not utf-8") for w in document["warnings"])
    assert "\ufffd" not in json.dumps(document, ensure_ascii=False)


def test_pages_of_a_story_are_merged_when_given() -> None:
    p2 = "http://news.china.com.cn/txt/2025-06/03/content_117905522_2.htm"
    document = parse(
        "--url",
        "http://news.china.com.cn/txt/2025-06/03/content_117905522.htm",
        str(SITE / "article_news_two_pages_p1.html"),
        "--page",
        f"{p2}={SITE / 'article_news_two_pages_p2.html'}",
    )
    expected = json.loads((SITE / "article_news_two_pages.merged.expected.json").read_text(encoding="utf-8"))
    assert document == expected


def test_first_page_alone_says_what_is_missing() -> None:
    document = parse(
        "--url", "http://news.china.com.cn/txt/2025-06/03/content_117905522.htm", str(SITE / "article_news_two_pages_p1.html")
    )
    assert any("content_117905522_2.htm" in w for w in document["warnings"])


def test_unreadable_input_is_a_clear_error() -> None:
    done = run("parse", "--url", "http://xitheory.china.com.cn/", "/nonexistent/page.html")
    assert done.returncode == 2
    assert b"cannot read /nonexistent/page.html" in done.stderr
    assert done.stdout == b""


def test_unknown_site_is_a_clear_error() -> None:
    done = run("parse", "--url", "http://xitheory.china.com.cn/", "--site", "nosuch", str(SITE / "list_xitheory_home.html"))
    assert done.returncode == 2
    assert b"unknown site 'nosuch'" in done.stderr


def test_garbage_bytes_are_not_an_article() -> None:
    garbage = bytes(range(256)) * 40
    document = parse("--url", "http://news.china.com.cn/2025-06/04/content_117909876.shtml", "-", stdin=garbage)
    assert document["kind"] == "other"
    assert "\ufffd" not in json.dumps(document, ensure_ascii=False)


def test_sites_markdown_is_the_readme_table() -> None:
    from tests.conftest import ROOT

    done = run("sites", "--markdown")
    assert done.returncode == 0
    assert done.stdout.decode() in (ROOT / "README.md").read_text(encoding="utf-8")


def test_a_further_page_that_is_not_an_article_is_refused() -> None:
    done = run(
        "parse", "--url", "http://news.china.com.cn/txt/2025-06/03/content_117905522.htm",
        str(SITE / "article_news_two_pages_p1.html"),
        "--page", f"http://news.china.com.cn/txt/2025-06/03/content_117905522_2.htm={SITE / 'list_news_yaowen.html'}",
    )  # fmt: skip
    assert done.returncode == 1
    assert b"list_news_yaowen.html is not an article page ({'kind': 'other', 'reason': 'no article body'})" in done.stderr


UNREACHABLE = ["-s", "MONGO_URI=mongodb://archive:s3cret@127.0.0.1:9/", "-s", "MONGO_SERVER_TIMEOUT_MS=200"]


@pytest.mark.parametrize("command", [["export"], ["report"], ["replay-spill", "spill.jsonl"]])
def test_store_commands_say_the_store_is_unavailable_in_one_line(command: list[str]) -> None:
    done = run(*command, *UNREACHABLE)
    assert done.returncode == 2
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot use MongoDB mongodb://***@127.0.0.1:9/"), lines
    assert "s3cret" not in lines[0]


def test_replay_spill_keeps_a_file_it_cannot_read(tmp_path: Path) -> None:
    store = ["-s", f"EMBEDDED_STORE_PATH={tmp_path / 'store.sqlite3'}"]
    done = run("replay-spill", str(tmp_path / "missing.jsonl"), *store)
    assert (done.returncode, done.stderr.decode().splitlines()[-1].startswith("error: [Errno 2]")) == (2, True)
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{not json\n", encoding="utf-8")
    done = run("replay-spill", str(broken), *store)
    assert done.returncode == 2 and broken.exists()


def test_reparse_of_a_missing_archive_is_a_clear_error(tmp_path: Path) -> None:
    done = run("reparse", str(tmp_path / "no-such.warc.gz"))
    assert (done.returncode, done.stderr.decode().strip()) == (2, f"error: {tmp_path / 'no-such.warc.gz'} does not exist")


@pytest.mark.parametrize(
    "stem", ["people/feed_politics", "people/sitemap_index", "govcn/list_yaowen_json", "cgtn/robots", "xinhua/list_ds_linkurls"]
)
def test_feeds_sitemaps_and_json_lists_parse_like_list_pages(stem: str) -> None:
    case = Case(FIXTURES / stem)
    document = parse("--url", case.meta["url"], str(case.body_path))
    assert document == case.expected()
