"""The ceiling: a spider that follows every link of the site and parses nothing else.

SCRAPY_SETTINGS_MODULE=bench.bare_settings scrapy runspider bench/bare_spider.py -a start=URL
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import scrapy

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from scrapy.http import Response


class BareSpider(scrapy.Spider):
    name = "bare"
    allowed_domains: ClassVar[list[str]] = ["news.china.com.cn", "big5.china.com.cn"]

    def __init__(self, start: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_url = start

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.start_url)

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        yield from response.follow_all(response.css("a::attr(href)").getall())
