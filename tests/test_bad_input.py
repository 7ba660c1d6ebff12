"""230 generated bad pages (bench.badpages): no crash, every page parsed or dropped with a counted
reason, nothing garbled stored, and what is not a story never stored."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bench.badpages import LIST_URL, BadPage, generate
from bench.faultserver import SiteServer, load_folder
from crawler.extraction.results import ArticleResult
from crawler.items import to_jsonable
from crawler.parse import parse_page
from crawler.store import EmbeddedStore
from tests.live import live_crawl


@pytest.fixture(scope="module")
def bad_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[BadPage]]:
    folder = tmp_path_factory.mktemp("bad")
    return folder, generate(folder)


def test_the_corpus_is_large_and_varied(bad_site: tuple[Path, list[BadPage]]) -> None:
    _, pages = bad_site
    assert len(pages) == 230
    assert len({p.kind for p in pages}) == 34
    assert len({p.url for p in pages}) == len(pages)


def test_pure_extraction_never_raises_nor_lets_a_replacement_character_through(bad_site: tuple[Path, list[BadPage]]) -> None:
    folder, pages = bad_site
    served = load_folder(folder)
    kinds: Counter[tuple[str, str]] = Counter()
    for page in pages:
        saved = served[page.url.removeprefix("http://")]
        if any(key in saved.meta for key in ("status", "redirect", "drop", "stream_bytes")):
            continue  # server behaviour, not a body: the crawl test covers it
        result = parse_page(page.url, saved.body, {"Content-Type": saved.meta["content_type"]})
        kinds[(page.expect, result.kind)] += 1
        if isinstance(result, ArticleResult):
            assert "\ufffd" not in json.dumps(to_jsonable(result.item), ensure_ascii=False), page.kind
            assert page.expect != "not_stored" or not result.item.body, page.kind
        else:
            assert page.expect != "stored", f"{page.kind} is a story, parsed as {result}"
    # Every page the server answers with a body was parsed: the stories as articles, the rest not.
    assert sum(kinds.values()) == 185
    assert {expected for expected, kind in kinds if kind == "other"} <= {"not_stored", "either"}, kinds


def _stats_sum(stats: dict[str, Any], prefix: str) -> int:
    return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))


def test_a_crawl_of_the_bad_site_accounts_for_every_page(tmp_path: Path, bad_site: tuple[Path, list[BadPage]]) -> None:
    folder, pages = bad_site
    with SiteServer.from_folder(folder) as server:
        stats = live_crawl(tmp_path, server, "-s", "DOWNLOAD_MAXSIZE=1000000", "-s", "RETRY_TIMES=1", start_url=LIST_URL)
    assert not [k for k in stats if k.startswith("spider_exceptions/")], stats
    site = "site/chinacomcn/"
    outcomes = (
        stats.get(site + "pages/article", 0)
        + stats.get(site + "pages/list_at_article_url", 0)
        + _stats_sum(stats, site + "pages/other/")
        + _stats_sum(stats, site + "errors/")
        + _stats_sum(stats, site + "ignored/")
    )
    assert stats[site + "links/articles"] == len(pages)
    assert outcomes == len(pages), {k: v for k, v in stats.items() if k.startswith(site)}
    # Every article item is either stored (as a new story, an update, an unchanged or converted copy)
    # or dropped with a named reason.
    stored = sum(stats.get(f"store/{outcome}", 0) for outcome in ("inserted", "updated", "unchanged", "variant", "stale"))
    assert stats[site + "items"] == stored + stats.get("item_dropped_count", 0), stats

    store = EmbeddedStore(tmp_path / "store.sqlite3")
    store.open()
    try:
        documents = list(store.documents())
    finally:
        store.close()
    dump = json.dumps(documents, ensure_ascii=False, default=str)
    assert "\ufffd" not in dump
    by_url = {url: doc for doc in documents for url in doc["fetched_urls"]}
    for page in pages:
        if page.expect == "stored":
            assert page.url in by_url, f"{page.kind} was not stored: {page.url}"
        elif page.expect == "not_stored":
            assert page.url not in by_url, f"{page.kind} was stored: {page.url}"
    for page in pages:
        document = by_url.get(page.url)
        if document is None:
            continue
        if page.kind == "truncated":
            assert any(w.startswith("page: the HTML stops before </html>") for w in document["warnings"])
        if page.kind == "mixed_encoding":
            assert document["body"]["zh"][0].startswith("更正：本文第三段数据已更新")
            assert any("were UTF-8 inside" in w for w in document["warnings"])
    assert stats.get(site + "ignored/redirect_loop") == 5
    assert stats.get(site + "ignored/max_redirections_reached") == 5


def test_characters_lost_before_the_page_reached_us_are_marked_and_counted() -> None:
    # U+FFFD in a well-formed UTF-8 page: a wrong decode upstream (the CMS's), not ours. Each one
    # becomes 〓, in the title, the body and a caption alike, and the warning counts them all.
    page = (
        '<html><head><meta charset="utf-8"><title>会见\ufffd统_中国网</title></head><body>'
        '<h1 class="artTitle">会见\ufffd统</h1>'
        '<div class="artInfo">发布时间：2025-06-05 09:19:14 丨 来源：新华网</div>'
        '<div class="artCon"><!--enpcontent-->'
        "<p>国家主席习近平5日在北京人民大会堂同白俄罗斯总统卢卡申科举行会谈。两国元首\ufffd\ufffd同意深化合作。</p>"
        '<p style="text-align: center;"><img src="/a.jpg"></p>'
        '<p style="text-align: center;">会谈\ufffd前举行欢迎仪式。新华社记者 黄敬文 摄</p>'
        "<p>习近平指出，中白是全天候全面战略伙伴，双方要继续相互坚定支持，推进各领域务实合作。</p>"
        "<!--/enpcontent--></div></body></html>"
    )
    result = parse_page(
        "http://news.china.com.cn/2025-06/05/content_117911710.htm",
        page.encode("utf-8"),
        {"Content-Type": "text/html; charset=utf-8"},
    )
    assert isinstance(result, ArticleResult)
    item = result.item
    dump = json.dumps(to_jsonable(item), ensure_ascii=False)
    assert "\ufffd" not in dump
    assert item.title["zh"] == "会见〓统"
    assert "两国元首〓〓同意" in item.body["zh"][0]
    assert any(p.caption and "会谈〓前" in p.caption for p in item.photos)
    assert "decoding: 4 character(s) lost in the page's own text, shown as 〓" in item.warnings
