"""The pure entry point: (url, raw bytes, headers) -> article, list or other. No crawler, no network.

A page is decoded (crawler.extraction.decoding: lying charsets repaired, binary and oversized pages
turned away), routed to its outlet's module (crawler.sites) or to the generic extractor, and the
finished item has its lost characters marked (crawler.extraction.sanitize). The spider, the
extraction workers and `python -m crawler parse` all call this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree
from scrapy.http import Response, TextResponse

from crawler import sites
from crawler.discovery.documents import document_kind
from crawler.extraction.blocked import blocked_reason
from crawler.extraction.decoding import (
    MAX_ELEMENTS,
    build_response,
    content_type,
    merge_stray_roots,
    not_html,
    repair_encoding,
    too_large,
)
from crawler.extraction.generic import GenericArticle
from crawler.extraction.results import ArticleResult, OtherResult, ParseResult
from crawler.extraction.sanitize import sanitize_article
from crawler.helpers.urls import host_of
from crawler.sites.base import GenericSite

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["build_response", "parse_generic", "parse_page", "parse_response"]


def parse_response(response: Response, site: str | None = None, max_elements: int = MAX_ELEMENTS) -> ParseResult:
    if not isinstance(response, TextResponse):
        return OtherResult("not a text page", "not_text")
    if refused := not_html(response):
        return refused
    response, decoding_warning = repair_encoding(response)
    root = None
    if document_kind(response.url, content_type(response), response.body) == "html":
        # Feeds, sitemaps and JSON lists are not HTML: they are read by their own bounded readers.
        if refused := too_large(response, max_elements):
            return refused
        merge_stray_roots(response)
        root = response.selector.root  # parsed once, for every reader below
    if reason := blocked_reason(response.status, response.body, root if isinstance(root, etree._Element) else None):
        return OtherResult(f"the outlet refused us ({reason} page instead of content)", f"blocked_{reason}")
    owner = sites.get(site) if site else sites.for_url(response.url)
    if owner is None:
        owner = GenericSite(host_of(response.url))
    result = owner.parse(response)
    if isinstance(result, ArticleResult):
        if decoding_warning:
            result.item.warnings.append(decoding_warning)
        sanitize_article(result.item)
    return result


def parse_generic(url: str, body: bytes, headers: Mapping[str, str] | None = None) -> ParseResult:
    """The generic extractor alone, whatever site the URL belongs to (for comparisons and debugging)."""
    response, _ = repair_encoding(build_response(url, body, headers))
    merge_stray_roots(response)
    owner = sites.for_url(url) or GenericSite(host_of(url))
    result = GenericArticle(owner, response).to_result()
    if isinstance(result, ArticleResult):
        sanitize_article(result.item)
    return result


def parse_page(url: str, body: bytes, headers: Mapping[str, str] | None = None, site: str | None = None) -> ParseResult:
    return parse_response(build_response(url, body, headers), site)
