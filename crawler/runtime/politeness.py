"""robots.txt with its Crawl-delay honoured.

Scrapy's RobotsTxtMiddleware obeys Allow/Disallow but ignores `Crawl-delay`. This subclass reads it
(Protego parses it) and makes it the floor of the request's download slot delay: every outlet has
one slot (see spiders/headlines.py), so the strictest delay among its hosts governs the outlet. It
re-applies the floor after AutoThrottle adjusts a slot, since AutoThrottle only knows
DOWNLOAD_DELAY as its minimum. The delay is honoured in full: a run under a long one reads fewer
pages. Only a user's explicit HEADLINES_MAX_CRAWL_DELAY caps it, logged as a warning and counted
(politeness/crawl_delay_overridden/<host>).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.httpobj import urlparse_cached

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.robotstxt import RobotParser

from crawler.runtime.compat import hold_slot_delay

logger = logging.getLogger(__name__)


class PoliteRobotsTxtMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        cap = crawler.settings.get("HEADLINES_MAX_CRAWL_DELAY")
        self.max_delay: float | None = None if cap in (None, "") else float(cap)
        self.delays: dict[str, float] = {}
        """Download slot -> the delay robots.txt asks for."""
        crawler.signals.connect(self._keep_floor, signal=signals.response_downloaded)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        super().process_request_2(rp, request)
        if rp is None:
            return
        user_agent = self._robotstxt_useragent or request.headers.get(b"User-Agent", self._default_useragent) or b""
        delay = rp.crawl_delay(user_agent)
        if not delay:
            return
        host = urlparse_cached(request).hostname or ""
        if self.max_delay is not None and delay > self.max_delay:
            logger.warning(
                "robots.txt of %s asks for %.1f s between requests; HEADLINES_MAX_CRAWL_DELAY overrides it with %.1f s",
                host,
                delay,
                self.max_delay,
            )
            self.crawler.stats.set_value(f"politeness/crawl_delay_overridden/{host}", delay)
            delay = self.max_delay
        key = request.meta.get("download_slot") or host
        if delay > self.delays.get(key, 0.0):
            logger.info("robots.txt of %s asks for %.1f s between requests: slot %s waits that long", host, delay, key)
            self.crawler.stats.set_value(f"politeness/crawl_delay/{host}", delay)
            self.delays[key] = delay
        self._apply(key)

    def _apply(self, key: str) -> None:
        try:
            downloader = self.crawler.engine.downloader
        except RuntimeError:  # Scrapy 2.19 raises before the engine exists: the floor is set when it does
            return
        if downloader is None or key not in self.delays:
            return
        # Scrapy varies each wait by DOWNLOAD_DELAY_JITTER (±50 % by default), which would take half
        # of the waits below what robots.txt asks for: a slot under a Crawl-delay waits exactly.
        hold_slot_delay(downloader, key, self.delays[key])

    def _keep_floor(self, response: Response, request: Request) -> None:
        key = request.meta.get("download_slot")
        if key:
            self._apply(key)
