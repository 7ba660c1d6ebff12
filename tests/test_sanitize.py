"""No U+FFFD and no lone surrogate in any field of a finished item: each becomes 〓, counted once."""

from __future__ import annotations

import json

import pytest

from crawler.extraction.results import ArticleResult
from crawler.extraction.sanitize import LOST, sanitize_article
from crawler.items import Article, Byline, Credit, Photo, to_jsonable
from crawler.parse import parse_page

DAMAGED = "\ufffd"
SURROGATE = "\ud800"


def damaged_article() -> Article:
    return Article(
        url="http://www.news.cn/20250605/abc/c.html",
        canonical_url="https://news.cn/20250605/abc/c.html",
        key="k",
        site="xinhua",
        section=[f"时{DAMAGED}"],
        title={"zh": f"会{DAMAGED}见", "en": f"Xi {SURROGATE}meets"},
        body={"zh": [f"第一{DAMAGED}段"], "en": [f"First {DAMAGED}"]},
        photos=[
            Photo(
                url="http://www.news.cn/a.jpg",
                caption=f"(Xinhua/Huang Jing{DAMAGED}wen)",
                credit=Credit(names=[f"Huang Jing{DAMAGED}wen"], org=f"Xin{DAMAGED}hua"),
            ),
            Photo(url="http://www.news.cn/b.jpg", caption=""),
        ],
        bylines=[Byline(name=f"曹川{DAMAGED}", role="editor", lang="zh")],
        source=f"新华{DAMAGED}网",
        dateline={"zh": f"新华社北京6月4日{DAMAGED}电"},
        published_raw=f"2025-06-05 09:19{DAMAGED}",
    )


def test_every_text_field_is_marked_and_counted_once() -> None:
    item = damaged_article()
    assert sanitize_article(item) == 12
    assert item.section == [f"时{LOST}"]
    assert item.title == {"zh": f"会{LOST}见", "en": f"Xi {LOST}meets"}
    assert item.body == {"zh": [f"第一{LOST}段"], "en": [f"First {LOST}"]}
    assert item.photos[0].caption == f"(Xinhua/Huang Jing{LOST}wen)"
    assert item.photos[0].credit == Credit(names=[f"Huang Jing{LOST}wen"], org=f"Xin{LOST}hua")
    assert item.bylines[0].name == f"曹川{LOST}"
    assert (item.source, item.dateline["zh"], item.published_raw) == (
        f"新华{LOST}网",
        f"新华社北京6月4日{LOST}电",
        f"2025-06-05 09:19{LOST}",
    )
    assert item.warnings == [f"decoding: 12 character(s) lost in the page's own text, shown as {LOST}"]
    text = json.dumps(to_jsonable(item), ensure_ascii=False)
    assert DAMAGED not in text and SURROGATE not in text
    text.encode("utf-8")  # a lone surrogate would raise here (the journal writes UTF-8)


def test_a_photo_printed_without_a_caption_has_none_never_an_empty_string() -> None:
    item = damaged_article()
    sanitize_article(item)
    assert item.photos[1].caption is None


def test_a_clean_item_is_left_as_it_is() -> None:
    item = damaged_article()
    sanitize_article(item)
    before = to_jsonable(item)
    assert sanitize_article(item) == 0
    assert to_jsonable(item) == before


PAGE = """<html><head><meta charset="utf-8"><title>Xi meets Belarusian president</title></head><body>
<h1>Xi meets Belarusian president</h1><div class="info">2025-06-05 09:19:14 Source: Xinhua</div>
<div id="detail"><p>BEIJING, June 4 (Xinhua) -- Chinese President Xi Jinping met with Belarusian President Alexander
Lukashenko in Beijing on Wednesday, and the two sides pledged to deepen their all-round cooperation.</p>
<p><img src="/photo.jpg"></p><p>Xi Jinping meets Alexander Lukashenko in Beijing. (Xinhua/Huang Jing{damaged}wen)</p>
<p>Both sides agreed to work together on trade, industry and people-to-people exchanges in the years ahead.</p>
</div></body></html>"""


@pytest.mark.parametrize(
    "url", ["https://english.news.cn/20250604/0a1b2c3d4e5f60718293a4b5c6d7e8f9/c.html", "https://example.org/2025/06/04/a.html"]
)
def test_a_credit_with_a_lost_character_comes_out_marked(url: str) -> None:
    # The replacement character is in the page itself (lost upstream), as UTF-8 bytes.
    result = parse_page(url, PAGE.format(damaged=DAMAGED).encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"})
    assert isinstance(result, ArticleResult)
    (photo,) = result.item.photos
    assert photo.credit is not None and photo.credit.names == [f"Huang Jing{LOST}wen"]
    assert DAMAGED not in json.dumps(to_jsonable(result.item), ensure_ascii=False)
    assert [b.name for b in result.item.bylines if b.role == "photographer"] == [f"Huang Jing{LOST}wen"]
    # Three texts hold it: the caption, the credit's name, the photographer's byline.
    assert f"decoding: 3 character(s) lost in the page's own text, shown as {LOST}" in result.item.warnings
