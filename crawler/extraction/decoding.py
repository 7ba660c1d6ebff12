"""Bytes to text as the page was written, and the pages not worth reading at all.

Bytes are decoded exactly as Scrapy decodes them (w3lib: BOM, then the Content-Type header, then
<meta>, then detection; gb2312/gbk read as gb18030, big5 as big5hkscs). When that decoding leaves
replacement characters because a charset lies, the bytes are tried strictly against the other
candidates and the page says so in its warnings.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lxml import etree
from scrapy.http import HtmlResponse, Response, TextResponse
from w3lib.encoding import html_body_declared_encoding, resolve_encoding

from crawler.extraction.results import OtherResult
from crawler.helpers.text import han_count

if TYPE_CHECKING:
    from collections.abc import Mapping

_FALLBACK_ENCODINGS = ("utf-8", "gb18030", "big5hkscs")
# What w3lib resolves gb2312 and gbk to, and the names themselves.
_GB_FAMILY = frozenset({"gb18030", "gbk", "gb2312", "cp936"})
# Single-byte Western charsets: no Chinese page is in one, but old templates declare iso-8859-1.
_WESTERN = frozenset({"cp1252", "iso8859-1", "latin-1", "latin1", "iso-8859-1", "ascii", "us-ascii", "windows-1252"})
_HIGH_LATIN = re.compile("[\u00c0-\u00ff]")


def build_response(url: str, body: bytes, headers: Mapping[str, str] | None = None) -> TextResponse:
    headers = dict(headers or {})
    headers.setdefault("Content-Type", "text/html")
    return HtmlResponse(url=url, body=body, headers=headers)


def _misread(response: TextResponse) -> bool:
    """Whether the declared charset cannot be what the bytes are in.

    Either the decode left replacement characters, or (the GB charsets, which map almost any byte
    pair to *some* character and so never fail) it produced characters no state-media page prints:
    Big5 bytes served as gbk or gb2312 come out full of private-use code points."""
    text = response.text
    if "\ufffd" in text:
        try:
            response.body.decode(response.encoding)
        except (UnicodeDecodeError, LookupError):
            return True
        return False  # the bytes are what they say: the replacement characters are the page's own
    if response.encoding in _GB_FAMILY:
        sample = text[:20000]
        return _implausible_characters(sample) > max(3, han_count(sample) // 100)
    if response.encoding in _WESTERN:
        # GB or UTF-8 bytes read as Latin-1 come out as runs of accented letters (ÎÒ¹úÁ¸Ê³).
        sample = text[:20000]
        return len(_HIGH_LATIN.findall(sample)) >= max(10, len(sample) // 50)
    return False


def repair_encoding(response: TextResponse) -> tuple[TextResponse, str | None]:
    """A response re-decoded with a charset the bytes really are in, when the declared one lies."""
    if not _misread(response):
        return response, None
    declared = response.encoding
    # gb18030 maps almost any byte pair to *some* character, so "decodes without error" is not
    # enough: Big5 bytes read as gb18030 come out full of private-use code points. Among the
    # candidates that decode, the one with the fewest such impossible characters wins.
    decoded: list[tuple[int, int, str]] = []
    candidates = [html_body_declared_encoding(response.body), *_FALLBACK_ENCODINGS]
    for order, candidate in enumerate(candidates):
        encoding = resolve_encoding(candidate) if candidate else None
        if not encoding or encoding == declared or any(encoding == e for _, _, e in decoded):
            continue
        try:
            text = response.body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        decoded.append((_implausible_characters(text), order, encoding))
    if response.encoding in _GB_FAMILY and "\ufffd" not in response.text:
        # The declared GB charset decoded without an error: it stays a candidate, judged alike.
        decoded.append((_implausible_characters(response.text), len(candidates), declared))
    if decoded:
        _, _, encoding = min(decoded)
        if encoding == declared:
            return response, None
        return (
            response.replace(encoding=encoding),
            f"decoding: bytes are not {declared} as declared; decoded as {encoding}",
        )
    return response, f"decoding: bytes do not decode cleanly as {declared}; replacement characters kept"


def _implausible_characters(text: str) -> int:
    """Characters no state-media page prints: private-use code points and C1 controls; and accented
    Latin letters, which a Chinese page prints a few of at most and mojibake prints by the hundred."""
    return len(_IMPLAUSIBLE.findall(text)) + len(_HIGH_LATIN.findall(text)) // 4


def merge_stray_roots(response: TextResponse) -> None:
    """Move elements that the HTML parser left beside the root into it.

    Browser-saved pages with a second `</html>` (gov.cn's TRS pages among them) parse into two
    sibling `<html>` elements, and CSS selectors, which search below the first, miss the article.
    """
    root = response.selector.root
    if not hasattr(root, "itersiblings"):
        return
    strays = [node for node in root.itersiblings() if isinstance(node.tag, str)]
    if not strays:
        return
    body = root.find("body")
    target = body if body is not None else root
    for stray in strays:
        inner = stray.find("body")
        for child in list(inner if inner is not None else stray):
            target.append(child)
        stray.getparent().remove(stray) if stray.getparent() is not None else None


# Formats that arrive at article URLs when a site misroutes: images, PDFs, archives.
_BINARY_MAGIC = re.compile(rb"^(?:\x89PNG|GIF8[79]a|\xff\xd8\xff|%PDF-|PK\x03\x04|\x1f\x8b|RIFF|\x00\x00\x01\x00|BM)")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f]")
_IMPLAUSIBLE = re.compile("[\ue000-\uf8ff\x80-\x9f]")
# Text a list or a page can come as: HTML, XML (feeds: application/rss+xml, atom+xml), JSON, scripts.
_TEXT_TYPES = re.compile(r"^(?:text/|application/(?:[\w.-]+\+xml|xml|json|[\w.-]+\+json|javascript|x-javascript)$|$)")


def content_type(response: Response) -> str:
    """The media type the response declares, lowercased, without parameters ("" when none)."""
    return (response.headers.get("Content-Type") or b"").decode("latin-1").split(";")[0].strip().lower()


def not_html(response: Response) -> OtherResult | None:
    """Why a response cannot be a page of text, or None."""
    declared = content_type(response)
    head = response.body[:2048]
    if _BINARY_MAGIC.match(head):
        return OtherResult("binary body, not HTML", "binary")
    if not _TEXT_TYPES.match(declared):
        return OtherResult(f"not an HTML page ({declared})", "not_html")
    # Control bytes in text are rare (a stray NUL); in a binary body they are everywhere.
    controls = len(_CONTROL_BYTES.findall(head))
    if head and controls > len(head) // 20:
        return OtherResult("binary body, not HTML", "binary")
    return None


# A story page has a few hundred elements, a portal's home page a few thousand. Past this many, a page
# is not read (pages/other/too_large): one hostile page must not hold the crawl for minutes.
MAX_ELEMENTS = 50_000
_COUNT_ELEMENTS = etree.XPath("count(//*)")


def too_large(response: TextResponse, limit: int = MAX_ELEMENTS) -> OtherResult | None:
    count = int(_COUNT_ELEMENTS(response.selector.root)) if isinstance(response.selector.root, etree._Element) else 0
    if count > limit:
        return OtherResult(f"too large to read ({count} elements; the limit is {limit})", "too_large")
    return None
