"""Every fixture page parses to its reviewed expected JSON, field by field."""

from __future__ import annotations

import dataclasses
import json

import pytest

from crawler.extraction.merge import merge_pages
from crawler.extraction.results import ArticleResult
from crawler.items import to_jsonable
from crawler.ops.cli import result_document
from crawler.parse import parse_response
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
    actual = result_document(ArticleResult(item=merge_pages(pages)))
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


GATEWAY_COPIES = [case for case in page_cases("article") if case.path.name.endswith("_big5gate")]


@pytest.mark.parametrize("case", GATEWAY_COPIES, ids=lambda c: c.id)
def test_every_gateway_copy_is_the_same_story_as_its_original(case: Case) -> None:
    original = parse_response(Case(case.path.with_name(case.path.name.removesuffix("_big5gate"))).response())
    gateway = parse_response(case.response())
    assert isinstance(original, ArticleResult)
    assert isinstance(gateway, ArticleResult)
    assert gateway.item.key == original.item.key
    assert gateway.item.published_at == original.item.published_at
    assert [(b.role, len(b.name)) for b in gateway.item.bylines] == [(b.role, len(b.name)) for b in original.item.bylines]
    assert [len(p) for p in gateway.item.body.get("zh", [])] == [len(p) for p in original.item.body.get("zh", [])]


def test_big5_bytes_under_a_utf8_label_are_not_taken_for_gb18030() -> None:
    # gb18030 decodes Big5 bytes without an error, into private-use garbage; the repair must
    # still pick Big5.
    case = Case(FIXTURES / "chinacomcn/article_news_2022_template_big5gate")
    assert b'charset="UTF-8"' in case.body or b"charset=UTF-8" in case.body
    result = parse_response(case.response())
    assert isinstance(result, ArticleResult)
    assert result.item.title["zh"] == "我國夏糧收穫進度過七成"
    assert "decoding: bytes are not utf-8 as declared; decoded as big5hkscs" in result.item.warnings
    text = json.dumps(to_jsonable(result.item), ensure_ascii=False)
    assert not any("\ue000" <= ch <= "\uf8ff" for ch in text)


@pytest.mark.parametrize("case", [c for c in CASES if c.meta["kind"] == "article"], ids=lambda c: c.id)
def test_items_become_plain_dicts_that_share_nothing_with_the_item(case: Case) -> None:
    result = parse_response(case.response())
    assert isinstance(result, ArticleResult)
    plain = to_jsonable(result.item)
    assert plain == dataclasses.asdict(result.item)
    # The store and the journal keep these dicts: changing one must not change the item.
    for paragraphs in plain["body"].values():
        paragraphs.append("added")
    for photo in plain["photos"]:
        photo["caption"] = "changed"
    assert plain != dataclasses.asdict(result.item)
    assert all("added" not in paragraphs for paragraphs in result.item.body.values())
    assert all(photo.caption != "changed" for photo in result.item.photos)
