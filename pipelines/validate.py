"""ValidatePipeline: judges the normalised item; drops what cannot be a story, with a named reason."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from crawler import sites
from crawler.helpers.text import looks_like_mojibake
from crawler.items import Article
from pipelines.errors import ForeignHost, GarbledText, InvalidArticle, MissingBody, MissingIdentity, MissingTitle

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


class ValidatePipeline:
    def __init__(self, stats: StatsCollector, min_body_chars: int) -> None:
        self.stats = stats
        self.min_body_chars = min_body_chars

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler.stats, crawler.settings.getint("VALIDATE_MIN_BODY_CHARS", 20))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        try:
            self.check(item)
        except InvalidArticle as reason:
            self.stats.inc_value(f"site/{item.site}/dropped/{type(reason).__name__}")
            raise
        if not item.published_at:
            self.stats.inc_value(f"site/{item.site}/validate/missing_published_at")
        for warning in item.warnings:
            self.stats.inc_value(f"site/{item.site}/warnings/{warning.split(':', 1)[0]}")
        return item

    def check(self, item: Article) -> None:
        if not (item.url and item.key and item.canonical_url):
            raise MissingIdentity(f"no identity: {item.url!r}")
        site = sites.for_url(item.url)
        if site is None or site.key != item.site:
            raise ForeignHost(f"{item.url} is not a page of {item.site}")
        if not any(item.title.values()):
            raise MissingTitle(f"no title: {item.url}")
        text = sum(len(p) for paragraphs in item.body.values() for p in paragraphs)
        if text < self.min_body_chars:
            raise MissingBody(f"body of {text} characters: {item.url}")
        texts = [*item.title.values(), *(p for paragraphs in item.body.values() for p in paragraphs)]
        # Characters lost upstream (U+FFFD) never get here: the parser marks them 〓 (crawler.extraction.sanitize).
        if any(looks_like_mojibake(text) for text in texts):
            raise GarbledText(f"UTF-8 read as GBK (mojibake) in the text: {item.url}")
        joined = "".join(texts)
        # Private-use code points are what a wrong GB18030 decode leaves; a few 〓 are characters a
        # page lost upstream, many mean the text itself is beyond repair.
        private_use = len(_PRIVATE_USE.findall(joined))
        if private_use > 2:
            raise GarbledText(f"{private_use} private-use characters (a wrong decode) in the text: {item.url}")
        lost = joined.count("〓")
        if lost > max(10, len(joined) // 50):
            raise GarbledText(f"{lost} of {len(joined)} characters lost in decoding: {item.url}")
