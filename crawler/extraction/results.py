"""What a page is, once read: an article, a list of links, or something else and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from crawler.items import Article


ListedIn = Literal["html", "json", "feed", "sitemap", "robots"]


@dataclass(frozen=True)
class ListResult:
    articles: list[str]
    """Article URLs as linked (gateway form kept), first page of each story."""
    next: list[str]
    """Further list pages: pagination, channel pages reached from a home page, the JSON a page's
    script loads, a sitemap index's sitemaps, a feed's next page."""
    listed_in: ListedIn = "html"
    """What the list was: an HTML page, a JSON list, a feed, a sitemap, robots.txt."""
    published: dict[str, str] = field(default_factory=dict)
    """When the list dates a link (a feed item, a sitemap's lastmod, a JSON row's time): URL -> ISO time."""
    alternates: dict[str, list[str]] = field(default_factory=dict)
    """Other-language versions the list names for an article (sitemap hreflang links)."""
    newest: str | None = None
    """The newest date among the list's entries (a feed that stopped updating shows here)."""
    kind: Literal["list"] = "list"


@dataclass(frozen=True)
class OtherResult:
    reason: str
    """What the page is, for people: "soft 404 (error page served as 200)"."""
    code: str = "other"
    """The same as a fixed stat name (pages/other/<code>): soft_404, no_article_text, too_large …"""
    kind: Literal["other"] = "other"

    @property
    def blocked(self) -> str | None:
        """The reason, when the page is the outlet refusing us (a WAF page, a challenge, a captcha)."""
        return self.code.removeprefix("blocked_") if self.code.startswith("blocked_") else None


@dataclass(frozen=True)
class ArticleResult:
    item: Article
    more_pages: list[str] = field(default_factory=list)
    """Pages of the same story after this one, in order, as linked."""
    kind: Literal["article"] = "article"


ParseResult = ArticleResult | ListResult | OtherResult
