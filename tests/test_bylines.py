from __future__ import annotations

import pytest

from crawler.extraction.bylines import (
    body_credit_line,
    bylines_in,
    closing_credits,
    dateline_bylines,
    dedupe,
    find_dateline,
    parse_fields,
    split_names,
)


def roles(bylines: list) -> list[tuple[str, str]]:
    return [(b.name, b.role) for b in bylines]


def test_seed_info_line() -> None:
    fields = parse_fields("發佈時間:2025-06-05 09:19:14 | 來源:新華網 | 作者: | 責任編輯:曹川川")
    assert [(f.kind, f.value) for f in fields] == [
        ("time", "2025-06-05 09:19:14"),
        ("source", "新華網"),
        ("author", ""),  # an empty author field is kept: it says there is no author
        ("editor", "曹川川"),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "发布时间：2019-06-13 09:27:50 丨 来源：北京日报 丨 责任编辑：杨海乾",
            [("time", "2019-06-13 09:27:50"), ("source", "北京日报"), ("editor", "杨海乾")],
        ),
        ("[作者: 刘满仓 责任编辑: 杨丹宇 ]", [("author", "刘满仓"), ("editor", "杨丹宇")]),
        (
            "来源：中国军网-解放军报 作者：王永文 责任编辑：孙泽 发布：2026-05-10 06:30:46",
            [("source", "中国军网-解放军报"), ("author", "王永文"), ("editor", "孙泽"), ("time", "2026-05-10 06:30:46")],
        ),
        ("Source: Xinhua | Editor: huaxia", [("source", "Xinhua"), ("editor", "huaxia")]),
    ],
)
def test_info_lines(line: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.kind, f.value) for f in parse_fields(line)] == expected


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("叶尔肯,高阳", ["叶尔肯", "高阳"]),
        ("王乐文 方 敏", ["王乐文", "方敏"]),  # two-character names padded to three
        ("Zhang Kaiwei, Hongyu", ["Zhang Kaiwei", "Hongyu"]),
        ("Wang Xiaoyu and Li Bo", ["Wang Xiaoyu", "Li Bo"]),
        ("张三等", ["张三"]),
        ("琚 振华", ["琚振华"]),  # a surname set apart from its given name
        ("方 敏 琚 振华", ["方敏", "琚振华"]),
        ("琚 振华 王乐文", ["琚振华", "王乐文"]),
        ("李 王乐文", ["李", "王乐文"]),  # four characters would not be one name: kept as printed
    ],
)
def test_split_names(value: str, names: list[str]) -> None:
    assert split_names(value) == names


def test_reporter_prefix_wins_over_the_field_role() -> None:
    assert roles(bylines_in("中国网记者 张三", "author", "zh")) == [("张三", "reporter")]
    assert roles(bylines_in("记者 孙金诚、通讯员 王 静", "author", "zh")) == [("孙金诚", "reporter"), ("王静", "correspondent")]
    assert roles(bylines_in("叶尔肯,高阳", "author", "zh")) == [("叶尔肯", "author"), ("高阳", "author")]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("【责任编辑：刘峻凌】", [("刘峻凌", "editor")]),
        ("（责编：牛镛、岳弘彬）", [("牛镛", "editor"), ("岳弘彬", "editor")]),
        ("(Web editor: Zhang Kaiwei, Hongyu)", [("Zhang Kaiwei", "editor"), ("Hongyu", "editor")]),
        ("（记者 张三 李四）", [("张三", "reporter"), ("李四", "reporter")]),
        ("本报记者 王乐文 方 敏", [("王乐文", "reporter"), ("方敏", "reporter")]),
        ("翻译：李四", [("李四", "translator")]),
        ("本报评论员：王五", [("王五", "commentator")]),
    ],
)
def test_body_credit_lines(line: str, expected: list[tuple[str, str]]) -> None:
    found = body_credit_line(line, "zh")
    assert found is not None
    assert roles(found) == expected


@pytest.mark.parametrize(
    "line",
    [
        "记者了解到，今年夏粮丰收。",
        "习近平指出，中国和白俄罗斯是真朋友、好伙伴。",
        "来源：新华社",
        "记者：您如何看待新时代的中国？",  # an interview question, not a credit
        "编辑：这本书出版以来受到读者欢迎",
    ],
)
def test_text_is_not_a_credit_line(line: str) -> None:
    assert body_credit_line(line, "zh") is None


def test_dateline_reporters() -> None:
    assert roles(dateline_bylines("新华社北京6月4日电（记者 于文静、黄垚）记者从农业农村部获悉", "zh")) == [
        ("于文静", "reporter"),
        ("黄垚", "reporter"),
    ]
    assert dateline_bylines("中国网5月13日讯 据呼和浩特市人民政府网站消息", "zh") == []


