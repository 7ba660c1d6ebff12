"""人民网 People's Daily Online: people.com.cn (and its /BIG5/ mirror), en.people.cn.

Facts used (../shared/dossier/SITES.md §3, ../shared/corpus/REPORT.md): articles are
`/n1|n2|n/YYYY/MMDD/c<col>-<id>[-<page>].html` (English `/n3/`), the traditional mirror inserts
`/BIG5/` after the host; the main site is served as GBK and provincial sites as UTF-8. Layouts:
2020wbc (`.rm_txt`: the first `h1.cf` is the logo, the title is the next `h1`; `div.author`,
`div.channel .col-1-1` "2024年04月24日23:52 | 来源：新华网", `.rm_txt_con`, `(责编：…)` in
`div.edit`), 2016wb (`div.text_title`, `div.box01 .fl`, `#rwb_zw`), the health channel
(`div.articleCont` with an h2 title, `.artOri`, `.artDet`, `.editor`), cpc (`div.text_c`,
`#p_publishtime`, `#p_origin`, `.show_text`) and English (`div.d2txtCon`, `.origin`
"(People's Daily Online) 11:35, November 23, 2022", `(Web editor: …)`).

Discovery (DISCOVERY.md): the home page's `#rm_aq` (头条) and `#rm_bq` (要闻) blocks, both read (real
2026 fragments in ../shared/corpus/people and in a 2026-10 collector's fixture). RSS under `/rss/`
from `opml.xml` is stale (a 2026-10 check: politics.xml's newest item was 2025-06-05) and
`sitemap_index.xml` is read by fundus: both declared, neither read by default, since robots.txt
asks for 120 s between requests. `politics.people.com.cn/GB/1024/` failed in 2026-10 (certificate
for another name over HTTPS, 403 over HTTP) and is not a start page. Its WAF answers bots with a
403 page (RSSHub PR #8154): counted as blocked/waf.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from crawler.extraction.furniture import SHARED_BOILERPLATE
from crawler.extraction.layout import ArticleLayout
from crawler.extraction.pagination import StoryPages
from crawler.helpers.text import clean_text
from crawler.sites.base import StandardSite

if TYPE_CHECKING:
    from crawler.extraction.bylines import Field

ARTICLE_RE = re.compile(r"/(?:BIG5/|GB/)?n\d?/\d{4}/\d{4}/c\d+-(?P<id>\d+)(?:-(?P<page>\d+))?\.html$", re.IGNORECASE)
LIST_RE = re.compile(
    r"(?:/GB/\d+/(?:index\d*\.html)?|/\d{4,6}/(?:index\d*\.html)?|/index\d*\.html|/review/\d{8}\.html|/[a-z]+/index\.html|/)$"
)
_TITLE_SUFFIX = re.compile(
    r"\s*(?:--[^-]{1,20})*--\s*(?:人民网|人民網|People's Daily Online)\s*$|\s*[-|]\s*People's Daily Online\s*$", re.IGNORECASE
)
_BOILERPLATE = (re.compile(r"^(?:【\d+】)+$"),)


class PeopleArticle(ArticleLayout):
    boilerplate = (*SHARED_BOILERPLATE, *_BOILERPLATE)
    title_suffix = _TITLE_SUFFIX
    skip_css: ClassVar[tuple[str, ...]] = (
        ".zdfy",
        ".paper_num",
        ".box_pic:empty",
        "center table",
        ".section-common-share-wrap",
        ".rm_relevant",
        "#rwb_tjyd",
        ".page_n",
    )
    credit_css = ("div.edit", "div.editor", ".edit")


class Rm2020Article(PeopleArticle):
    """2020wbc template (politics, finance… since 2020)."""

    name = "Rm2020Article"
    title_css = (".rm_txt .col-1 > h1", ".rm_txt h1:not(.cf)")
    info_css = ("div.channel .col-1-1", "div.channel")
    body_css = (".rm_txt_con",)
    breadcrumb_css = ("#rwb_navpath", ".route")

    match_css = (".rm_txt_con",)

    def field_bylines(self, fields: list[Field], lang: str | None) -> list:  # type: ignore[type-arg]
        from crawler.extraction.bylines import bylines_in

        bylines = super().field_bylines(fields, lang)
        reporters = clean_text(" ".join(self.find("div.author ::text")))
        if reporters:  # "本报记者 王乐文 方 敏"; empty for syndicated stories
            bylines = bylines_in(reporters, "reporter", "zh") + bylines
        return bylines


class Wb2016Article(PeopleArticle):
    """2016wb template: `div.text_title`, `div.box01 .fl`, `#rwb_zw`."""

    name = "Wb2016Article"
    title_css = (".text_title h1",)
    info_css = ("div.box01 .fl", "div.box01")
    body_css = ("#rwb_zw", ".box_con")
    breadcrumb_css = (".clink", ".route")

    match_css = ("#rwb_zw, .text_title",)

    def field_bylines(self, fields: list[Field], lang: str | None) -> list:  # type: ignore[type-arg]
        from crawler.extraction.bylines import bylines_in

        bylines = super().field_bylines(fields, lang)
        author = clean_text(" ".join(self.find(".text_title .author ::text")))
        return (bylines_in(author, "author", "zh") if author else []) + bylines


class HealthArticle(PeopleArticle):
    """Health and life channels: the title is an h2 in `div.articleCont .title`."""

    name = "HealthArticle"
    title_css = (".articleCont .title h2", ".articleCont h2")
    info_css = (".artOri",)
    body_css = (".artDet",)
    breadcrumb_css = (".clink",)

    match_css = (".articleCont .artDet",)


class CpcArticle(PeopleArticle):
    """cpc.people.com.cn: `div.text_c`, `#p_publishtime`, `#p_origin`, `.show_text`."""

    name = "CpcArticle"
    title_css = (".text_c h1", "h1")
    info_css = (".text_c .sou", ".text_c")
    time_css = ("#p_publishtime",)
    source_css = ("#p_origin",)
    body_css = (".show_text",)

    match_css = (".text_c .show_text, #p_publishtime",)


class EnglishArticle(PeopleArticle):
    """en.people.cn: `div.d2txtCon` holds the h1, `.origin` and the paragraphs."""

    name = "EnglishArticle"
    title_css = (".d2txtCon h1", "h1")
    info_css = (".d2txtCon .origin", ".origin")
    body_css = (".d2txtCon", ".w860")
    skip_css = (*PeopleArticle.skip_css, ".route", ".origin", "h1", ".editor", ".paging", ".page")
    breadcrumb_css = (".d2txtCon .route", ".route")

    match_css = (".d2txtCon",)

    def source(self, fields: list[Field]) -> str | None:
        # "(People's Daily Online) 11:35, November 23, 2022"
        origin = self.first_text(self.info_css, " ")
        match = re.match(r"^\(\s*(?P<source>[^)]+?)\s*\)", origin)
        return match["source"] if match else super().source(fields)


class People(StandardSite):
    key = "people"
    name = "人民网 People's Daily Online"
    credited_as = ("人民日报", "人民日報", "人民网", "人民網", "People's Daily")
    languages = ("zh-Hans", "en")
    domains = ("people.com.cn", "people.cn")
    # politics.people.com.cn/GB/1024/ (时政) answered with a certificate for another name over
    # HTTPS and 403 over HTTP in 2026-10, and many /GB/ paths 404: the home page's blocks hold the
    # same headlines.
    headline_urls = (
        "http://www.people.com.cn/",  # 头条 (#rm_aq) and 要闻 (#rm_bq) blocks
        "http://en.people.cn/",
    )
    # RSS listed by opml.xml: stale (politics.xml's newest item was 2025-06-05, checked 2026-10).
    feed_urls = ("http://www.people.com.cn/rss/politics.xml",)
    sitemap_urls = ("http://www.people.com.cn/sitemap_index.xml",)  # read by fundus
    # robots.txt asks for 120 s between requests: the home page's blocks are the cheapest source.
    discover = ("lists",)
    article_path = ARTICLE_RE
    # c<channel>-<id>: the same story is linked from politics., world., www. and the /BIG5/ mirror.
    story_id_path = re.compile(r"/n\d?/\d{4}/\d{4}/(?P<id>c\d+-\d+)\.html$", re.IGNORECASE)
    list_path = LIST_RE
    layouts = (Rm2020Article, Wb2016Article, HealthArticle, CpcArticle, EnglishArticle)
    headline_blocks_css = ("#rm_aq", "#rm_bq")  # the home page's 头条 and 要闻 blocks
    list_scope_css = (
        ".headingNews",
        ".p6",
        "div.p2j_list",
        "div.ej_list_box",
        ".ej_bor",
        ".leftItem",
        ".fl",
        ".col-1",
        "body",
    )
    list_pager_css = (".page_n a", ".page a", "div.col-1.fl > div a")
    story_pages = StoryPages(
        (re.compile(r"/c(?P<id>\d+-\d+)(?P<suffix>-(?P<page>\d+))?\.html$"),),
        ".zdfy a, .page_n a, #rwb_zw a, .rm_txt_con a, center a",
    )

    def list_page_number(self, url: str) -> int:
        # Channel lists page as index.html, index2.html, index3.html.
        if match := re.search(r"/index(\d+)\.html$", self.path_of(url)):
            return int(match[1])
        return super().list_page_number(url)

    def canonical_path(self, path: str) -> str:
        # The /BIG5/ mirror names the same story.
        return re.sub(r"^/(?:BIG5|GB)(?=/n\d?/)", "", path, flags=re.IGNORECASE)
