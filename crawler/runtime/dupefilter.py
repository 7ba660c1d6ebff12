"""Request de-duplication: within a run, and across a run's stop and its continuation only.

With JOBDIR set, Scrapy's RFPDupeFilter keeps every fingerprint it has seen in
`JOBDIR/requests.seen`, for ever. Two things go wrong with that for a crawl run from cron:

- A finished run's "seen" would stop every later run from reading the lists again and from
  re-checking recent stories (RECHECK_AFTER). So the file is deleted when a run finishes with an
  empty queue; what a new run must not fetch again is decided by the store
  (crawler.runtime.middlewares.SkipStoredMiddleware), which knows what was really stored.
- A run killed outright (SIGKILL) has written fingerprints of requests it never answered, and its
  disk queue is torn; crawler.runtime.jobdir.JobDirGuard deletes both before the next run starts, and the
  journal (crawler.runtime.journal) brings back what was parsed but not stored.

Between a run stopped cleanly before the end (SIGTERM, CLOSESPIDER_TIMEOUT) and its continuation,
the file is kept with the queue: the continuation does not fetch again what the stopped run
fetched or still has queued.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.job import job_dir

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

SEEN_FILE = "requests.seen"


class RunDupeFilter(RFPDupeFilter):
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunDupeFilter:
        return cls(
            path=job_dir(crawler.settings),
            debug=crawler.settings.getbool("DUPEFILTER_DEBUG"),
            fingerprinter=crawler.request_fingerprinter,
        )

    def close(self, reason: str) -> None:
        path = Path(self.file.name) if self.file else None
        super().close(reason)
        if path is not None and reason == "finished":
            path.unlink(missing_ok=True)
