"""NormalizePipeline: total and idempotent; never drops. Produces the hash the store relies on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crawler.helpers.dates import BEIJING
from crawler.helpers.text import clean_text
from crawler.items import Article
from crawler.store.documents import content_hash

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

Clock = Callable[[], datetime]


class NormalizePipeline:
    def __init__(self, stats: StatsCollector, clock: Clock) -> None:
        self.stats = stats
        self.clock = clock

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalizePipeline:
        return cls(crawler.stats, lambda: datetime.now(UTC))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        item.title = {lang: text for lang, raw in item.title.items() if (text := clean_text(raw))}
        dropped = 0
        body: dict[str, list[str]] = {}
        for lang, paragraphs in item.body.items():
            kept = [text for raw in paragraphs if (text := clean_text(raw))]
            dropped += len(paragraphs) - len(kept)
            if kept:
                body[lang] = kept
        item.body = body
        if dropped:
            self.stats.inc_value("normalize/empty_paragraphs_removed", dropped)
        if item.published_at:
            published = datetime.fromisoformat(item.published_at)
            if published.tzinfo is None:  # a site parser bug; the pages print Beijing time
                item.published_at = published.replace(tzinfo=BEIJING).isoformat()
                self.stats.inc_value("normalize/naive_published_at")
        item.content_hash = content_hash({"body": item.body})
        item.fetched_at = item.fetched_at or self.clock().isoformat()
        self.stats.inc_value("normalize/items")
        return item
