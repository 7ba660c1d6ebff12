"""Properties every parsed article must have, whatever the page."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime

import pytest

from crawler import sites
from crawler.extraction.bylines import body_credit_line
from crawler.extraction.results import ArticleResult
from crawler.items import ROLES, Article
from crawler.parse import parse_response
from tests.conftest import FIXTURES, Case, page_cases

ARTICLES = page_cases("article")


def parsed(case: Case) -> Article:
    result = parse_response(case.response())
    assert isinstance(result, ArticleResult), f"{case.id}: {result}"
    return result.item


def check_article(item: Article) -> None:
    paragraphs = [p for ps in item.body.values() for p in ps]
    assert paragraphs, "no body"
    for photo in item.photos:
        if photo.caption:
            assert all(photo.caption not in p and p not in photo.caption for p in paragraphs), f"caption in body: {photo.caption}"
    for paragraph in paragraphs:
        assert body_credit_line(paragraph, None) is None, f"byline line in body: {paragraph}"
    assert "\ufffd" not in json.dumps(item.__dict__, default=lambda o: o.__dict__, ensure_ascii=False)
    if item.published_at:
        assert datetime.fromisoformat(item.published_at).utcoffset() is not None
    assert {b.role for b in item.bylines} <= set(ROLES)
    site = sites.get(item.site)
    identity = f"story:{site.story_id(item.url)}" if site.story_id(item.url) else item.canonical_url
    assert item.key == hashlib.sha1(identity.encode()).hexdigest() == site.key_for(item.url)
    assert set(item.title) | set(item.body) <= {"zh", "en"}
    for title in item.title.values():
        assert title not in paragraphs, "title repeated in the body"
    credited = {n for p in item.photos if p.credit for n in p.credit.names}
    photographers = {b.name for b in item.bylines if b.role == "photographer"}
    assert credited == photographers


@pytest.mark.parametrize("case", ARTICLES, ids=lambda c: c.id)
def test_article_invariants(case: Case) -> None:
    check_article(parsed(case))


@pytest.mark.parametrize("case", ARTICLES, ids=lambda c: c.id)
def test_time_is_never_a_silent_midnight(case: Case) -> None:
    item = parsed(case)
    assert item.published_at is not None
    assert item.published_precision in ("second", "minute")
    # The raw time is printed text: it is on the page once tags and spaces are ignored (Xinhua
    # prints year, month and day in separate elements, which the parser joins with spaces).
    assert item.published_raw
    # A time read from <meta> is in the markup itself.
    html = case.response().text
    text = re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))
    assert item.published_raw in html or re.sub(r"\s+", "", item.published_raw) in text


def test_invariant_checker_catches_a_caption_left_in_the_body() -> None:
    item = parsed(Case(FIXTURES / "chinacomcn/article_xitheory_seed"))
    broken = Article(**{**item.__dict__, "body": {"zh": [*item.body.get("zh", []), item.photos[0].caption or ""]}})
    with pytest.raises(AssertionError, match="caption in body"):
        check_article(broken)
