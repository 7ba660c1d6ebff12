"""Small extensions: garbage-collector tuning and the stats file's CPU figures."""

from __future__ import annotations

import gc
import json
import resource
from typing import TYPE_CHECKING

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.runtime.extensions import GarbageCollectorTuning, StatsFile

if TYPE_CHECKING:
    from pathlib import Path


def test_the_crawl_collects_garbage_less_often_and_restores_python_after() -> None:
    assert "crawler.runtime.extensions.GarbageCollectorTuning" in project_settings.EXTENSIONS
    before = gc.get_threshold()
    tuning = GarbageCollectorTuning.from_crawler(get_crawler(settings_dict={"GC_GEN0_THRESHOLD": 12_345}))
    tuning.engine_started()
    try:
        assert gc.get_threshold() == (12_345, *before[1:])
        assert gc.get_freeze_count() > 0  # what existed at start-up is no longer rescanned
    finally:
        tuning.engine_stopped()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_zero_threshold_leaves_the_collector_alone() -> None:
    with pytest.raises(NotConfigured):
        GarbageCollectorTuning.from_crawler(get_crawler(settings_dict={"GC_GEN0_THRESHOLD": 0}))


def test_the_stats_file_separates_the_crawls_cpu_from_start_up(tmp_path: Path) -> None:
    path = tmp_path / "stats.json"
    crawler = get_crawler(settings_dict={"STATS_FILE": str(path)})
    crawler.stats.open_spider()
    readings = iter([1.25, 4.0])  # CPU seconds at the spider's opening, then at the end
    stats_file = StatsFile(crawler, str(path), cpu=lambda: next(readings))
    stats_file.opened()
    stats_file.write()
    stats = json.loads(path.read_text(encoding="utf-8"))
    assert (stats["process/cpu_seconds"], stats["process/crawl_cpu_seconds"]) == (4.0, 2.75)
    assert stats["process/peak_rss_mb"] == round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def test_the_stats_file_is_off_unless_asked_for() -> None:
    with pytest.raises(NotConfigured):
        StatsFile.from_crawler(get_crawler(settings_dict={"STATS_FILE": ""}))
