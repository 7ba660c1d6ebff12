"""Each pipeline on its own: built from a crawler, fed items, judged by what it returns and counts."""

from __future__ import annotations

from datetime import UTC, datetime
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
