"""光明网 Guangming Online: the URLs the module must recognise (docs/adding-an-outlet.md, step 3)."""

from __future__ import annotations

import pytest

from crawler.extraction.results import ArticleResult
from crawler.items import Article
from crawler.parse import build_response, parse_response
from crawler.sites.gmw import Gmw
from tests.conftest import FIXTURES, Case

SITE = Gmw()
# Real URLs of the outlet, from the dossier, a saved page or another scraper's code.
ARTICLE_URLS: list[str] = [
    "https://politics.gmw.cn/2024-05/13/content_37319243.htm",  # ../shared/corpus/gmw
    "http://tech.gmw.cn/2017-03/10/content_23937776.htm",  # ../shared/corpus/gmw
    "https://mil.gmw.cn/2025-02/10/content_37841910.htm",  # another project's code
    "https://www.gmw.cn/2026-03/13/content_1304373570.htm",  # another project's code
]
LIST_URLS: list[str] = [
    "https://politics.gmw.cn/node_9844.htm",  # 要闻, named by the corpus page's CMS record
    "https://news.gmw.cn/node_4108.htm",  # 光明导读
    "https://news.gmw.cn/node_4108_2.htm",
    "https://tech.gmw.cn/node_112854.htm",
    "https://world.gmw.cn/node_4661.htm",
]


def test_the_module_tells_the_outlets_articles_from_its_lists() -> None:
    assert ARTICLE_URLS, "write real article URLs of the outlet in ARTICLE_URLS"
    assert LIST_URLS, "write real list (headline, channel) URLs of the outlet in LIST_URLS"
    assert [url for url in ARTICLE_URLS if not SITE.is_article_url(url)] == []
    assert [url for url in LIST_URLS if SITE.is_article_url(url) or not SITE.is_list_url(url)] == []


# Variants of the 2017 fixture: the template prints the time twice, once visibly (`#pubTime`, to the
# minute) and once in a zero-height block for search engines (`#pubtime_baidu`, to the second).
TECH_2017 = Case(FIXTURES / "gmw/article_tech_2017")
VISIBLE = '<span id="pubTime">2017-04-21 10:02</span>'
HIDDEN = '<span id="pubtime_baidu">2017-04-21 10:02:17</span>'


def parsed_2017(html: str) -> Article:
    assert VISIBLE in TECH_2017.body.decode("utf-8") and HIDDEN in TECH_2017.body.decode("utf-8")
    result = parse_response(build_response(TECH_2017.meta["url"], html.encode("utf-8"), TECH_2017.headers()))
    assert isinstance(result, ArticleResult)
    assert result.item.parser == "gmw:Gmw2017Article"
    return result.item


def test_the_visible_time_wins_over_the_search_engine_copy() -> None:
    html = TECH_2017.body.decode("utf-8").replace(HIDDEN, '<span id="pubtime_baidu">2017-04-20 23:10:05</span>')
    html = html.replace("<date>2017-04-21 10:02:17.0</date>", "<date></date>")  # no record to refine it
    item = parsed_2017(html)
    assert (item.published_at, item.published_precision) == ("2017-04-21T10:02:00+08:00", "minute")


def test_the_search_engine_copy_fills_a_missing_visible_time() -> None:
    item = parsed_2017(TECH_2017.body.decode("utf-8").replace(VISIBLE, '<span id="pubTime"></span>'))
    assert (item.published_at, item.published_precision) == ("2017-04-21T10:02:17+08:00", "second")


def test_a_surname_set_apart_is_one_photographer() -> None:
    item = parsed_2017(TECH_2017.body.decode("utf-8"))
    assert [b.name for b in item.bylines if b.role == "photographer"] == ["琚振华"]
    assert [(b.name, b.role) for b in item.bylines if b.name == "张泉"] == [("张泉", "reporter")]


POLITICS_2024 = Case(FIXTURES / "gmw/article_politics_2024")
PRINT_TAG = "<p>　　《光明日报》（2025年06月12日 04版）</p>"


@pytest.mark.parametrize(
    "tag",
    [
        "《光明日报》（2025年06月12日 04版）",
        "《 人民日报海外版 》（ 2024年05月13日   第 01 版）",
        "《人民日报》（2025年06月12日 03版）",
        "《光明日報》（2025年06月12日 04版）",
    ],
)
def test_the_print_edition_tag_is_not_text(tag: str) -> None:
    html = POLITICS_2024.body.decode("utf-8")
    assert PRINT_TAG in html
    item = parsed_politics(html.replace(PRINT_TAG, f"<p>{tag}</p>"))
    assert item.body["zh"][-1] == "下一步，相关部门将继续做好收购资金保障和仓容准备，严防“卖粮难”。"


def test_a_paragraph_opening_with_a_paper_name_is_text() -> None:
    sentence = "《光明日报》记者从国家粮食和物资储备局获悉，今年新麦收购进度快于去年同期，第04版有详细报道。"
    item = parsed_politics(POLITICS_2024.body.decode("utf-8").replace(PRINT_TAG, f"<p>{sentence}</p>"))
    assert item.body["zh"][-1] == sentence


def parsed_politics(html: str) -> Article:
    result = parse_response(build_response(POLITICS_2024.meta["url"], html.encode("utf-8"), POLITICS_2024.headers()))
    assert isinstance(result, ArticleResult)
    return result.item
