"""The crawl waits for the store: no story page is downloaded while the store thread is behind.

The store pipeline hands batches to one writing thread (pipelines/store.py). When linking a batch
takes longer than the crawl takes to parse one, parsed stories pile up in memory: 10 KB a page,
1.1 GB 79,000 pages into a 100,000-story crawl. Waiting in the item pipeline instead holds each
waiting story's response (its body, decoded text and parsed tree) in Scrapy's scraper slot, whose
limit counts only bodies: 1,100 small pages, 70 MB.

So the wait happens before the download. The store pipeline closes the StoreRoom while
BATCHES_IN_FLIGHT batches wait for its thread; StoreBackpressureMiddleware holds story requests
(article pages and their further pages) until it opens again. A held request counts as active in
Scrapy's downloader, so once CONCURRENT_REQUESTS of them wait the engine stops taking requests:
what waits is at most that many Request objects. Lists, feeds and sitemaps are not held (they make
no items), and robots.txt and Crawl-delay apply as before: the delay is counted from the download.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

HELD_KINDS = frozenset({"article", "more"})
"""Request kinds (meta headlines_kind, set by the spider) whose responses become items."""


class StoreRoom:
    """Open while the store keeps up with the crawl."""

    def __init__(self) -> None:
        self._open = asyncio.Event()
        self._open.set()

    @property
    def is_open(self) -> bool:
        return self._open.is_set()

    def close(self) -> None:
        self._open.clear()

    def open(self) -> None:
        self._open.set()

    async def wait(self) -> None:
        await self._open.wait()


def room_for(crawler: Crawler) -> StoreRoom:
    """The crawl's one StoreRoom, shared by the store pipeline and the middleware."""
    room: StoreRoom | None = getattr(crawler, "_headlines_store_room", None)
    if room is None:
        room = StoreRoom()
        crawler._headlines_store_room = room  # type: ignore[attr-defined]
    return room


class StoreBackpressureMiddleware:
    """Holds story requests while the store is behind (see the module's docstring)."""

    def __init__(self, room: StoreRoom, stats: StatsCollector) -> None:
        self.room = room
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoreBackpressureMiddleware:
        assert crawler.stats is not None
        return cls(room_for(crawler), crawler.stats)

    async def process_request(self, request: Request) -> None:
        if self.room.is_open or request.meta.get("headlines_kind") not in HELD_KINDS:
            return
        self.stats.inc_value("store/downloads_held")
        await self.room.wait()
