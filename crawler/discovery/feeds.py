"""RSS and Atom feeds, read with feedparser.

Chinese outlets date their items in every format, RFC 822 or `2026-09-27 10:20:30` (Beijing time):
feedparser's parsed date is used when it has one, else the raw text is read as a Beijing time.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from crawler.discovery.entries import Entry, Listing
from crawler.helpers.dates import find_time


def read_feed(body: bytes, url: str) -> Listing:
    parsed = feedparser.parse(body, response_headers={"content-location": url})
    entries = []
    for raw in parsed.entries:
        link = _entry_link(raw, url)
        if link:
            entries.append(Entry(url=link, published=_entry_date(raw)))
    feed_links = parsed.feed.get("links", []) if isinstance(parsed.feed, dict) else []
    next_pages = [Entry(url=urljoin(url, link["href"])) for link in feed_links if link.get("rel") == "next" and link.get("href")]
    problem = None
    if parsed.get("bozo") and not entries:
        problem = f"not a readable feed ({type(parsed.get('bozo_exception')).__name__})"
    return Listing(entries=entries, next=next_pages, problem=problem)


def _entry_link(raw: Any, base: str) -> str | None:
    if link := raw.get("link"):
        return urljoin(base, str(link).strip())
    for candidate in raw.get("links", []):
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            return urljoin(base, str(candidate["href"]).strip())
    return None


# An explicit zone in a date: +0800, -05:00, GMT, UTC, Z, EST …
_ZONE = re.compile(r"[+-]\d{2}:?\d{2}\s*$|\b(?:GMT|UTC|UT|[ECMP][SD]T)\b|\dZ$", re.IGNORECASE)


def _entry_date(raw: Any) -> datetime | None:
    for key in ("published", "updated", "created"):
        text = str(raw.get(key) or "").strip()
        parsed = raw.get(f"{key}_parsed")
        if parsed and (not text or _ZONE.search(text)):
            # feedparser normalises to UTC; it reads a time without a zone as UTC too.
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
        if text:
            # `2026-09-27 10:20:30`: the outlets print Beijing time without saying so.
            found = find_time(text)
            if found is not None:
                return found.value
    return None
