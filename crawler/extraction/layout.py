"""The declarative article layout site modules build on: one class per page template.

A site module declares its templates as `ArticleLayout` subclasses whose class attributes are CSS
selectors tried in order (title, info line, time, source, body, skips, credits, breadcrumb) and the
marks that tell the template (`match_css`, `match_xpath`, `exclude_css`). The layout turns a page into
an `Article` with the shared readers (blocks, assemble, bylines, dates), so a site overrides a method
only for a real quirk of its outlet.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar, Protocol
from urllib.parse import urljoin, urlsplit

import lxml.html

from crawler.extraction.assemble import Assembled, assemble
from crawler.extraction.blocks import Block, blocks_from, element_text
from crawler.extraction.bylines import Field, bylines_in, dedupe, parse_fields
from crawler.extraction.results import ArticleResult, OtherResult
from crawler.extraction.scripted import MIN_TEXT, ScriptedStory, scripted_story
from crawler.extraction.selectors import exists, select, select_xpath
from crawler.extraction.sources import named_sources
from crawler.helpers.dates import FoundTime, date_in_url, find_best_time
from crawler.helpers.text import chinese_script, clean_text, detect_language, repair_mojibake
from crawler.helpers.urls import unwrap_gateway
from crawler.items import Article, Byline, Photo, Role

if TYPE_CHECKING:
    from lxml.html import HtmlElement
    from parsel import Selector
    from scrapy.http import TextResponse

    from crawler.extraction.pagination import StoryPages


class Outlet(Protocol):
    """What a layout needs of the outlet whose page it reads (crawler.sites.base.Site gives it)."""

    @property
    def key(self) -> str: ...

    @property
    def story_pages(self) -> StoryPages | None: ...

    def canonical_url(self, url: str) -> str: ...

    def key_for(self, url: str) -> str: ...


_OPINION_WORDS = r"opinions?|op-?eds?|commentar(?:y|ies)|comments?|columns?|columnists?|editorials?|views?|viewpoints?|blogs?"
_OPINION_PATH = re.compile(rf"/(?:{_OPINION_WORDS}|pinglun|guandian|sheping)(?:/|[-_]|$)", re.IGNORECASE)
_OPINION_SECTION = re.compile(
    rf"^(?:{_OPINION_WORDS}|评论|評論|观点|觀點|言论|言論|社论|社論|时评|時評|锐评|銳評|论坛|論壇)$", re.IGNORECASE
)
_OPINION_TITLE = re.compile(rf"^(?:{_OPINION_WORDS})\s*[:|丨｜]", re.IGNORECASE)
_UPDATED_LINE = re.compile(
    r"^\s*(?:Last\s+)?Updated\s*[:：]?\s*(?P<time>.+)$|^\s*更新(?:时间|於|于)?\s*[:：]?\s*(?P<zh>.+)$", re.IGNORECASE
)
_GB_ENCODINGS = frozenset({"gb18030", "gbk", "gb2312", "cp936"})
_ENDS_HTML = re.compile(rb"</html\s*>\s*$", re.IGNORECASE)
_SOFT_404 = re.compile(
    r"404|not found|页面不存在|頁面不存在|页面没有找到|找不到|已删除或过期|已刪除或過期|访问的页面", re.IGNORECASE
)


class ArticleLayout:
    """One page template. Selectors are tried in order; the first that yields text wins."""

    name: ClassVar[str] = "Article"
    title_css: ClassVar[tuple[str, ...]] = ("h1",)
    info_css: ClassVar[tuple[str, ...]] = ()
    """Elements holding the date/source/author/editor line(s)."""
    time_css: ClassVar[tuple[str, ...]] = ()
    source_css: ClassVar[tuple[str, ...]] = ()
    body_css: ClassVar[tuple[str, ...]] = ()
    skip_css: ClassVar[tuple[str, ...]] = ()
    """Elements inside the body that are not text: pagers, share bars, players."""
    credit_css: ClassVar[tuple[str, ...]] = ()
    """Elements outside the body holding credit lines, e.g. 【责任编辑：…】."""
    breadcrumb_css: ClassVar[tuple[str, ...]] = ()
    breadcrumb_noise: ClassVar[re.Pattern[str]] = re.compile(
        r"^(?:当前位置|當前位置|您的位置|你的位置|位置)\s*[:：]?\s*|^[>»›\s]+$"
    )
    title_suffix: ClassVar[re.Pattern[str] | None] = None
    boilerplate: ClassVar[tuple[re.Pattern[str], ...]] = ()
    match_css: ClassVar[tuple[str, ...]] = ()
    """The template is this one when the page has an element each of these selects (default: one of
    the body_css)."""
    match_xpath: ClassVar[str | None] = None
    """... or a node this XPath finds (what CSS cannot name: comments such as `<!--enpcontent-->`)."""
    exclude_css: ClassVar[str | None] = None
    """... and none that this selects (a sibling template's mark)."""
    junk_image: ClassVar[re.Pattern[str]] = re.compile(
        r"(?:^data:|/[^/]*(?:spacer|space|blank|pixel|loading|share|icon|logo|qrcode|ewm)[^/]*\.(?:gif|png|jpe?g|svg)$|\.svg$)",
        re.IGNORECASE,
    )

    def __init__(self, site: Outlet, response: TextResponse) -> None:
        self.site = site
        self.response = response
        self.selector: Selector = response.selector
        self.url = response.url
        self.warnings: list[str] = []
        self._skip: set[HtmlElement] | None = None
        self._found: dict[str, list[Any]] = {}
        self._by_role: Role | None = None
        self._scripted: ScriptedStory | None = None
        self._scripted_read = False

    def find(self, css: str) -> list[Any]:
        """`select` on this page, remembered: several pieces of a layout ask for the same elements."""
        found = self._found.get(css)
        if found is None:
            found = self._found[css] = select(self.selector, css)
        return found

    def first(self, css: str) -> str:
        """The first string `css` selects (a `::text` or `::attr()` selector), or ""."""
        return next(iter(self.find(css)), "")

    @classmethod
    def matches(cls, selector: Selector) -> bool:
        """Whether a page is in this template, by the declared marks."""
        if cls.exclude_css and exists(selector, cls.exclude_css):
            return False
        if cls.match_xpath and select_xpath(selector, cls.match_xpath):
            return True
        if cls.match_css:
            return all(exists(selector, css) for css in cls.match_css)
        return any(exists(selector, css) for css in cls.body_css)

    # -- pieces a layout may override -------------------------------------------------------------

    def first_text(self, selectors: tuple[str, ...], sep: str = "") -> str:
        skip = self._skip_set()
        for css in selectors:
            for node in self.find(css):
                if text := element_text(node, sep, skip):
                    return text
        return ""

    def _skip_set(self) -> set[HtmlElement]:
        if self._skip is None:
            self._skip = set(self.skip_nodes())
        return self._skip

    def title(self) -> str:
        title = next((t for css in self.title_css for n in self.find(css) if (t := element_text(n))), "")
        if not title:
            # og:title and <title> often carry the outlet and channel: `…_要闻频道_某某网`, `… - CGTN`.
            title = without_site_suffix(clean_text(self.first('meta[property="og:title"]::attr(content)')), self.title_suffix)
        if not title and (story := self.scripted()) is not None:
            title = story.title
        if not title:
            title = without_site_suffix(clean_text(self.first("title::text")), self.title_suffix)
            if title:
                self.warnings.append("title: taken from <title>")
        return title

    def info_texts(self) -> list[str]:
        texts: list[str] = []
        skip = self._skip_set()
        for css in self.info_css:
            texts.extend(t for node in self.find(css) if (t := element_text(node, " ", skip)))
            if texts:
                break
        return texts

    def fields(self) -> list[Field]:
        return [f for text in self.info_texts() for f in parse_fields(text)]

    def published(self, fields: list[Field]) -> FoundTime | None:
        candidates = [self.first_text((css,), " ") for css in self.time_css]
        candidates += [f.value for f in fields if f.kind == "time"]
        candidates += self.info_texts()
        return find_best_time([c for c in candidates if c])

    def updated(self, fields: list[Field]) -> FoundTime | None:
        """When the page says the story was updated: an 更新时间/Updated field, or a time line that
        opens with "Updated" (CGTN's "Updated 21:47, 09-Jun-2025")."""
        candidates = [f.value for f in fields if f.kind == "updated"]
        candidates += [m["time"] or m["zh"] for text in self._time_texts() if (m := _UPDATED_LINE.match(text))]
        return find_best_time([c for c in candidates if c])

    def _time_texts(self) -> list[str]:
        return [text for css in self.time_css if (text := self.first_text((css,), " "))]

    def is_opinion(self) -> bool:
        """Commentary, columns, editorials, op-eds: the section, the URL or the title says so."""
        if _OPINION_PATH.search(urlsplit(unwrap_gateway(self.url)).path):
            return True
        if any(_OPINION_SECTION.match(part) for part in self.section()):
            return True
        return bool(_OPINION_TITLE.match(self.title()))

    def by_role(self) -> Role:
        """What "By A and B" makes them: the outlet's reporters on a news page, the authors on an
        opinion page (a column, a commentary, an op-ed)."""
        if self._by_role is None:
            self._by_role = "author" if self.is_opinion() else "reporter"
        return self._by_role

    def url_date(self) -> FoundTime | None:
        """The date in the URL (/20230115/, /2024-05/13/, /n1/2024/0424/): a day, Beijing time."""
        path = urlsplit(unwrap_gateway(self.url)).path
        return date_in_url(path)

    def source(self, fields: list[Field]) -> str | None:
        if text := self.first_text(self.source_css, " "):
            return clean_text(re.sub(r"^.*?[:：]", "", text)) or None
        return next((f.value for f in fields if f.kind == "source" and f.value), None)

    def body_nodes(self) -> list[HtmlElement | str] | None:
        for css in self.body_css:
            nodes = self.find(css)
            if nodes:
                return [nodes[0]]
        return None

    def skip_nodes(self) -> list[HtmlElement]:
        return [n for css in self.skip_css for n in self.find(css)]

    def blocks(self) -> list[Block] | None:
        nodes = self.body_nodes()
        blocks = blocks_from(nodes, self.url, self._skip_set()) if nodes is not None else None
        if sum(len(b.text) for b in blocks or []) < MIN_TEXT and (story := self.scripted()) is not None:
            # The container is empty and the story is data for the page's script to draw.
            self.warnings.append("body: read from the page's data-json (the page draws the story by script)")
            return blocks_from([lxml.html.fragment_fromstring(story.html, create_parent="div")], self.url, set())
        return blocks

    def scripted_bylines(self, lang: str | None) -> list[Byline]:
        story = self.scripted() if self._scripted_read else None
        return [b for name in (story.editors if story else []) for b in bylines_in(name, "editor", lang)]

    def scripted(self) -> ScriptedStory | None:
        """The story the page holds only as script data (crawler/extraction/scripted.py), if any."""
        if not self._scripted_read:
            self._scripted, self._scripted_read = scripted_story(self.selector), True
        return self._scripted

    def field_bylines(self, fields: list[Field], lang: str | None) -> list[Byline]:
        bylines: list[Byline] = []
        for f in fields:
            if f.kind in ("reporter", "author", "editor", "photographer", "translator", "commentator") and f.value:
                # The credit's language is the language of its label: 责任编辑 is zh, Editor is en.
                bylines.extend(bylines_in(f.value, f.kind, detect_language(f.label) or lang))
        return bylines

    def credit_bylines(self, lang: str | None) -> list[Byline]:
        bylines: list[Byline] = []
        for css in self.credit_css:
            for node in self.find(css):
                text = element_text(node, " ")
                for f in parse_fields(text.strip("【】[]()（）")):
                    if f.kind in ("editor", "reporter", "author", "photographer", "translator") and f.value:
                        bylines.extend(bylines_in(f.value, f.kind, lang))
        return bylines

    def section(self) -> list[str]:
        for css in self.breadcrumb_css:
            for node in self.find(css):
                parts = [clean_text(t) for t in select(node, "a::text, a *::text, span.current::text, em::text")]
                parts = [self.breadcrumb_noise.sub("", p).strip(">»›/| ") for p in parts]
                parts = [p for p in parts if p and p not in {">", "»", "›", "&gt;"}]
                if parts:
                    return parts
        return []

    # -- the assembled item -----------------------------------------------------------------------

    def to_result(self) -> ArticleResult | OtherResult:
        blocks = self.blocks()
        if blocks is None:
            if self._error_page():
                return OtherResult("soft 404 (error page served as 200)", "soft_404")
            return OtherResult("no article body", "no_article_body")
        title = self.title()
        assembled = assemble(
            blocks, page_title=title or None, boilerplate=self.boilerplate, junk_image=self.is_junk_image, by_role=self.by_role()
        )
        if (refused := self._not_a_story(title, assembled)) is not None:
            return refused
        fields = self.fields()
        main_lang = detect_language(title) if title else (assembled.languages[0] if assembled.languages else None)
        bylines = dedupe(
            self.field_bylines(fields, main_lang)
            + self.credit_bylines(main_lang)
            + assembled.bylines
            + self.scripted_bylines(main_lang)
        )
        found = self.published(fields)  # may add to self.warnings: before they are gathered
        if found is None and (story := self.scripted()) is not None and story.published is not None:
            found = story.published
            self.warnings.append("published_at: taken from the page's data-json")
        updated = self.updated(fields)
        warnings = self.warnings + assembled.warnings
        if updated and found and found.value == updated.value and not any(f.kind == "time" for f in fields):
            warnings.append("published_at: the page shows only when the story was updated")
        if not _ENDS_HTML.search(self.response.body[-512:]):
            warnings.append("page: the HTML stops before </html>; the page may have been cut off")
        found = self._at_least_a_day(found, warnings)
        if not title:
            warnings.append("title: missing")
        text, body = self._repaired_text(assembled, warnings)
        sources = named_sources(self.source(fields) or assembled.source)
        # Characters lost before the page reached us are marked in every field, once, by
        # crawler.extraction.sanitize when the item is finished (crawler.parse.parse_response).
        item = Article(
            url=self.url,
            canonical_url=self.site.canonical_url(self.url),
            key=self.site.key_for(self.url),
            site=self.site.key,
            section=self.section(),
            title=text,
            body=body,
            languages=self._languages(assembled),
            photos=assembled.photos,
            bylines=bylines,
            source=sources[0] if sources else None,
            sources=sources,
            dateline=assembled.dateline,
            published_at=found.value.isoformat() if found else None,
            published_raw=found.raw if found else None,
            published_precision=found.precision if found else None,
            updated_at=updated.value.isoformat() if updated else None,
            other_titles=assembled.other_titles,
            author_notes=assembled.author_notes,
            page_urls=[self.url],
            parser=f"{self.site.key}:{self.name}",
            warnings=warnings,
        )
        return ArticleResult(item=item, more_pages=self.more_pages())

    def _error_page(self) -> bool:
        """A page without a story's body that says it is an error page: in its <title>, or in the
        little text it has (a deleted story's URL often serves one with status 200)."""
        if _SOFT_404.search(clean_text(self.first("title::text"))):
            return True
        text = clean_text(" ".join(t for body in select(self.response.selector, "body") for t in body.itertext()))
        return len(text) < 300 and bool(_SOFT_404.search(text))

    def _not_a_story(self, title: str, assembled: Assembled) -> OtherResult | None:
        """A page in the template that holds no story: no text, or an error page served as 200."""
        page_title = title or clean_text(self.first("title::text"))
        if not assembled.body and not any(p.caption for p in assembled.photos):
            if _SOFT_404.search(page_title):
                return OtherResult("soft 404 (error page served as 200)", "soft_404")
            return OtherResult("no article text", "no_article_text")
        # An error page says so in a line or two; a story that mentions "404" is long.
        text_length = sum(len(p) for paragraphs in assembled.body.values() for p in paragraphs)
        short_text = " ".join([page_title, *(p for ps in assembled.body.values() for p in ps)])
        if text_length < 200 and _SOFT_404.search(short_text):
            return OtherResult("soft 404 (error page served as 200)", "soft_404")
        return None

    def _at_least_a_day(self, found: FoundTime | None, warnings: list[str]) -> FoundTime | None:
        """The printed time, else the day in the URL, with a warning for anything less than a time."""
        if found is None and (found := self.url_date()) is not None:
            warnings.append("published_at: no date on the page; the day is the URL's")
        elif found is None:
            warnings.append("published_at: no date on the page")
        elif found.precision == "day":
            warnings.append("published_at: the page shows a date without a time")
        return found

    def _repaired_text(self, assembled: Assembled, warnings: list[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
        """Titles and body, with paragraphs of UTF-8 inside a GB page decoded as they were written."""
        if self.response.encoding not in _GB_ENCODINGS:  # UTF-8 paragraphs hide only in pages read as GB
            return assembled.title, assembled.body
        title, body, repaired = _repair_mixed_encoding(assembled.title, assembled.body, assembled.photos)
        if repaired:
            warnings.append(f"decoding: {repaired} paragraph(s) were UTF-8 inside a {self.response.encoding} page; repaired")
        return title, body

    @staticmethod
    def _languages(assembled: Assembled) -> list[str]:
        """Language tags in page order, Chinese with the script it is written in."""
        zh_text = " ".join([assembled.title.get("zh", ""), *assembled.body.get("zh", [])])
        return [(chinese_script(zh_text) or "zh-Hans") if lang == "zh" else lang for lang in assembled.languages]

    def more_pages(self) -> list[str]:
        """The later pages of this story that the page links to (the outlet's StoryPages)."""
        pages = self.site.story_pages
        if pages is None:
            return []
        return pages.later_pages(self.url, absolute_links(self.selector, pages.pager_css, self.url))

    def is_junk_image(self, url: str) -> bool:
        return bool(self.junk_image.search(url))


def _repair_mixed_encoding(
    title: dict[str, str], body: dict[str, list[str]], photos: list[Photo]
) -> tuple[dict[str, str], dict[str, list[str]], int]:
    """Undo UTF-8-read-as-GBK paragraphs (crawler.helpers.text.repair_mojibake); how many were repaired."""
    count = 0

    def fix(text: str) -> str:
        nonlocal count
        repaired = repair_mojibake(text)
        if repaired is None:
            return text
        count += 1
        return repaired

    title = {lang: fix(text) for lang, text in title.items()}
    body = {lang: [fix(p) for p in paragraphs] for lang, paragraphs in body.items()}
    for photo in photos:
        if photo.caption:
            photo.caption = fix(photo.caption)
    return title, body, count


# `…_要闻频道_某某网`, `… - 新华网`, `… | CGTN`: the outlet and channel a page's <title> or og:title adds.
_SITE_NAME_SUFFIX = re.compile(
    r"\s*(?:[_|\-–—]|--)+\s*[^_|\-–—]{1,30}(?:网|網|频道|頻道|报|報|Online|\.cn|\.com|Daily|Times|CGTN|Xinhua)[^_|\-–—]*$",
    re.IGNORECASE,
)


def without_site_suffix(title: str, own: re.Pattern[str] | None = None) -> str:
    """A title without the outlet's and channels' names a <title> adds after it."""
    stripped = own.sub("", title) if own else title
    while (shorter := _SITE_NAME_SUFFIX.sub("", stripped)) != stripped and shorter:
        stripped = shorter
    return stripped


def absolute_links(selector: Selector | HtmlElement, css: str, base_url: str) -> list[str]:
    """Absolute hrefs (stripped of whitespace and newlines that dirty markup puts in them)."""
    links = []
    for anchor in select(selector, css):
        href = re.sub(r"\s+", "", anchor.get("href") or "")
        if href and not href.lower().startswith(("javascript:", "mailto:", "#")):
            links.append(urljoin(base_url, href))
    return links


def unique(urls: list[str]) -> list[str]:
    return list(dict.fromkeys(urls))
