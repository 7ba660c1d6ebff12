"""Which article requests an incremental run lets out, on both stores, by an injected clock."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.runtime.middlewares import KnownPage, SkipStoredMiddleware
from tests.test_store import T0, item

if TYPE_CHECKING:
    from crawler.store import Store


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def decide(store: Store) -> tuple[Clock, object]:
    crawler = get_crawler(settings_dict={"RECHECK_AFTER": "6h", "RECHECK_WINDOW": "3d", "MISSING_RETRY_AFTER": "1d"})
    crawler.stats.open_spider()
    crawler._headlines_store = store  # type: ignore[attr-defined]  # the crawl's store (crawler.store.store_for) is this one
    clock = Clock(T0)
    middleware = SkipStoredMiddleware(crawler, clock=clock)

    def verdict(url: str) -> str:
        request = Request(url, meta={"headlines_kind": "article"}, cb_kwargs={"site": "chinacomcn"})
        try:
            asyncio.run(middleware.process_request(request))
        except KnownPage:
            return "skip"
        return "recheck" if request.meta.get("recheck") else "fetch"

    verdict.stats = crawler.stats  # type: ignore[attr-defined]
    return clock, verdict


def test_a_stored_story_is_rechecked_only_when_due_and_only_within_the_window(store: Store, decide: tuple) -> None:
    clock, verdict = decide
    story = item("article_xitheory_seed")
    store.write([story], T0)
    assert verdict("http://xitheory.china.com.cn/2025-06/05/content_1.htm") == "fetch"  # never seen
    clock.now = T0 + timedelta(hours=5, minutes=59)
    assert verdict(story["url"]) == "skip"  # fetched too recently
    clock.now = T0 + timedelta(hours=6)
    assert verdict(story["url"]) == "recheck"  # RECHECK_AFTER has passed
    clock.now = T0 + timedelta(days=3, seconds=1)
    assert verdict(story["url"]) == "skip"  # first fetched outside RECHECK_WINDOW: left alone
    stats = verdict.stats.get_stats()
    assert {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("site/chinacomcn/incremental/")} == {
        "new": 1,
        "skipped": 2,
        "recheck": 1,
    }


def test_a_link_that_answered_404_is_tried_again_after_missing_retry_after(store: Store, decide: tuple) -> None:
    clock, verdict = decide
    url = "http://xitheory.china.com.cn/2025-06/05/content_404.htm"
    store.mark_removed([{"url": url, "site": "chinacomcn", "status": 404, "fetched_at": T0.isoformat()}], T0)
    clock.now = T0 + timedelta(hours=23, minutes=59)
    assert verdict(url) == "skip"
    clock.now = T0 + timedelta(days=1)
    assert verdict(url) == "fetch"
    assert verdict.stats.get_value("site/chinacomcn/incremental/retry_missing") == 1


def test_a_page_that_was_not_an_article_is_not_fetched_again(store: Store, decide: tuple) -> None:
    clock, verdict = decide
    url = "http://xitheory.china.com.cn/2025-06/06/content_117913000.htm"
    store.remember_other([{"url": url, "site": "chinacomcn", "reason": "no article text", "fetched_at": T0.isoformat()}], T0)
    clock.now = T0 + timedelta(days=30)
    assert verdict(url) == "skip"


@pytest.mark.parametrize(
    ("location", "removed"),
    [
        ("http://news.china.com.cn/node_7247300.htm", True),  # the channel's list
        ("/", True),  # the home page
        ("http://news.china.com.cn/2025-06/04/content_117909877.htm", False),  # another story: a move, not a removal
        ("https://news.china.com.cn/2025-06/04/content_117909876.htm", False),  # the same story over https
        ("http://www.example.com/", False),  # off the outlet: the guard's business
    ],
)
def test_a_story_redirected_to_a_list_page_is_removed_not_followed(location: str, removed: bool) -> None:
    from scrapy.http import Response

    from crawler.runtime.middlewares import RedirectedStoryMiddleware, StoryRedirectedAway
    from crawler.runtime.signals import story_removed

    crawler = get_crawler()
    crawler.stats.open_spider()
    heard: list[dict[str, object]] = []
    crawler.signals.connect(lambda **kw: heard.append(kw), signal=story_removed, weak=False)
    url = "http://news.china.com.cn/2025-06/04/content_117909876.htm"
    request = Request(url, meta={"headlines_kind": "article"}, cb_kwargs={"site": "chinacomcn"})
    response = Response(url, status=302, headers={"Location": location}, request=request)
    middleware = RedirectedStoryMiddleware(crawler)
    if removed:
        with pytest.raises(StoryRedirectedAway):
            middleware.process_response(request, response)
        assert [(h["url"], h["status"], h["reason"]) for h in heard] == [(url, 302, "redirect_to_list")]
        assert crawler.stats.get_value("site/chinacomcn/removed/redirect_to_list") == 1
    else:
        assert middleware.process_response(request, response) is response
        assert heard == []
    # A list page's own redirect is never a removal.
    listing = Request(url, meta={"headlines_kind": "list"}, cb_kwargs={"site": "chinacomcn"})
    assert middleware.process_response(listing, Response(url, status=302, headers={"Location": "/"}, request=listing))
