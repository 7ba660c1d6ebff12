"""环球时报 Global Times (English): www.globaltimes.cn.

Facts used (../shared/corpus/REPORT.md, Global Times 2026 article): articles are
`/page/YYYYMM/NNNNNNN.shtml`; `div.article_column` names the section, `div.article_title` the title,
`div.author_share_left` holds `span.byline` ("By Global Times") and `span.pub_time` ("Published: Jul
06, 2026 01:40 PM"); the body `div.article_right` has no `<p>` per paragraph (text split by
`<br /><br />`), captions are `p.picture` under a centred image; `div.related_section` lists links.

Discovery (DISCOVERY.md): section pages `<section>/index.html` including `In-depth/index.html`
(calibre's recipe), pre-2020 stories at `/content/<id>.shtml`; RSS `rss/outbrain.xml` and
`rss/china.xml` (cited in 2025-26 code). From other projects' code only.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from crawler.extraction.bylines import bylines_in
from crawler.extraction.layout import ArticleLayout
from crawler.sites.base import StandardSite

if TYPE_CHECKING:
    from crawler.extraction.bylines import Field
    from crawler.items import Byline

# Articles: /page/YYYYMM/<id>.shtml, and before 2020 /content/<id>.shtml.
ARTICLE_RE = re.compile(r"/page/\d{6}/\d+\.shtml$|^/content/\d+\.shtml$", re.IGNORECASE)
# Sections: /china/index.html, /In-depth/index.html (the capital I is the site's own).
LIST_RE = re.compile(r"^/(?:[a-z-]+(?:/[a-z-]+)?/?)?(?:index\.html)?$", re.IGNORECASE)
_TITLE_SUFFIX = re.compile(r"\s*-\s*Global Times\s*$", re.IGNORECASE)
_OUTLET_BYLINES = re.compile(r"^(?:Global Times|GT staff reporters?|Xinhua|AFP|Reuters)$", re.IGNORECASE)


class GlobalTimesArticle(ArticleLayout):
    name = "GlobalTimesArticle"
    title_suffix = _TITLE_SUFFIX
    title_css = ("div.article_title", "h1")
    info_css = ("div.author_share_left", ".author_share")
    time_css = ("span.pub_time",)
    body_css = ("div.article_right", "div.article_content")
    skip_css = ("div.related_section", ".share", ".article_share", "div.article_column", "div.author_share")
    breadcrumb_css = ("div.article_column",)
    # The paper signs off stories with a bare "Global Times" line; it repeats the source. (The print
    # edition's "Newspaper headline: …" line goes to other_titles["print"], crawler/extraction/furniture.py.)
    boilerplate = (re.compile(r"^\s*(?:Global Times|GT)\s*$"),)

    match_css = ("div.article_right, div.article_title",)

    def _byline(self) -> str:
        return re.sub(r"^By\s+", "", self.first_text(("span.byline",), " "), flags=re.IGNORECASE).strip()

    def field_bylines(self, fields: list[Field], lang: str | None) -> list[Byline]:
        byline = self._byline()
        # "By Global Times" credits the paper, not a person: it is the source.
        if not byline or _OUTLET_BYLINES.match(byline):
            return []
        return bylines_in(byline, self.by_role(), "en")

    def source(self, fields: list[Field]) -> str | None:
        byline = self._byline()
        return byline if byline and _OUTLET_BYLINES.match(byline) else "Global Times"


class GlobalTimes(StandardSite):
    key = "globaltimes"
    name = "环球时报 Global Times"
    credited_as = ("环球时报", "環球時報", "环球网", "環球網", "Global Times")
    languages = ("en",)
    domains = ("globaltimes.cn",)
    headline_urls = (
        "https://www.globaltimes.cn/",
        "https://www.globaltimes.cn/china/index.html",
        "https://www.globaltimes.cn/In-depth/index.html",
    )
    feed_urls = ("https://www.globaltimes.cn/rss/outbrain.xml", "https://www.globaltimes.cn/rss/china.xml")
    discover = ("lists", "feeds")
    article_path = ARTICLE_RE
    list_path = LIST_RE
    layouts = (GlobalTimesArticle,)
    list_scope_css = (".row-content", ".list_info", ".common_list", ".middle_section", "body")
