"""What every site module provides, and the declarative article layout they build on.

A site module declares its hosts, headline pages, URL patterns and one or more `ArticleLayout`
subclasses whose class attributes are CSS selectors tried in order. The base class turns them into
an `Article` with the shared helpers, so a site overrides a method only for a real quirk.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal
from urllib.parse import urlsplit

from crawler.assemble import assemble
from crawler.blocks import Block, blocks_from, element_text
from crawler.bylines import Field, dedupe, parse_fields, people
from crawler.dates import FoundTime, find_best_time, find_time
from crawler.items import Article, Byline, Photo
from crawler.selectors import exists, select
from crawler.text import chinese_script, clean_text, detect_language, repair_mojibake
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
    """What the page is, for people: "soft 404 (error page served as 200)"."""
    code: str = "other"
    """The same as a fixed stat name (pages/other/<code>): soft_404, no_article_text, too_large …"""
    kind: Literal["other"] = "other"


@dataclass(frozen=True)
class ArticleResult:
    item: Article
    more_pages: list[str] = field(default_factory=list)
    """Pages of the same story after this one, in order, as linked."""
    kind: Literal["article"] = "article"


ParseResult = ArticleResult | ListResult | OtherResult

_URL_DATES = (
    re.compile(r"/(?P<y>20\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)/"),
    re.compile(r"/(?P<y>20\d{2})-(?P<m>[01]\d)/(?P<d>[0-3]\d)/"),
    re.compile(r"/(?P<y>20\d{2})/(?P<m>[01]\d)(?P<d>[0-3]\d)/"),
    re.compile(r"/(?P<y>20\d{2})(?P<m>[01]\d)/(?P<d>[0-3]\d)/"),
)
_GB_ENCODINGS = frozenset({"gb18030", "gbk", "gb2312", "cp936"})
_ENDS_HTML = re.compile(rb"</html\s*>\s*$", re.IGNORECASE)
_SOFT_404 = re.compile(
    r"404|not found|页面不存在|頁面不存在|页面没有找到|找不到|已删除或过期|已刪除或過期|访问的页面", re.IGNORECASE
)


class Site(ABC):
    key: ClassVar[str]
    name: ClassVar[str]
    domains: ClassVar[tuple[str, ...]]
    """Registrable domains whose pages this module parses (gateway copies are unwrapped first)."""
    languages: ClassVar[tuple[str, ...]] = ()
    """What the outlet publishes on the hosts this module reads, as item `languages` tags."""
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
        r"(?:^data:|/[^/]*(?:spacer|space|blank|pixel|loading|share|icon|logo|qrcode|ewm)[^/]*\.(?:gif|png|jpe?g|svg)$|\.svg$)",
        re.IGNORECASE,
    )

    def __init__(self, site: Site, response: TextResponse) -> None:
        self.site = site
        self.response = response
        self.selector: Selector = response.selector
        self.url = response.url
        self.warnings: list[str] = []
        self._skip: set[HtmlElement] | None = None
        self._found: dict[str, list[Any]] = {}

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
            title = clean_text(self.first('meta[property="og:title"]::attr(content)'))
        if not title:
            title = clean_text(self.first("title::text"))
            if self.title_suffix:
                title = self.title_suffix.sub("", title)
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

    def url_date(self) -> FoundTime | None:
        """The date in the URL (/20230115/, /2024-05/13/, /n1/2024/0424/): a day, Beijing time."""
        path = urlsplit(unwrap_gateway(self.url)).path
        for pattern in _URL_DATES:
            if match := pattern.search(path):
                found = find_time(f"{match['y']}-{match['m']}-{match['d']}")
                if found is not None:
                    return FoundTime(value=found.value, raw=match[0], precision="day")
        return None

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
            for node in self.find(css):
                text = element_text(node, " ")
                for f in parse_fields(text.strip("【】[]()（）")):
                    if f.kind in ("editor", "reporter", "author", "photographer", "translator") and f.value:
                        bylines.extend(people(f.value, f.kind, lang))
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
            return OtherResult("no article body", "no_article_body")
        title = self.title()
        assembled = assemble(blocks, page_title=title or None, boilerplate=self.boilerplate, junk_image=self.is_junk_image)
        text_length = sum(len(p) for paragraphs in assembled.body.values() for p in paragraphs)
        page_title = title or clean_text(self.first("title::text"))
        if not assembled.body and not any(p.caption for p in assembled.photos):
            if _SOFT_404.search(page_title):
                return OtherResult("soft 404 (error page served as 200)", "soft_404")
            return OtherResult("no article text", "no_article_text")
        # An error page served as 200 says so in a line or two; a story that mentions "404" is long.
        short_text = " ".join([page_title, *(p for ps in assembled.body.values() for p in ps)])
        if text_length < 200 and _SOFT_404.search(short_text):
            return OtherResult("soft 404 (error page served as 200)", "soft_404")
        fields = self.fields()
        main_lang = detect_language(title) if title else (assembled.languages[0] if assembled.languages else None)
        bylines = dedupe(self.field_bylines(fields, main_lang) + self.credit_bylines(main_lang) + assembled.bylines)
        found = self.published(fields)
        warnings = self.warnings + assembled.warnings
        if not _ENDS_HTML.search(self.response.body[-512:]):
            warnings.append("page: the HTML stops before </html>; the page may have been cut off")
        if found is None and (found := self.url_date()) is not None:
            warnings.append("published_at: no date on the page; the day is the URL's")
        elif found is None:
            warnings.append("published_at: no date on the page")
        elif found.precision == "day":
            warnings.append("published_at: the page shows a date without a time")
        if not title:
            warnings.append("title: missing")
        zh_text = " ".join([assembled.title.get("zh", ""), *assembled.body.get("zh", [])])
        languages = [(chinese_script(zh_text) or "zh-Hans") if lang == "zh" else lang for lang in assembled.languages]
        canonical = self.site.canonical_url(self.url)
        assembled_title, assembled_body, photos = assembled.title, assembled.body, assembled.photos
        repaired = 0
        if self.response.encoding in _GB_ENCODINGS:  # UTF-8 paragraphs hide only in pages read as GB
            assembled_title, assembled_body, repaired = _repair_mixed_encoding(assembled_title, assembled_body, photos)
        if repaired:
            warnings.append(f"decoding: {repaired} paragraph(s) were UTF-8 inside a {self.response.encoding} page; repaired")
        # Characters lost before the page reached us are marked in every field, once, by
        # crawler.sanitize when the item is finished (crawler.extract.parse_response).
        item = Article(
            url=self.url,
            canonical_url=canonical,
            key=url_key(canonical),
            site=self.site.key,
            section=self.section(),
            title=assembled_title,
            body=assembled_body,
            languages=languages,
            photos=photos,
            bylines=bylines,
            source=self.source(fields) or assembled.source,
            dateline=assembled.dateline,
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


def _repair_mixed_encoding(
    title: dict[str, str], body: dict[str, list[str]], photos: list[Photo]
) -> tuple[dict[str, str], dict[str, list[str]], int]:
    """Undo UTF-8-read-as-GBK paragraphs (crawler.text.repair_mojibake); how many were repaired."""
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


def absolute_links(selector: Selector, css: str, base_url: str) -> list[str]:
    """Absolute hrefs (stripped of whitespace and newlines that dirty markup puts in them)."""
    from urllib.parse import urljoin

    links = []
    for anchor in select(selector, css):
        href = re.sub(r"\s+", "", anchor.get("href") or "")
        if href and not href.lower().startswith(("javascript:", "mailto:", "#")):
            links.append(urljoin(base_url, href))
    return links


def unique(urls: list[str]) -> list[str]:
    return list(dict.fromkeys(urls))


__all__ = [
    "ArticleLayout",
    "ArticleResult",
    "GenericSite",
    "ListResult",
    "OtherResult",
    "ParseResult",
    "Site",
    "StandardSite",
    "absolute_links",
    "unique",
    "unwrap_gateway",
]


class StandardSite(Site):
    """A site described by data: URL patterns, layouts, list scopes and pagers.

    Article URLs go to the first layout that matches (then the generic extractor); list URLs and
    home pages give their article links and further list pages.
    """

    article_path: ClassVar[re.Pattern[str]]
    """Matched against the path of the original URL (gateway unwrapped)."""
    list_path: ClassVar[re.Pattern[str] | None] = None
    layouts: ClassVar[tuple[type[ArticleLayout], ...]] = ()
    headline_blocks_css: ClassVar[tuple[str, ...]] = ()
    """Headline blocks of a home or channel page (头条, 要闻, …): every one that is there is read, and
    their links are merged in page order, deduplicated."""
    list_scope_css: ClassVar[tuple[str, ...]] = ()
    """Where a list page's headlines are when no headline block is there: the first of these that
    holds article links, else the whole page."""
    pager_css: ClassVar[tuple[str, ...]] = ()
    channel_link: ClassVar[re.Pattern[str] | None] = None
    """On a home page, links with this text are headline channels to read as lists."""

    def path_of(self, url: str) -> str:
        return urlsplit(unwrap_gateway(url)).path or "/"

    def is_article_url(self, url: str) -> bool:
        return self.owns(url) and bool(self.article_path.search(self.path_of(url)))

    def is_list_url(self, url: str) -> bool:
        path = self.path_of(url)
        return bool(re.match(r"^/(?:index\.s?html?)?$", path, re.IGNORECASE)) or bool(
            self.list_path and self.list_path.search(path)
        )

    def first_page_url(self, url: str) -> str:
        """The URL of page 1 of a paginated story (site hook)."""
        return url

    def list_page_number(self, url: str) -> int:
        match = re.search(r"(?:_|page_|index_)(\d{1,3})\.s?html?$", self.path_of(url))
        return int(match[1]) if match else 1

    def parse(self, response: TextResponse) -> ParseResult:
        from crawler.sites.generic import GenericArticle

        if self.is_article_url(response.url):
            layout = next((layout for layout in self.layouts if layout.matches(response.selector)), None)
            if layout is not None:
                # The site's own template recognised the page: its verdict stands, even "not an article".
                return layout(self, response).to_result()
            generic = GenericArticle(self, response).to_result()
            if isinstance(generic, ArticleResult):
                generic.item.warnings.append("parser: no site layout matched; the generic extractor read this page")
            return generic
        if self.is_list_url(response.url):
            return self.parse_list(response)
        return OtherResult(f"not an article or list URL of {self.key}", "not_article_or_list_url")

    def parse_list(self, response: TextResponse) -> ListResult:
        selector = response.selector
        # Every headline block the page has, in page order: a home page's 头条 and 要闻 are both news.
        blocks = select(selector, ", ".join(self.headline_blocks_css)) if self.headline_blocks_css else []
        articles = unique([link for block in blocks for link in self.article_links(block, response.url)])
        if not articles:
            # Else the first scope selector that yields links wins, taking links from *every*
            # element it matches: list rows often repeat the container class once per story.
            for css in (*self.list_scope_css, "body"):
                articles = unique([link for scope in select(selector, css) for link in self.article_links(scope, response.url)])
                if articles:
                    break
        return ListResult(articles=articles, next=self.list_pages(selector, response.url))

    def article_links(self, scope: Selector | HtmlElement, base_url: str) -> list[str]:
        links = (self.first_page_url(link) for link in absolute_links(scope, "a[href]", base_url))
        return unique([link for link in links if self.is_article_url(link)])

    def list_pages(self, selector: Selector, url: str) -> list[str]:
        pages: list[str] = []
        if self.pager_css:
            current = self.list_page_number(url)
            numbered: dict[int, str] = {}
            for link in absolute_links(selector, ", ".join(self.pager_css), url):
                if self.is_list_url(link) and self.owns(link) and self.list_page_number(link) > current:
                    numbered.setdefault(self.list_page_number(link), link)
            pages = [numbered[n] for n in sorted(numbered)]
        if self.channel_link is not None and re.match(r"^/(?:index\.s?html?)?$", self.path_of(url), re.IGNORECASE):
            for anchor in selector.css("a[href]"):
                text = clean_text("".join(anchor.css("::text").getall()))
                if self.channel_link.match(text):
                    pages.extend(link for link in absolute_links(anchor, "a", url) if self.owns(link) and self.is_list_url(link))
        return unique(pages)


class GenericSite(Site):
    """Pages of outlets without a module: the generic extractor only, `site` named after the host."""

    domains = ()
    headline_urls = ()

    def __init__(self, host: str) -> None:
        self.key = host.removeprefix("www.") or "unknown"  # type: ignore[misc]
        self.name = self.key  # type: ignore[misc]

    def owns(self, url: str) -> bool:
        return True

    def parse(self, response: TextResponse) -> ParseResult:
        from crawler.sites.generic import generic_parse

        return generic_parse(self, response)
