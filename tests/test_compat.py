"""The private APIs crawler/compat.py leans on still exist and still do what it needs, checked by
name on the installed Scrapy, Python and warcio: an upgrade that moves one fails here, saying which."""

from __future__ import annotations

import gzip
import io
from concurrent.futures import ProcessPoolExecutor

from scrapy import Request
from scrapy.core.downloader import Downloader
from scrapy.core.engine import ExecutionEngine
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from crawler.runtime.compat import LeveledWARCWriter, hold_slot_delay, pool_pids, set_idle_poll_interval


def test_scrapy_download_slots_take_a_delay_floor_without_jitter() -> None:
    # No download handlers: they need a running reactor, and nothing is downloaded here.
    no_handlers = dict.fromkeys(("http", "https", "data", "file", "s3", "ftp"))
    settings = {"DOWNLOAD_DELAY": 0.25, "DOWNLOAD_DELAY_JITTER": 0.5, "DOWNLOAD_HANDLERS": no_handlers}
    downloader = Downloader(get_crawler(settings_dict=settings))
    downloader._start_slot_gc = lambda: None  # type: ignore[method-assign]  # a looping call needs a reactor; nothing is collected here
    assert isinstance(getattr(downloader, "per_slot_settings", None), dict), "Downloader.per_slot_settings is gone"
    assert isinstance(getattr(downloader, "slots", None), dict), "Downloader.slots is gone"
    # A slot that exists already ...
    _, existing = downloader._get_slot(Request("http://a.example/", meta={"download_slot": "a"}))
    assert (existing.delay, existing.jitter) == (0.25, 0.5), "Slot.delay / Slot.jitter changed meaning"
    hold_slot_delay(downloader, "a", 3.0)
    assert (existing.delay, existing.jitter) == (3.0, 0.0)
    assert existing.download_delay() == 3.0, "Slot.download_delay() no longer reads delay and jitter"
    # ... and one Scrapy creates later from the per-slot settings.
    hold_slot_delay(downloader, "b", 2.0)
    _, created = downloader._get_slot(Request("http://b.example/", meta={"download_slot": "b"}))
    assert (created.delay, created.jitter) == (2.0, 0.0), "DOWNLOAD_SLOTS keys 'delay'/'jitter' are no longer read"
    hold_slot_delay(downloader, "b", 1.0)  # a floor never lowers a longer delay
    assert created.delay == 2.0


def test_scrapy_engine_idle_poll_interval_is_settable() -> None:
    assert isinstance(getattr(ExecutionEngine, "_SLOT_HEARTBEAT_INTERVAL", None), float), (
        "ExecutionEngine._SLOT_HEARTBEAT_INTERVAL is gone: distributed workers fall back to Scrapy's 5 s polling"
    )
    engine = ExecutionEngine.__new__(ExecutionEngine)
    assert set_idle_poll_interval(engine, 1.0)
    assert engine._SLOT_HEARTBEAT_INTERVAL == 1.0
    assert ExecutionEngine._SLOT_HEARTBEAT_INTERVAL == 5.0  # per engine, not for every crawler in the process


def test_process_pool_workers_are_listed() -> None:
    with ProcessPoolExecutor(1) as pool:
        pid = pool.submit(_pid).result()
        assert isinstance(getattr(pool, "_processes", None), dict), "ProcessPoolExecutor._processes is gone"
        assert pool_pids(pool) == [pid]


def _pid() -> int:
    import os

    return os.getpid()


def test_warcio_writes_each_record_through_the_leveled_gzip_member() -> None:
    assert callable(getattr(WARCWriter, "_write_warc_record", None)), "warcio's WARCWriter._write_warc_record is gone"
    out = io.BytesIO()
    writer = LeveledWARCWriter(out, level=1)
    for n in range(2):
        payload = f"<p>{n}</p>".encode() * 50
        record = writer.create_warc_record(f"http://a.example/{n}", "resource", payload=io.BytesIO(payload), length=len(payload))
        writer.write_record(record)
    data = out.getvalue()
    assert data[:2] == b"\x1f\x8b"
    assert data.count(b"\x1f\x8b\x08") == 2, "one gzip member per record"
    assert gzip.decompress(data).count(b"WARC/1.1") == 2
    assert [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(io.BytesIO(data))] == [
        "http://a.example/0",
        "http://a.example/1",
    ]
