"""Query-string parameters of the reader's pages and API, read strictly: a wrong value is a 400
that says which parameter and why, never a silently ignored filter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from crawler import sites
from crawler.store.catalog import Cursor, Filters, QueryWord, query_words

if TYPE_CHECKING:
    from collections.abc import Mapping

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_QUERY = 200
LANGUAGES = ("zh", "zh-Hans", "zh-Hant", "en")


class BadParameter(ValueError):
    """A query-string value the reader cannot use; the message names it."""


@dataclass(frozen=True)
class Listing:
    filters: Filters
    after: Cursor | None
    limit: int
    query: str
    words: list[QueryWord]


def _day(params: Mapping[str, str], name: str) -> date | None:
    value = params.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadParameter(f"{name}: not a date (YYYY-MM-DD): {value[:40]!r}") from None


def number(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    value = params.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise BadParameter(f"{name}: a whole number from {low} to {high}, not {value[:40]!r}")
    return int(value)


def _flag(params: Mapping[str, str], name: str) -> bool:
    return params.get(name, "") in ("1", "on", "true", "yes")


def listing(params: Mapping[str, str], *, need_query: bool = False) -> Listing:
    site = params.get("site", "").strip() or None
    if site is not None and site not in sites.SITES:
        raise BadParameter(f"site: unknown outlet {site[:40]!r}; known: {', '.join(sorted(sites.SITES))}")
    lang = params.get("lang", "").strip() or None
    if lang is not None and lang not in LANGUAGES:
        raise BadParameter(f"lang: one of {', '.join(LANGUAGES)}, not {lang[:40]!r}")
    query = params.get("q", "").strip()
    if len(query) > MAX_QUERY:
        raise BadParameter(f"q: at most {MAX_QUERY} characters")
    words = query_words(query)
    if need_query and not words:
        raise BadParameter("q: say what to search for (a word in Chinese or English)")
    try:
        after = Cursor.decode(params.get("after"))
    except ValueError as error:
        raise BadParameter(f"after: {error}") from None
    filters = Filters(
        site=site,
        lang=lang,
        section=params.get("section", "").strip() or None,
        since=_day(params, "since"),
        until=_day(params, "until"),
        has_revisions=_flag(params, "revisions"),
        removed=_flag(params, "removed"),
        min_cluster=number(params, "cluster", 0, 0, 1000),
        has_translation=_flag(params, "translated"),
    )
    return Listing(filters, after, number(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT), query, words)
