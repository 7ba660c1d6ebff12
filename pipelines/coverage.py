"""CoveragePipeline: per outlet, how many stored-bound articles carry each field.

The counts (`site/<key>/articles`, `site/<key>/coverage/<field>`) reach the runs collection with the
other stats; crawler.runtime.health compares their shares with recent runs to notice a template change that
empties bodies or drops editors long before anyone reads the data.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from crawler.items import Article
from crawler.runtime.health import article_fields

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


class CoveragePipeline:
    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        # Counted here and handed to the stats collector at close: a dozen inc_value calls per
        # story cost more than the counting itself (Scrapy's collector is slow per call).
        self.counts: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CoveragePipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        prefix = f"site/{item.site}"
        counts = self.counts
        counts[f"{prefix}/articles"] += 1
        for name in article_fields(item):
            counts[f"{prefix}/coverage/{name}"] += 1
        # Per photo: the share of captioned photos whose credit was read.
        captioned = [p for p in item.photos if p.caption]
        if captioned:
            counts[f"{prefix}/photos/captioned"] += len(captioned)
            counts[f"{prefix}/photos/credited"] += sum(1 for p in captioned if p.credit)
        return item

    def close_spider(self) -> None:
        for name, count in self.counts.items():
            self.stats.inc_value(name, count)
