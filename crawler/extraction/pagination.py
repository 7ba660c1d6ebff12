"""Stories printed over several pages, declared once per outlet.

An outlet numbers the later pages of a story in its URLs: `content_<id>_2.htm` (China.com.cn),
`c1001-40223222-2.html` (People's Daily), `WS<hex>_2.html` (China Daily), `c_<id>_2.htm` or
`c.html?page=2` (Xinhua). Each is one regular expression over the URL's path and query, with three
named groups:

- `id`: what is the same on every page of one story;
- `suffix`: what page 1's URL lacks (`_2`, `-2`, `?page=2`);
- `page`: the page number, inside `suffix`.

From that one declaration come the first page of any page, the canonical form of a story's URL, and
the later pages a page's pager links to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import re


@dataclass(frozen=True)
class StoryPages:
    patterns: tuple[re.Pattern[str], ...]
    """Over `path` or `path?query` of the URL, gateway prefix removed; groups id, suffix, page."""
    pager_css: str
    """Where a page links its story's other pages."""

    def _match(self, url: str) -> tuple[re.Match[str], int] | None:
        """The pattern's match on the URL, and where the part matched against starts in the URL."""
        parts = urlsplit(url)
        tail = parts.path + (f"?{parts.query}" if parts.query else "")
        offset = len(url) - len(tail) - (len(parts.fragment) + 1 if parts.fragment else 0)
        for pattern in self.patterns:
            if match := pattern.search(tail):
                return match, offset
        return None

    def page_of(self, url: str) -> tuple[str, int] | None:
        """(story id, page number) of a page URL; page 1 when the URL carries no number."""
        found = self._match(url)
        if found is None:
            return None
        match, _ = found
        return match["id"], int(match["page"] or 1)

    def first_page(self, url: str) -> str:
        """The URL of page 1 of the story this page belongs to (other URLs unchanged)."""
        found = self._match(url)
        if found is None or not found[0]["suffix"]:
            return url
        match, offset = found
        start, end = match.span("suffix")
        return url[: offset + start] + url[offset + end :]

    def later_pages(self, url: str, links: list[str]) -> list[str]:
        """The pages after this one among `links`, in page order, one link per page number."""
        current = self.page_of(url)
        if current is None:
            return []
        story, number = current
        pages: dict[int, str] = {}
        for link in links:
            linked = self.page_of(link)
            if linked is not None and linked[0] == story and linked[1] > number:
                pages.setdefault(linked[1], link)
        return [pages[n] for n in sorted(pages)]
