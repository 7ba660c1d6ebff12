"""求是 Qiushi: www.qstheory.cn (the CPC Central Committee's journal and its website).

Facts used (../shared/dossier/SITES.md): two URL schemes, old `/dukan/qs/YYYY-MM/DD/c_<id>.htm` and
(like Xinhua's CMS) `/YYYYMMDD/<32 hex>/c.html`. No real page was found in the stored material, so
the layouts read what both CMS generations are known to print — a heading, an info line naming
来源 (《求是》2024/10), 作者 and the time, the body in `div.highlight` (old) or `#detail` (new), and
责任编辑 at the end — and fall back to the generic extractor for anything else.

Discovery (DISCOVERY.md; RSSHub's magazine route; 2019-2024 scrapers): 头条 at
`v9zhuanqu/toutiao/index.htm`; `qs/mulu.htm` links (`.booktitle a`) each issue's table of contents
at `dukan/qs/2014/YYYY-MM/DD/c_<id>.htm`, which lists (`.highlight a`) the issue's articles at
`dukan/qs/YYYY-MM/DD/c_<id>.htm`: contents pages are read as lists. From other projects' code only.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from crawler.extraction.layout import ArticleLayout
from crawler.sites.base import StandardSite

# A magazine issue's table of contents has an article's shape one folder down:
# /dukan/qs/2014/YYYY-MM/DD/c_<id>.htm (m_<id> on older issues); it is a list of the articles.
CONTENTS_RE = re.compile(r"^/dukan/[a-z]+/\d{4}/\d{4}-\d{2}/\d{2}/[cm]_\d+\.htm$", re.IGNORECASE)
ARTICLE_RE = re.compile(r"/(?:[a-z]+/)*(?:\d{4}-\d{2}/\d{2}/c_\d+\.htm|\d{8}/[0-9a-f]{32}/c\.html)$", re.IGNORECASE)
LIST_RE = re.compile(r"^/(?:[a-z0-9]+/)*(?:index\.htm|[a-z]+\.htm)?$")
_TITLE_SUFFIX = re.compile(r"\s*[-_]\s*(?:求是网|求是網|求是)\s*$")


class QiushiArticle(ArticleLayout):
    title_suffix = _TITLE_SUFFIX
    skip_css = (".share", ".fenxiang", "#articleEdit .tiyi1", ".xinhuaPager")
    credit_css = (".text-right", ".editor", "#articleEdit .editor")


class ClassicArticle(QiushiArticle):
    name = "ClassicArticle"
    title_css = (".inner h1", ".headtitle h1", "h1")
    info_css = (".inner .appellation", ".appellation")
    time_css = (".inner .pubtime", ".pubtime")
    body_css = ("div.highlight", ".text")

    match_css = ("div.highlight, .appellation",)


class DetailArticle(QiushiArticle):
    name = "DetailArticle"
    title_css = (".headtitle h1", ".head-line h1", "h1")
    info_css = (".headtitle .info", ".header-cont", ".info")
    time_css = (".headtitle .pubtime", ".pubtime", ".headtitle span")
    body_css = ("#detail", "#detailContent")

    match_css = ("#detail, #detailContent",)


# New-scheme stories live at the site root; list pages link them with bare relative hrefs
# ("20260321/<hex>/c.html") that a browser would resolve under the list's own folder.
_NEW_SCHEME = re.compile(r"^.*?/(?P<story>\d{8}/[0-9a-f]{32}/c\.html)$", re.IGNORECASE)


class Qiushi(StandardSite):
    key = "qiushi"
    name = "求是 Qiushi"
    credited_as = ("求是", "Qiushi")
    languages = ("zh-Hans",)
    domains = ("qstheory.cn",)
    headline_urls = ("https://www.qstheory.cn/v9zhuanqu/toutiao/index.htm", "https://www.qstheory.cn/qs/mulu.htm")
    article_path = ARTICLE_RE
    list_path = LIST_RE
    contents_path = CONTENTS_RE
    layouts = (ClassicArticle, DetailArticle)
    list_scope_css = (".list_content", ".highlight", ".booktitle", ".content", "body")

    def canonical_path(self, path: str) -> str:
        return _NEW_SCHEME.sub(r"/\g<story>", path)

    def first_page_url(self, url: str) -> str:
        parts = urlsplit(url)
        return urlunsplit(parts._replace(path=self.canonical_path(parts.path)))
