"""Sources, update times, By-lines by page kind, names in capitals, pages merged: rules of how the
outlets print these, in several templates and variants."""

from __future__ import annotations

from dataclasses import replace

import pytest

from crawler.extraction.merge import merge_pages
from crawler.extraction.sources import named_sources
from tests.pages import CHINADAILY_URL, STORY_EN, STORY_ZH, UNKNOWN_URL, XINHUA_URL, chinadaily, parsed, roles, unknown, xinhua


@pytest.mark.parametrize(
    ("printed", "named"),
    [
        ("人民日报客户端 人民网", ["人民日报客户端", "人民网"]),
        ("央视新闻客户端、新华网", ["央视新闻客户端", "新华网"]),
        ("人民网－人民日报", ["人民网", "人民日报"]),
        ("光明网-《光明日报》", ["光明网", "《光明日报》"]),
        ("《求是》2025/11", ["《求是》2025/11"]),
        ("人民网-文化频道", ["人民网-文化频道"]),  # a channel of its outlet, not another outlet
        ("China Daily", ["China Daily"]),
        ("Xinhua News Agency", ["Xinhua News Agency"]),
        ("中国网·中国发展门户网", ["中国网·中国发展门户网"]),
        ("人民日报海外版 中国青年网", ["人民日报海外版", "中国青年网"]),
        ("", []),
    ],
)
def test_named_sources(printed: str, named: list[str]) -> None:
    assert named_sources(printed) == named


@pytest.mark.parametrize("template", ["xinhua", "unknown"])
def test_two_sources_run_together_are_kept_as_printed_and_separable(template: str) -> None:
    if template == "xinhua":
        item = parsed(XINHUA_URL, xinhua(STORY_ZH, source="人民日报客户端 人民网"))
    else:
        item = parsed(
            UNKNOWN_URL, unknown(STORY_ZH, "夏粮收购工作有序开展", info="2025-06-05 09:20　来源：人民日报客户端 人民网")
        )
    assert (item.source, item.sources) == ("人民日报客户端", ["人民日报客户端", "人民网"])


@pytest.mark.parametrize("meta", ['<meta name="source" content="来源：新华网">', '<meta name="ContentSource" content="新华网">'])
def test_the_generic_extractor_reads_a_declared_source(meta: str) -> None:
    item = parsed(UNKNOWN_URL, unknown(STORY_ZH, "夏粮收购工作有序开展", head=meta, info="2025-06-05 09:20"))
    assert (item.source, item.parser) == ("新华网", "generic")


def test_a_magazine_source_keeps_its_issue() -> None:
    item = parsed(
        UNKNOWN_URL, unknown(STORY_ZH, "以高质量发展推动粮食安全", info="来源：《求是》2025/11　作者：本刊评论员　2025-06-01")
    )
    assert (item.source, item.sources) == ("《求是》2025/11", ["《求是》2025/11"])
    assert item.published_at == "2025-06-01T00:00:00+08:00"


@pytest.mark.parametrize(
    ("info", "published", "updated", "warned"),
    [
        (
            "By Wang Xiaoyu | China Daily | Updated: 2025-06-05 09:08",
            "2025-06-05T09:08:00+08:00",
            "2025-06-05T09:08:00+08:00",
            True,
        ),
        ("By Wang Xiaoyu | China Daily | Published: 2025-06-05 09:08", "2025-06-05T09:08:00+08:00", None, False),
        (
            "By Wang Xiaoyu | China Daily | Published: 2025-06-05 09:08 | Updated: 2025-06-06 10:00",
            "2025-06-05T09:08:00+08:00",
            "2025-06-06T10:00:00+08:00",
            False,
        ),
    ],
)
def test_an_update_time_is_its_own_field(info: str, published: str, updated: str | None, warned: bool) -> None:
    item = parsed(CHINADAILY_URL, chinadaily(STORY_EN, info=info))
    assert (item.published_at, item.updated_at) == (published, updated)
    assert ("published_at: the page shows only when the story was updated" in item.warnings) == warned


def test_a_chinese_update_time_field() -> None:
    item = parsed(
        UNKNOWN_URL,
        unknown(STORY_ZH, "夏粮收购工作有序开展", info="发布时间：2025-06-05 09:20　更新时间：2025-06-05 18:02　来源：新华网"),
    )
    assert (item.published_at, item.updated_at) == ("2025-06-05T09:20:00+08:00", "2025-06-05T18:02:00+08:00")


