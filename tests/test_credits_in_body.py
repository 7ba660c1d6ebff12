"""Reporters named at the top of the body, and captions printed in the text: bylines and photos,
not paragraphs (several templates, both languages, with and without images)."""

from __future__ import annotations

import pytest

from tests.pages import CHINADAILY_URL, STORY_EN, STORY_ZH, UNKNOWN_URL, XINHUA_URL, chinadaily, parsed, roles, unknown, xinhua


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("新华网江苏频道记者 张三 李四", [("张三", "reporter"), ("李四", "reporter")]),
        ("本报记者 王敏 刘坤", [("王敏", "reporter"), ("刘坤", "reporter")]),
        ("本报记者 王敏 刘 坤 本报通讯员 赵刚", [("王敏", "reporter"), ("刘坤", "reporter"), ("赵刚", "correspondent")]),
        ("□本报记者 王敏", [("王敏", "reporter")]),
        ("■ 本报记者 王敏 通讯员 赵刚", [("王敏", "reporter"), ("赵刚", "correspondent")]),
        ("文/本报记者 王敏", [("王敏", "reporter")]),
        ("文/王敏 图/刘坤", [("王敏", "author"), ("刘坤", "photographer")]),
        ("中青报·中青网记者 王敏", [("王敏", "reporter")]),
        ("记者：王敏 刘坤", [("王敏", "reporter"), ("刘坤", "reporter")]),
    ],
)
@pytest.mark.parametrize("template", ["xinhua", "unknown"])
def test_a_reporter_line_opening_the_body_gives_bylines(line: str, expected: list[tuple[str, str]], template: str) -> None:
    body = f"<p>{line}</p>" + STORY_ZH
    item = (
        parsed(XINHUA_URL, xinhua(body)) if template == "xinhua" else parsed(UNKNOWN_URL, unknown(body, "夏粮收购工作有序开展"))
    )
    assert item.body["zh"][0].startswith("新华社北京6月5日电"), item.body["zh"][0]
    for name_role in expected:
        assert name_role in roles(item)
    if template == "xinhua":
        assert ("王宁", "editor") in roles(item)  # the editor line and the reporters, both


@pytest.mark.parametrize(
    "caption",
    [
        "This photo taken on June 4, 2025 shows a combine harvester at work in a wheat field in Zhengzhou, Henan. (Photo by Li An/Xinhua)",
        "Farmers harvest wheat in Zhengzhou, central China's Henan Province, June 4, 2025. (Xinhua/Li An)",
        "A combine harvester works in a field in Zhengzhou on June 4, 2025. [Photo/Xinhua]",
        "A combine harvester works in a field in Zhengzhou on June 4, 2025. [Photo by Li An/For China Daily]",
    ],
)
@pytest.mark.parametrize("image", [True, False])
def test_an_english_caption_in_the_text_becomes_a_photo(caption: str, image: bool) -> None:
    picture = '<p><img src="/a.jpg"></p>' if image else ""
    body = STORY_EN.replace("</p>", f"</p>{picture}<p>{caption}</p>", 1)
    item = parsed(CHINADAILY_URL, chinadaily(body))
    assert caption not in item.body["en"]
    assert len(item.body["en"]) == 3
    assert [p.caption for p in item.photos] == [caption]
    assert item.photos[0].credit is not None
    assert (item.photos[0].url is not None) == image


@pytest.mark.parametrize(
    "markup",
    [
        '<p style="text-align:center"><img src="/a.jpg"></p><p class="picture">6月4日，河南郑州，收割机在麦田里作业。新华社记者 李安 摄</p>',
        '<p align="center"><img src="/a.jpg"></p><p align="center">6月4日，河南郑州，收割机在麦田里作业。新华社记者 李安 摄</p>',
        '<div class="img"><img src="/a.jpg"></div><p style="text-align: center;">6月4日，河南郑州，收割机在麦田里作业。（新华社记者 李安 摄）</p>',
    ],
)
def test_a_chinese_caption_under_an_image(markup: str) -> None:
    body = STORY_ZH.replace("</p>", "</p>" + markup, 1)
    item = parsed(UNKNOWN_URL, unknown(body, "夏粮收购工作有序开展"))
    assert len(item.body["zh"]) == 3
    assert [p.url for p in item.photos] == ["https://www.example-daily.cn/a.jpg"]
    assert item.photos[0].credit is not None and item.photos[0].credit.names == ["李安"]
    assert ("李安", "photographer") in roles(item)


def test_text_read_in_c_is_the_text_element_text_reads() -> None:
    """The generic extractor reads the elements after a body (where editor lines are) in C, and
    lets the long ones go unread; on every element of every fixture page, and of a page with
    scripts, forms, comments and tails in awkward places, that is exactly what element_text reads,
    and "long" is never wrong."""
    from crawler.extraction.blocks import element_text, short_element_text
    from crawler.parse import build_response
    from tests.conftest import FIXTURES

    pages = [path.read_bytes() for path in sorted(FIXTURES.glob("*/*.html"))]
    pages.append(
        "<html><body><div id='a'> 责任编辑：<span>王敏</span><!-- 注 -->尾<script>var x='脚本';</script>文"
        "<form><input value='表'/>表单</form><p>段<b>粗</b>落</p>\n\t 末 </div><style>p{}</style></body></html>".encode()
    )
    checked = surely_long = 0
    for body in pages:
        root = build_response(UNKNOWN_URL, body, {"Content-Type": "text/html; charset=utf-8"}).selector.root
        for node in root.iter():
            if isinstance(node.tag, str):
                full = element_text(node, " ")
                assert short_element_text(node, 10**9) == full, (node.tag, node.get("id"), node.get("class"))
                short = short_element_text(node, 60)
                assert short == full if short is not None else len(full) > 60, (node.tag, node.get("id"), full)
                checked += 1
                surely_long += short is None
    assert checked > 2000
    assert surely_long > 100  # containers are told long without being read
