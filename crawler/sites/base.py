"""What every site module provides, and the declarative article layout they build on.

A site module declares its hosts, headline pages, URL patterns and one or more `ArticleLayout`
subclasses whose class attributes are CSS selectors tried in order. The base class turns them into
an `Article` with the shared helpers, so a site overrides a method only for a real quirk.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Literal

from crawler.assemble import assemble
from crawler.blocks import Block, blocks_from, element_text
from crawler.bylines import Field, dedupe, parse_fields, people
from crawler.dates import FoundTime, find_best_time
from crawler.items import Article, Byline
from crawler.text import chinese_script, clean_text, detect_language
from crawler.urls import canonical_url, host_in, host_of, unwrap_gateway, url_key

if TYPE_CHECKING:
    from lxml.html import HtmlElement
    from parsel import Selector
    from scrapy.http import TextResponse


@dataclass(frozen=True)
class ListResult:
    articles: list[str]
    """Article URLs as linked (gateway form kept), first page of each story."""
    next: list[str]
    """Further list pages: pagination, and channel pages reached from a home page."""
    kind: Literal["list"] = "list"


@dataclass(frozen=True)
class OtherResult:
    reason: str
    kind: Literal["other"] = "other"


@dataclass(frozen=True)
class ArticleResult:
    item: Article
    more_pages: list[str] = field(default_factory=list)
    """Pages of the same story after this one, in order, as linked."""
    kind: Literal["article"] = "article"


ParseResult = ArticleResult | ListResult | OtherResult

_SOFT_404 = re.compile(
    r"404|not found|页面不存在|頁面不存在|页面没有找到|找不到|已删除或过期|已刪除或過期|访问的页面", re.IGNORECASE
)


class Site(ABC):
    key: ClassVar[str]
    name: ClassVar[str]
    domains: ClassVar[tuple[str, ...]]
    """Registrable domains whose pages this module parses (gateway copies are unwrapped first)."""
    gateway_hosts: ClassVar[tuple[str, ...]] = ()
    """Big5 gateway hosts that proxy this site's pages."""
    headline_urls: ClassVar[tuple[str, ...]]
    """Where a crawl starts: headline (头条/要闻) pages, simplified and gateway forms."""

    def owns(self, url: str) -> bool:
        return host_in(host_of(url), self.domains)

    def allowed_domains(self) -> list[str]:
        return [*self.domains, *self.gateway_hosts]

    def canonical_path(self, path: str) -> str:
        """Site hook: drop page suffixes, normalise extensions."""
        return path

    def canonical_url(self, url: str) -> str:
        return canonical_url(url, self.canonical_path)

    def key_for(self, url: str) -> str:
        return url_key(self.canonical_url(url))

    @abstractmethod
    def parse(self, response: TextResponse) -> ParseResult:
        """Classify one fetched page and extract what it holds."""


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
    junk_image: ClassVar[re.Pattern[str]] = re.compile(
        r"(?:^data:|/(?:spacer|blank|pixel|loading|share|icon|logo|qrcode|ewm)[^/]*\.(?:gif|png|jpe?g|svg)$|\.svg$)",
        re.IGNORECASE,
    )

    def __init__(self, site: Site, response: TextResponse) -> None:
        self.site = site
        self.response = response
        self.selector: Selector = response.selector
        self.url = response.url
        self.warnings: list[str] = []
        self._skip: set[HtmlElement] | None = None

    @classmethod
    def matches(cls, selector: Selector) -> bool:
        return any(selector.css(css) for css in cls.body_css)

    # -- pieces a layout may override -------------------------------------------------------------

    def first_text(self, selectors: tuple[str, ...], sep: str = "") -> str:
        skip = self._skip_set()
        for css in selectors:
            for node in self.selector.css(css):
                if text := element_text(node.root, sep, skip):
                    return text
        return ""

    def _skip_set(self) -> set[HtmlElement]:
        if self._skip is None:
            self._skip = set(self.skip_nodes())
        return self._skip

    def title(self) -> str:
        title = self.first_text(self.title_css)
        if not title:
            title = clean_text(self.selector.css('meta[property="og:title"]::attr(content)').get())
        if not title:
            title = clean_text(self.selector.css("title::text").get())
            if self.title_suffix:
                title = self.title_suffix.sub("", title)
            if title:
                self.warnings.append("title: taken from <title>")
        return title

    def info_texts(self) -> list[str]:
        texts: list[str] = []
        skip = self._skip_set()
        for css in self.info_css:
            texts.extend(t for node in self.selector.css(css) if (t := element_text(node.root, " ", skip)))
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

    def source(self, fields: list[Field]) -> str | None:
        if text := self.first_text(self.source_css, " "):
            return clean_text(re.sub(r"^.*?[:：]", "", text)) or None
        return next((f.value for f in fields if f.kind == "source" and f.value), None)

    def body_nodes(self) -> list[HtmlElement | str] | None:
        for css in self.body_css:
            nodes = self.selector.css(css)
            if nodes:
                return [nodes[0].root]
        return None

    def skip_nodes(self) -> list[HtmlElement]:
        return [n.root for css in self.skip_css for n in self.selector.css(css)]

    def blocks(self) -> list[Block] | None:
        nodes = self.body_nodes()
        if nodes is None:
            return None
        return blocks_from(nodes, self.url, self._skip_set())

    def field_bylines(self, fields: list[Field], lang: str | None) -> list[Byline]:
        bylines: list[Byline] = []
        for f in fields:
            if f.kind in ("reporter", "author", "editor", "photographer", "translator", "commentator") and f.value:
                # The credit's language is the language of its label: 责任编辑 is zh, Editor is en.
                bylines.extend(people(f.value, f.kind, detect_language(f.label) or lang))
        return bylines

    def credit_bylines(self, lang: str | None) -> list[Byline]:
        bylines: list[Byline] = []
        for css in self.credit_css:
            for node in self.selector.css(css):
                text = element_text(node.root, " ")
                for f in parse_fields(text.strip("【】[]()（）")):
                    if f.kind in ("editor", "reporter", "author", "photographer", "translator") and f.value:
                        bylines.extend(people(f.value, f.kind, lang))
        return bylines

    def section(self) -> list[str]:
        for css in self.breadcrumb_css:
            for node in self.selector.css(css):
                parts = [clean_text(t) for t in node.css("a::text, a *::text, span.current::text, em::text").getall()]
                parts = [self.breadcrumb_noise.sub("", p) for p in parts]
                parts = [p for p in parts if p and p not in {">", "»", "›", "&gt;"}]
                if parts:
                    return parts
        return []

    # -- the assembled item -----------------------------------------------------------------------

    def to_result(self) -> ArticleResult | OtherResult:
        blocks = self.blocks()
        if blocks is None:
            return OtherResult("no article body")
        title = self.title()
        assembled = assemble(blocks, page_title=title or None, boilerplate=self.boilerplate, junk_image=self.is_junk_image)
        if not assembled.body and not any(p.caption for p in assembled.photos):
            if _SOFT_404.search(title or clean_text(self.selector.css("title::text").get())):
                return OtherResult("soft 404 (error page served as 200)")
            return OtherResult("no article text")
        fields = self.fields()
        main_lang = detect_language(title) if title else (assembled.languages[0] if assembled.languages else None)
        bylines = dedupe(self.field_bylines(fields, main_lang) + self.credit_bylines(main_lang) + assembled.bylines)
        found = self.published(fields)
        warnings = self.warnings + assembled.warnings
        if found is None:
            warnings.append("published_at: no date on the page")
        elif found.precision == "day":
            warnings.append("published_at: the page shows a date without a time")
        if not title:
            warnings.append("title: missing")
        zh_text = " ".join([assembled.title.get("zh", ""), *assembled.body.get("zh", [])])
        languages = [(chinese_script(zh_text) or "zh-Hans") if lang == "zh" else lang for lang in assembled.languages]
        canonical = self.site.canonical_url(self.url)
        item = Article(
            url=self.url,
            canonical_url=canonical,
            key=url_key(canonical),
            site=self.site.key,
            section=self.section(),
            title=assembled.title,
            body=assembled.body,
            languages=languages,
            photos=assembled.photos,
            bylines=bylines,
            source=self.source(fields) or assembled.source,
            published_at=found.value.isoformat() if found else None,
            published_raw=found.raw if found else None,
            published_precision=found.precision if found else None,
            page_urls=[self.url],
            parser=f"{self.site.key}:{self.name}",
            warnings=warnings,
        )
        return ArticleResult(item=item, more_pages=self.more_pages())

    def more_pages(self) -> list[str]:
        return []

    def is_junk_image(self, url: str) -> bool:
        return bool(self.junk_image.search(url))


def absolute_links(selector: Selector, css: str, base_url: str) -> list[str]:
    """Absolute hrefs (stripped of whitespace and newlines that dirty markup puts in them)."""
    from urllib.parse import urljoin

    links = []
    for raw in selector.css(css).xpath("@href").getall():
        href = re.sub(r"\s+", "", raw)
        if href and not href.lower().startswith(("javascript:", "mailto:", "#")):
            links.append(urljoin(base_url, href))
    return links


def unique(urls: list[str]) -> list[str]:
    return list(dict.fromkeys(urls))


__all__ = [
    "ArticleLayout",
    "ArticleResult",
    "ListResult",
    "OtherResult",
    "ParseResult",
    "Site",
    "absolute_links",
    "unique",
    "unwrap_gateway",
]
