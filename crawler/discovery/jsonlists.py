"""Lists an outlet's pages fill from JSON in the browser (gov.cn's `YAOWENLIEBIAO.json`, Xinhua's
`ds_<id>.json`): every link in the document, in order, each dated by its row.

The reader does not know the outlets' field names (`URL`, `publishUrl`, `linkUrls`, …): a list
row is an object, its links are the strings in it that look like page addresses, and its date the
first of its values a date can be read from. A renamed field loses nothing.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from crawler.discovery.entries import Entry, Listing
from crawler.helpers.dates import find_time

if TYPE_CHECKING:
    from datetime import datetime

_PAGE_ADDRESS = re.compile(r"^(?:https?://|//|\.{0,2}/)[^\s<>\"']+$|^[^\s<>\"':]+\.s?html?$", re.IGNORECASE)
_DATE_KEY = re.compile(r"time|date|pub", re.IGNORECASE)
MAX_NODES = 200_000
"""Values walked at most: a list is a few thousand rows; anything far larger is not a list."""


def read_json_list(body: bytes | str, url: str) -> Listing:
    try:
        data = json.loads(body)
    except ValueError as error:
        return Listing(entries=[], problem=f"not readable JSON ({error.__class__.__name__})")
    walker = _Walker(url)
    walker.walk(data, None)
    problem = None if walker.budget > 0 else f"stopped after {MAX_NODES} values"
    return Listing(entries=walker.entries, problem=problem)


class _Walker:
    def __init__(self, base: str) -> None:
        self.base = base
        self.entries: list[Entry] = []
        self.seen: set[str] = set()
        self.budget = MAX_NODES

    def walk(self, node: Any, row_date: datetime | None) -> None:
        self.budget -= 1
        if self.budget <= 0:
            return
        if isinstance(node, dict):
            row_date = _row_date(node) or row_date
            for value in node.values():
                self.walk(value, row_date)
        elif isinstance(node, list):
            for value in node:
                self.walk(value, row_date)
        elif isinstance(node, str) and _PAGE_ADDRESS.match(node.strip()) and _encodable(node):
            link = urljoin(self.base, node.strip())
            if link not in self.seen:
                self.seen.add(link)
                self.entries.append(Entry(url=link, published=row_date))


def _encodable(text: str) -> bool:
    """A lone surrogate (`"\\ud800"` in the JSON) can be in no URL: such a string is not a link."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _row_date(row: dict[str, Any]) -> datetime | None:
    for key, value in row.items():
        if isinstance(key, str) and _DATE_KEY.search(key) and isinstance(value, str | int | float):
            found = find_time(str(value))
            if found is not None:
                return found.value
    return None
