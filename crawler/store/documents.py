"""The stored document and the rules that evolve it. Pure: both stores call these functions.

One document per story, `_id` = the item's key. A new fetch of a stored story is one of:

- unchanged: same content (compared script-, width- and punctuation-insensitively) -> only
  `last_seen_at` moves and the URL joins `fetched_urls`;
- variant: same content in another script (the Big5 gateway's traditional copy of a simplified
  page) -> kept verbatim under `variants[<tag>]`, nothing else changes; when the gateway copy was
  met first, the original page takes its place as the story and the copy becomes the variant;
- updated: the content changed -> the new content replaces the old, the old is kept in `revisions`
  with the list of fields that changed, `revision` goes up;
- stale: another URL of the story (a lagging gateway copy) still serves an earlier revision ->
  nothing changes but `last_seen_at`; the same URL going back to old text is a real revert.

`_v` counts writes; stores use it for optimistic concurrency (write only if `_v` is unchanged).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from copy import deepcopy
from datetime import UTC, datetime
from typing import Any, Literal

import bson

from crawler.helpers.text import fold_chars, fold_for_hash
from crawler.helpers.urls import KEY_VERSION, unwrap_gateway

Outcome = Literal["inserted", "updated", "unchanged", "variant", "stale"]

# The fields whose change makes a new revision, as the issue names them: title, body, captions,
# bylines, time. Source and section are kept with each revision's snapshot but do not trigger one.
REVISION_FIELDS = ("title", "body", "captions", "bylines", "published_at")
CONTENT_FIELDS = ("url", "title", "body", "languages", "photos", "bylines", "source", "sources", "section", "dateline",
                  "published_at", "published_raw", "published_precision", "updated_at", "other_titles", "author_notes",
                  "page_urls", "parser", "warnings", "content_hash")  # fmt: skip
VARIANT_FIELDS = ("url", "title", "body", "photos", "bylines", "source", "section")


def seen_at(item: dict[str, Any], default: datetime) -> datetime:
    """When the item's page was fetched (its `fetched_at`), so a late write keeps the real time."""
    value = item.get("fetched_at")
    if isinstance(value, datetime):
        return value
    if value:
        return datetime.fromisoformat(value)
    return default


def item_urls(item: dict[str, Any]) -> list[str]:
    """The URLs this fetch answers for: the page, and what redirected to it."""
    return list(dict.fromkeys([item["url"], *(item.get("redirected_from") or [])]))


Fold = Callable[[str], str]


def _folded_body(body: dict[str, list[str]], fold: Fold = fold_for_hash) -> dict[str, str]:
    # One fold per language: paragraph breaks carry no content (re-paragraphing is not an edit).
    return {lang: fold("\n".join(body[lang])) for lang in sorted(body)}


def content_hash(item: dict[str, Any]) -> str:
    """Exact identity of the body text of every language, folded (t2s, width, punctuation).

    Equal for a page and its Big5 gateway copy, and for one wire story republished by two outlets.
    """
    folded = _folded_body(item.get("body") or {})
    return hashlib.sha1("\n".join(folded.values()).encode("utf-8")).hexdigest()


def _folded_views(doc: dict[str, Any], fold: Fold = fold_for_hash) -> dict[str, Any]:
    photos = doc.get("photos") or []
    bylines = doc.get("bylines") or []
    # The body under the default fold is what content_hash already digests: the body, the largest
    # text by far, is folded once per item (in the normalise pipeline), not again for every store
    # write. Fingerprints stored before this compare as the char-fold path in same_content does.
    if fold is fold_for_hash and doc.get("content_hash"):
        body: Any = doc["content_hash"]
    else:
        body = _folded_body(doc.get("body") or {}, fold)
    return {
        "title": {lang: fold(t) for lang, t in sorted((doc.get("title") or {}).items())},
        "body": body,
        "captions": fold("\n".join(p.get("caption") or "-" for p in photos)),
        "bylines": sorted({(fold(b["name"]), b["role"]) for b in bylines}),
        "published_at": doc.get("published_at"),
    }


