"""中国日报 China Daily: www.chinadaily.com.cn (English) and cn./china.chinadaily.com.cn (Chinese).

Facts used (../shared/dossier/SITES.md §4, ../shared/corpus/REPORT.md): articles are
`/a/YYYYMM/DD/WS<24 hex>[_N].html`; English pages print "By A and B | China Daily | Updated:
2024-05-13 09:08" in `span.info_l` and credit photos in `figcaption` ("…NAME/FOR CHINA DAILY",
"[Photo/Xinhua]"); Chinese pages have `h1.dabiaoti`, `div.fenx .xinf-le` (来源, then the time),
`#Content.article`, and end with "（编辑：…）" and "【责任编辑：…】".

Discovery (DISCOVERY.md): the home page and `china/governmentandpolicy` (megaCrawler, 2024), RSS
`rss/china_rss.xml` (calibre's recipe, cited widely 2025-26). From other projects' code only.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from crawler.extraction.bylines import bylines_in
from crawler.extraction.layout import ArticleLayout
from crawler.extraction.pagination import StoryPages
from crawler.sites.base import StandardSite

if TYPE_CHECKING:
    from crawler.extraction.bylines import Field
    from crawler.items import Byline

ARTICLE_RE = re.compile(
    r"/(?:a/\d{6}/\d{2}/WS[0-9a-f]{24}(?:_(?P<page>\d+))?\.html|[\w/]+/\d{4}-\d{2}/\d{2}/content_\d+(?:_\d+)?\.htm)$",
    re.IGNORECASE,
)
LIST_RE = re.compile(r"(?:/|/[a-z]+(?:/[a-z]+)?/?|/[0-9a-f]{24}(?:/page_\d+\.html)?|/page_\d+\.html|/index\.html)$")
_TITLE_SUFFIX = re.compile(r"\s+-\s+(?:Chinadaily\.com\.cn|China Daily|中国日报网|中國日報網)\s*$", re.IGNORECASE)
# "By Wang Xiaoyu | China Daily | Updated: 2024-05-13 09:08", "chinadaily.com.cn | Updated: …"
_INFO_BY = re.compile(r"^\s*By\s+(?P<names>.+?)\s*$", re.IGNORECASE)


class ChinaDailyArticle(ArticleLayout):
    title_suffix = _TITLE_SUFFIX
    body_css = ("#Content", "div.article")
    skip_css = ("#div_currpage", ".selectpage", ".pagestyle", ".fenx_phone", "#ShareDiv")


class EnglishArticle(ChinaDailyArticle):
    name = "EnglishArticle"
    title_css = (".lft_art h1", "#lft-art h1", "h1")
    info_css = (".lft_art .info_l", "span.info_l", ".info")
    breadcrumb_css = (".da-bre", ".breadcrumb")

    match_css = (".lft_art, span.info_l",)

    def _parts(self) -> list[str]:
        return [p.strip() for p in self.first_text(self.info_css, " ").split("|")]

    def field_bylines(self, fields: list[Field], lang: str | None) -> list[Byline]:
        bylines = super().field_bylines(fields, lang)
        for part in self._parts():
            if match := _INFO_BY.match(part):
                bylines = bylines_in(match["names"], self.by_role(), "en") + bylines
        return bylines

    def source(self, fields: list[Field]) -> str | None:
        # The part of the info line that is neither the byline nor the time: the outlet.
        for part in self._parts():
            if part and not _INFO_BY.match(part) and not re.match(r"^(?:Updated|Published)\s*:", part, re.IGNORECASE):
                return part
        return super().source(fields)


class ChineseArticle(ChinaDailyArticle):
    name = "ChineseArticle"
    title_css = ("h1.dabiaoti", ".dabiaoti", "h1")
    info_css = ("div.fenx",)
    credit_css = ()
    breadcrumb_css = (".da-bre", ".weizhi")

    match_css = ("h1.dabiaoti, div.fenx .xinf-le",)


class ChinaDaily(StandardSite):
    key = "chinadaily"
    name = "中国日报 China Daily"
    credited_as = ("中国日报", "中國日報", "China Daily")
    languages = ("zh-Hans", "en")
    domains = ("chinadaily.com.cn",)
    headline_urls = (
        "https://www.chinadaily.com.cn/",  # top news
        "https://www.chinadaily.com.cn/china/governmentandpolicy",
        "https://cn.chinadaily.com.cn/",  # 要闻
    )
    feed_urls = ("https://www.chinadaily.com.cn/rss/china_rss.xml",)  # cited widely 2025-26
    discover = ("lists", "feeds")
    article_path = ARTICLE_RE
    list_path = LIST_RE
    layouts = (EnglishArticle, ChineseArticle)
    list_scope_css = (".tw3_01_2_t", ".mb10", ".tw3_01_2", ".left-liebiao", ".busBox1", ".topNews", "body")
    list_pager_css = (".next a", "#div_currpage a", ".page a")
    story_pages = StoryPages(
        (re.compile(r"/(?P<id>WS[0-9a-f]{24})(?P<suffix>_(?P<page>\d+))?\.html$", re.IGNORECASE),),
        "#div_currpage a, a.pagestyle, .page a",
    )
