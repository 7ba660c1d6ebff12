from __future__ import annotations

import re

import pytest

from crawler.helpers.text import (
    chinese_script,
    clean_text,
    detect_language,
    fold_for_hash,
    looks_like_mojibake,
    to_simplified,
    zh_variants,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\u3000\u3000习近平出席会议", "习近平出席会议"),  # ideographic indentation
        ("习近平\n        主席", "习近平主席"),  # a source line break inside a sentence
        ("新华社记者 黄敬文 摄", "新华社记者 黄敬文 摄"),  # a real space between ideographs stays
        ("Li\xa0Xueren", "Li Xueren"),
        ("\u200bThe article", "The article"),
        ("a \t\n b", "a b"),
        (None, ""),
    ],
)
def test_clean_text(raw: str | None, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("习近平会见白俄罗斯总统卢卡申科", "zh"),
        ("Xi meets Belarusian president", "en"),
        ("Chinese President Xi Jinping (习近平) met with Lukashenko in Beijing on Wednesday.", "en"),
        ("APEC会议在秘鲁利马举行，各方代表出席。", "zh"),
        ("2025-06-05", None),
    ],
)
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


def test_chinese_script() -> None:
    assert chinese_script("習近平會見白俄羅斯總統盧卡申科") == "zh-Hant"
    assert chinese_script("习近平会见白俄罗斯总统卢卡申科") == "zh-Hans"
    assert chinese_script("Xi meets") is None


def test_labels_match_every_script() -> None:
    pattern = re.compile(zh_variants("发布时间"))
    for label in ("发布时间", "發布時間", "發佈時間"):
        assert pattern.fullmatch(label), label
    assert re.fullmatch(zh_variants("责任编辑"), "責任編輯")


def test_mojibake_is_recognised_and_real_text_is_not() -> None:
    assert looks_like_mojibake("发布时间 王毅参加会见".encode().decode("gb18030"))  # UTF-8 bytes read as GBK
    for text in (
        "习近平会见白俄罗斯总统卢卡申科",
        "習近平會見白俄羅斯總統盧卡申科",
        "Xi meets Belarusian president",
        "王毅参加会见。",
    ):
        assert not looks_like_mojibake(text), text


def test_folding_makes_gateway_text_equal_to_the_original() -> None:
    # The Big5 gateway changes script, vocabulary (支持 -> 支援) and punctuation width.
    assert fold_for_hash("白方感謝中方長期以來大力支援和幫助,對中國高度信任") == fold_for_hash(
        "白方感谢中方长期以来大力支持和帮助，对中国高度信任"
    )
    assert to_simplified("網際網路") == "互联网"
    # Folding is one function for both scripts: a phrase the Taiwan step rewrites folds alike
    # whether the page spelled it in simplified or traditional characters.
    assert fold_for_hash("各地新增就业岗位") == fold_for_hash("各地新增就業崗位")
