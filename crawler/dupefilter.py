"""Request de-duplication for one run, never carried across runs.

With JOBDIR set, Scrapy's RFPDupeFilter persists every request fingerprint it has seen, buffered,
the moment the request is scheduled, not when its item is safely stored. After a crawl is killed
(SIGKILL gives Scrapy no chance to save its queue), that file would stop the resumed crawl from
fetching stories that were scheduled but never parsed. What a resumed crawl must not fetch again is
decided by the store instead (crawler.middlewares.SkipStoredMiddleware), which knows what was
really stored; the journal (crawler.journal) covers what was parsed but not yet written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.dupefilters import RFPDupeFilter

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class RunDupeFilter(RFPDupeFilter):
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunDupeFilter:
        return cls(
            path=None,
            debug=crawler.settings.getbool("DUPEFILTER_DEBUG"),
            fingerprinter=crawler.request_fingerprinter,
        )
