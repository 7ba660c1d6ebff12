"""中国网 China.com.cn: news channels, the bilingual xitheory site, and their Big5 gateway copies.

Facts used here (see ../shared/dossier/SITES.md §1): articles are `…/YYYY-MM/DD/content_<id>[_<n>].
(htm|html|shtml)` with pages 2..n as `_<n>`; lists are `node_<id>[_<n>].htm` paginated in `#autopage`;
the ENP CMS wraps the body in `<!--enpcontent-->…<!--/enpcontent-->` and leaves an
`<!--enpproperty …-->` comment with articleid, date, author, sourcename, journalist and liability;
older templates carry `#pubtime_baidu`/`#source_baidu`/`#author_baidu`/`#editor_baidu`; the Big5
gateway serves `big5.china.com.cn/gate/big5/<host>/<path>` with links rewritten to gateway form.

Discovery (DISCOVERY.md): no xitheory 头条 list is known, so its home page is read and its 头条/要闻
links followed; `news.china.com.cn/node_7247300.htm` is in 2019 spiders only. No feed or sitemap
is known. Other channels print `finance…/YYYYMMDD/<id>.shtml` and `cul…/YYYY/MMDD/<id>.html`.
"""

from __future__ import annotations

import re

from crawler.extraction.enp import EnpArticle
from crawler.extraction.pagination import StoryPages
from crawler.helpers.text import zh_variants
from crawler.sites.base import StandardSite

CONTENT_RE = re.compile(r"/content_(?P<id>\d+)(?P<suffix>_(?P<page>\d+))?\.(?:s?html?)$", re.IGNORECASE)
# Channels on other CMSes: finance.china.com.cn/<section>/YYYYMMDD/<id>.shtml,
# cul.china.com.cn/YYYY/MMDD/<id>.html (dossier DISCOVERY.md).
ARTICLE_RE = re.compile(r"/content_\d+(?:_\d+)?\.s?html?$|/20\d{6}/\d+\.shtml$|/20\d{2}/[01]\d[0-3]\d/\d+\.html$", re.IGNORECASE)
NODE_RE = re.compile(r"/node_(?P<id>\d+)(?:_(?P<page>\d+))?\.(?:s?html?)$", re.IGNORECASE)
_HEADLINE_CHANNEL = re.compile(rf"^\s*(?:{zh_variants('头条')}|{zh_variants('要闻')})\s*$")


class ChinaComCnArticle(EnpArticle):
    """The shared china.com.cn article template family; subclasses only reorder what they try first."""

    name = "ChinaComCnArticle"
    title_css = (
        ".content h1",
        "h1#title",
        "#title",
        ".articleTitle",
        ".artTitle",
        ".cTitle",
        ".d2_box h1",
        "#box2 h1",
        ".center_title h1",
        ".box2 h1",
        ".box1l h1",
        "h1:not(.article_title)",
        "h1",
    )
    info_css = (
        "div.inform",
        "#articleInfo",
        ".articleInfo",
        ".artInfo",
        "div[class^=artiInfo]",
        "div.info",
        ".cInfo",
        ".Tinfo",
        ".center_title .span",
        ".box1l h4",
        ".box18 dl dd",
        "span.fl.time2",
    )
    time_css = ("#pubtime_baidu", ".pub_date", "span.fl.time2")
    source_css = ("#source_baidu",)
    body_css = (
        "#articleBody",
        ".articleBody",
        "#artbody",
        "#artiContent",
        ".artCon",
        ".cBody",
        "#box3",
        ".center_box",
        "#fontzoom",
        ".box2",
        ".box1l .cp",
        "div.article",
    )
    skip_css = (
        "#autopage",
        ".autopage",
        "#vf",
        "#videoarea",
        ".informShare",
        ".fontSize",
        ".bdsharebuttonbox",
        ".share",
        ".editor",
    )
    credit_css = ("div.editor", ".articleEditor")
    breadcrumb_css = (".crumb .local", ".m_local", ".crumb", ".artLink", ".cNav", ".crumbs", "#box1", ".local", ".position")
    title_suffix = re.compile(r"\s*[_\-–—|]\s*(?:中国网|中國網|China\.com\.cn|China\.org\.cn)[^_\-–—|]*$", re.IGNORECASE)


class Inform2022Article(ChinaComCnArticle):
    """2022 template: `h1` + `div.inform` (<p>time</p><p>来源：…</p>) + enpcontent + `div.editor`."""

    name = "Inform2022Article"
    match_css = ("div.inform",)
    match_xpath = None


class InfoLineArticle(ChinaComCnArticle):
    """Channel and xitheory template: one info line `发布时间:… | 来源:… | 作者:… | 责任编辑:…`."""

    name = "InfoLineArticle"
    match_css = ("#pubtime_baidu, .info, .articleInfo, .artInfo, div[class^=artiInfo]",)
    match_xpath = None


class ChinaComCn(StandardSite):
    key = "chinacomcn"
    name = "中国网 China.com.cn"
    credited_as = ("中国网", "中國網", "China.org.cn")
    languages = ("zh-Hans", "zh-Hant", "en")
    domains = ("china.com.cn",)
    gateway_hosts = ("big5.china.com.cn",)
    headline_urls = (
        # xitheory's 头条 channel has no known list URL (dossier §1.1): start at its home page,
        # whose 头条/要闻 links are followed as lists by their anchor text.
        "http://xitheory.china.com.cn/",
        "http://big5.china.com.cn/gate/big5/xitheory.china.com.cn/",
        # 要闻 (top news) of the news channel.
        "http://news.china.com.cn/node_7247300.htm",
    )
    article_path = ARTICLE_RE
    # One ENP CMS numbers content_<id> for every china.com.cn host (news., xitheory., www., the
    # Big5 gateway): the same id on two hosts is one story. The finance/cul CMSes are apart.
    story_id_path = re.compile(r"/content_(?P<id>\d+)\.htm$")
    list_path = NODE_RE
    layouts = (Inform2022Article, InfoLineArticle, ChinaComCnArticle)
    list_scope_css = (".Headlines", ".columns1", "#list", ".list_con", ".listCon", ".news_list", ".list", ".main", ".left")
    list_pager_css = ("#autopage a", ".autopage a", ".page a", ".pages a")
    channel_link = _HEADLINE_CHANNEL
    story_pages = StoryPages((CONTENT_RE,), "#autopage a, .autopage a, #div_currpage a, .page a")

    def canonical_path(self, path: str) -> str:
        # .htm, .html and .shtml are one story on this CMS.
        return re.sub(r"/content_(\d+)\.s?html?$", r"/content_\1.htm", path, flags=re.IGNORECASE)

    def list_page_number(self, url: str) -> int:
        match = NODE_RE.search(self.path_of(url))
        return int(match["page"]) if match and match["page"] else 1