@pytest.mark.parametrize(
    ("paragraph", "dateline"),
    [
        ("新华社北京6月4日电（记者 甲、乙）国家主席习近平4日会见……", "新华社北京6月4日电（记者 甲、乙）"),
        ("中新网6月3日电 (记者 李金磊)端午假期，全国消费市场活跃。", "中新网6月3日电 (记者 李金磊)"),
        ("本报讯（记者 张三）昨天……", "本报讯（记者 张三）"),
        ("BEIJING, June 4 (Xinhua) -- Chinese President Xi Jinping met ...", "BEIJING, June 4 (Xinhua) --"),
        ("UNITED NATIONS, (Xinhua) - The Security Council ...", "UNITED NATIONS, (Xinhua) -"),
        ("BEIJING, Feb. 18 -- Premier Li Qiang chaired ...", "BEIJING, Feb. 18 --"),
    ],
)
def test_datelines(paragraph: str, dateline: str) -> None:
    assert find_dateline(paragraph) == dateline


@pytest.mark.parametrize(
    "paragraph",
    [
        "记者近日从农业农村部获悉，全国夏粮收获进度已过七成。",
        "China will step up support for rural revitalization this year, officials said on Wednesday.",
        "NEW YORK, a city of eight million, woke up to rain.",
    ],
)
def test_no_dateline(paragraph: str) -> None:
    assert find_dateline(paragraph) is None


def test_collective_commentator_pen_name_is_a_commentator_even_under_author() -> None:
    fields = parse_fields("来源：求是网　作者：求是网评论员")
    authors = [f for f in fields if f.kind != "source"]
    assert authors
    assert roles(bylines_in(authors[0].value, "author", "zh")) == [("求是网评论员", "commentator")]
    assert roles(bylines_in("王五", "author", "zh")) == [("王五", "author")]


def test_a_plain_author_adds_nothing_beside_the_same_persons_precise_role() -> None:
    bylines = bylines_in("张泉", "author", "zh") + dateline_bylines("新华社海南文昌4月20日电（记者 张 泉）", "zh")
    assert [(b.name, b.role) for b in dedupe(bylines)] == [("张泉", "reporter")]


def test_an_author_who_is_nobody_elses_reporter_stays() -> None:
    bylines = bylines_in("宋雅娟", "author", "zh") + dateline_bylines("新华社北京4月20日电（记者 张泉）", "zh")
    assert [(b.name, b.role) for b in dedupe(bylines)] == [("宋雅娟", "author"), ("张泉", "reporter")]


@pytest.mark.parametrize(
    ("last_paragraph", "kept", "expected"),
    [
        (
            "推动建设开放型世界经济，实现“多赢”“共赢”。（钟才文）",
            "推动建设开放型世界经济，实现“多赢”“共赢”。",
            [("钟才文", "author")],
        ),
        (
            "推動建設開放型世界經濟，實現「多贏」「共贏」。（鍾才文）",
            "推動建設開放型世界經濟，實現「多贏」「共贏」。",
            [("鍾才文", "author")],
        ),
        (
            "各国应当携手合作，共同应对气候变化带来的严峻挑战。（欧阳振华、李明）",
            "各国应当携手合作，共同应对气候变化带来的严峻挑战。",
            [("欧阳振华", "author"), ("李明", "author")],
        ),
        (
            "这次任务的成功，标志着任务取得圆满成功。（记者 张泉）",
            "这次任务的成功，标志着任务取得圆满成功。",
            [("张泉", "reporter")],
        ),
        (
            "这次任务的成功，标志着任务取得圆满成功。（记者宋晨、田中全）（完）",
            "这次任务的成功，标志着任务取得圆满成功。",
            [("宋晨", "reporter"), ("田中全", "reporter")],
        ),
        (
            "县里的干部群众正在抢收小麦。（记者 李安 通讯员 王晓明）",
            "县里的干部群众正在抢收小麦。",
            [("李安", "reporter"), ("王晓明", "correspondent")],
        ),
        ("武汉，英雄的城！（评论员 罗博 萧海川）", "武汉，英雄的城！", [("罗博", "commentator"), ("萧海川", "commentator")]),
        ("这次任务的成功，标志着任务取得圆满成功。■", "这次任务的成功，标志着任务取得圆满成功。", []),
        ("这次任务的成功，标志着任务取得圆满成功。（全文完）", "这次任务的成功，标志着任务取得圆满成功。", []),
        ("（完）", "", []),
        # Closing words that are no one's name stay.
        ("这次任务的成功，标志着任务取得圆满成功。（待续）", "这次任务的成功，标志着任务取得圆满成功。（待续）", []),
        ("这次任务的成功，标志着任务取得圆满成功。（新华社）", "这次任务的成功，标志着任务取得圆满成功。（新华社）", []),
        ("这次任务的成功，标志着任务取得圆满成功。（人民日报）", "这次任务的成功，标志着任务取得圆满成功。（人民日报）", []),
        ("这次任务的成功，标志着任务取得圆满成功。（有删节）", "这次任务的成功，标志着任务取得圆满成功。（有删节）", []),
        ("（钟才文）", "（钟才文）", []),  # a paragraph that is only the name is a credit line, read elsewhere
    ],
)
def test_what_closes_the_last_paragraph(last_paragraph: str, kept: str, expected: list[tuple[str, str]]) -> None:
    text, bylines = closing_credits(last_paragraph, "zh")
    assert (text, [(b.name, b.role) for b in bylines]) == (kept, expected)
