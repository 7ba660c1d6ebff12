"""Every private API of a library the crawler leans on, each behind one small function.

Scrapy, the standard library and warcio offer no public way to do these four things; each is done
here and nowhere else, and tests/test_compat.py checks each API by name on the installed versions,
so an upgrade that moves one fails a test that says which, instead of silently changing behaviour:

- a download slot's delay and jitter (Scrapy's `Downloader.per_slot_settings` and `Downloader.slots`,
  `Slot.delay` and `Slot.jitter`): robots.txt Crawl-delay must hold exactly (crawler.runtime.politeness);
- the engine's idle-poll interval (`ExecutionEngine._SLOT_HEARTBEAT_INTERVAL`): distributed workers
  join a run within a second (crawler.runtime.distributed);
- the process ids of a `ProcessPoolExecutor` (`_processes`): the extraction workers' CPU and memory
  figures (crawler.runtime.offload);
- warcio's per-record writer (`WARCWriter._write_warc_record`): gzip at a chosen level (crawler.runtime.warc).
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

from warcio.warcwriter import WARCWriter

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from scrapy.core.downloader import Downloader
    from scrapy.core.engine import ExecutionEngine


def hold_slot_delay(downloader: Downloader, key: str, floor: float) -> None:
    """Make download slot `key` wait at least `floor` seconds between requests, exactly (no
    random jitter), now and for the slot Scrapy creates later under that key."""
    settings = downloader.per_slot_settings.setdefault(key, {})
    settings["delay"] = max(float(settings.get("delay", 0.0)), floor)
    settings["jitter"] = 0.0
    if (slot := downloader.slots.get(key)) is not None:
        slot.delay = max(slot.delay, floor)
        slot.jitter = 0.0


def set_idle_poll_interval(engine: ExecutionEngine, seconds: float) -> bool:
    """How often the engine looks at an idle scheduler (Scrapy's default is 5 s). Must be set before
    the engine starts its heartbeat (at `engine_started`). False when this Scrapy has no such knob."""
    if not hasattr(engine, "_SLOT_HEARTBEAT_INTERVAL"):
        return False
    engine._SLOT_HEARTBEAT_INTERVAL = seconds
    return True


def pool_pids(pool: ProcessPoolExecutor) -> list[int]:
    """The process ids of a pool's live workers (empty when they cannot be known)."""
    processes: dict[int, Any] = getattr(pool, "_processes", None) or {}
    return list(processes)


class _GzipMember:
    """One gzip member per record, as warcio writes them, at a chosen zlib level."""

    def __init__(self, out: IO[bytes], level: int) -> None:
        import zlib

        self.compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        self.out = out

    def write(self, data: bytes) -> None:
        self.out.write(self.compressor.compress(data))

    def flush(self) -> None:
        self.out.write(self.compressor.flush())
        self.out.flush()


class LeveledWARCWriter(WARCWriter):  # type: ignore[misc]  # warcio ships no type hints
    """warcio's writer with each record gzipped at `level` (warcio always uses 9, which costs
    several times level 6's CPU for a few per cent of size)."""

    def __init__(self, stream: IO[bytes], level: int) -> None:
        super().__init__(stream, gzip=False, warc_version="1.1")
        self.level = level

    def _write_warc_record(self, out: IO[bytes], record: object) -> None:
        super()._write_warc_record(_GzipMember(out, self.level), record)
