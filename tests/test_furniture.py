"""Lines in a body that are not the story (crawler/extraction/furniture.py), in several templates and
both languages: dropped, or kept apart as other titles and notes about the writers."""

from __future__ import annotations

import re

import pytest

from tests.pages import (
    CHINADAILY_URL,
    STORY_EN,
    STORY_ZH,
    UNKNOWN_URL,
    XINHUA_URL,
    chinadaily,
    parsed,
    roles,
    unknown,
    xinhua,
)

ZH_FURNITURE = [
    "《人民日报》（2025年06月05日 02版）",
    "《 人民日报海外版 》（ 2025年06月05日   第 03 版）",
    "[1] [2] [3] [4]",
    "【1】【2】【3】",
    "下载新华社客户端，看更多新闻",
    "扫描二维码，关注新华网微信公众号",
    "长按识别二维码下载客户端",
    "欢迎关注“新华视点”微信公众号",
    "更多精彩内容，请关注人民日报客户端",
    "延伸阅读：",
    "相关新闻：夏粮收购价格稳中有升",
    "免责声明：本文仅代表作者个人观点，与本网无关。",
    "本文仅代表作者观点",
    "审图号：GS(2025)1234号",
    "0 50 100 km",
    "0 200 400公里",
    "图片均来自网络",
    "+1",
    "图集",
    "首页 >> 时政 >> 正文",
    "图片来源网络。",
]
EN_FURNITURE = [
    "Subscribe to our newsletter for the latest updates on China.",
    "Sign up for the Global Times newsletter and get daily updates",
    "Download the China Daily app for more stories.",
    "Get the CGTN app on your phone",
    "Follow us on Twitter @XHNews",
    "Follow CGTN on Facebook for more.",
    "Read more: China's exports grow in May",
    "See also: Summer harvest in full swing",
    "Related stories:",
    "The views don't necessarily reflect those of China Daily.",
    "The opinions expressed here are those of the writer and do not necessarily represent the views of CGTN.",
    "This article reflects the author's opinions, and not necessarily the views of the Global Times.",
    "If you would like to contribute and have specific expertise, please contact us at opinion@chinadaily.com.cn.",
    "Map approval No.: GS(2025)1234",
    "Home>>China>>Society",
]


@pytest.mark.parametrize("line", ZH_FURNITURE)
@pytest.mark.parametrize("template", ["xinhua", "unknown"])
def test_chinese_furniture_is_not_text(line: str, template: str) -> None:
    body = STORY_ZH + f"<p>{line}</p>" + "<p>（完）</p>"
    item = (
        parsed(XINHUA_URL, xinhua(body)) if template == "xinhua" else parsed(UNKNOWN_URL, unknown(body, "夏粮收购工作有序开展"))
    )
    assert item.body["zh"][-1].startswith("下一步，相关部门将继续做好收购资金保障"), item.body
    assert len(item.body["zh"]) == 3


@pytest.mark.parametrize("line", EN_FURNITURE)
@pytest.mark.parametrize("template", ["chinadaily", "unknown"])
def test_english_furniture_is_not_text(line: str, template: str) -> None:
    body = STORY_EN + f"<p>{line}</p>"
    if template == "chinadaily":
        item = parsed(CHINADAILY_URL, chinadaily(body))
    else:
        item = parsed(
            UNKNOWN_URL, unknown(body, "Rural revitalization gets more support", info="2025-06-05 09:08 Source: Xinhua")
        )
    assert item.body["en"][-1] == "Local governments are asked to report their progress every quarter, the ministry said."
    assert len(item.body["en"]) == 3


@pytest.mark.parametrize(
    ("line", "kind", "title"),
    [
        ("原标题：他晚于阿姆斯特朗登月 却是首个敢在月球喝酒的人", "original", "他晚于阿姆斯特朗登月 却是首个敢在月球喝酒的人"),
        ("【原标题】夏粮收购进入高峰", "original", None),  # no colon: not recognised as a title line
        ("原題：夏糧收購進入高峰", "original", "夏糧收購進入高峰"),
    ],
)
def test_an_original_title_line_is_kept_apart(line: str, kind: str, title: str | None) -> None:
    item = parsed(XINHUA_URL, xinhua(STORY_ZH + f"<p>{line}</p>"))
    if title is None:
        assert item.other_titles == {}
        return
    assert item.other_titles == {kind: title}
    assert all(line not in p for p in item.body["zh"])


