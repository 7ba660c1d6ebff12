"""The spider routes: callbacks fed fixture responses, no network, no engine."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler.items import Article
from spiders.headlines import PRIORITY_ARTICLE, PRIORITY_LIST, PRIORITY_MORE_PAGES, PRIORITY_NEXT_LIST, HeadlinesSpider
from tests.conftest import FIXTURES, Case


@pytest.fixture
def spider() -> HeadlinesSpider:
    crawler = get_crawler(HeadlinesSpider)
    spider = HeadlinesSpider.from_crawler(crawler, site="chinacomcn")
    crawler.spider = spider
    crawler.stats.open_spider()
    return spider


def response(stem: str) -> Any:
    return Case(FIXTURES / "chinacomcn" / stem).response()


def test_unknown_site_is_refused_before_any_request() -> None:
    with pytest.raises(ValueError, match="unknown site"):
        HeadlinesSpider(site="nosuch")


def test_start_requests_cover_simplified_and_gateway_headlines(spider: HeadlinesSpider) -> None:
    async def collect() -> list[scrapy.Request]:
        return [r async for r in spider.start()]

    requests = asyncio.run(collect())
    urls = [r.url for r in requests]
    assert "http://xitheory.china.com.cn/" in urls
    assert "http://big5.china.com.cn/gate/big5/xitheory.china.com.cn/" in urls
    assert all(r.meta["download_slot"] == "chinacomcn" for r in requests)
    assert all(r.callback == spider.parse_list for r in requests)
    assert all(r.priority == PRIORITY_LIST > PRIORITY_ARTICLE for r in requests)


def test_list_page_yields_articles_then_next_page(spider: HeadlinesSpider) -> None:
    out = list(spider.parse_list(response("list_xitheory_toutiao"), site="chinacomcn", list_page=1))
    articles = [r for r in out if r.callback == spider.parse_article]
    lists = [r for r in out if r.callback == spider.parse_list]
    assert [r.url for r in articles] == [
        "http://xitheory.china.com.cn/2025-06/05/content_117911710.htm",
        "http://xitheory.china.com.cn/2025-06/15/content_117920001.htm",
        "http://xitheory.china.com.cn/2025-06/06/content_117913000.htm",
    ]
    assert [r.url for r in lists] == ["http://xitheory.china.com.cn/node_1003891_2.htm"]
    # A list's stories before its next page (newest first; the queue stays one page deep).
    assert lists[0].priority == PRIORITY_NEXT_LIST < articles[0].priority == PRIORITY_ARTICLE
    assert lists[0].cb_kwargs == {"site": "chinacomcn", "list_page": 2}
    # The sidebar's hot links are not headlines.
    assert not any("117899880" in r.url for r in out)


def test_list_pages_stop_at_the_limit(spider: HeadlinesSpider) -> None:
    spider.max_pages_arg = 1
    out = list(spider.parse_list(response("list_xitheory_toutiao"), site="chinacomcn", list_page=1))
    assert not [r for r in out if r.callback == spider.parse_list]
    assert spider.crawler.stats.get_value("site/chinacomcn/links/list_pages_beyond_limit") == 1


def test_paginated_story_is_fetched_to_the_end_then_merged(spider: HeadlinesSpider) -> None:
    (request,) = spider.parse_article(response("article_news_two_pages_p1"), site="chinacomcn")
    assert isinstance(request, scrapy.Request)
    assert request.url.endswith("content_117905522_2.htm")
    assert request.priority == PRIORITY_MORE_PAGES
    (item,) = spider.parse_more(response("article_news_two_pages_p2"), **request.cb_kwargs)
    assert isinstance(item, Article)
    assert len(item.page_urls) == 2
    assert len(item.body["zh"]) == 4


def test_a_failed_later_page_keeps_the_story_and_says_so(spider: HeadlinesSpider) -> None:
    (request,) = spider.parse_article(response("article_news_two_pages_p1"), site="chinacomcn")
    failed = Response(request.url, status=503, request=request)
    failure = Failure(HttpError(failed, "Ignoring non-200 response"))
    failure.request = request  # type: ignore[attr-defined]
    (item,) = request.errback(failure)
    assert isinstance(item, Article)
    assert item.body["zh"]  # page 1 is kept
    assert any("could not be fetched" in w and request.url in w for w in item.warnings)
    assert spider.crawler.stats.get_value("site/chinacomcn/items_incomplete") == 1
    assert spider.crawler.stats.get_value("site/chinacomcn/errors/http_503") == 1


def test_non_article_is_counted_not_yielded(spider: HeadlinesSpider) -> None:
    assert list(spider.parse_article(response("other_xitheory_video"), site="chinacomcn")) == []
    assert spider.crawler.stats.get_value("site/chinacomcn/pages/other/no_article_text") == 1


def test_replay_argument_swaps_the_network_for_the_archive() -> None:
    crawler = get_crawler(HeadlinesSpider)
    crawler.settings.frozen = False
    HeadlinesSpider.from_crawler(crawler, replay=str(FIXTURES / "chinacomcn"))
    assert crawler.settings.getdict("DOWNLOAD_HANDLERS")["http"] == "crawler.runtime.replay.ReplayDownloadHandler"
    assert crawler.settings.getfloat("DOWNLOAD_DELAY") == 0
    assert not crawler.settings.getbool("AUTOTHROTTLE_ENABLED")


@pytest.mark.parametrize(
    "callback", ["parse_list", "parse_article", "parse_more", "on_more_error", "start"], ids=lambda name: name
)
def test_no_callback_is_a_generator_that_returns_a_value(callback: str) -> None:
    # The check Scrapy would make on every response (WARN_ON_GENERATOR_RETURN_VALUE, switched off
    # in crawler/settings.py for its cost), made once here.
    from scrapy.utils.misc import is_generator_with_return_value

    function = getattr(HeadlinesSpider, callback)
    assert not is_generator_with_return_value(function)


def test_a_parser_that_fails_on_a_page_is_counted_and_the_crawl_goes_on(
    spider: HeadlinesSpider, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import spiders.headlines

    def broken(response: Any, site: str | None = None) -> Any:
        raise TypeError("'int' object is not subscriptable")

    monkeypatch.setattr(spiders.headlines, "parse_response", broken)
    page = response("article_xitheory_seed")
    assert list(spider.parse_article(page, site="chinacomcn")) == []
    assert list(spider.parse_list(page, site="chinacomcn", list_page=1)) == []
    assert spider.crawler.stats.get_value("site/chinacomcn/pages/other/parser_error") == 2
    assert "the chinacomcn parser failed on http://xitheory.china.com.cn/2025-06/05/content_117911710.htm" in caplog.text
