"""Stop a crawl that cannot go on safely, with a named close reason and its cause in the stats.

A full disk (the journal, a spill file or the WARC archive cannot be written) is such a case:
going on would fetch pages whose stories could not be made durable. The crawl is closed as Scrapy
closes it on CLOSESPIDER_* limits, so every component still closes in order, and the run's verdict
(crawler.runtime.outcome) reports it as failed, with the cause.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.utils.defer import deferred_from_coro

from crawler.runtime.outcome import CAUSE_STAT

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

WRITE_FAILED = "write_failed"


def stop_crawl(crawler: Crawler, reason: str, cause: str) -> None:
    """Close the crawl with `reason` (once; later calls only log). Call on the reactor thread."""
    if getattr(crawler, "_headlines_stopping", False):
        logger.debug("also: %s", cause)
        return
    crawler._headlines_stopping = True  # type: ignore[attr-defined]
    if crawler.stats.get_value(CAUSE_STAT) is None:
        crawler.stats.set_value(CAUSE_STAT, cause)
    logger.error("stopping the crawl (%s): %s", reason, cause)
    try:
        engine = crawler.engine
    except RuntimeError:  # not started yet (Scrapy refuses to hand out the engine before then)
        return
    if engine is not None and engine.spider is not None:
        deferred_from_coro(engine.close_spider_async(reason=reason))


def write_failed_cause(what: str, error: OSError) -> str:
    where = f" {error.filename}" if error.filename else ""
    return f"cannot write {what}{where}: {error.strerror or error}; free disk space, then run again"
