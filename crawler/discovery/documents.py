"""What kind of document a response is, by its bytes first: a feed, a sitemap, a JSON list, robots.txt.

Outlets serve feeds as text/html and JSON as text/plain often enough that the Content-Type alone
cannot be trusted; the URL alone neither (`/rss/china.xml` may answer with an HTML error page).
"""

from __future__ import annotations

import json
import re
from typing import Literal
from urllib.parse import urlsplit

DocumentKind = Literal["html", "feed", "sitemap", "json", "robots"]

# The root element after the XML declaration, comments, processing instructions and a doctype.
_XML_ROOT = re.compile(
    rb"^(?:\s|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<(?:[\w.-]+:)?(?P<root>[\w.-]+)", re.DOTALL | re.IGNORECASE
)
_FEED_ROOTS = {b"rss", b"feed", b"rdf"}
_SITEMAP_ROOTS = {b"urlset", b"sitemapindex"}


def document_kind(url: str, content_type: str, body: bytes) -> DocumentKind:
    head = body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if urlsplit(url).path.lower().endswith("/robots.txt") and not head.startswith(b"<"):
        return "robots"
    if head[:1] in (b"{", b"[") and ("json" in content_type or urlsplit(url).path.lower().endswith(".json") or _is_json(body)):
        return "json"
    if match := _XML_ROOT.match(head):
        root = match["root"].lower()
        if root in _FEED_ROOTS:
            return "feed"
        if root in _SITEMAP_ROOTS:
            return "sitemap"
    return "html"


def _is_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True
