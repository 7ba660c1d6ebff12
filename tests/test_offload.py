"""Extraction workers (crawler/offload.py): results hang on the response, failures fall back."""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING, Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.extraction.results import ArticleResult
from crawler.parse import parse_response
from crawler.runtime.offload import ExtractionOffloadMiddleware, take_parsed
from tests.conftest import page_cases

if TYPE_CHECKING:
    from collections.abc import Iterator

ARTICLE = next(case for case in page_cases("article") if case.path.name == "article_news_2022_template_big5gate")


@pytest.fixture
def middleware() -> Iterator[ExtractionOffloadMiddleware]:
    crawler = get_crawler(settings_dict={"EXTRACT_PROCESSES": 1})
    crawler.stats.open_spider()
    offload = ExtractionOffloadMiddleware.from_crawler(crawler)
    yield offload
    offload.close(None)


def _exchange(kind: str = "article") -> Any:
    response = ARTICLE.response()
    request = Request(response.url, meta={"headlines_kind": kind}, cb_kwargs={"site": "chinacomcn"})
    return request, response.replace(request=request)


def test_a_worker_parses_the_page_as_the_crawling_process_would(middleware: ExtractionOffloadMiddleware) -> None:
    request, response = _exchange()
    asyncio.run(middleware.process_response(request, response, None))
    parsed = take_parsed(response)
    assert isinstance(parsed, ArticleResult)
    here = parse_response(ARTICLE.response(), "chinacomcn")
    assert isinstance(here, ArticleResult)
    assert parsed.item == here.item
    assert take_parsed(response) is None  # taken once


def test_pages_that_are_not_parsed_are_left_alone(middleware: ExtractionOffloadMiddleware) -> None:
    request, response = _exchange(kind="robots")
    asyncio.run(middleware.process_response(request, response, None))
    assert take_parsed(response) is None
    request, response = _exchange()
    error = response.replace(status=500)
    asyncio.run(middleware.process_response(request, error, None))
    assert take_parsed(error) is None


def test_a_dead_pool_means_parsing_in_process_not_a_crash(middleware: ExtractionOffloadMiddleware) -> None:
    request, response = _exchange()
    asyncio.run(middleware.process_response(request, response, None))
    assert middleware.pool is not None
    assert middleware.pool._processes  # started by the first page
    for process in list(middleware.pool._processes.values()):
        process.kill()
    request, response = _exchange()
    returned = asyncio.run(middleware.process_response(request, response, None))
    assert returned is response
    assert take_parsed(response) is None
    assert middleware.stats.get_value("extract/pool_broken") == 1
    assert middleware.pool is None


def test_a_failing_worker_call_leaves_the_page_to_the_spider(middleware: ExtractionOffloadMiddleware) -> None:
    response = ARTICLE.response()
    # An argument that cannot be sent to a worker: the call fails, the crawl does not.
    request = Request(response.url, meta={"headlines_kind": "article"}, cb_kwargs={"site": lambda: "chinacomcn"})
    response = response.replace(request=request)
    returned = asyncio.run(middleware.process_response(request, response, None))
    assert returned is response
    assert take_parsed(response) is None
    assert middleware.stats.get_value("extract/worker_errors") == 1
    assert middleware.pool is not None  # one failed call does not stop the workers


def test_closing_reports_the_workers_cpu_and_memory() -> None:
    crawler = get_crawler(settings_dict={"EXTRACT_PROCESSES": 1})
    crawler.stats.open_spider()
    offload = ExtractionOffloadMiddleware.from_crawler(crawler)
    request, response = _exchange()
    for _ in range(20):  # enough parsing for the clock-tick CPU counters to move
        asyncio.run(offload.process_response(request, response, None))
        take_parsed(response)
    offload.close(None)
    assert crawler.stats.get_value("process/extract_workers") == 1
    assert crawler.stats.get_value("process/extract_workers_cpu_seconds") > 0
    assert crawler.stats.get_value("process/extract_workers_peak_rss_mb") > 0


def test_what_a_worker_runs_is_the_pure_parse_and_the_figures_tolerate_a_gone_process() -> None:
    # The functions a worker process runs, run here: coverage does not follow forkserver children.
    from crawler.parse import parse_page
    from crawler.runtime import offload

    offload._warm_up()
    case = next(c for c in page_cases("article") if c.path.parent.name == "chinacomcn")
    parsed = offload._parse(HtmlResponse, case.meta["url"], case.body, case.headers(), None)
    assert parsed == parse_page(case.meta["url"], case.body, case.headers())
    assert offload.take_parsed(HtmlResponse(url=case.meta["url"], body=case.body)) is None  # no request: nothing offloaded
    gone = 2**22 + 7  # above the kernel's pid_max default: no such process
    assert (offload._peak_rss_mb(gone), offload._cpu_seconds(gone)) == (0.0, 0.0)
    assert offload._peak_rss_mb(os.getpid()) > 0 and offload._cpu_seconds(os.getpid()) > 0