@pytest.mark.parametrize(
    ("crumbs", "title", "url", "role"),
    [
        ("China", "Rural revitalization gets more support", CHINADAILY_URL, "reporter"),
        ("Opinion", "Rural revitalization gets more support", CHINADAILY_URL, "author"),
        ("Commentary", "Rural revitalization gets more support", CHINADAILY_URL, "author"),
        ("China", "Opinion: Rural revitalization needs patience", CHINADAILY_URL, "author"),
        (
            "China",
            "Rural revitalization gets more support",
            "https://www.chinadaily.com.cn/opinion/a/202506/05/WS6840a1b2a31082fc043c6af7.html",
            "author",
        ),
    ],
)
def test_by_lines_are_reporters_on_news_pages_and_authors_on_opinion_pages(crumbs: str, title: str, url: str, role: str) -> None:
    item = parsed(url, chinadaily(STORY_EN, title=title, crumbs=crumbs))
    assert roles(item)[:2] == [("Wang Xiaoyu", role), ("Li Lei", role)]


def test_a_by_line_in_the_body_follows_the_same_rule() -> None:
    body = "<p>By Zhang Wei and Li Yang</p>" + STORY_EN
    news = parsed(UNKNOWN_URL, unknown(body, "Rural revitalization gets more support", info="2025-06-05 09:08"))
    opinion = parsed(
        "https://www.example-daily.cn/opinion/2025-06/05/content_1234567.htm",
        unknown(body, "Rural revitalization gets more support", info="2025-06-05 09:08"),
    )
    assert roles(news) == [("Zhang Wei", "reporter"), ("Li Yang", "reporter")]
    assert roles(opinion) == [("Zhang Wei", "author"), ("Li Yang", "author")]


def test_a_credit_in_capitals_is_given_in_its_natural_case() -> None:
    body = (
        '<figure><img src="/a.jpg"><figcaption>Farmers harvest wheat in Henan. ZOU HONG/CHINA DAILY</figcaption></figure>'
        + STORY_EN
    )
    item = parsed(CHINADAILY_URL, chinadaily(body))
    assert item.photos[0].credit is not None
    assert item.photos[0].credit.names == ["Zou Hong"]
    assert item.photos[0].caption == "Farmers harvest wheat in Henan. ZOU HONG/CHINA DAILY"  # the caption as printed
    assert ("Zou Hong", "photographer") in roles(item)


@pytest.mark.parametrize("dateline", ["（记者 李安 通讯员 王晓明）", "（通讯员 王晓明 记者 李安）"])
def test_a_correspondent_is_not_a_reporter(dateline: str) -> None:
    body = STORY_ZH.replace("新华社北京6月5日电 ", f"新华社郑州6月5日电{dateline}", 1)
    item = parsed(XINHUA_URL, xinhua(body))
    assert ("李安", "reporter") in roles(item)
    assert ("王晓明", "correspondent") in roles(item)


def test_every_field_merges_across_pages() -> None:
    first = parsed(XINHUA_URL, xinhua(STORY_ZH))
    second = replace(
        first,
        url=XINHUA_URL + "?page=2",
        title={"zh": first.title["zh"], "en": "Summer grain purchase in order"},
        body={"en": ["BEIJING, June 5 (Xinhua) -- China's summer grain purchase is proceeding in an orderly manner."]},
        dateline={"en": "BEIJING, June 5 (Xinhua) --"},
        other_titles={"print": "Grain purchase in order"},
        author_notes=["The author is a researcher."],
        page_urls=[XINHUA_URL + "?page=2"],
        languages=["en"],
    )
    first = replace(first, source=None, sources=[], published_at=None, published_raw=None, published_precision=None)
    merged = merge_pages([first, second])
    assert merged.title == {"zh": first.title["zh"], "en": "Summer grain purchase in order"}
    assert merged.dateline["en"] == "BEIJING, June 5 (Xinhua) --"
    assert merged.body["en"] == second.body["en"]
    assert (merged.source, merged.sources) == (second.source, second.sources)
    assert merged.published_at == second.published_at
    assert merged.other_titles == {"print": "Grain purchase in order"}
    assert merged.author_notes == ["The author is a researcher."]
    assert merged.languages == [*first.languages, "en"]


@pytest.mark.parametrize("line", ["来源：新华网 关注新华网 微信 微博 Qzone", "来源：新华网 小 中 大", "来源：新华网关注"])
def test_a_source_line_run_into_page_buttons_keeps_only_the_source(line: str) -> None:
    item = parsed(UNKNOWN_URL, unknown(STORY_ZH, "夏粮收购工作有序开展", info=f"2025-06-05 09:20　{line}"))
    assert item.sources == ["新华网"]


def test_the_generic_extractor_reads_an_english_header_by_line() -> None:
    info = "By Wang Xiaoyu and Li Lei | China Daily | Updated: 2025-06-05 09:08"
    item = parsed(UNKNOWN_URL, unknown(STORY_EN, "Rural revitalization gets more support", info=info))
    assert (item.parser, roles(item)[:2]) == ("generic", [("Wang Xiaoyu", "reporter"), ("Li Lei", "reporter")])
