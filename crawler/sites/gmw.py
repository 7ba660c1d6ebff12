"""光明网 Guangming Online: gmw.cn, the site of Guangming Daily, and its channels (politics.gmw.cn, …).

Facts used here, each with where it comes from:
- article URLs are `https://<channel>.gmw.cn/YYYY-MM/DD/content_<id>.htm` (the two saved pages in
  ../shared/corpus/gmw; `mil.gmw.cn/2025-02/10/content_37841910.htm` and
  `www.gmw.cn/2026-03/13/content_1304373570.htm` in other projects' code); `m.gmw.cn/baijia/…` are
  mobile copies of outside writers, not read;
- lists are `node_<id>.htm`, their later pages `node_<id>_<n>.htm`, each story a
  `span.channel-newsTitle` link inside `.channelLeftPart` (other scrapers' code: news_all's gmw
  spiders, a 2025 listing crawler for `news.gmw.cn/node_4108.htm`); 光明导读 is
  `news.gmw.cn/node_4108.htm`; a story's CMS record names its list: politics.gmw.cn 要闻 is
  `node_9844.htm` (the 2024 corpus page's enpproperty and breadcrumb). No saved list page: the
  list selectors are other scrapers', to check on the first live run;
- the CMS is ENP, as at China.com.cn (crawler/extraction/enp.py): the body between
  `<!--enpcontent-->` markers (doubled), the story's record in `<!--enpproperty …-->`, hidden
  `#pubtime_baidu`/`#source_baidu`/`#editor_baidu` spans (the time to the second, where the
  visible one shows minutes: it refines the visible time only when they agree);
- two article templates, both in the corpus: 2024 (`h1.u-title`, `.m-con-info` with
  `.m-con-source` and `.m-con-time`, `.g-crumbs`, the editor in `span.liability` "责编：…") and
  2017 (`h1#articleTitle`, `#contentMsg` with `#pubTime` and `#source`, `#contentBreadcrumbs2`,
  the editor in `#contentLiability` "[责任编辑:…]");
- pages are UTF-8.

Discovery: the lists above only; no feed, sitemap or JSON list is known.
"""

from __future__ import annotations

import re

from crawler.extraction.enp import EnpArticle
from crawler.sites.base import StandardSite

ARTICLE_RE = re.compile(r"/\d{4}-\d{2}/\d{2}/content_\d+\.htm$")
LIST_RE = re.compile(r"/node_\d+(?:_\d+)?\.htm$")
_TITLE_SUFFIX = re.compile(r"\s*[_\-|]\s*(?:光明网|光明網|光明日报)[^_\-|]*$")


class Gmw2024Article(EnpArticle):
    """The 2024 template: `h1.u-title`, `.m-con-info` (source, time), the editor in `span.liability`."""

    name = "Gmw2024Article"
    title_css = ("h1.u-title",)
    info_css = (".m-con-info",)
    time_css = (".m-con-time", "#pubtime_baidu")
    source_css = (".m-con-source",)
    body_css = (".u-mainText",)
    skip_css = (".m-zbTool", ".u-moreText", ".m-player_box", ".m-share")
    credit_css = ("span.liability",)
    breadcrumb_css = (".g-crumbs",)
    title_suffix = _TITLE_SUFFIX
    match_css = ("h1.u-title",)
    match_xpath = None


class Gmw2017Article(EnpArticle):
    """The 2017 template: `h1#articleTitle`, `#contentMsg` (time, source), `#contentLiability`."""

    name = "Gmw2017Article"
    title_css = ("h1#articleTitle",)
    info_css = ("#contentMsg",)
    time_css = ("#pubTime", "#pubtime_baidu")  # the visible time first, as everywhere
    source_css = ("#source",)
    body_css = ("#contentMain",)
    skip_css = ("#contentLiability",)
    credit_css = ("#contentLiability",)
    breadcrumb_css = ("#contentBreadcrumbs2",)
    title_suffix = _TITLE_SUFFIX
    match_css = ("h1#articleTitle",)
    match_xpath = None


class Gmw(StandardSite):
    key = "gmw"
    name = "光明网 Guangming Online"
    credited_as = ("光明日报", "光明日報", "光明网", "光明網", "Guangming Daily")
    languages = ("zh-Hans",)
    domains = ("gmw.cn",)
    headline_urls = ("https://news.gmw.cn/node_4108.htm", "https://politics.gmw.cn/node_9844.htm")  # 光明导读, 时政要闻
    article_path = ARTICLE_RE
    list_path = LIST_RE
    layouts = (Gmw2024Article, Gmw2017Article, EnpArticle)
    list_scope_css = (".channel-newsTitle", ".channelLeftPart")
    list_pager_css = ("#displaypagenum a", "#autopage a", ".channelLeftPart .page a")

    def list_page_number(self, url: str) -> int:
        match = re.search(r"/node_\d+_(\d+)\.htm$", self.path_of(url))
        return int(match[1]) if match else 1
