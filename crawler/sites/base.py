"""What an outlet is: its hosts, start pages, URL patterns, templates and story pagination.

A site module subclasses `StandardSite` and declares, as class attributes, what it knows of its
outlet; the mechanism (routing a URL to a template, reading list pages, following a story's pages,
the canonical URL and key) lives here, once. `GenericSite` stands for an outlet without a module.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlsplit

from crawler.discovery.documents import document_kind
from crawler.discovery.readers import json_lists_named_in, read_listing
from crawler.discovery.sources import Source, SourceKind
from crawler.extraction.decoding import content_type
from crawler.extraction.generic import GenericArticle, generic_parse
from crawler.extraction.layout import absolute_links, unique
from crawler.extraction.results import ArticleResult, ListedIn, ListResult, OtherResult, ParseResult
from crawler.extraction.selectors import select, select_xpath
from crawler.helpers.dates import date_in_url
from crawler.helpers.text import clean_text
from crawler.helpers.urls import canonical_url, host_in, host_of, unwrap_gateway, url_key

if TYPE_CHECKING:
    from datetime import datetime

    from lxml.html import HtmlElement
    from parsel import Selector
    from scrapy.http import TextResponse

    from crawler.extraction.layout import ArticleLayout
    from crawler.extraction.pagination import StoryPages


class Site(ABC):
    key: ClassVar[str]
    name: ClassVar[str]
    domains: ClassVar[tuple[str, ...]]
    """Registrable domains whose pages this module parses (gateway copies are unwrapped first)."""
    credited_as: ClassVar[tuple[str, ...]] = ()
    """How other outlets name this one after 来源/Source when they carry its story (the agency, the
    paper, the website): a copy's origin is sought among the outlets it credits."""
    languages: ClassVar[tuple[str, ...]] = ()
    """What the outlet publishes on the hosts this module reads, as item `languages` tags."""
    gateway_hosts: ClassVar[tuple[str, ...]] = ()
    """Big5 gateway hosts that proxy this site's pages."""
    headline_urls: ClassVar[tuple[str, ...]]
    """Where a crawl starts: headline (头条/要闻) pages, simplified and gateway forms, and the JSON
    lists such pages load (discovery source `lists`)."""
    feed_urls: ClassVar[tuple[str, ...]] = ()
    """RSS and Atom feeds of the outlet's news (discovery source `feeds`)."""
    sitemap_urls: ClassVar[tuple[str, ...]] = ()
    """Sitemap indexes, sitemaps, or a robots.txt that names them (discovery source `sitemaps`)."""
    discover: ClassVar[tuple[SourceKind, ...]] = ("lists",)
    """The sources a crawl reads unless `-a discover=` says otherwise: what works best here."""
    story_pages: ClassVar[StoryPages | None] = None
    """How the outlet numbers the later pages of one story (crawler.extraction.pagination)."""
    story_id_path: ClassVar[re.Pattern[str] | None] = None
    """The outlet's CMS id of a story in its canonical path (group `id`): one id is one story on
    whichever of the outlet's hosts serves it (xitheory.china.com.cn and news.china.com.cn print
    the same content_<id>), so the id, not the URL, is the story's key. Only for ids the outlet
    numbers from one sequence across its hosts; elsewhere the canonical URL stays the identity."""

    def owns(self, url: str) -> bool:
        return host_in(host_of(url), self.domains)

    def sources(self, kinds: tuple[SourceKind, ...] | None = None) -> list[Source]:
        """The outlet's sources of the kinds asked for (its default kinds when None)."""
        declared = {"lists": self.headline_urls, "feeds": self.feed_urls, "sitemaps": self.sitemap_urls}
        return [Source(kind, url) for kind in (kinds or self.discover) for url in declared[kind]]

    def allowed_domains(self) -> list[str]:
        return [*self.domains, *self.gateway_hosts]

    def first_page_url(self, url: str) -> str:
        """The URL of page 1 of the story a page belongs to."""
        return self.story_pages.first_page(url) if self.story_pages else url

    def canonical_path(self, path: str) -> str:
        """Site hook: what else makes two paths one story (an extension, a mirror's prefix)."""
        return path

    def canonical_url(self, url: str) -> str:
        return canonical_url(self.first_page_url(url), self.canonical_path)

    def story_id(self, url: str) -> str | None:
        """`<site>:<CMS id>` when the outlet's URL carries one (story_id_path), else None."""
        if self.story_id_path is None:
            return None
        match = self.story_id_path.search(urlsplit(self.canonical_url(url)).path)
        return f"{self.key}:{match['id'].lower()}" if match else None  # hex ids are printed in either case

    def key_for(self, url: str) -> str:
        story = self.story_id(url)
        return url_key(f"story:{story}") if story else url_key(self.canonical_url(url))

    @abstractmethod
    def parse(self, response: TextResponse) -> ParseResult:
        """Classify one fetched page and extract what it holds."""


