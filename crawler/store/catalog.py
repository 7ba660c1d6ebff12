"""The catalog: one small entry per story, kept beside it by both stores, for listing and searching.

The reader (`python -m crawler serve`) lists stories newest first under filters and searches them in
Chinese and English; it must not load whole documents to do so. Each store keeps, for every story,
the entry built here (what a list row shows and what the filters test) and the story's search
terms, and pages through them by keyset: `(at, key)` descending, `at` being the publish time in
UTC (the first sighting when the page printed none).

Search terms. Text is folded first (NFKC, case, traditional -> simplified, the same phrase-aware
conversion as content hashing), so a traditional-script query finds a simplified story and the
other way round. Han text is then cut into overlapping character bigrams, the scheme of Lucene's
CJK analyzer, plus the last character of each run; other text into words. SQLite's trigram
tokenizer would be simpler, but it cannot find a two-character word (中国, 经济), and most Chinese
words have two characters. A query is the same tokens: each word of it a phrase of its bigrams,
which on the embedded store FTS5 matches by position; MongoDB matches the terms with a multikey
index and the store checks the phrase on the candidates.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import operator
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from crawler.helpers.dates import BEIJING
from crawler.helpers.text import to_simplified

CATALOG_VERSION = 1
"""Raised when the entry's shape or the terms change: `python -m crawler reindex` rebuilds older ones."""

MAX_BYLINES = 8

_WORD = re.compile(r"[^\W_]+")
_HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_HAN_RUN = re.compile(f"[{_HAN_CHARS}]+")
# A Han run, or a run of other word characters.
_PIECE = re.compile(f"([{_HAN_CHARS}]+)|([^\\W_{_HAN_CHARS}]+)")


def _iso_utc(value: Any) -> str | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def languages(doc: dict[str, Any]) -> list[str]:
    """The story's language tags and their base languages (zh-Hant -> zh-Hant, zh), for filtering."""
    tags = [str(tag) for tag in doc.get("languages") or []]
    return sorted({*tags, *(tag.split("-")[0] for tag in tags)})


def revision_count(doc: dict[str, Any]) -> int:
    return max(int(doc.get("revision") or 1) - 1, len(doc.get("revisions") or []))


def cluster_fields(cluster: Any) -> dict[str, Any]:
    cluster = cluster if isinstance(cluster, dict) else {}
    return {"cluster": cluster.get("id"), "cluster_size": int(cluster.get("size") or 1)}


def derived_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The entry's part of derived story fields (Store.set_story_fields: cluster, translations)."""
    entry: dict[str, Any] = {}
    if "cluster" in fields:
        entry.update(cluster_fields(fields["cluster"]))
    if "translations" in fields:
        entry["translations"] = len(fields["translations"] or [])
    return entry


def search_hash(doc: dict[str, Any]) -> str:
    """Changes when the searchable text can have changed, so a store re-tokenises only then."""
    basis = json.dumps([CATALOG_VERSION, doc.get("content_hash"), doc.get("title"), doc.get("other_titles")], sort_keys=True)
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()


def entry(doc: dict[str, Any]) -> dict[str, Any]:
    """What a list row shows and the filters test; JSON-safe."""
    at = _iso_utc(doc.get("published_at")) or _iso_utc(doc.get("first_seen_at")) or "0000-00-00T00:00:00Z"
    bylines = [
        {"role": str(b.get("role") or ""), "name": str(b.get("name") or ""), "lang": b.get("lang")}
        for b in (doc.get("bylines") or [])[:MAX_BYLINES]
        if isinstance(b, dict)
    ]
    return {
        "_id": doc["_id"],
        "v": CATALOG_VERSION,
        "site": doc.get("site"),
        "at": at,
        "published_at": _iso_text(doc.get("published_at")),
        "precision": doc.get("published_precision"),
        "langs": languages(doc),
        "section": [str(s) for s in doc.get("section") or []],
        "title": dict(doc.get("title") or {}),
        "bylines": bylines,
        "source": doc.get("source"),
        "revisions": revision_count(doc),
        "removed": bool(doc.get("removed_at")),
        **cluster_fields(doc.get("cluster")),
        "translations": len(doc.get("translations") or []),
        "variants": len(doc.get("variants") or {}),
        "search_hash": search_hash(doc),
    }


def _iso_text(value: Any) -> str | None:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    return value if isinstance(value, str) else None


# -- search ---------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Script-, width- and case-insensitive form, word boundaries kept."""
    return to_simplified(unicodedata.normalize("NFKC", text)).casefold()


def searchable(doc: dict[str, Any]) -> str:
    """The text a story is found by: titles, body, captions, names, source."""
    parts: list[str] = []
    for titles in (doc.get("title"), doc.get("other_titles")):
        if isinstance(titles, dict):
            parts.extend(str(t) for value in titles.values() for t in (value if isinstance(value, list) else [value]) if t)
    for paragraphs in (doc.get("body") or {}).values():
        parts.extend(str(p) for p in paragraphs or [])
    parts.extend(str(photo.get("caption") or "") for photo in doc.get("photos") or [] if isinstance(photo, dict))
    parts.extend(str(b.get("name") or "") for b in doc.get("bylines") or [] if isinstance(b, dict))
    parts.append(str(doc.get("source") or ""))
    return fold("\n".join(p for p in parts if p))


