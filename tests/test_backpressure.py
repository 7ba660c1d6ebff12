"""The crawl waits for the store: story downloads are held while the store thread is behind."""

from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.runtime.backpressure import StoreBackpressureMiddleware, room_for
from spiders.headlines import HeadlinesSpider


def _request(kind: str) -> Request:
    return Request("http://news.china.com.cn/2025-06/05/content_1.htm", meta={"headlines_kind": kind})


def test_story_requests_wait_while_the_store_is_behind_and_lists_do_not() -> None:
    crawler = get_crawler(HeadlinesSpider)
    crawler.stats.open_spider()
    middleware = StoreBackpressureMiddleware.from_crawler(crawler)
    room = room_for(crawler)
    assert middleware.room is room  # the one the store pipeline closes

    async def crawl() -> None:
        await middleware.process_request(_request("article"))  # open: straight through
        room.close()
        held = [asyncio.ensure_future(middleware.process_request(_request(kind))) for kind in ("article", "more")]
        await asyncio.wait_for(middleware.process_request(_request("list")), 1)  # lists make no items
        await asyncio.sleep(0.05)
        assert not any(task.done() for task in held)
        room.open()
        await asyncio.wait_for(asyncio.gather(*held), 1)

    asyncio.run(crawl())
    assert crawler.stats.get_value("store/downloads_held") == 2


def test_the_middleware_sits_after_the_stored_page_check_in_the_settings() -> None:
    """Requests the incremental middleware drops never wait; the others wait before robots.txt."""
    from crawler import settings

    chain: dict[str, int] = {name: order for name, order in settings.DOWNLOADER_MIDDLEWARES.items() if order is not None}
    held = chain["crawler.runtime.backpressure.StoreBackpressureMiddleware"]
    assert (
        chain["crawler.runtime.middlewares.SkipStoredMiddleware"]
        < held
        < chain["crawler.runtime.politeness.PoliteRobotsTxtMiddleware"]
    )
