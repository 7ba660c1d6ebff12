"""What a page is, once read: an article, a list of links, or something else and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from crawler.items import Article


@dataclass(frozen=True)
class ListResult:
    articles: list[str]
    """Article URLs as linked (gateway form kept), first page of each story."""
    next: list[str]
    """Further list pages: pagination, and channel pages reached from a home page."""
    kind: Literal["list"] = "list"


@dataclass(frozen=True)
class OtherResult:
    reason: str
    """What the page is, for people: "soft 404 (error page served as 200)"."""
    code: str = "other"
    """The same as a fixed stat name (pages/other/<code>): soft_404, no_article_text, too_large …"""
    kind: Literal["other"] = "other"


@dataclass(frozen=True)
class ArticleResult:
    item: Article
    more_pages: list[str] = field(default_factory=list)
    """Pages of the same story after this one, in order, as linked."""
    kind: Literal["article"] = "article"


ParseResult = ArticleResult | ListResult | OtherResult
