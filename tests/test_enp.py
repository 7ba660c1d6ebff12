"""Rules of the ENP CMS shared by China.com.cn and Guangming Daily (crawler/extraction/enp.py).

Variants of the gmw 2024 fixture: the CMS record's date beside the page's printed time.
"""

from __future__ import annotations

import pytest

from crawler.extraction.results import ArticleResult
from crawler.parse import build_response, parse_response
from tests.conftest import FIXTURES, Case

CASE = Case(FIXTURES / "gmw/article_politics_2024")
RECORD_DATE = "<date>2025-06-12 06:15:40.0</date>"
PRINTED_TIME = '<span class="m-con-time">2025-06-12 06:15</span>'


def parsed(html: str) -> ArticleResult:
    result = parse_response(build_response(CASE.meta["url"], html.encode("utf-8"), CASE.headers()))
    assert isinstance(result, ArticleResult)
    return result


def page() -> str:
    html = CASE.body.decode("utf-8")
    assert RECORD_DATE in html and PRINTED_TIME in html
    return html


@pytest.mark.parametrize(
    "record",
    [
        "<date>2025-06-12 06:15:40.0</date>",  # the same minute, with seconds the page does not show
        "<date>2025-06-11 22:03:09.0</date>",  # the record was created the evening before
    ],
)
def test_the_printed_time_wins_over_the_record(record: str) -> None:
    item = parsed(page().replace(RECORD_DATE, record)).item
    assert (item.published_at, item.published_raw) == ("2025-06-12T06:15:00+08:00", "2025-06-12 06:15")
    assert item.published_precision == "minute"
    assert item.warnings == []


def test_a_page_without_a_printed_time_takes_the_records_date_and_says_so() -> None:
    result = parsed(page().replace(PRINTED_TIME, ""))
    assert result.item.published_at == "2025-06-12T06:15:40+08:00"
    assert any("taken from the CMS property" in w for w in result.item.warnings)


def test_the_page_is_read_without_a_record() -> None:
    html = page()
    start = html.index("<!--enpproperty")
    end = html.index("/enpproperty-->") + len("/enpproperty-->")
    item = parsed(html[:start] + html[end:]).item
    assert (item.published_at, item.published_precision) == ("2025-06-12T06:15:00+08:00", "minute")
    assert item.title == {"zh": "全国夏粮收购工作有序开展"}
