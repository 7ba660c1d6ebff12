"""A job directory left by a killed crawl is not resumed from its queue.

Scrapy saves its disk queue's state (`requests.queue/active.json`) only when a crawl closes. After
SIGKILL, an OOM kill or a power cut, the queue files on disk are half-written and no longer match
that state: the next run pushing to the same priority queue reads a torn record ("unpack requires a
buffer of 4 bytes") and that request is lost, with the error only in the log. So a marker file
lives in JOBDIR while a crawl runs; a run that finds it knows the last one died, and starts with an
empty queue and no memory of requests seen (crawler.runtime.dupefilter) instead. Nothing is lost by that:
the lists are read again, stored stories are skipped by the store, and what the dead run had
parsed but not stored comes back from its journal.
"""

from __future__ import annotations

import logging
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.runtime.dupefilter import SEEN_FILE

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

MARKER = "headlines.running"


class JobDirGuard:
    def __init__(self, crawler: Crawler, jobdir: Path) -> None:
        self.marker = jobdir / MARKER
        # Extensions are built before the engine opens the scheduler: the queue is still untouched.
        if self.marker.exists():
            queue = jobdir / "requests.queue"
            logger.warning(
                "the last crawl in %s did not close (killed? %s); starting with an empty queue: "
                "lists are read again and stored stories skipped",
                jobdir,
                self.marker.read_text(encoding="utf-8", errors="replace").strip(),
            )
            shutil.rmtree(queue, ignore_errors=True)
            (jobdir / SEEN_FILE).unlink(missing_ok=True)
            crawler.stats.set_value("jobdir/unclean_queue_discarded", 1)
        jobdir.mkdir(parents=True, exist_ok=True)
        self.marker.write_text(f"pid {os.getpid()} since {datetime.now(UTC).isoformat()}\n", encoding="utf-8")
        # engine_stopped comes after the scheduler has closed and saved its queue state.
        crawler.signals.connect(self.closed_cleanly, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured  # no JOBDIR, nothing to guard: no message, so Scrapy logs no warning
        return cls(crawler, Path(jobdir))

    def closed_cleanly(self) -> None:
        self.marker.unlink(missing_ok=True)
