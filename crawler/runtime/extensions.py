"""Small Scrapy extensions."""

from __future__ import annotations

import gc
import json
import logging
import resource
import socket
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.runtime.outcome import CAUSE_STAT, STATUS_STAT, RunOutcome, assess

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class StatsFile:
    """Write the final crawl stats as JSON to STATS_FILE, for scripts, tests and monitors."""

    def __init__(self, crawler: Crawler, path: str, cpu: Callable[[], float] = _cpu_seconds) -> None:
        self.crawler = crawler
        self.path = Path(path)
        self.cpu = cpu
        self.cpu_at_open: float | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatsFile:
        path = crawler.settings.get("STATS_FILE")
        if not path:
            raise NotConfigured  # unset by default: no message, so Scrapy logs no warning
        extension = cls(crawler, path)
        # Connected to engine_stopped, after every spider_closed handler has updated the stats.
        crawler.signals.connect(extension.write, signal=signals.engine_stopped)
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        return extension

    def opened(self) -> None:
        self.cpu_at_open = self.cpu()

    def write(self) -> None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu = self.cpu()
        self.crawler.stats.set_value("process/peak_rss_mb", round(usage.ru_maxrss / 1024, 1))
        self.crawler.stats.set_value("process/cpu_seconds", round(cpu, 2))
        if self.cpu_at_open is not None:
            # The crawl's own CPU, without start-up (imports, settings) and the spider's opening.
            self.crawler.stats.set_value("process/crawl_cpu_seconds", round(cpu - self.cpu_at_open, 2))
        stats: dict[str, Any] = self.crawler.stats.get_stats()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(
                json.dumps(stats, default=_json_default, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8"
            )
        except OSError as error:
            # The run is over; its stats are in the log. A full disk must not turn into a traceback.
            logger.error("cannot write the stats file %s: %s", self.path, error)


class GarbageCollectorTuning:
    """Fewer, cheaper cyclic garbage collections during the crawl: ~6 % of a fast crawl's CPU went
    to them, most of it rescanning the objects every crawl holds from start to end (modules,
    settings, compiled selectors and regexes).

    When the engine starts, what exists then is frozen out of collection (gc.freeze), and the
    youngest generation is collected every GC_GEN0_THRESHOLD allocations instead of Python's 700.
    Pages and items are freed by reference counting either way; only cycles wait a little longer.
    GC_GEN0_THRESHOLD = 0 leaves Python's defaults.
    """

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self.previous = gc.get_threshold()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GarbageCollectorTuning:
        threshold = crawler.settings.getint("GC_GEN0_THRESHOLD", 0)
        if threshold <= 0:
            raise NotConfigured
        extension = cls(threshold)
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_started(self) -> None:
        gc.collect()
        gc.freeze()
        gc.set_threshold(self.threshold, *self.previous[1:])

    def engine_stopped(self) -> None:
        gc.set_threshold(*self.previous)
        gc.unfreeze()


def run_outcome(crawler: Crawler, reason: str | None) -> RunOutcome:
    """The run's verdict (crawler.runtime.outcome), judged once and kept in the stats (`run/status`,
    `run/cause`) for the stats file, cron, the run recorder and the crawl command alike."""
    stats = crawler.stats
    if status := stats.get_value(STATUS_STAT):
        return RunOutcome(status, stats.get_value(CAUSE_STAT))
    spider = getattr(crawler, "spider", None)
    keys = [site.key for site in getattr(spider, "sites", [])]
    outcome = assess(reason, stats.get_stats(), keys, reparse=bool(getattr(spider, "reparse", False)))
    stats.set_value(STATUS_STAT, outcome.status)
    if outcome.cause:
        stats.set_value(CAUSE_STAT, outcome.cause)
    if outcome.status == "failed":
        logger.error("the run failed: %s", outcome.cause)
    return outcome


class RunVerdict:
    """Judges every run when it closes (crawler.runtime.outcome), whether or not a store records it."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunVerdict:
        extension = cls(crawler)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def closed(self, reason: str) -> None:
        run_outcome(self.crawler, reason)


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


class RunRecorder:
    """One document per crawl in the store's runs collection: when, how it ended, and per outlet
    what was fetched, stored, updated, unchanged, dropped (by reason) and what failed."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.run: dict[str, Any] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        if not crawler.settings.getbool("STORE_ENABLED", True):
            raise NotConfigured("no store, no runs collection")
        recorder = cls(crawler)
        crawler.signals.connect(recorder.opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.closed, signal=signals.spider_closed)
        return recorder

    def opened(self, spider: Any) -> None:
        from crawler.store import StoreUnavailable, store_failure, store_for

        if store_failure(self.crawler) is not None:
            return  # the store pipeline has said why and is stopping the crawl; there is nowhere to record it
        started = datetime.now(UTC)
        self.run = {
            "_id": f"{started:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}",
            "started_at": started,
            "finished_at": None,
            "status": "running",
            "finish_reason": None,
            "spider": spider.name,
            "arguments": dict(getattr(spider, "arguments", {}) or {}),
            "host": socket.gethostname(),
        }
        self.crawler.stats.set_value("run/id", self.run["_id"])
        try:
            store = store_for(self.crawler)
            self.run["store"] = store.kind
            store.save_run(self.run)
        except StoreUnavailable as error:
            logger.error("cannot record the run's start: %s", error)

    def closed(self, spider: Any, reason: str) -> None:
        from crawler.store import store_failure, store_for

        if not self.run or store_failure(self.crawler) is not None:
            return  # never recorded: the store could not be opened
        outcome = run_outcome(self.crawler, reason)
        stats = self.crawler.stats.get_stats()
        self.run.update(
            finished_at=datetime.now(UTC),
            status=outcome.status,
            cause=outcome.cause,
            finish_reason=reason,
            sites=per_site(stats),
            totals=totals(stats),
        )
        try:
            if not self.run["arguments"].get("replay"):  # an archive replay says nothing about the sites today
                self.run["health"] = self._health([site.key for site in getattr(spider, "sites", [])])
            store_for(self.crawler).save_run(self.run)
        except Exception as error:  # noqa: BLE001 -- the run summary must reach the log even when the store is gone
            logger.error(
                "cannot record the run in the store (%s); the run was: %s", error, json.dumps(self.run, default=_json_default)
            )

    def _health(self, sites: list[str]) -> dict[str, Any]:
        from crawler.runtime.health import Thresholds, assess, summary
        from crawler.store import store_for

        settings = self.crawler.settings
        earlier = store_for(self.crawler).recent_runs(settings.getint("HEALTH_HISTORY_RUNS", 24) + 1)
        history = [
            run.get("sites", {})
            for run in earlier
            if run.get("_id") != self.run["_id"]
            and run.get("status") == "finished"
            and not (run.get("arguments") or {}).get("replay")
        ]
        thresholds = Thresholds(min_history=settings.getint("HEALTH_MIN_HISTORY", 3))
        findings = assess(self.run["sites"], history, sites, thresholds)
        for finding in findings:
            # A warning: cron reports degraded runs by their findings, and ERROR is for the crawler's own failures.
            logger.warning("degraded: %s: %s", finding.site, finding.message)
        health = summary(findings)
        self.crawler.stats.set_value("health/status", health["status"])
        self.crawler.stats.set_value("health/findings", [f"{f.site}: {f.message}" for f in findings])
        return health


def per_site(stats: dict[str, Any]) -> dict[str, Any]:
    """`site/<key>/a/b` stats -> {key: {a: {b: value}}}."""
    sites: dict[str, Any] = {}
    for name, value in stats.items():
        if not name.startswith("site/"):
            continue
        _, key, *path = name.split("/")
        node = sites.setdefault(key, {})
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return sites


def totals(stats: dict[str, Any]) -> dict[str, Any]:
    keep = ("item_scraped_count", "item_dropped_count", "response_received_count", "downloader/request_count", "store/spilled",
            "log_count/ERROR", "log_count/WARNING", "elapsed_time_seconds")  # fmt: skip
    out: dict[str, Any] = {name.replace("/", "_"): stats[name] for name in keep if name in stats}
    out["dropped"] = {n.rsplit("/", 1)[1]: v for n, v in stats.items() if n.startswith("item_dropped_reasons_count/")}
    out["http_status"] = {n.rsplit("/", 1)[1]: v for n, v in stats.items() if n.startswith("downloader/response_status_count/")}
    out["store"] = {n.split("/", 1)[1]: v for n, v in stats.items() if n.startswith("store/") and isinstance(v, int)}
    return out
