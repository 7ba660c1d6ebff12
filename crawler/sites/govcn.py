"""中国政府网 gov.cn: www.gov.cn (Chinese, with its Big5 gateway) and english.www.gov.cn.

Facts used (../shared/dossier/SITES.md, ../shared/corpus/REPORT.md): the TRS pages carry the body in
`#UCAP-CONTENT` (`div.pages_content`), meta `firstpublishedtime` in two formats ("2007-08-20-23:59:59"
and "2024-05-13 10:00:00"), the visible line `div.pages-date` ("2024-05-13 10:00 来源：新华社"), the
editor in `div.editor`; 国务院公报 items print no h1 and no date: their title is bold, centred text
at the top of the body. Lists: `div.list ul li a` with `<span>` dates, links absolute or `./…`.

Discovery (../shared/dossier/DISCOVERY.md; a 2026-10 collector's notes and fixture): 要闻
(`yaowen/liebiao/`) and 最新政策 (`zhengce/zuixin/`) fill their lists in the browser from
`YAOWENLIEBIAO.json` and `ZUIXINZHENGCE.json`, arrays of {TITLE, SUB_TITLE, URL, DOCRELPUBTIME}
(a day), hundreds of rows; the page's script names the file (`$.ajax({url: "./YAOWENLIEBIAO.json"`).
Static lists page as `home.htm`, `home_1.htm` (the second page), `home_2.htm`, like `index_N`.
No feed or sitemap is known to work.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from crawler.extraction.layout import ArticleLayout
from crawler.helpers.dates import FoundTime, find_time
from crawler.helpers.text import clean_text
from crawler.sites.base import StandardSite

if TYPE_CHECKING:
    from crawler.extraction.blocks import Block
    from crawler.extraction.bylines import Field

ARTICLE_RE = re.compile(
    r"/(?:[a-z]+/)*(?:content/)?(?:\d{6}|\d{4}(?:-\d{2}/\d{2})?|\d{6}/\d{2})/content_(?:\d+|WS[0-9a-f]+)\.html?$", re.IGNORECASE
)
LIST_RE = re.compile(r"^/(?:[a-z]+/)*(?:(?:index|home)(?:_\d+)?\.html?|[A-Z_]+\.json|[a-z]+\.json)?$")
_TITLE_SUFFIX = re.compile(
    r"\s*(?:_{1,2}[^_]*)*_(?:中国政府网|中國政府網|www\.gov\.cn)\s*$|\s*-\s*english\.gov\.cn\s*$", re.IGNORECASE
)


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", text)


class GovCnArticle(ArticleLayout):
    name = "GovCnArticle"
    title_suffix = _TITLE_SUFFIX
    title_css = ("div.article h1",)
    info_css = ("div.pages-date", ".pages-date", "div.article .pages-date")
    body_css = ("#UCAP-CONTENT", "div.pages_content", ".article-content")
    skip_css = ("#pagination", ".pageInfo", "#div_div", ".sweep", ".share")
    credit_css = ("div.editor",)
    breadcrumb_css = (".BreadcrumbNav", ".crumbs", ".position")
    _heading: tuple[str, int] | None = None

    match_css = ("#UCAP-CONTENT, div.pages_content",)

    def title(self) -> str:
        declared = clean_text(self.first('meta[name="ArticleTitle"]::attr(content)'))
        if declared or self.find(", ".join(self.title_css)):
            return declared or super().title()
        # 公报 items print the title bold and centred at the top of the body, not in an h1.
        heading, count = self._body_heading()
        return heading if count else super().title()

    def _page_title(self) -> str:
        title = clean_text(self.first("title::text"))
        return _fold(_TITLE_SUFFIX.sub("", title))

    def _body_heading(self) -> tuple[str, int]:
        """The bold lines opening the body that spell the page's <title>, and how many they are."""
        if self._heading is not None:
            return self._heading
        page_title = self._page_title()
        lines: list[str] = []
        best: tuple[str, int] = ("", 0)
        for block in (super().blocks() or [])[:6]:
            if not (block.bold and block.text):
                break
            lines.append(block.text)
            joined = _fold("".join(lines))
            if not page_title.startswith(joined):
                break
            # Keep going: a title broken as "…工作的" / "通知" is only whole with its last line.
            if len(joined) >= len(page_title) - 2:
                best = ("".join(lines), len(lines))
        self._heading = best
        return best

    def blocks(self) -> list[Block] | None:
        blocks = super().blocks()
        if not blocks or self.find(", ".join(self.title_css)):
            return blocks
        _, count = self._body_heading()
        return blocks[count:]

    def published(self, fields: list[Field]) -> FoundTime | None:
        visible = super().published(fields)
        if visible is not None:
            return visible
        declared = self.first('meta[name="firstpublishedtime"]::attr(content)')
        found = find_time(declared or "")
        if found is not None:
            self.warnings.append("published_at: not shown on the page; taken from <meta firstpublishedtime>")
        return found


