"""Conformance over the real pages in ../shared/corpus (skipped when the corpus is absent).

The pages stay in ../shared: they were saved by other projects and are read here, never copied.
Expectations below were read off the pages by hand, not taken from the other tools' expected files
(those put editors in bodies and authors' places, see ../shared/corpus/REPORT.md).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from crawler.extraction.results import ArticleResult
from crawler.ops.cli import result_document
from crawler.parse import parse_page
from tests.conftest import CORPUS, require_corpus

pytestmark = pytest.mark.skipif(not require_corpus(), reason="../shared/corpus is not present (HEADLINES_SHARED)")


def manifest() -> list[dict[str, Any]]:
    if not (CORPUS / "manifest.json").exists():
        return []
    return json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))


# Pages the manifest gives no URL for: where they come from, read off the pages themselves.
URLS = {
    "81cn/81cn_pla_daily_2026-05-10_bayiruiping_chinamilwatch.html": "http://www.81.cn/yw_208727/16459682.html",
    "govcn/govcn_gongbao_2007_23_content_711039_gne.html": "https://www.gov.cn/gongbao/content/2007/content_711039.htm",
    "govcn/govcn_zhengce_latest_policies_fragment_2026-09_readfile.html": "https://www.gov.cn/zhengce/zuixin/",
    "people/people_homepage_rm_aq_headlines_fragment_2026-10-04_readfile.html": "http://www.people.com.cn/",
    "people/people_homepage_rm_bq_yaowen_fragment_2026-10-03_readfile.html": "http://www.people.com.cn/",
}


def load(entry: dict[str, Any]) -> tuple[str, bytes, dict[str, str]]:
    # Some manifest URLs carry a note after the URL: "http://www.xinhuanet.com/ (homepage)".
    url = URLS.get(entry["file"]) or (entry["original_url"] or "").split(" ")[0]
    # The saved files' <meta> charsets often lie (re-encoded copies); a server would send the truth.
    charset = entry["actual_bytes_encoding"].split("(")[0].strip()  # "gb18030(decodes)" -> gb18030
    headers = {"Content-Type": f"text/html; charset={charset}"}
    return url, (CORPUS / entry["file"]).read_bytes(), headers


@pytest.mark.parametrize("entry", manifest(), ids=lambda e: e["file"])
def test_every_corpus_page_parses_cleanly(entry: dict[str, Any]) -> None:
    result = parse_page(*load(entry))
    document = json.dumps(result_document(result), ensure_ascii=False)
    assert "\ufffd" not in document


# Read off chinacomcn_news_2024-05-13_content_117184963_magichtml.html.
CHINACOMCN_2024 = {
    "title": "呼和浩特：对生育二孩、三孩的呼市户籍家庭发放一次性育儿津贴5000元",
    "first": "中国网5月13日讯 据呼和浩特市人民政府网站消息，《呼和浩特市关于促进婴幼儿照护服务发展的若干措施》近日发布。"
    "为不断满足3岁以下婴幼儿家庭多样化照护服务需求，促进呼和浩特市婴幼儿照护服务健康发展，结合呼和浩特市实际，制定如下措施。",
    "last": "十二、扩展普惠性托育服务供给渠道。鼓励公办幼儿园延伸开设托育班，实施托幼一体化服务。"
    "支持有条件的机关企事业单位利用闲置办公场所以单独或联合相关单位共同举办的方式，为职工提供普惠性托育服务，所需面积不计入单位办公用房总使用面积。",
    "paragraphs": 13,
    # The page shows 2024-05-13 13:48; the CMS comment has seconds, the page does not.
    "published_at": "2024-05-13T13:48:00+08:00",
    "source": "中国网",
    "bylines": [("辛闻", "author"), ("刘峻凌", "editor")],
    "section": ["首页", "新闻中心"],
}


def test_chinacomcn_2024_article() -> None:
    entry = next(e for e in manifest() if e["file"].startswith("chinacomcn/chinacomcn_news_2024"))
    result = parse_page(*load(entry))
    assert isinstance(result, ArticleResult)
    item = result.item
    expected = CHINACOMCN_2024
    assert item.title == {"zh": expected["title"]}
    assert item.body["zh"][0] == expected["first"]
    assert item.body["zh"][-1] == expected["last"]
    assert len(item.body["zh"]) == expected["paragraphs"]
    assert item.published_at == expected["published_at"]
    assert item.source == expected["source"]
    assert [(b.name, b.role) for b in item.bylines] == expected["bylines"]
    assert item.section == expected["section"]
    assert item.languages == ["zh-Hans"]
    # The editor line 【责任编辑：刘峻凌】 is a credit, not text.
    assert not any("责任编辑" in p for p in item.body["zh"])


def test_every_chinacomcn_corpus_page_is_an_article() -> None:
    entries = [e for e in manifest() if e["file"].startswith("chinacomcn/") and e["page_kind"] == "article"]
    assert entries
    for entry in entries:
        result = parse_page(*load(entry))
        assert isinstance(result, ArticleResult), entry["file"]
        assert result.item.title and result.item.body.get("zh"), entry["file"]
        assert result.item.published_precision in ("minute", "second"), entry["file"]
