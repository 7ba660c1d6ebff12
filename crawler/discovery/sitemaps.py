"""Sitemaps (index and urlset, with `xhtml:link` alternates) and the sitemaps robots.txt names,
read with Scrapy's sitemap utilities.

A news sitemap's `<news:publication_date>` sits one level down, where Scrapy's reader does not
look; its `<lastmod>`, when there, dates the entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urljoin

import lxml.etree
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.discovery.entries import Entry, Listing
from crawler.helpers.dates import find_time

if TYPE_CHECKING:
    from datetime import datetime


def read_sitemap(body: bytes, url: str) -> Listing:
    """A urlset's pages as entries; a sitemap index's sitemaps under `next` (newest first when dated)."""
    try:
        sitemap = Sitemap(body)
        rows = [
            Entry(
                url=urljoin(url, row["loc"]),
                published=_date(row.get("lastmod", "")),
                alternates=tuple(urljoin(url, alt) for alt in row.get("alternate", []) if alt != row["loc"]),
            )
            for row in sitemap
            if row.get("loc")
        ]
    except (lxml.etree.LxmlError, StopIteration) as error:  # bytes that are not XML at all
        return Listing(entries=[], problem=f"not a readable sitemap ({type(error).__name__})")
    if sitemap.type == "sitemapindex":
        dated = sorted(rows, key=lambda e: e.published.timestamp() if e.published else float("-inf"), reverse=True)
        return Listing(entries=[], next=dated)
    return Listing(entries=rows)


def sitemaps_in_robots(body: bytes, url: str) -> Listing:
    named = dict.fromkeys(sitemap_urls_from_robots(body, base_url=url))
    return Listing(entries=[], next=[Entry(url=sitemap) for sitemap in named])


def _date(text: str) -> datetime | None:
    found = find_time(text) if text else None
    return found.value if found else None