# "Updated: February 18, 2024 19:27 Xinhua": the outlet follows the time.
_EN_UPDATED = re.compile(r"Updated\s*:\s*(?P<time>.+?\d{1,2}:\d{2})\s*(?P<source>.*)$", re.IGNORECASE)


class GovCnEnglishArticle(ArticleLayout):
    """english.www.gov.cn runs on the same CMS as China Daily (`content_WS<24 hex>.html` ids, `#Content`).

    No real page was in the stored material: the layout reads what the dossier records ("Updated:
    February 18, 2024 19:27 Xinhua", "[Photo/Xinhua]" captions, "BEIJING, Feb. 18 --" datelines) and
    what that CMS prints elsewhere; anything else falls to the generic extractor.
    """

    name = "GovCnEnglishArticle"
    title_suffix = _TITLE_SUFFIX
    title_css = ("div.article h1", ".article-title", "h1")
    info_css = ("div.article .date", ".info", ".date")
    body_css = ("#Content", "div.article-content")
    skip_css = (".share", "#div_currpage", ".related")
    breadcrumb_css = (".BreadcrumbNav", ".crumbs", ".position")

    match_css = ("#Content",)
    exclude_css = "#UCAP-CONTENT, div.pages_content"  # the gov.cn template, whose body is also #Content

    def source(self, fields: list[Field]) -> str | None:
        for text in self.info_texts():
            if (match := _EN_UPDATED.search(text)) and match["source"].strip():
                return clean_text(match["source"])
        return super().source(fields)


class GovCn(StandardSite):
    key = "govcn"
    name = "中国政府网 gov.cn"
    credited_as = ("中国政府网", "中國政府網", "english.gov.cn", "国务院", "國務院")
    languages = ("zh-Hans", "zh-Hant", "en")
    domains = ("gov.cn",)
    gateway_hosts = ("big5.www.gov.cn",)
    headline_urls = (
        "https://www.gov.cn/yaowen/liebiao/YAOWENLIEBIAO.json",  # 要闻, as the page's script loads it
        "https://www.gov.cn/zhengce/zuixin/ZUIXINZHENGCE.json",  # 最新政策
        "https://english.www.gov.cn/news/topnews/",
    )
    article_path = ARTICLE_RE
    # The central site's TRS numbers content_<id> once for /zhengce/, /xinwen/, /yaowen/ and
    # /lianbo/ paths; the English site's content_WS<hex> ids are its own (not aliased).
    story_id_path = re.compile(r"/content_(?P<id>\d+)\.html?$")
    list_path = LIST_RE
    layouts = (GovCnArticle, GovCnEnglishArticle)
    list_scope_css = ("div.list", ".news_box", ".list-container", "ul.listTxt", "body")
    list_pager_css = (".pageInfo a", "#pagination a", ".pages a")
    json_lists_in_scripts = True

    def list_page_number(self, url: str) -> int:
        # TRS numbers from zero: index.htm (home.htm) is the first page, index_1.htm the second.
        if match := re.search(r"/(?:index|home)_(\d+)\.html?$", self.path_of(url)):
            return int(match[1]) + 1
        return 1

    def owns(self, url: str) -> bool:
        # gov.cn also hosts every ministry and province; this module reads the central site.
        from crawler.helpers.urls import host_of

        host = host_of(url)
        return host in ("gov.cn", "english.gov.cn", "english.www.gov.cn") or host.endswith(".www.gov.cn")
