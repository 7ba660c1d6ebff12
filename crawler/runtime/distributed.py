"""Distributed crawling on scrapy-redis: `-s DISTRIBUTED=redis -s REDIS_URL=redis://host:6379/0`.

Any number of worker processes, on any number of machines, run the same `scrapy crawl headlines`
against one Redis and one store. What scrapy-redis provides, and what this module adds:

- scrapy-redis's scheduler queue and duplicate filter, in Redis, shared by the workers (its
  RedisSpider is not used: on Scrapy >= 2.16 it only starts through a polling path its maintainer
  calls fragile; see ../shared/notes/SCRAPY-REDIS.md). Nothing else of the crawl changes: the same
  spider, pipelines, store, incremental skipping and journal run in every worker.
- Runs: the workers of one run share keys `headlines:<run>:…`. DISTRIBUTED_RUN names the run; by
  default it is the current UTC hour, so workers that cron starts in the same hour on several
  machines join one run and the next hour starts afresh (its list pages are not "already seen").
  The keys expire after DISTRIBUTED_KEY_TTL.
- Seeding from one place: the first worker to set `headlines:<run>:seeded` (SET NX) yields the
  headline pages; the others start from the shared queue.
- Stopping: a worker whose queue is empty does not quit at once, since another worker may be
  about to push the links of the page it is parsing. It quits when the queue has stayed empty and
  no worker has been busy for DISTRIBUTED_IDLE_SECONDS; a worker that died stops counting as busy
  after DISTRIBUTED_BUSY_TIMEOUT, so nothing waits on it forever.
- Joining: a worker that starts before the seeder has pushed anything finds an empty queue, and
  Scrapy looks at an idle scheduler again only on its engine heartbeat, every 5 s. Workers poll
  every DISTRIBUTED_POLL_SECONDS (1 s) instead, so a late worker joins within a second.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

from crawler.runtime.compat import set_idle_poll_interval

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


def run_id(settings: BaseSettings) -> str:
    raw = settings.get("DISTRIBUTED_RUN") or f"{datetime.now(UTC):%Y%m%dT%H}"
    # scrapy-redis formats key templates with %: keep run ids to characters that survive it.
    return re.sub(r"[^A-Za-z0-9_.:-]", "-", str(raw))


def configure(settings: BaseSettings) -> None:
    """Switch a crawl's settings to the shared Redis scheduler (called by the add-on)."""
    mode = str(settings.get("DISTRIBUTED") or "").lower()
    if mode in ("", "0", "off", "none", "false"):
        return
    if mode != "redis":
        raise ValueError(f"DISTRIBUTED={mode!r}: the only distributed mode is 'redis'")
    prefix = f"headlines:{run_id(settings)}"
    # Above the project's settings (which name the single-process scheduler and filter), below -s.
    settings.set("DISTRIBUTED_PREFIX", prefix, priority="spider")
    settings.set("SCHEDULER", "scrapy_redis.scheduler.Scheduler", priority="spider")
    settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority="spider")
    settings.set("SCHEDULER_QUEUE_CLASS", "scrapy_redis.queue.PriorityQueue", priority="spider")
    settings.set("SCHEDULER_QUEUE_KEY", f"{prefix}:requests", priority="spider")
    settings.set("SCHEDULER_DUPEFILTER_KEY", f"{prefix}:dupefilter", priority="spider")
    # The first worker to finish must not flush the queue and seen-set the others still use.
    settings.set("SCHEDULER_PERSIST", True, priority="spider")
    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions["crawler.runtime.distributed.DistributedRun"] = 600
    settings.set("EXTENSIONS", extensions, priority="spider")


class DistributedRun:
    """Seeding, busy tracking and the idle rule for one worker (see the module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        from scrapy_redis.connection import get_redis_from_settings

        settings = crawler.settings
        self.crawler = crawler
        self.prefix: str = settings["DISTRIBUTED_PREFIX"]
        self.server = get_redis_from_settings(settings)
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        self.ttl = int(settings.getfloat("DISTRIBUTED_KEY_TTL", 2 * 86400))
        self.idle_seconds = settings.getfloat("DISTRIBUTED_IDLE_SECONDS", 10.0)
        self.busy_timeout = settings.getfloat("DISTRIBUTED_BUSY_TIMEOUT", 120.0)
        self.poll_seconds = settings.getfloat("DISTRIBUTED_POLL_SECONDS", 1.0)
        self.idle_since: float | None = None
        self.last_beat = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistributedRun:
        if not crawler.settings.get("DISTRIBUTED_PREFIX"):
            raise NotConfigured  # off by default: no message, so Scrapy logs no warning
        extension = cls(crawler)
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.busy, signal=signals.response_received)
        crawler.signals.connect(extension.idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        crawler.distributed = extension  # type: ignore[attr-defined]
        return extension

    def engine_started(self) -> None:
        # Read by the engine when it starts its heartbeat, right after this signal. Where a Scrapy
        # version lacks the knob (crawler.runtime.compat), workers keep the 5 s heartbeat.
        engine = self.crawler.engine
        if engine is not None and set_idle_poll_interval(engine, self.poll_seconds):
            self.crawler.stats.set_value("distributed/poll_seconds", self.poll_seconds)
        else:
            logger.warning("this Scrapy has no engine heartbeat setting; a late worker may wait 5 s to join")

    def opened(self) -> None:
        self.server.ping()  # fail at start, clearly, when Redis is not there
        self.crawler.stats.set_value("distributed/run", self.prefix)
        self.crawler.stats.set_value("distributed/worker", self.worker)
        logger.info("distributed crawl %s as worker %s", self.prefix, self.worker)
        self._beat(force=True)

    def should_seed(self) -> bool:
        """True for exactly one worker of the run: the one that yields the headline pages."""
        seeded = bool(self.server.set(f"{self.prefix}:seeded", self.worker, nx=True, ex=self.ttl))
        self.crawler.stats.set_value("distributed/seeded_here", seeded)
        if not seeded:
            logger.info("another worker seeded run %s; working from the shared queue", self.prefix)
        return seeded

    def busy(self) -> None:
        self.idle_since = None
        self._beat()

    def _beat(self, *, force: bool = False) -> None:
        now = time.time()
        if force or now - self.last_beat >= 1.0:  # at most one Redis write a second per worker
            self.last_beat = now
            key = f"{self.prefix}:busy"
            self.server.hset(key, self.worker, now)
            for name in (key, f"{self.prefix}:requests", f"{self.prefix}:dupefilter"):
                self.server.expire(name, self.ttl)

    def _others_busy(self, now: float) -> bool:
        beats: dict[Any, Any] = self.server.hgetall(f"{self.prefix}:busy")
        return any(
            (worker.decode() if isinstance(worker, bytes) else worker) != self.worker and now - float(at) < self.busy_timeout
            for worker, at in beats.items()
        )

    def idle(self) -> None:
        now = time.time()
        self.server.hset(f"{self.prefix}:busy", self.worker, 0)  # this worker has nothing in hand
        self.last_beat = 0.0
        if self.server.zcard(f"{self.prefix}:requests") or self._others_busy(now):
            self.idle_since = None
            raise DontCloseSpider("other workers may still add requests")
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.idle_seconds:
            raise DontCloseSpider("waiting for the shared queue to stay empty")
        logger.info("the shared queue stayed empty for %.0f s: worker %s stops", self.idle_seconds, self.worker)

    def closed(self) -> None:
        self.server.hdel(f"{self.prefix}:busy", self.worker)
