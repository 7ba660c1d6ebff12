"""Each pipeline on its own: built from a crawler, fed items, judged by what it returns and counts."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.extraction.results import ArticleResult
from crawler.items import Article
from crawler.parse import parse_response
from crawler.store.documents import content_hash
from pipelines.dedup import DedupPipeline
from pipelines.errors import DuplicateInRun, ForeignHost, GarbledText, MissingBody, MissingTitle
from pipelines.normalize import NormalizePipeline
from pipelines.validate import ValidatePipeline
from spiders.headlines import HeadlinesSpider
from tests.conftest import FIXTURES, Case


@pytest.fixture
def crawler() -> Any:
    crawler = get_crawler(HeadlinesSpider)
    crawler.stats.open_spider()
    return crawler


def article(stem: str = "article_xitheory_seed") -> Article:
    result = parse_response(Case(FIXTURES / "chinacomcn" / stem).response())
    assert isinstance(result, ArticleResult)
    return result.item


def test_normalize_cleans_hashes_and_stamps(crawler: Any) -> None:
    pipeline = NormalizePipeline(crawler.stats, lambda: datetime(2025, 6, 5, 1, 2, 3, tzinfo=UTC))
    item = article()
    item.body["zh"].insert(1, "\u3000\u3000 ")
    item.title["zh"] = "\u3000" + item.title["zh"] + "\u200b"
    item.published_at = "2025-06-05T09:19:14"  # naive, as a buggy parser might leave it
    out = pipeline.process_item(item)
    assert out.title["zh"] == "习近平会见白俄罗斯总统卢卡申科"
    assert len(out.body["zh"]) == 4
    assert out.published_at == "2025-06-05T09:19:14+08:00"
    assert out.content_hash == content_hash({"body": out.body})
    assert out.fetched_at == "2025-06-05T01:02:03+00:00"
    assert crawler.stats.get_value("normalize/empty_paragraphs_removed") == 1
    assert crawler.stats.get_value("normalize/naive_published_at") == 1
    assert pipeline.process_item(out) == out  # idempotent


def test_validate_passes_a_real_story(crawler: Any) -> None:
    pipeline = build_from_crawler(ValidatePipeline, crawler)
    item = article("article_caption_without_image")
    assert pipeline.process_item(item) is item
    assert crawler.stats.get_value("site/chinacomcn/warnings/photos") == 1


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"title": {}}, MissingTitle),
        ({"body": {"zh": ["短"]}}, MissingBody),
        # UTF-8 bytes read as GBK without a single invalid sequence (so no U+FFFD to notice):
        ({"body": {"zh": ["发布时间 王毅参加会见".encode().decode("gb18030") * 3]}}, GarbledText),
        ({"url": "http://www.example.org/2025-06/05/content_1.htm"}, ForeignHost),
        # Big5 bytes read as GB18030 leave private-use code points behind:
        (
            {"body": {"zh": ["習近平會見白俄羅斯總統盧卡申科".encode("big5").decode("gb18030", errors="replace") * 3]}},
            GarbledText,
        ),
        # Most characters lost in decoding:
        ({"body": {"zh": ["会见" + "〓" * 40 + "。"]}}, GarbledText),
    ],
)
def test_validate_drops_with_a_named_reason(crawler: Any, change: dict[str, Any], reason: type[Exception]) -> None:
    pipeline = build_from_crawler(ValidatePipeline, crawler)
    item = article()
    for name, value in change.items():
        setattr(item, name, value)
    with pytest.raises(reason):
        pipeline.process_item(item)
    assert crawler.stats.get_value(f"site/chinacomcn/dropped/{reason.__name__}") == 1


def test_dedup_drops_a_page_stored_twice_but_keeps_its_gateway_copy() -> None:
    pipeline = DedupPipeline()
    original, gateway = article(), article("article_xitheory_seed_big5gate")
    assert pipeline.process_item(original) is original
    assert pipeline.process_item(gateway) is gateway  # same story, another URL: the store records it
    with pytest.raises(DuplicateInRun):
        pipeline.process_item(article())


def test_a_store_slower_than_the_crawl_holds_the_crawl_back(tmp_path: Path) -> None:
    """At most BATCHES_IN_FLIGHT batches wait for the store thread, and then story downloads wait
    too; one more batch fills, and the items after that wait in process_item instead of queueing
    in memory. Then every one is stored."""
    from pipelines.store import BATCHES_IN_FLIGHT, StorePipeline

    crawler = get_crawler(
        HeadlinesSpider,
        {"EMBEDDED_STORE_PATH": str(tmp_path / "s.sqlite3"), "SPILL_DIR": str(tmp_path / "spill"), "STORE_BATCH_SIZE": 10},
    )
    crawler.stats.open_spider()
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    assert pipeline.flush_loop is not None
    pipeline.flush_loop.stop()  # no timed flush: only the batches decide
    store_free = threading.Event()
    write = pipeline._write
    pipeline._write = lambda batch: (store_free.wait(30), write(batch))[1]  # type: ignore[method-assign]
    seed = article()
    items = [
        dataclasses.replace(seed, url=f"http://news.china.com.cn/2025-06/05/content_{n}.htm",
                            key=f"chinacomcn:{n}", content_hash=f"h{n}", fetched_at="2025-06-05T00:00:00+00:00")
        for n in range(50)
    ]  # fmt: skip

    def downloads_open() -> bool:
        return pipeline.room.is_open

    async def crawl() -> None:
        processing = [asyncio.ensure_future(pipeline.process_item(item)) for item in items]
        await asyncio.sleep(0.3)
        assert len(pipeline.in_flight) == BATCHES_IN_FLIGHT == 2
        assert not downloads_open()  # no more story downloads (crawler.runtime.backpressure)
        assert len(pipeline.buffer) == 10  # full: its flush waits for the store thread
        # The 10th and 20th items wait for their batches, the 30th for room in the store thread,
        # the 31st to 50th for room in the buffer (not yet held); the others were buffered and
        # passed on.
        assert [n for n, task in enumerate(processing) if not task.done()] == [9, 19, 29, *range(30, 50)]
        store_free.set()
        await asyncio.gather(*processing)
        assert downloads_open()
        await pipeline.close_spider()

    asyncio.run(crawl())
    assert pipeline.store is not None
    assert crawler.stats.get_value("store/inserted") == 50
