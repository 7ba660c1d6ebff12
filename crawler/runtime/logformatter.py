"""Log lines that name the page, not the whole item (an item can be tens of kilobytes of text)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.logformatter import LogFormatter, LogFormatterResult

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.http import Response
    from twisted.python.failure import Failure


class HeadlinesLogFormatter(LogFormatter):
    def dropped(
        self, item: Any, exception: BaseException, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        return {
            "level": result["level"],
            "msg": "Dropped (%(reason)s): %(exception)s",
            "args": {"reason": type(exception).__name__, "exception": exception},
        }

    def scraped(self, item: Any, response: Response | Failure | None, spider: Spider) -> LogFormatterResult:
        return {
            "level": logging.DEBUG,
            "msg": "Scraped %(url)s",
            "args": {"url": getattr(item, "url", None) or repr(item)[:200]},
        }
