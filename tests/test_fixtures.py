"""Every fixture page parses to its reviewed expected JSON, field by field."""

from __future__ import annotations

import json

import pytest

from crawler.cli import result_document
from crawler.extract import parse_response
from crawler.merge import merge_pages
from crawler.serialize import to_jsonable
from crawler.sites.base import ArticleResult
from tests.conftest import FIXTURES, Case, describe, mismatches, page_cases

CASES = page_cases()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_page_matches_expected(case: Case) -> None:
    actual = result_document(parse_response(case.response()))
    expected = case.expected()
    assert actual["kind"] == case.meta["kind"], f"{case.id} is a {case.meta['kind']} page"
    diff = mismatches(expected, actual)
    assert not diff, describe(diff)


def test_every_kind_is_covered() -> None:
    kinds = {case.meta["kind"] for case in CASES}
    assert {"article", "list", "other"} <= kinds


def test_first_page_of_a_paginated_story_names_the_rest() -> None:
    result = parse_response(Case(FIXTURES / "chinacomcn/article_news_two_pages_p1").response())
    assert isinstance(result, ArticleResult)
    assert result.more_pages == ["http://news.china.com.cn/txt/2025-06/03/content_117905522_2.htm"]
    last = parse_response(Case(FIXTURES / "chinacomcn/article_news_two_pages_p2").response())
    assert isinstance(last, ArticleResult)
    assert last.more_pages == []  # page 2 links back to page 1 only


def test_two_pages_merge_into_one_story() -> None:
    pages = []
    for stem in ("article_news_two_pages_p1", "article_news_two_pages_p2"):
        result = parse_response(Case(FIXTURES / "chinacomcn" / stem).response())
        assert isinstance(result, ArticleResult)
        pages.append(result.item)
    actual = {"kind": "article", **to_jsonable(merge_pages(pages))}
    expected = json.loads((FIXTURES / "chinacomcn/article_news_two_pages.merged.expected.json").read_text(encoding="utf-8"))
    diff = mismatches(expected, actual)
    assert not diff, describe(diff)
    assert "下一页" not in json.dumps(actual, ensure_ascii=False)  # the pager is gone


def test_gateway_copy_and_original_are_one_story() -> None:
    original = parse_response(Case(FIXTURES / "chinacomcn/article_xitheory_seed").response())
    gateway = parse_response(Case(FIXTURES / "chinacomcn/article_xitheory_seed_big5gate").response())
    assert isinstance(original, ArticleResult)
    assert isinstance(gateway, ArticleResult)
    assert original.item.key == gateway.item.key
    assert original.item.canonical_url == gateway.item.canonical_url
    assert original.item.languages == ["zh-Hans", "en"]
    assert gateway.item.languages == ["zh-Hant", "en"]
    # The English half is the same text on both.
    assert original.item.body["en"] == gateway.item.body["en"]