def tokens(folded: str) -> list[str]:
    """Terms in text order (positions matter for phrases): per Han run its bigrams then its last
    character, and every other word (digits and letters between Han runs are words too)."""
    found: list[str] = []
    for han, other in _PIECE.findall(folded):
        if han:
            # Pairs of neighbours, built in C: a page has thousands of them.
            found.extend(map(operator.add, han, han[1:]))
            found.append(han[-1])
        else:
            found.append(other)
    return found


def terms(doc: dict[str, Any]) -> list[str]:
    """The distinct terms of a story (MongoDB's multikey index)."""
    return sorted(set(tokens(searchable(doc))))


@dataclass(frozen=True)
class QueryWord:
    """One word of a query: the folded text a match must contain, and its terms."""

    text: str
    terms: tuple[str, ...]

    @property
    def prefix(self) -> bool:
        """A single Han character: found as the start of a bigram, or a run's last character."""
        return len(self.terms) == 1 and len(self.text) == 1 and bool(_HAN_RUN.fullmatch(self.text))


def _is_han(term: str, length: int) -> bool:
    return len(term) == length and bool(_HAN_RUN.fullmatch(term))


_QUERY_PART = re.compile(r'"([^"]*)"|(\S+)')


def query_words(query: str) -> list[QueryWord]:
    """Each whitespace-separated word of a query, or each phrase in double quotes: all must appear."""
    words: list[QueryWord] = []
    for match in _QUERY_PART.finditer(fold(query)):
        raw = match.group(1) if match.group(1) is not None else match.group(2)
        cleaned = " ".join(_WORD.findall(raw))
        if not cleaned:
            continue
        found = tokens(cleaned)
        # The text's terms are a Han run's bigrams then its last character, so a phrase keeps that
        # character between runs; at the end of the query it would demand that the run ends there.
        if len(found) > 1 and _is_han(found[-1], 1) and _is_han(found[-2], 2):
            found.pop()
        words.append(QueryWord(cleaned, tuple(found)))
    return words


def fts_query(words: list[QueryWord]) -> str:
    """The FTS5 MATCH expression: every word, each a phrase of its terms (quoted, so no query
    syntax passes through)."""
    parts = []
    for word in words:
        phrase = " ".join(term.replace('"', "") for term in word.terms)
        parts.append(f'"{phrase}"*' if word.prefix else f'"{phrase}"')
    return " AND ".join(parts)


def contains(folded: str, words: list[QueryWord]) -> bool:
    """Whether a story's folded text holds every query word (the phrase check on candidates)."""
    spaced = " ".join(_WORD.findall(folded))
    return all(word.text in spaced for word in words)


# -- filters and paging -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    site: str | None = None
    lang: str | None = None
    section: str | None = None
    since: date | None = None
    """Beijing days, inclusive."""
    until: date | None = None
    has_revisions: bool = False
    removed: bool = False
    min_cluster: int = 0
    has_translation: bool = False

    def bounds(self) -> tuple[str | None, str | None]:
        """`at` bounds (UTC text) for the Beijing days chosen: [start, end)."""
        start = _iso_utc(datetime.combine(self.since, time(), BEIJING)) if self.since else None
        end = _iso_utc(datetime.combine(self.until + timedelta(days=1), time(), BEIJING)) if self.until else None
        return start, end

    def accepts(self, row: dict[str, Any]) -> bool:
        """The same filters, on an entry in hand (what the stores' queries say)."""
        start, end = self.bounds()
        return (
            (self.site is None or row.get("site") == self.site)
            and (self.lang is None or self.lang in row.get("langs", []))
            and (self.section is None or self.section in row.get("section", []))
            and (start is None or row["at"] >= start)
            and (end is None or row["at"] < end)
            and (not self.has_revisions or row.get("revisions", 0) > 0)
            and (not self.removed or bool(row.get("removed")))
            and (row.get("cluster_size", 1) >= self.min_cluster)
            and (not self.has_translation or row.get("translations", 0) > 0)
        )


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: the next page holds entries strictly after it, newest first."""

    at: str
    key: str

    def encode(self) -> str:
        return base64.urlsafe_b64encode(json.dumps([self.at, self.key]).encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        """None for no cursor; ValueError for one that was not made here."""
        if not text:
            return None
        try:
            at, key = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        except (ValueError, binascii.Error, TypeError) as error:
            raise ValueError("not a page cursor") from error
        if isinstance(at, str) and isinstance(key, str):
            return cls(at, key)
        raise ValueError("not a page cursor")

    @classmethod
    def after(cls, row: dict[str, Any]) -> Cursor:
        return cls(row["at"], row["_id"])
