"""URL shapes the outlets use today (other maintained crawlers' 2024-2026 code, ../shared/dossier):
each outlet tells its stories from its lists, its video pages and its tables of contents."""

from __future__ import annotations

import pytest

from crawler import sites
from crawler.extraction.results import OtherResult
from crawler.parse import build_response, parse_response
from crawler.sites.base import StandardSite

# (site, url, what it is) — each URL as another project's code or capture gives it.
SHAPES = [
    ("chinanews", "http://www.chinanews.com.cn/tp/hd2011/2026/09-12/1204067.shtml", "article"),  # photo story
    ("chinanews", "https://www.chinanews.com.cn/tp/hd2011/2023/01-13/1056526.shtml", "article"),
    ("chinanews", "https://www.chinanews.com.cn/cj/2026/09-12/10695221.shtml", "article"),
    ("chinanews", "https://www.chinanews.com.cn/shipin/cns-d/2026/08-13/news1065299.shtml", "video"),
    ("chinanews", "http://www.chinanews.com.cn/shipin/cns/2023/08-26/news968525.shtml", "video"),
    ("chinanews", "http://www.chinanews.com.cn/shipin/2023/02-05/news950542.shtml", "video"),
    ("chinanews", "https://www.chinanews.com.cn/shipin/spfts/20260224/6398.shtml", "video"),
    ("xinhua", "https://english.news.cn/list/china-business.htm", "list"),
    ("xinhua", "https://www.news.cn/politics/szlb/index.html", "list"),
    ("xinhua", "https://www.news.cn/politics/20261003/f5929b2b5af84ab68821d519589d68ac/c.html", "article"),
    ("xinhua", "https://www.news.cn/ds_9a8b7c6d5e4f40312a1b0c9d8e7f6a5b.json", "list"),
    ("globaltimes", "https://www.globaltimes.cn/In-depth/index.html", "list"),
    ("globaltimes", "https://www.globaltimes.cn/content/1178805.shtml", "article"),  # before 2020
    ("globaltimes", "https://www.globaltimes.cn/page/202607/1339001.shtml", "article"),
    ("chinacomcn", "http://finance.china.com.cn/news/20240513/6112345.shtml", "article"),
    ("chinacomcn", "http://cul.china.com.cn/2024/0513/123456.html", "article"),
    ("chinacomcn", "http://news.china.com.cn/2025-06/04/content_117909876.shtml", "article"),
    ("cgtn", "https://news.cgtn.com/news/2025-12-10/Fiji-beat-U-S-to-win-Cape-Town-Sevens-1a2b3c4d5e/index.html", "article"),
    ("cgtn", "https://news.cgtn.com/news/3d3d514f79416a4d31457a6333566d54/index.html", "article"),
    ("govcn", "https://www.gov.cn/yaowen/liebiao/YAOWENLIEBIAO.json", "list"),
    ("govcn", "https://www.gov.cn/gongbao/zuixin/gongbao.json", "list"),
    ("govcn", "https://www.gov.cn/zhengce/zuixin/home_264.htm", "list"),
    ("govcn", "https://www.gov.cn/yaowen/liebiao/202610/content_7082621.htm", "article"),
    ("govcn", "https://www.gov.cn/lianbo/202610/content_7082619.htm", "article"),
    ("qiushi", "http://www.qstheory.cn/dukan/qs/2014/2019-01/01/c_1123924172.htm", "list"),  # an issue's contents
    ("qiushi", "http://www.qstheory.cn/dukan/qs/2014/2016-10/15/m_1119709461.htm", "list"),
    ("qiushi", "http://www.qstheory.cn/dukan/qs/2023-01/01/c_1129246885.htm", "article"),
    ("qiushi", "https://www.qstheory.cn/qs/mulu.htm", "list"),
    ("people", "http://politics.people.com.cn/n1/2026/1004/c461001-40809198.html", "article"),
    ("people", "http://www.people.com.cn/sitemap_index.xml", "other"),  # read by its bytes, not its URL
]


@pytest.mark.parametrize(("key", "url", "what"), SHAPES, ids=[url for _, url, _ in SHAPES])
def test_url_shapes(key: str, url: str, what: str) -> None:
    site = sites.get(key)
    assert isinstance(site, StandardSite)
    assert sites.for_url(url) is site
    assert site.is_article_url(url) == (what == "article")
    assert site.is_list_url(url) == (what == "list")


def test_a_video_page_is_counted_as_one_not_parsed_as_a_story() -> None:
    page = b"<html><head><title>x</title></head><body><div class='content_title'>v</div><video src='a.mp4'></video></body></html>"
    result = parse_response(build_response("https://www.chinanews.com.cn/shipin/cns-d/2026/08-13/news1065299.shtml", page))
    assert isinstance(result, OtherResult)
    assert result.code == "video_only"
