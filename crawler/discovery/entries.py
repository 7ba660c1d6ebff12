"""What every discovery reader returns: the links a document lists, each with its date if it gives one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime  # noqa: TC003 (a dataclass field type)


@dataclass(frozen=True)
class Entry:
    url: str
    """Absolute, as the document gives it."""
    published: datetime | None = None
    """When the document says the story was published or last changed (timezone-aware), or None."""
    alternates: tuple[str, ...] = ()
    """Other-language versions the document names for it (sitemap `xhtml:link` hreflang)."""


@dataclass(frozen=True)
class Listing:
    entries: list[Entry]
    next: list[Entry] = field(default_factory=list)
    """Further documents of the same source: a sitemap index's sitemaps (dated when it dates them),
    a feed's next page, the sitemaps robots.txt names."""
    problem: str | None = None
    """Why the document could not be read (fully), for people: "not well-formed XML (line 3)"."""