def test_a_newspaper_headline_line_is_the_print_title() -> None:
    item = parsed(CHINADAILY_URL, chinadaily(STORY_EN + "<p>Newspaper headline: Rural push gets funds</p>"))
    assert item.other_titles == {"print": "Rural push gets funds"}
    assert len(item.body["en"]) == 3


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("（作者：李明 北京大学国家发展研究院教授）", [("李明", "author")]),
        ("(作者系中国社会科学院世界经济与政治研究所研究员)", []),
        ("（作者为中央党校（国家行政学院）教授）", []),
        ("作者：王敏，中国人民大学新闻学院副教授", [("王敏", "author")]),
        ("(作者：方敏北京大学经济学院教授)", [("方敏", "author")]),
        ("（作者：欧阳振华 清华大学教授、李明 复旦大学教授）", [("欧阳振华", "author")]),
    ],
)
def test_an_affiliation_line_names_the_author_and_is_kept_apart(line: str, authors: list[tuple[str, str]]) -> None:
    item = parsed(
        UNKNOWN_URL, unknown(STORY_ZH + f"<p>{line}</p>", "以高质量发展推动粮食安全", info="2025-06-05　来源：光明日报")
    )
    assert item.author_notes == [line]
    assert [r for r in roles(item) if r[1] == "author"] == authors
    assert len(item.body["zh"]) == 3


@pytest.mark.parametrize(
    ("tagline", "author"),
    [
        ("Zhang Wei is a writer based in Beijing.", [("Zhang Wei", "author")]),
        ("Li Yang is a senior fellow at the Center for China and Globalization.", [("Li Yang", "author")]),
        ("The author is a professor at the School of International Studies, Peking University.", []),
    ],
)
def test_an_opinion_pieces_closing_tagline_names_its_writer(tagline: str, author: list[tuple[str, str]]) -> None:
    page = chinadaily(
        STORY_EN + f"<p>{tagline}</p>", info="By Zhang Wei | China Daily | Published: 2025-06-05 09:08", crumbs="Opinion"
    )
    item = parsed(CHINADAILY_URL, page)
    assert item.author_notes == [tagline]
    assert len(item.body["en"]) == 3
    assert ("Zhang Wei", "author") in roles(item)
    for name_role in author:
        assert name_role in roles(item)


def test_a_news_story_ending_on_a_person_stays_whole() -> None:
    line = "Li Qiang is the premier of the State Council, the country's cabinet."  # no job word of a writer's
    item = parsed(CHINADAILY_URL, chinadaily(STORY_EN + f"<p>{line}</p>"))
    assert item.body["en"][-1] == line
    assert item.author_notes == []


@pytest.mark.parametrize("label", ["资料图", "资料图片", "视频截图", "图片来源：视觉中国", "File photo"])
def test_an_image_label_captions_its_image_or_is_dropped(label: str) -> None:
    with_image = STORY_ZH.replace("</p><p>据介绍", f'</p><p><img src="/a.jpg"></p><p>{label}</p><p>据介绍', 1)
    item = parsed(XINHUA_URL, xinhua(with_image))
    assert [(p.url, p.caption) for p in item.photos] == [("https://www.news.cn/a.jpg", label)]
    alone = parsed(XINHUA_URL, xinhua(STORY_ZH + f"<p>{label}</p>"))
    assert len(alone.body["zh"]) == 3 and alone.photos == []


def test_a_bare_author_credit_is_a_byline_not_a_note() -> None:
    item = parsed(UNKNOWN_URL, unknown(STORY_ZH + "<p>作者：王敏 刘坤</p>", "夏粮收购工作有序开展"))
    assert item.author_notes == []
    assert [r for r in roles(item) if r[1] == "author"] == [("王敏", "author"), ("刘坤", "author")]


def _layout_boilerplates() -> list[tuple[re.Pattern[str], ...]]:
    from crawler.extraction.layout import ArticleLayout

    found: list[tuple[re.Pattern[str], ...]] = [()]
    pending = list(ArticleLayout.__subclasses__())
    while pending:
        layout = pending.pop()
        pending.extend(layout.__subclasses__())
        found.append(tuple(layout.boilerplate))
    return list(dict.fromkeys(found))


def test_the_joined_boilerplate_match_agrees_with_each_pattern_on_its_own() -> None:
    """Boilerplate patterns are tried as one alternation anchored at the start: on furniture, on
    story lines, on lines that merely contain furniture, it says what the patterns say one by one."""
    import crawler.sites  # noqa: F401 -- every outlet's layouts, with their own patterns
    from crawler.extraction.assemble import _is_boilerplate
    from crawler.extraction.furniture import SHARED_BOILERPLATE

    lines = [*ZH_FURNITURE, *EN_FURNITURE, STORY_ZH, STORY_EN, "【1】【2】", "Global Times", "打印", "【关闭窗口】"]
    lines += [f"正文{line}" for line in ZH_FURNITURE] + [f"The story. {line}" for line in EN_FURNITURE]
    lines += [line.upper() for line in EN_FURNITURE] + [line.lower() for line in EN_FURNITURE]
    layouts = _layout_boilerplates()
    assert len(layouts) > 3
    for extra in layouts:
        patterns = (*SHARED_BOILERPLATE, *extra)
        for line in lines:
            assert _is_boilerplate(line, extra) == any(p.search(line) for p in patterns), (line, extra)
    assert sum(_is_boilerplate(line, ()) for line in lines) >= len(ZH_FURNITURE) // 2
