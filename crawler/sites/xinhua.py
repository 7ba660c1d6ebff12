"""新华网 Xinhua: www.news.cn / www.xinhuanet.com and regional hosts (Chinese), english.news.cn.

Facts used (../shared/dossier/SITES.md §2, ../shared/corpus/REPORT.md): articles are
`/YYYYMMDD/<32 hex>/c.html` (since ~2021; `?page=N` for further pages) and `/YYYY-MM/DD/c_<id>.htm`
before (`c_<id>_N.htm`); list pages fill `ul[data="datasource:<ID>"]` from `ds_<ID>.json`. Layouts:
detail2020 (`div.header-time`, `div.source`, `.head-line h1`, `#detail`, `span.editor`), the 2024
regional template (`h1#title`, `div.info .source`, `#detailContent`, `[作者: … 责任编辑: …]`), xl2019
(`div.h-title`, `div.h-info`, `#p-detail`, editor inside `span.p-jc`), and the English
`#detailContent` pages (`Source: Xinhua`, `Editor: …`).

Discovery (DISCOVERY.md): the home page, 时政 and its story list 时政联播 (`politics/szlb/index.html`,
`#content-list .item .tit a` with `.time`: a real 2026-10 fragment in another project's fixtures),
english.news.cn and its China channel; the `ds_<id>.json` data sources (RSSHub's xhsxw route), every
link of each row read (`publishUrl`, `linkUrls`). Xinhua's RSS has been frozen since 2022: not used.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from crawler.extraction.furniture import SHARED_BOILERPLATE
from crawler.extraction.layout import ArticleLayout, unique
from crawler.extraction.pagination import StoryPages
from crawler.extraction.results import ListResult
from crawler.extraction.selectors import exists, select
from crawler.helpers.dates import FoundTime, find_time
from crawler.helpers.text import clean_text, zh_variants
from crawler.sites.base import StandardSite

if TYPE_CHECKING:
    from scrapy.http import TextResponse

    from crawler.extraction.bylines import Field

ARTICLE_RE = re.compile(
    r"/(?:\d{8}/[0-9a-f]{32}/c\.html|\d{4}-\d{2}/\d{2}/c_\d+(?:_\d+)?\.htm|\d{4}-\d{2}/\d{2}/content_\d+(?:_\d+)?\.htm)$",
    re.IGNORECASE,
)
# Channel pages, English `list/china-<topic>.htm` lists, and the ds_<id>.json data sources.
LIST_RE = re.compile(r"(?:/|/index\.s?html?|/[a-z0-9]+\.htm|/list/[a-z0-9-]+\.htm|/ds_[0-9a-zA-Z]+\.json)$")
_TITLE_SUFFIX = re.compile(r"\s*[-_|]\s*(?:新华网|新華網|新华网\S{0,6}频道|Xinhua)(?:\s*[-_|]\s*新华网)?\s*$", re.IGNORECASE)
_BOILERPLATE = (
    re.compile(rf"^{zh_variants('图集')}$"),
    re.compile(r"^\+1$"),
    re.compile(rf"^{zh_variants('关注新华网')}$"),
    re.compile(r"^\|?<<.*(?:下一页|下一頁).*>>\|?$"),
)


class XinhuaArticle(ArticleLayout):
    boilerplate = (*SHARED_BOILERPLATE, *_BOILERPLATE)
    title_suffix = _TITLE_SUFFIX
    skip_css = (
        "#articleEdit",
        ".pageShare",
        ".xinhuaPager",
        ".lb",
        ".video-url",
        ".zan-wap",
        ".p-tags",
        "#videoarea",
        ".fix-ewm",
    )


class Detail2020Article(XinhuaArticle):
    """www.news.cn since 2020: the date split into spans (`2023` `11/17` `20:52:15`)."""

    name = "Detail2020Article"
    title_css = (".head-line h1 .title", ".head-line h1")
    info_css = ("div.header-cont .source", "div.source")
    body_css = ("#detailContent", "#detail")
    credit_css = ("#articleEdit .editor", "span.editor")
    breadcrumb_css = (".header-nav",)

    match_css = ("div.header-time, div.head-line",)

    def published(self, fields: list[Field]) -> FoundTime | None:
        year = clean_text(self.first(".header-time .year ::text"))
        day = clean_text("".join(self.find(".header-time .day ::text"))).replace(" ", "")
        clock = clean_text(self.first(".header-time .time ::text"))
        if year and day:
            found = find_time(f"{year}-{day.replace('/', '-')} {clock}")
            if found:
                return FoundTime(value=found.value, raw=clean_text(f"{year} {day} {clock}"), precision=found.precision)
        return super().published(fields)


class Regional2024Article(XinhuaArticle):
    """Regional hosts (he.news.cn, …): `h1#title`, `div.info`, `#detailContent`, `[作者: … 责任编辑: …]`."""

    name = "Regional2024Article"
    title_css = ("h1#title span:first-child", "h1#title")
    info_css = ("div.info .source", "div.info")
    time_css = ("div.info .time",)
    source_css = ("div.info .sourceText",)
    body_css = ("#detailContent", "#detail")
    credit_css = ("span.editor",)

    match_css = ("h1#title", "#detailContent, #detail")


class Xl2019Article(XinhuaArticle):
    """www.xinhuanet.com 2019–2020: `div.h-title`, `div.h-info`, `#p-detail`, editor in `span.p-jc`."""

    name = "Xl2019Article"
    title_css = ("div.h-title", "#title")
    info_css = ("div.h-info", "div.info")
    time_css = ("span.h-time", "#pubtime")
    body_css = ("#p-detail", "#content")
    credit_css = ("span.p-jc",)

    match_css = ("div.h-title, #p-detail",)


class DetailContentArticle(XinhuaArticle):
    """english.news.cn (and body-only copies): `h1`, `.source`/`.editor`/`.time`, `#detailContent`."""

    name = "DetailContentArticle"
    title_css = (".conTop h1", "div.conBox h1", "h1")
    info_css = (".conTop .infoBox", ".conTop", ".info")
    time_css = (".conTop .time", ".time")
    body_css = ("#detailContent", "#detail")
    credit_css = (".conTop .editor", ".editor")

    match_css = ("#detailContent, #detail",)


class Xinhua(StandardSite):
    key = "xinhua"
    name = "新华网 Xinhua"
    credited_as = ("新华社", "新華社", "新华网", "新華網", "Xinhua")
    languages = ("zh-Hans", "en")
    domains = ("news.cn", "xinhuanet.com")
    gateway_hosts = ("big5.xinhuanet.com",)
    headline_urls = (
        "https://www.news.cn/",  # home page: 头条 and 要闻 blocks
        "https://www.news.cn/politics/",  # 时政 (the leaders' news)
        "https://www.news.cn/politics/szlb/index.html",  # 时政联播, linked from 时政 (checked 2026-10)
        "https://english.news.cn/",
        "https://english.news.cn/china/index.htm",
    )
    article_path = ARTICLE_RE
    # Since 2020 a story's 32-hex id names it on every Xinhua host (www., a province channel,
    # the xinhuanet.com mirror); older c_<id> pages keep their URL as identity.
    story_id_path = re.compile(r"/\d{8}/(?P<id>[0-9a-f]{32})/c\.html$", re.IGNORECASE)
    list_path = LIST_RE
    layouts = (Detail2020Article, Regional2024Article, Xl2019Article, DetailContentArticle)
    # Later pages: `c_<id>_<n>.htm` (older templates), `c.html?page=<n>` (picture stories, long reports).
    story_pages = StoryPages(
        (
            re.compile(r"/c_(?P<id>\d+)(?P<suffix>_(?P<page>\d+))?\.htm$"),
            re.compile(r"(?P<id>/\d{8}/[0-9a-f]{32}/c\.html)(?P<suffix>\?page=(?P<page>\d+))?$"),
        ),
        ".xinhuaPager a, #div_currpage a, [id^=div_page_roll] a",
    )
    # Every headline block a page has: a channel's list (`#content-list .item .tit a`, 时政联播),
    # the home page's top blocks.
    headline_blocks_css = ("#content-list", ".part-top", "#focusListNews", ".headnews-left")
    list_scope_css = (".domPC", ".main", "body")

    def canonical_url(self, url: str) -> str:
        # news.cn and xinhuanet.com serve the same stories.
        return super().canonical_url(url).replace("://xinhuanet.com/", "://news.cn/").replace(".xinhuanet.com/", ".news.cn/")

    def parse_list(self, response: TextResponse) -> ListResult:
        result = super().parse_list(response)
        # Lists filled by JavaScript name their data source: ul[data="datasource:<ID>"], read from
        # ds_<ID>.json (crawler/discovery/jsonlists.py reads every link of its rows, linkUrls too).
        feeds = [
            urljoin(response.url, f"ds_{source.split(':', 1)[1]}.json")
            for source in select(response.selector, "[data^='datasource:']::attr(data)")
            if ":" in source and not exists(response.selector, "title[data^='datasource:']")
        ]
        return ListResult(articles=result.articles, next=unique([*result.next, *feeds]))
