"""No damaged character leaves the parser, in any field of the item.

A U+FFFD in a page means a character was lost before the page reached us (a wrong decode upstream,
a CMS that mangled it); a lone surrogate (`"\\ud800"` in JSON-LD) is not a character at all and
cannot even be written as UTF-8. Both become 〓, the typesetter's mark for a missing character, in
every text the item carries (title, body, captions, credits, bylines, source, section, dateline,
the printed date), counted in one warning. Done once, on the finished item, for every parser.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.items import Article

LOST = "〓"
_DAMAGED = re.compile("[\ufffd\ud800-\udfff]")
# Identity and bookkeeping, not text from the page: URLs, keys, hashes, the parser's own warnings.
_NOT_TEXT = frozenset(
    {"url", "canonical_url", "key", "site", "page_urls", "redirected_from", "parser", "warnings", "content_hash",
     "fetched_at", "published_at", "published_precision", "languages", "lang"}
)  # fmt: skip


def mark_lost(text: str) -> tuple[str, int]:
    """`text` with each damaged character shown as 〓, and how many there were."""
    marked, count = _DAMAGED.subn(LOST, text)
    return marked, count


def _walk(value: Any) -> tuple[Any, int]:
    if isinstance(value, str):
        return mark_lost(value) if _DAMAGED.search(value) else (value, 0)
    if isinstance(value, list):
        walked = [_walk(v) for v in value]
        return [v for v, _ in walked], sum(n for _, n in walked)
    if isinstance(value, dict):
        entries = {k: _walk(v) for k, v in value.items()}
        return {k: v for k, (v, _) in entries.items()}, sum(n for _, n in entries.values())
    if is_dataclass(value) and not isinstance(value, type):
        return value, _sanitize_fields(value)
    return value, 0


def _sanitize_fields(obj: Any) -> int:
    lost = 0
    for spec in fields(obj):
        if spec.name in _NOT_TEXT:
            continue
        value, count = _walk(getattr(obj, spec.name))
        if count:
            setattr(obj, spec.name, value)
            lost += count
    return lost


def sanitize_article(item: Article) -> int:
    """Mark lost characters in every text field of `item`, in place; add one warning when there
    were any; give a photo printed without a caption `caption=None`, never ``""``. Returns the count."""
    for photo in item.photos:
        if photo.caption is not None and not photo.caption.strip():
            photo.caption = None
    lost = _sanitize_fields(item)
    if lost:
        item.warnings.append(f"decoding: {lost} character(s) lost in the page's own text, shown as {LOST}")
    return lost