class StandardSite(Site):
    """A site described by data: URL patterns, layouts, list scopes and pagers.

    Article URLs go to the first layout that matches (then the generic extractor); list URLs and
    home pages give their article links and further list pages.
    """

    article_path: ClassVar[re.Pattern[str]]
    """Matched against the path of the original URL (gateway unwrapped)."""
    list_path: ClassVar[re.Pattern[str] | None] = None
    contents_path: ClassVar[re.Pattern[str] | None] = None
    """Pages shaped like articles that list articles (a magazine issue's table of contents): lists."""
    video_path: ClassVar[re.Pattern[str] | None] = None
    """Video-only pages: a player and a line of text, not a story (counted, never stored)."""
    layouts: ClassVar[tuple[type[ArticleLayout], ...]] = ()
    headline_blocks_css: ClassVar[tuple[str, ...]] = ()
    """Headline blocks of a home or channel page (头条, 要闻, …): every one that is there is read, and
    their links are merged in page order, deduplicated."""
    list_scope_css: ClassVar[tuple[str, ...]] = ()
    """Where a list page's headlines are when no headline block is there: the first of these that
    holds article links, else the whole page."""
    list_pager_css: ClassVar[tuple[str, ...]] = ()
    """Where a list page links its next pages."""
    channel_link: ClassVar[re.Pattern[str] | None] = None
    """On a home page, links with this text are headline channels to read as lists."""
    json_lists_in_scripts: ClassVar[bool] = False
    """List pages fill themselves from a JSON file their script names (`$.ajax({url: "./X.json"})`):
    that file is read as the list's next page."""

    def path_of(self, url: str) -> str:
        return urlsplit(unwrap_gateway(url)).path or "/"

    def is_article_url(self, url: str) -> bool:
        path = self.path_of(url)
        return (
            self.owns(url)
            and bool(self.article_path.search(path))
            and not (self.contents_path and self.contents_path.search(path))
            and not (self.video_path and self.video_path.search(path))
        )

    def is_list_url(self, url: str) -> bool:
        path = self.path_of(url)
        return (
            bool(re.match(r"^/(?:index\.s?html?)?$", path, re.IGNORECASE))
            or bool(self.list_path and self.list_path.search(path))
            or bool(self.contents_path and self.contents_path.search(path))
        )

    def list_page_number(self, url: str) -> int:
        match = re.search(r"(?:_|page_|index_)(\d{1,3})\.s?html?$", self.path_of(url))
        return int(match[1]) if match else 1

    def parse(self, response: TextResponse) -> ParseResult:
        kind = document_kind(response.url, content_type(response), response.body)
        if kind != "html":
            return self.parse_listing(response, kind)
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
        if self.video_path and self.video_path.search(self.path_of(response.url)):
            return OtherResult("a video page, not a story", "video_only")
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

    def parse_listing(self, response: TextResponse, kind: ListedIn) -> ListResult | OtherResult:
        """A feed, a sitemap, a JSON list or robots.txt: the outlet's article links it lists."""
        listing = read_listing(kind, response.body, response.url)
        if listing.problem and not listing.entries and not listing.next:
            return OtherResult(listing.problem, f"unreadable_{kind}")
        articles: list[str] = []
        published: dict[str, datetime] = {}
        alternates: dict[str, list[str]] = {}
        for entry in listing.entries:
            if not self.is_article_url(entry.url):
                continue  # channel pages, videos, images, other outlets' pages
            url = self.first_page_url(entry.url)
            articles.append(url)
            # An undated entry (Xinhua's RSS items carry no pubDate) is dated by its URL's day.
            when = entry.published or (found.value if (found := date_in_url(self.path_of(url))) else None)
            if when is not None:
                published.setdefault(url, when)
            if entry.alternates:
                alternates.setdefault(url, list(entry.alternates))
        further = [e for e in listing.next if self.owns(e.url)]
        newest = max(published.values(), default=None)
        published |= {e.url: e.published for e in further if e.published is not None}
        return ListResult(
            articles=unique(articles),
            next=unique([e.url for e in further]),
            listed_in=kind,
            published={url: when.isoformat() for url, when in published.items()},
            alternates=alternates,
            newest=newest.isoformat() if newest else None,
        )

    def article_links(self, scope: Selector | HtmlElement, base_url: str) -> list[str]:
        links = (self.first_page_url(link) for link in absolute_links(scope, "a[href]", base_url))
        return unique([link for link in links if self.is_article_url(link)])

    def list_pages(self, selector: Selector, url: str) -> list[str]:
        pages: list[str] = []
        if self.list_pager_css:
            current = self.list_page_number(url)
            numbered: dict[int, str] = {}
            for link in absolute_links(selector, ", ".join(self.list_pager_css), url):
                if self.is_list_url(link) and self.owns(link) and self.list_page_number(link) > current:
                    numbered.setdefault(self.list_page_number(link), link)
            pages = [numbered[n] for n in sorted(numbered)]
        if self.contents_path is not None:
            # A magazine's index links its issues' tables of contents: lists to read.
            contents = [
                link for link in absolute_links(selector, "a[href]", url) if self.contents_path.search(self.path_of(link))
            ]
            pages.extend(link for link in contents if self.owns(link) and link != url)
        if self.json_lists_in_scripts:
            scripts = [str(text) for text in select_xpath(selector, "//script[not(@src)]/text()")]
            pages.extend(link for link in json_lists_named_in(scripts, url) if self.owns(link))
        if self.channel_link is not None and re.match(r"^/(?:index\.s?html?)?$", self.path_of(url), re.IGNORECASE):
            for anchor in select(selector, "a[href]"):
                text = clean_text("".join(anchor.itertext()))
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
        return generic_parse(self, response)
