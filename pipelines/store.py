"""StorePipeline: batched writes to the store, retried with backoff, spilled to disk when they cannot
be written, so an outage loses nothing.

Items are buffered and written in one worker thread (writes stay ordered and off the reactor) when
the buffer reaches STORE_BATCH_SIZE, every STORE_FLUSH_SECONDS, and at close; a store slower than
the crawl holds the crawl's downloads back (BATCHES_IN_FLIGHT) rather than queue stories in memory.
A batch that still fails after STORE_RETRY_TIMES attempts is appended to a JSON Lines spill file under SPILL_DIR;
`python -m crawler replay-spill FILE` writes it later through the same rules (identity and content
comparison make a replay idempotent, so an item is never stored twice).

Every record is journalled before it is buffered (crawler.runtime.journal): a crawl killed outright loses
nothing it had parsed, because the next crawl stores the dead crawl's journal first.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import CloseSpider, NotConfigured
from twisted.internet import task

from crawler.items import Article, Removal
from crawler.runtime import journal
from crawler.runtime.backpressure import room_for
from crawler.runtime.outcome import CAUSE_STAT, STORE_UNAVAILABLE
from crawler.runtime.signals import not_an_article, story_removed
from crawler.runtime.stop import WRITE_FAILED, stop_crawl, write_failed_cause
from crawler.store import Store, StoreUnavailable, WriteReport, store_for
from crawler.store.writing import RETRYABLE, StoreWideError, as_record, write_isolating

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

BATCHES_IN_FLIGHT = 2
"""Batches handed to the store thread at once: one being written and the next, so the writer never
waits for the crawl. While this many wait, the crawl's StoreRoom is closed and no story page is
downloaded (crawler.runtime.backpressure): a store slower than the crawl (links over a large
archive, a slow server) sets the crawl's pace instead of filling memory with parsed stories. The
items already downloaded meanwhile fill the next batch; any beyond it wait in process_item."""


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("STORE_ENABLED", True):
            raise NotConfigured("STORE_ENABLED is off: items go to feeds only")
        self.crawler = crawler
        self.stats = crawler.stats
        self.batch_size = settings.getint("STORE_BATCH_SIZE", 100)
        self.flush_seconds = settings.getfloat("STORE_FLUSH_SECONDS", 5.0)
        self.retry_times = settings.getint("STORE_RETRY_TIMES", 5)
        self.retry_backoff = settings.getfloat("STORE_RETRY_BACKOFF", 0.5)
        self.spill_path = (
            Path(settings.get("SPILL_DIR", "data/spill")) / f"spill-{datetime.now(UTC):%Y%m%dT%H%M%S}-{id(self):x}.jsonl"
        )
        self.buffer: list[dict[str, Any]] = []
        # Batches handed to the store thread and not yet written or spilled: still journalled.
        self.in_flight: dict[int, list[dict[str, Any]]] = {}
        self.journal_dir = Path(settings.get("SPILL_DIR", "data/spill"))
        self.journal = journal.Journal(self.journal_dir, f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{os.getpid()}-{id(self):x}")
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self.pipeline_moved = asyncio.Condition()
        self.room = room_for(crawler)
        self.flush_loop: task.LoopingCall | None = None
        self.store: Store | None = None
        self.failing = False
        self.spilled = 0
        self.timed_flushes: set[asyncio.Future[None]] = set()
        self.quarantine_path = self.spill_path.with_name(self.spill_path.name.replace("spill-", "quarantine-", 1))
        # After a full disk: records neither stored nor spilled (they stay in the journal for the next
        # run), and those whose journal append failed as well (lost, and said so).
        self.unsaved: list[dict[str, Any]] = []
        self.unjournalled: set[int] = set()
        self.link_stories = settings.getbool("STORE_LINKS", True)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.on_story_removed, signal=story_removed)
        crawler.signals.connect(pipeline.on_not_an_article, signal=not_an_article)
        return pipeline

    def on_story_removed(self, url: str, site: str, status: int, reason: str = "http_status") -> None:
        removal = Removal(url=url, site=site, status=status, reason=reason, fetched_at=datetime.now(UTC).isoformat())
        self._hold(as_record(removal))

    def on_not_an_article(self, url: str, site: str, reason: str) -> None:
        self._hold({"type": "other", "url": url, "site": site, "reason": reason, "fetched_at": datetime.now(UTC).isoformat()})

    def _hold(self, record: dict[str, Any]) -> None:
        try:
            self.journal.append(record)
        except OSError as error:
            # Not durable until the store has it: the crawl stops before it fetches more of the same.
            self.unjournalled.add(id(record))
            stop_crawl(self.crawler, WRITE_FAILED, write_failed_cause("the journal", error))
        self.buffer.append(record)

    def open_spider(self) -> None:
        try:
            self.store = store_for(self.crawler)
        except StoreUnavailable as error:
            settings = self.crawler.settings
            advice = (
                "check MONGO_URI, or unset it to store into the embedded store"
                if settings.get("MONGO_URI")
                else "check EMBEDDED_STORE_PATH (a writable file path)"
            )
            cause = f"the store is unavailable ({error}); {advice}"
            self.stats.set_value(CAUSE_STAT, cause)
            logger.error("Store unavailable, stopping before the crawl starts: %s", error)
            # A named close reason, not an exception: Scrapy closes the crawl quietly, and the run's
            # verdict (crawler.runtime.outcome) turns it into the exit status and the last line.
            raise CloseSpider(STORE_UNAVAILABLE) from None
        self._recover_orphan_journals()
        self.journal.open()
        self.flush_loop = task.LoopingCall(self._flush_if_idle)
        self.flush_loop.start(self.flush_seconds, now=False)

    def _recover_orphan_journals(self) -> None:
        """Store what crawls that died had parsed but not yet written (before this crawl starts).

        Never a reason not to start: a torn line is skipped and counted, a record the store cannot
        take is quarantined, and a store that fails now leaves the journal for the next run."""
        assert self.store is not None
        for path, handle in journal.claim_orphans(self.journal_dir):
            records, torn = journal.read_counting(path)
            if torn:
                self.stats.inc_value("store/journal_torn_lines", torn)
            try:
                report = write_isolating(self.store, records, datetime.now(UTC)) if records else WriteReport()
                self._quarantine(report.refused)
                self._link(report.changed)
            except (*RETRYABLE, StoreWideError, OSError) as error:
                journal.release(handle, path, delete=False)
                logger.error("cannot store the %d records left in %s (%s); the next run tries again", len(records), path, error)
                continue
            journal.release(handle, path, delete=True)
            self._count(report)
            self.stats.inc_value("store/recovered_from_journal", len(records))
            logger.warning("stored %d records left in %s by a crawl that did not finish", len(records), path)

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            # The buffer is full only while its flush waits for the store thread (BATCHES_IN_FLIGHT).
            await self._until(lambda: len(self.buffer) < self.batch_size)
            self._hold(as_record(item))
            if len(self.buffer) >= self.batch_size:
                await self.flush()
        return item

    async def _until(self, ready: Callable[[], bool]) -> None:
        """Wait until `ready()`, checked again each time a batch leaves the buffer or the store
        thread."""
        if not ready():
            async with self.pipeline_moved:
                await self.pipeline_moved.wait_for(ready)

    async def _changed(self) -> None:
        async with self.pipeline_moved:
            self.pipeline_moved.notify_all()

    def _flush_if_idle(self) -> None:
        if self.buffer:
            flushing = asyncio.ensure_future(self.flush())
            self.timed_flushes.add(flushing)
            flushing.add_done_callback(self.timed_flushes.discard)

    async def flush(self) -> None:
        await self._until(lambda: len(self.in_flight) < BATCHES_IN_FLIGHT or not self.buffer)
        batch, self.buffer = self.buffer, []
        if not batch:
            return
        self.in_flight[id(batch)] = batch
        if len(self.in_flight) >= BATCHES_IN_FLIGHT:
            self.room.close()
        await self._changed()  # the buffer has room again
        try:
            report = await asyncio.wrap_future(self.executor.submit(self._write, batch))
        except OSError as error:
            # Neither stored nor spilled (the disk is full): still in the journal, which the next run
            # stores first, except for records whose journal append had failed too.
            del self.in_flight[id(batch)]
            self._unsaved(batch, error)
            return
        except BaseException:
            del self.in_flight[id(batch)]
            self.buffer[:0] = batch  # neither written nor spilled: still pending, still journalled
            raise
        else:
            # Written, spilled or quarantined: either way durable. The journal keeps the rest.
            del self.in_flight[id(batch)]
        finally:
            if len(self.in_flight) < BATCHES_IN_FLIGHT:
                self.room.open()
            await self._changed()  # after in_flight is updated: waiters check it
        self.unjournalled.difference_update(id(record) for record in batch)
        try:
            self.journal.reset([*self.unsaved, *(r for pending in self.in_flight.values() for r in pending), *self.buffer])
        except OSError as error:
            stop_crawl(self.crawler, WRITE_FAILED, write_failed_cause("the journal", error))
        self._count(report)

    def _unsaved(self, batch: list[dict[str, Any]], error: OSError) -> None:
        lost = [record for record in batch if id(record) in self.unjournalled]
        self.unsaved.extend(record for record in batch if id(record) not in self.unjournalled)
        self.stats.inc_value("store/unsaved", len(batch) - len(lost))
        if lost:
            self.stats.inc_value("store/not_kept", len(lost))
            logger.error(
                "%d items could be neither stored, spilled nor journalled; not stored, they are fetched again"
                " by the next run: %s",
                len(lost),
                ", ".join(str(r.get("url")) for r in lost),
            )
        stop_crawl(self.crawler, WRITE_FAILED, write_failed_cause("the spill file", error))

    def _count(self, report: WriteReport) -> None:
        for (site, outcome), count in report.outcomes.items():
            self.stats.inc_value(f"store/{outcome}", count)
            self.stats.inc_value(f"site/{site}/store/{outcome}", count)
        if report.conflicts:
            self.stats.inc_value("store/conflicts_retried", report.conflicts)

    def _write(self, batch: list[dict[str, Any]]) -> WriteReport:
        """Runs in the store thread: write with retries, else spill; quarantine what the store
        refuses record by record. OSError (a full disk) propagates: nothing durable was made."""
        assert self.store is not None
        attempts = 1 if self.failing else self.retry_times + 1  # while the store is down, do not wait per batch
        for attempt in range(attempts):
            try:
                report = write_isolating(self.store, batch, datetime.now(UTC))
            except RETRYABLE as error:
                self.stats.inc_value("store/write_retries")
                logger.warning("store write failed (attempt %d of %d): %s", attempt + 1, attempts, error)
                if attempt + 1 < attempts:
                    time.sleep(min(self.retry_backoff * 2**attempt, 30.0))
            except StoreWideError as error:
                logger.error("store write failed and cannot be retried: %s", error)
                break
            else:
                if self.failing:
                    logger.info("store writes succeed again")
                self.failing = False
                self._quarantine(report.refused)
                self._link(report.changed)
                return report
        self.failing = True
        self._spill(batch)
        return WriteReport()

    def _link(self, keys: list[str]) -> None:
        """Clusters and translation links for the stories just inserted or updated (crawler.linking).
        The stories are stored whatever happens here: a failure is counted and said, and
        `python -m crawler relink` rebuilds the links from the store."""
        if not self.link_stories or not keys or self.store is None:
            return
        # Imported here: MinHash (datasketch, which loads scipy) and pinyin dictionaries take about
        # 0.9 s to import, which a crawl that stores nothing, or stores without links, never pays.
        from crawler.linking.maintain import Linker

        try:
            linked = Linker(self.store).link(keys)
        except Exception as error:  # noqa: BLE001 -- derived data: never a reason to lose or re-write stories
            self.stats.inc_value("links/failed", len(keys))
            logger.error(
                "clusters and translation links not updated for %d stories (%s: %s); run `python -m crawler relink`",
                len(keys),
                type(error).__name__,
                error,
            )
            return
        for name, count in linked.counts.items():
            self.stats.inc_value(f"links/{name}", count)

    def _quarantine(self, refused: list[tuple[dict[str, Any], str]]) -> None:
        """Records the store would not take, each kept with why, one line each; never retried
        automatically (they would fail again), never silently dropped."""
        if not refused:
            return
        self.quarantine_path.parent.mkdir(parents=True, exist_ok=True)
        with self.quarantine_path.open("a", encoding="utf-8") as out:
            for record, reason in refused:
                out.write(json.dumps({"reason": reason, "record": record}, ensure_ascii=False) + "\n")
        for record, reason in refused:
            self.stats.inc_value("store/quarantined")
            self.stats.inc_value(f"site/{record.get('site', 'unknown')}/store/quarantined")
            logger.error("not stored, kept in %s: %s (%s)", self.quarantine_path, record.get("url"), reason)

    def _spill(self, batch: list[dict[str, Any]]) -> None:
        self.spill_path.parent.mkdir(parents=True, exist_ok=True)
        with self.spill_path.open("a", encoding="utf-8") as spill:
            for record in batch:
                spill.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.spilled += len(batch)
        self.stats.inc_value("store/spilled", len(batch))
        for record in batch:
            self.stats.inc_value(f"site/{record.get('site', 'unknown')}/store/spilled")
        logger.error("%d items could not be stored and were spilled to %s", len(batch), self.spill_path)

    async def close_spider(self) -> None:
        if self.flush_loop is not None and self.flush_loop.running:
            self.flush_loop.stop()
        await self.flush()
        if self.timed_flushes:
            await asyncio.gather(*self.timed_flushes)
        self.executor.shutdown(wait=True)
        if not self.buffer and not self.in_flight and not self.unsaved:
            self.journal.close()
        else:
            # Kept for the next run, which stores it before it fetches anything.
            self.journal.keep()
            logger.error(
                "%d items are not stored yet; they stay in %s and the next run stores them",
                len(self.buffer) + len(self.unsaved) + sum(len(b) for b in self.in_flight.values()),
                self.journal.path,
            )
        if self.spilled:
            self.stats.set_value("store/spill_file", str(self.spill_path))
            logger.error(
                "%d items were not stored; they are in %s. Store them with: python -m crawler replay-spill %s",
                self.spilled,
                self.spill_path,
                self.spill_path,
            )
