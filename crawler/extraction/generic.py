"""The generic extractor: a page no site layout recognises still yields an item, marked
`parser: "generic"` and ranked below every site parser.

It reads what most CMSes leave: JSON-LD and meta tags, the `<h1>` that matches `<title>`, the date
and 来源/作者/责任编辑 fields printed between title and body, and the body as the element holding
the most paragraph text (text density, as GNE and readability do). Captions, credits and
boilerplate go through the same shared helpers as the site parsers.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from crawler.extraction.blocks import BLOCK_TAGS, SKIP_TAGS, element_text, short_element_text
from crawler.extraction.bylines import Field, bylines_in, parse_fields
from crawler.extraction.layout import ArticleLayout, absolute_links, unique, without_site_suffix
from crawler.extraction.results import ArticleResult, ListResult, OtherResult, ParseResult
from crawler.extraction.selectors import select, select_xpath
from crawler.helpers.dates import FoundTime, find_best_time, find_time
from crawler.helpers.text import clean_text, detect_language, han_count
from crawler.helpers.urls import host_of
from crawler.helpers.values import as_text

if TYPE_CHECKING:
    from lxml.html import HtmlElement
    from parsel import Selector
    from scrapy.http import TextResponse

    from crawler.extraction.layout import Outlet
    from crawler.items import Byline

# Paths that look like a story: a date, a long numeric or hex id, or both.
ARTICLE_PATH = re.compile(
    r"(?:/20\d{2}[-/]?\d{2}[-/]?\d{2}/|/20\d{2}-\d{2}/\d{2}/|/\d{6}/\d{2}/|/n\d/20\d{2}/\d{4}/|/t20\d{6}_\d+|/c_\d{6,}|"
    r"content_\d{5,}|/[0-9a-f]{24,32}/|/\d{7,}\.s?html?|/a/[0-9a-zA-Z]{8,})",
    re.IGNORECASE,
)
_NOT_ARTICLE_PATH = re.compile(r"/(?:index|node_\d+|list|more|search)[^/]*$|\.(?:jpg|png|gif|pdf|zip|mp4)$", re.IGNORECASE)
_HEADER_BY = re.compile(
    r"(?:^|[|\s])By\s+(?P<names>[A-Z][\w'’.-]+(?:(?:\s+|\s*,\s*|\s+and\s+)[A-Z][\w'’.-]+){0,9})(?=\s*(?:\||$|\d))"
)
_INLINE_TAGS = frozenset({"font", "span", "b", "strong", "em", "i", "u"})
_BREADCRUMB_HINT = re.compile(r"crumb|bread|position|location|path|weizhi|dangqian|nav_?path|route|local", re.IGNORECASE)
_NOISE_HINT = re.compile(
    r"comment|footer|header|nav|menu|share|related|recommend|sidebar|copyright|ad[-_]|hot|rank|list", re.IGNORECASE
)


# The schema.org types of a story, best first; a page's WebPage node is the fallback.
_STORY_TYPES = ("NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle", "Article", "BlogPosting")


def _ld_nodes(data: Any) -> list[dict[str, Any]]:
    """Every object of a JSON-LD document: a list of them, or a `@graph` of them, flattened."""
    if isinstance(data, list):
        return [node for item in data for node in _ld_nodes(item)]
    if not isinstance(data, dict):
        return []
    return [data, *_ld_nodes(data.get("@graph"))]


def _ld_types(node: dict[str, Any]) -> set[str]:
    types = node.get("@type")
    return {t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)}


def json_ld(selector: Selector) -> dict[str, Any]:
    """The page's JSON-LD object that describes the story: of a story @type when there is one, else
    the first with a headline or a publish date. Scripts that do not parse are skipped."""
    nodes: list[dict[str, Any]] = []
    for raw in select(selector, 'script[type="application/ld+json"]::text'):
        # Some CMSes wrap the JSON in an HTML comment or CDATA.
        text = raw.strip().removeprefix("<!--").removesuffix("-->").strip()
        text = text.removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
        try:
            nodes.extend(_ld_nodes(json.loads(text)))
        except ValueError:
            continue
    for wanted in _STORY_TYPES:
        if story := next((n for n in nodes if wanted in _ld_types(n)), None):
            return story
    return next((n for n in nodes if "headline" in n or "datePublished" in n), {})


def _meta(selector: Selector, *names: str) -> str:
    for name in names:
        found = select_xpath(selector, f"//meta[@name='{name}' or @property='{name}' or @itemprop='{name}']/@content")
        value = str(found[0]) if found else ""
        if value and clean_text(value):
            return clean_text(value)
    return ""


def _paragraph_score(node: HtmlElement) -> int:
    text = element_text(node)
    links = "".join(select_xpath(node, ".//a//text()"))
    return max(0, len(text) - 2 * len(clean_text(links)))


class GenericArticle(ArticleLayout):
    name = "generic"

    def __init__(self, site: Outlet, response: TextResponse) -> None:
        super().__init__(site, response)
        self.ld = json_ld(self.selector)
        self._body: HtmlElement | bool | None = False
        self._title: str | None = None
        self._title_node: HtmlElement | None = None
        self._header: str | None = None

    # -- title ---------------------------------------------------------------------------------------

    def title(self) -> str:
        if self._title is None:
            self._title = self._find_title()
        return self._title

    def _find_title(self) -> str:
        page_title = clean_text(self.first("title::text"))
        declared = clean_text(as_text(self.ld.get("headline"))) or _meta(
            self.selector, "og:title", "twitter:title", "ArticleTitle"
        )
        headings: list[tuple[str, HtmlElement]] = []
        for node in select_xpath(
            # 2000s pages set the headline in bold type, not in a heading.
            self.selector,
            "//h1|//h2|//*[contains(@class,'title') or contains(@id,'title')][not(self::title)]|(//font/b|//td/b)[position() <= 20]",
        ):
            text = element_text(node)
            if 4 <= len(text) <= 120:
                headings.append((text, node))
        for reference in (declared, page_title):
            if not reference:
                continue
            for heading, node in headings:
                if heading == reference or (len(heading) >= 6 and heading in reference):
                    self._title_node = node
                    return heading
        if declared:
            # og:title often repeats <title>, outlet and channel included.
            return without_site_suffix(declared)
        if not page_title and headings:
            self._title_node = headings[0][1]
            return headings[0][0]
        stripped = without_site_suffix(page_title)
        if stripped:
            self.warnings.append("title: taken from <title>")
        return stripped

    # -- body ----------------------------------------------------------------------------------------

    def body_element(self) -> HtmlElement | None:
        if self._body is not False:
            return self._body
        scores: Counter[HtmlElement] = Counter()
        root = self.selector.root
        for paragraph in root.iter("p", "br"):
            parent = paragraph.getparent()
            if parent is None or _is_noise(parent):
                continue
            if paragraph.tag == "p":
                scores[parent] += _paragraph_score(paragraph)
            elif paragraph.tail and len(clean_text(paragraph.tail)) > 10:
                scores[parent] += len(clean_text(paragraph.tail))
            elif (before := paragraph.getprevious()) is not None and before.tag in _INLINE_TAGS:
                # 2000s pages: <font><span>text</span></font><br><br> — the text is in the inline
                # element before the break, not after it.
                scores[parent] += _paragraph_score(before) if len(element_text(before)) > 10 else 0
        # Paragraphs written as divs (CGTN's div.text) count the same way as <p>.
        for node in root.iter("div", "section"):
            own = clean_text("".join(select_xpath(node, "text()")))
            parent = node.getparent()
            if len(own) > 40 and parent is not None and not _is_noise(parent) and not select_xpath(node, ".//p"):
                scores[parent] += len(own)
        best = max(scores.items(), key=lambda kv: kv[1], default=(None, 0))
        self._body = best[0] if best[1] >= 80 else None
        return self._body

    def body_nodes(self) -> list[HtmlElement | str] | None:
        body = self.body_element()
        return [body] if body is not None else None

    def skip_nodes(self) -> list[HtmlElement]:
        body = self.body_element()
        if body is None:
            return []
        # Inside the body: share bars, related lists, pagers, scripts.
        return [
            node
            for node in body.iter()
            if isinstance(node.tag, str) and node is not body and _is_noise(node) and node.tag in BLOCK_TAGS
        ]

    # -- header: the text between the title and the body --------------------------------------------

    def header_text(self) -> str:
        """Visible text after the title heading and before the body: where dates and credits are."""
        if self._header is None:
            self._header = self._read_header()
        return self._header

    def _read_header(self) -> str:
        body = self.body_element()
        title = self.title()
        start = self._title_node
        texts: list[str] = []
        started = False
        for node in self.selector.root.iter():
            if node is body:
                break
            if not isinstance(node.tag, str) or node.tag in SKIP_TAGS:
                continue
            if not started:
                # The title's own element when the title was found in one; else the first element
                # whose text is the title (and little more). Reading every element's text to look
                # for it cost more than the rest of the extraction on a long page.
                if start is not None:
                    started = node is start
                elif title and node.text and title[:4] in node.text:
                    started = title in element_text(node) and len(element_text(node)) <= len(title) + 10
                if started:
                    texts.append(node.tail or "")  # what follows the title on its own line
                continue
            if node.text and node.text.strip():
                texts.append(node.text)
            if node.tail and node.tail.strip():
                texts.append(node.tail)
        return clean_text(" ".join(texts))[:600]

    def info_texts(self) -> list[str]:
        header = self.header_text()
        return [header] if header else []

    def fields(self) -> list[Field]:
        return [f for text in self.info_texts() for f in parse_fields(text)]

    def published(self, fields: list[Field]) -> FoundTime | None:
        visible = find_best_time([f.value for f in fields if f.kind == "time"] + self.info_texts())
        if visible is not None and visible.precision != "day":
            return visible
        declared = as_text(self.ld.get("datePublished")) or _meta(
            self.selector,
            "article:published_time",
            "og:article:published_time",
            "publishdate",
            "PubDate",
            "pubdate",
            "firstpublishedtime",
        )
        found = find_time(declared) if declared else None
        best = find_best_time([t for t in (visible.raw if visible else "", found.raw if found else "") if t])
        if best is None:
            # Last resort: the first time printed anywhere near the top of the page (its first few
            # hundred text nodes: never the whole of a huge page).
            top = select_xpath(self.selector, "//body//text()[not(ancestor::script)][position() <= 400]")
            best = find_time(clean_text(" ".join(top))[:3000])
        return best

    def field_bylines(self, fields: list[Field], lang: str | None) -> list[Byline]:
        bylines = super().field_bylines(fields, lang)
        # "By Wang Xiaoyu and Li Lei | China Daily | Updated: …": an English header line's writers.
        if match := _HEADER_BY.search(self.header_text()):
            bylines = bylines_in(match["names"], self.by_role(), "en") + bylines
        return bylines

    def source(self, fields: list[Field]) -> str | None:
        value = next((f.value for f in fields if f.kind == "source" and f.value), None)
        if value:
            return value
        declared = _meta(self.selector, "source", "og:article:source", "article:source", "ContentSource", "contentSource")
        return re.sub(r"^.*?[:：]", "", declared).strip() or None if declared else None

    def credit_bylines(self, lang: str | None) -> list[Any]:
        # Editor lines printed after the body: 【责任编辑：…】, (责编：…), (Web editor: …).
        from crawler.extraction.bylines import body_credit_line

        body = self.body_element()
        found = []
        read: dict[str, list[Any]] = {}
        # The elements after the body (not inside it), in page order; the credit lines are near it.
        following = select_xpath(body, "following::*[position() <= 300]") if body is not None else []
        for node in following:
            if not isinstance(node.tag, str) or node.tag in SKIP_TAGS:
                continue
            text = short_element_text(node, 60)
            if text is None or not 2 < len(text) <= 60:
                continue
            if text not in read:  # a parent and its only child say the same: read once, counted each time
                read[text] = body_credit_line(text, detect_language(text) or lang) or []
            if credits := read[text]:
                found.extend(credits)
            if len(found) > 6:
                break
        return found

    def section(self) -> list[str]:
        for node in self.selector.root.iter("div", "nav", "p", "span", "ol", "ul"):
            hint = (node.get("class") or "") + " " + (node.get("id") or "")
            if not _BREADCRUMB_HINT.search(hint):
                continue
            links = [clean_text("".join(a.itertext())) for a in node.iter("a")]
            links = [t for t in links if t and len(t) <= 12]
            if 1 <= len(links) <= 6:
                return links
        return []

    def to_result(self) -> ArticleResult | OtherResult:
        result = super().to_result()
        if isinstance(result, ArticleResult):
            result.item.parser = "generic"
        return result


def _is_noise(node: HtmlElement) -> bool:
    hint = f"{node.get('class') or ''} {node.get('id') or ''}"
    return bool(_NOISE_HINT.search(hint)) and not re.search(r"content|article|text|detail|main|body", hint, re.IGNORECASE)


def generic_parse(site: Outlet, response: TextResponse) -> ParseResult:
    """Article if the page holds a story, list if it mostly links to stories, else other."""
    article = GenericArticle(site, response).to_result()
    if isinstance(article, ArticleResult):
        text = sum(len(p) for ps in article.item.body.values() for p in ps)
        if text >= 120 or han_count(" ".join(p for ps in article.item.body.values() for p in ps)) >= 60:
            return article
    links = generic_article_links(response.selector, response.url)
    if len(links) >= 5:
        return ListResult(articles=links, next=[])
    return article if isinstance(article, OtherResult) else OtherResult("too little text for an article", "too_little_text")


def generic_article_links(selector: Selector, url: str) -> list[str]:
    own = host_of(url).split(".")[-2:]
    links = []
    for link in absolute_links(selector, "a[href]", url):
        host = host_of(link)
        path = urlsplit(link).path
        if host.split(".")[-2:] == own and ARTICLE_PATH.search(path) and not _NOT_ARTICLE_PATH.search(path):
            links.append(link)
    return unique(links)
