"""CGTN: news.cgtn.com / www.cgtn.com (English).

Facts used (../shared/dossier/SITES.md §5, ../shared/corpus/REPORT.md): articles are
`/news/YYYY-MM-DD/<slug>-<id>/index.html` or `…/p.html` (older `/news/<hex>/index.html`); the body is
`#cmsMainContent` with text in `div.text` (2018) or `p` (2020), images in `div.cmsImage` followed by
`div.imageCaption` whose text ends with the credit ("…/VCG Photo"); the header has `.news-title`,
`.news-author-name` and a `DD-Mon-YYYY` date.

Discovery (DISCOVERY.md): section pages are static HTML (a 2026 report; RSSHub's `.cg-title h3 a`);
RSS per section at `subscribe/rss/section/<name>.xml` (world, business cited in 2025-26 code); the
robots.txt names 23 sitemaps (a 2026-05 test report). All from other projects' code and reports.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from crawler.extraction.layout import ArticleLayout
from crawler.sites.base import StandardSite

if TYPE_CHECKING:
    from crawler.extraction.bylines import Field
    from crawler.items import Byline

ARTICLE_RE = re.compile(r"/news/(?:\d{4}-\d{2}-\d{2}/[^/]+|[0-9a-f]{16,})/(?:index|p)\.html$", re.IGNORECASE)
LIST_RE = re.compile(r"^/(?:[a-z-]+(?:/[a-z-]+)?)?/?$|^/(?:[a-z-]+/)?index\.html$")
_TITLE_SUFFIX = re.compile(r"\s*[-|]\s*CGTN\s*$", re.IGNORECASE)


class CgtnArticle(ArticleLayout):
    name = "CgtnArticle"
    title_suffix = _TITLE_SUFFIX
    title_css = (".news-title", "h1.news-title", ".news-header h1", "h1")
    info_css = (".news-author-name", ".news-date", ".news-info")
    time_css = (".news-date", "span.date", ".date")
    body_css = ("#cmsMainContent",)
    skip_css = (".wrapper-visible", ".cmsVideo", ".cmsAudio", ".share")
    breadcrumb_css = (".news-crumb", ".crumb")

    match_css = ("#cmsMainContent",)

    def field_bylines(self, fields: list[Field], lang: str | None) -> list[Byline]:
        from crawler.extraction.bylines import bylines_in

        author = self.first_text((".news-author-name",), " ")
        author = re.sub(r"^By\s+", "", author, flags=re.IGNORECASE)
        return bylines_in(author, self.by_role(), "en") if author and author.upper() != "CGTN" else []

    def source(self, fields: list[Field]) -> str | None:
        return super().source(fields) or "CGTN"


class Cgtn(StandardSite):
    key = "cgtn"
    name = "CGTN"
    credited_as = ("CGTN", "中国国际电视台", "中國國際電視台")
    languages = ("en",)
    domains = ("cgtn.com",)
    headline_urls = ("https://www.cgtn.com/", "https://www.cgtn.com/china")
    # RSS per section (world and business cited in 2025-26 code; china by the same pattern).
    feed_urls = ("https://www.cgtn.com/subscribe/rss/section/china.xml", "https://www.cgtn.com/subscribe/rss/section/world.xml")
    sitemap_urls = ("https://www.cgtn.com/robots.txt",)  # names 23 sitemaps (a 2026-05 test report)
    discover = ("lists", "feeds")
    article_path = ARTICLE_RE
    list_path = LIST_RE
    layouts = (CgtnArticle,)
    list_scope_css = (".topNews-item", ".top-news-item-content", ".cg-title", ".news-list", "body")
