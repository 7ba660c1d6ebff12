"""One entry point for the discovery readers, by document kind."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from crawler.discovery.entries import Listing
from crawler.discovery.feeds import read_feed
from crawler.discovery.jsonlists import read_json_list
from crawler.discovery.sitemaps import read_sitemap, sitemaps_in_robots

if TYPE_CHECKING:
    from collections.abc import Callable

_READERS: dict[str, Callable[[bytes, str], Listing]] = {
    "feed": read_feed,
    "sitemap": read_sitemap,
    "json": read_json_list,
    "robots": sitemaps_in_robots,
}

# `$.ajax({url: "./YAOWENLIEBIAO.json"…` / `getJSON('/zhengce/zuixin/ZUIXINZHENGCE.json')`.
_JSON_IN_SCRIPT = re.compile(r"""["']((?:https?:)?[^"'\s<>()]*?\.json)(?:\?[^"'\s<>]*)?["']""")


def read_listing(kind: str, body: bytes, url: str) -> Listing:
    reader = _READERS.get(kind)
    if reader is None:
        return Listing(entries=[], problem=f"not a list document ({kind})")
    return reader(body, url)


def json_lists_named_in(scripts: list[str], url: str) -> list[str]:
    """The JSON files inline scripts load, as absolute URLs, in order."""
    found = [urljoin(url, match) for script in scripts for match in _JSON_IN_SCRIPT.findall(script)]
    return list(dict.fromkeys(found))