def fingerprint(doc: dict[str, Any], fold: Fold = fold_for_hash) -> str:
    views = _folded_views(doc, fold)
    return hashlib.sha1(json.dumps(views, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def same_content(stored: dict[str, Any], item: dict[str, Any], item_fingerprint: str) -> bool:
    """Whether `item` shows the stored content, perhaps in the other script.

    Two folds, because converters differ: one that changes vocabulary (支持 -> 支援, the Big5
    gateway) is undone by the phrase-aware fold, one that maps characters only (社群 -> 社羣) by
    the character fold; a real edit differs under both."""
    if item_fingerprint == stored.get("fingerprint"):
        return True
    return fingerprint(item, fold_chars) == fingerprint(stored, fold_chars)


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    before, after = _folded_views(old), _folded_views(new)
    return [field for field in REVISION_FIELDS if before[field] != after[field]]


def _script_tag(doc: dict[str, Any]) -> str | None:
    return next((tag for tag in doc.get("languages") or [] if tag.startswith("zh")), None)


def as_aware(value: Any, default: datetime | None = None) -> datetime:
    """A stored time as an aware datetime (MongoDB hands back naive UTC, the embedded store ISO text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        assert default is not None
        value = default
    moment: datetime = value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _via_gateway(url: str) -> bool:
    return unwrap_gateway(url) != url


def _original_first(doc: dict[str, Any], existing: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """The original page arrived after its gateway conversion: whichever order a crawl meets them
    in, the text as the outlet published it is the story, the conversion its variant."""
    converted_tag = _script_tag(existing)
    converted = {k: deepcopy(existing.get(k)) for k in VARIANT_FIELDS}
    for field in CONTENT_FIELDS:
        doc[field] = deepcopy(item.get(field))
    doc["content_hash"] = item.get("content_hash") or content_hash(item)
    doc.setdefault("variants", {}).pop(_script_tag(item), None)
    if converted_tag:
        doc["variants"][converted_tag] = converted
    return doc


def cluster_name(origin: str) -> str:
    """A cluster is named after its origin story (crawler.linking.maintain)."""
    return f"c-{origin[:16]}"


def alone(key: str) -> dict[str, Any]:
    """The cluster of a story no other outlet carried (yet): itself."""
    return {"id": cluster_name(key), "origin": key, "role": "origin", "similarity": 1.0, "size": 1}


def new_document(item: dict[str, Any], now: datetime) -> dict[str, Any]:
    doc = dict(item)  # top-level fields are added, nested values are never mutated: no deep copy
    doc["_id"] = item["key"]
    doc["content_hash"] = item.get("content_hash") or content_hash(item)
    doc.update(
        fetched_urls=[item["url"]],
        variants={},
        first_seen_at=now,
        last_seen_at=now,
        revision=1,
        revisions=[],
        removed_at=None,
        removal_status=None,
        removal_reason=None,
        duplicates_of=[],
        cluster=alone(item["key"]),
        translations=[],
        fingerprint=fingerprint(item),
        key_version=KEY_VERSION,
        _v=1,
    )
    doc.pop("fetched_at", None)
    return doc


def merge(existing: dict[str, Any] | None, item: dict[str, Any], now: datetime) -> tuple[Outcome, dict[str, Any]]:
    """The document after `item` was fetched again at `now`, and what kind of change that was."""
    if existing is None:
        return "inserted", new_document(item, now)
    doc = deepcopy(existing)
    # Fetches can be written out of order (a replayed archive, a spill stored late): the document
    # spans the earliest and the latest of them.
    if as_aware(now) < as_aware(existing.get("first_seen_at"), default=now):
        doc["first_seen_at"] = now
    if as_aware(now) >= as_aware(existing.get("last_seen_at"), default=now):
        doc["last_seen_at"] = now
    doc["_v"] = int(existing.get("_v", 0)) + 1
    doc["key_version"] = KEY_VERSION  # found under the key today's rules give: current, whatever it was
    if item["url"] not in doc.setdefault("fetched_urls", []):
        doc["fetched_urls"].append(item["url"])
    if doc.get("removed_at") is not None:  # it answers again: no longer removed
        doc["removed_at"] = None
        doc["removal_status"] = None
        doc["removal_reason"] = None
    incoming_fp = fingerprint(item)
    if same_content(existing, item, incoming_fp):
        tag = _script_tag(item)
        if tag and tag != _script_tag(existing):
            if _via_gateway(existing["url"]) and not _via_gateway(item["url"]):
                return "variant", _original_first(doc, existing, item)
            variant = {k: deepcopy(item.get(k)) for k in VARIANT_FIELDS}
            if doc.setdefault("variants", {}).get(tag) != variant:
                doc["variants"][tag] = variant
                return "variant", doc
        return "unchanged", doc
    earlier = [r for r in existing.get("revisions", []) if r.get("previous")]
    if item["url"] != existing.get("url") and any(
        same_content({**r["previous"], "fingerprint": r.get("fingerprint")}, item, incoming_fp) for r in earlier
    ):
        return "stale", doc
    previous = {field: deepcopy(existing.get(field)) for field in CONTENT_FIELDS}
    # Variants showed the replaced content: they go with it, and the next fetch of another script
    # records that script's rendering of the new content.
    previous["variants"] = deepcopy(existing.get("variants") or {})
    doc["variants"] = {}
    doc["revisions"] = [
        *existing.get("revisions", []),
        {
            "revision": existing.get("revision", 1),
            "fingerprint": existing.get("fingerprint"),
            "replaced_at": now,
            "changed": changed_fields(existing, item),
            "url": item["url"],
            "previous": previous,
        },
    ]
    for field in CONTENT_FIELDS:
        doc[field] = deepcopy(item.get(field))
    doc["content_hash"] = item.get("content_hash") or content_hash(item)
    doc["fingerprint"] = incoming_fp
    doc["revision"] = int(existing.get("revision", 1)) + 1
    return "updated", doc


# MongoDB refuses documents over 16 MiB, and a story that grows past it (long pages, many pages,
# variants, revisions) would otherwise fail every write of it from then on. Half of that is the budget.
DOCUMENT_BUDGET = 8 * 1024 * 1024


class DocumentTooLarge(ValueError):
    """A story's current content alone is over the budget: it cannot be stored as one document."""


def encoded_size(doc: dict[str, Any]) -> int:
    """The document's size as MongoDB counts it (BSON), whichever store keeps it."""
    return len(bson.encode(doc))


def fit_budget(doc: dict[str, Any], budget: int = DOCUMENT_BUDGET) -> list[dict[str, Any]]:
    """Keep `doc` under `budget` bytes: while it is over, the oldest revision's replaced content
    moves out to a history record (`{_id: "<key>:<revision>", key, revision, replaced_at, previous}`,
    returned for the store to keep beside the story), and the revision keeps a marker
    (`previous: None, previous_moved: True`), never silently dropped. Raises DocumentTooLarge
    when the current content alone is over the budget."""
    if encoded_size(doc) <= budget:
        return []
    moved: list[dict[str, Any]] = []
    for revision in doc.get("revisions") or []:
        if revision.get("previous") is None:
            continue
        moved.append(
            {
                "_id": f"{doc['_id']}:{revision.get('revision')}",
                "key": doc["_id"],
                "revision": revision.get("revision"),
                "replaced_at": revision.get("replaced_at"),
                "previous": revision["previous"],
            }
        )
        revision["previous"] = None
        revision["previous_moved"] = True
        if encoded_size(doc) <= budget:
            return moved
    raise DocumentTooLarge(f"the story {doc['_id']} is {encoded_size(doc)} bytes without its history; the limit is {budget}")


def merge_documents(keep: dict[str, Any], other: dict[str, Any], merged_from: str) -> dict[str, Any]:
    """One story stored as two documents (two keys that today's rules make one): a document holding
    both. `keep` is the one whose content is current (the later fetched); the other's URLs, variants,
    revisions and first sighting join it, and its content, when it differs, becomes a revision."""
    doc = deepcopy(keep)
    doc["fetched_urls"] = list(dict.fromkeys([*keep.get("fetched_urls", []), *other.get("fetched_urls", [])]))
    doc["variants"] = {**deepcopy(other.get("variants") or {}), **(keep.get("variants") or {})}
    firsts = [as_aware(d["first_seen_at"]) for d in (keep, other) if d.get("first_seen_at")]
    if firsts:
        doc["first_seen_at"] = min(firsts)
    revisions = [*deepcopy(other.get("revisions") or []), *deepcopy(keep.get("revisions") or [])]
    if other.get("fingerprint") != keep.get("fingerprint") and not same_content(keep, other, str(other.get("fingerprint"))):
        previous = {field: deepcopy(other.get(field)) for field in CONTENT_FIELDS}
        previous["variants"] = deepcopy(other.get("variants") or {})
        revisions.append(
            {
                "fingerprint": other.get("fingerprint"),
                "replaced_at": other.get("last_seen_at"),
                "changed": changed_fields(other, keep),
                "url": keep.get("url"),
                "previous": previous,
                "merged_from": merged_from,
            }
        )
    revisions.sort(key=lambda r: as_aware(r.get("replaced_at"), default=datetime.min.replace(tzinfo=UTC)))
    for number, revision in enumerate(revisions, start=1):
        revision["revision"] = number
    doc["revisions"] = revisions
    doc["revision"] = len(revisions) + 1
    doc["duplicates_of"] = sorted(set(keep.get("duplicates_of") or []) | set(other.get("duplicates_of") or []))
    if keep.get("removed_at") is None or other.get("removed_at") is None:
        doc["removed_at"], doc["removal_status"], doc["removal_reason"] = None, None, None
    doc["_v"] = max(int(keep.get("_v", 0)), int(other.get("_v", 0))) + 1
    return doc


def rekeyed(doc: dict[str, Any], key: str, canonical: str) -> dict[str, Any]:
    """The document under a new key (today's identity rules)."""
    moved = dict(doc)
    moved.update(_id=key, key=key, canonical_url=canonical, key_version=KEY_VERSION)
    moved["duplicates_of"] = [k for k in moved.get("duplicates_of") or [] if k != key]
    if (moved.get("cluster") or {}).get("size", 1) == 1:
        moved["cluster"] = alone(key)  # larger clusters are renamed by `relink`
    return moved


def missing_reason(removal: dict[str, Any]) -> str:
    """Why a URL with no story is remembered as missing: `HTTP 404`, `soft_404 (HTTP 200)`."""
    reason = removal.get("reason") or "http_status"
    return f"HTTP {removal['status']}" if reason == "http_status" else f"{reason} (HTTP {removal['status']})"


def removed(existing: dict[str, Any], status: int, now: datetime, reason: str = "http_status") -> dict[str, Any] | None:
    """The document after its page was found gone (crawler.items.Removal), or None when it was
    already marked."""
    if existing.get("removed_at") is not None:
        return None
    doc = deepcopy(existing)
    doc["removed_at"] = now
    doc["removal_status"] = status
    doc["removal_reason"] = reason
    doc["_v"] = int(existing.get("_v", 0)) + 1
    return doc
