"""Extraction in worker processes, so that parsing pages does not hold the reactor.

Extraction is pure Python and CPU-bound (~3 ms a page); in the crawling process it runs on the
reactor thread, between downloads, and caps a fast crawl (a backfill, a distributed worker) at what
one core can parse while also driving Scrapy. With `EXTRACT_PROCESSES = N` (N >= 1) this downloader
middleware sends each successful page to a pool of N processes and hangs the result on the
response; the spider's callbacks use it instead of parsing again. Results are identical: the worker
runs the same pure `parse_page` on the same bytes, URL and headers.

Anything that goes wrong in a worker (an exception, a dead process) leaves the response as it was:
the callback then parses in-process, where an error is reported as any spider error would be.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import TextResponse

from crawler.runtime.compat import pool_pids

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from crawler.extraction.results import ParseResult

logger = logging.getLogger(__name__)

PARSED = "headlines_parsed"
"""Response meta key holding the worker's ParseResult."""
_PARSED_KINDS = frozenset({"list", "article", "more"})


def _warm_up() -> None:
    # Import and build the lazily made tables once per worker, not on its first pages.
    from crawler.helpers.text import chinese_script

    chinese_script("國家")


def _parse(response_class: type[TextResponse], url: str, body: bytes, headers: dict[str, str], site: str | None) -> ParseResult:
    from crawler.parse import parse_response

    return parse_response(response_class(url=url, body=body, headers=headers), site)


def take_parsed(response: Response) -> ParseResult | None:
    """The result a worker produced for this response (once), or None: parse it yourself."""
    if response.request is None:
        return None
    parsed: ParseResult | None = response.meta.pop(PARSED, None)
    return parsed


def _peak_rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a live process, from /proc (0 where there is no /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    # Fields 14 and 15 of stat(5), utime and stime, counted after the ")" that ends the name.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ExtractionOffloadMiddleware:
    def __init__(self, crawler: Crawler, processes: int) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        # forkserver, not fork: the crawling process has threads (store, WARC, DNS) whose locks a
        # forked child could inherit held.
        context = multiprocessing.get_context("forkserver")
        self.pool: ProcessPoolExecutor | None = ProcessPoolExecutor(processes, mp_context=context, initializer=_warm_up)
        crawler.signals.connect(self.close, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        processes = crawler.settings.getint("EXTRACT_PROCESSES")
        if processes < 1:
            raise NotConfigured  # off by default: no message, so Scrapy logs no warning
        return cls(crawler, processes)

    async def process_response(self, request: Request, response: Response, spider: Spider) -> Response:
        if (
            self.pool is None
            or response.status != 200
            or not isinstance(response, TextResponse)
            or request.meta.get("headlines_kind") not in _PARSED_KINDS
        ):
            return response
        site = request.cb_kwargs.get("site")
        try:
            future = self.pool.submit(
                _parse,
                type(response),
                response.url,
                response.body,
                {str(name): value for name, value in response.headers.to_unicode_dict().items()},
                site,
            )
            request.meta[PARSED] = await asyncio.wrap_future(future)
            self.stats.inc_value("extract/offloaded")
        except BrokenProcessPool:
            logger.error("extraction workers died; parsing in the crawling process from now on")
            self.stats.inc_value("extract/pool_broken")
            self.pool = None
        except Exception as error:  # noqa: BLE001  # the callback parses again in-process and reports it there
            logger.info("extraction worker failed on %s (%r); parsing in-process", response.url, error)
            self.stats.inc_value("extract/worker_errors")
        return response

    def close(self, spider: Spider) -> None:
        if self.pool is None:
            return
        workers = pool_pids(self.pool)
        peaks = [_peak_rss_mb(pid) for pid in workers]
        self.stats.set_value("process/extract_workers", len(workers))
        self.stats.set_value("process/extract_workers_peak_rss_mb", round(sum(peaks), 1))
        self.stats.set_value("process/extract_workers_cpu_seconds", round(sum(_cpu_seconds(pid) for pid in workers), 2))
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = None
