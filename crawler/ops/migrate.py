"""`python -m crawler migrate-keys`: re-key a store to today's identity rules, in place.

A story's key hashes its canonical URL or its outlet's CMS id, so a change to the canonicaliser or to an outlet's rewrite
(crawler.helpers.urls.KEY_VERSION) would otherwise leave stored stories under keys no crawl computes
any more, and the next fetch of each would start a second document. Every document older than
KEY_VERSION gets its key again from its URL; when two documents turn out to be one story, they are
merged (crawler.store.documents.merge_documents: URLs, variants and revisions joined, the older
content kept as a revision when it differs). Fetched URLs, moved revisions and duplicate links are
pointed at the new key. Run it when no crawl runs; it is idempotent.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crawler import sites
from crawler.helpers.urls import KEY_VERSION, host_of
from crawler.sites.base import GenericSite
from crawler.store.documents import as_aware, merge_documents, rekeyed

if TYPE_CHECKING:
    from crawler.sites.base import Site
    from crawler.store import Store


def _site_of(doc: dict[str, Any]) -> Site:
    try:
        return sites.get(str(doc.get("site")))
    except ValueError:
        return sites.for_url(doc["url"]) or GenericSite(host_of(doc["url"]))


def _release_canonical_urls(store: Store, stale: list[str]) -> None:
    """Documents about to move let go of their canonical URL first: it is unique, and since a CMS id
    names a story (KEY_VERSION 3), a document's URL can be the canonical URL of the key another
    stale document moves to. A run stopped after this finds the marked documents again (they are
    still stale) and gives each its canonical URL back from its URL."""
    for key in stale:
        doc = store.get(key)
        if doc is not None and _site_of(doc).key_for(doc["url"]) != key:
            store.put_document({**doc, "canonical_url": f"{doc['canonical_url']}#rekeying:{key}"})


def migrate_keys(store: Store, *, dry_run: bool = False) -> Counter[str]:
    """Bring every document to KEY_VERSION; counts of examined, current, rekeyed, merged, updated."""
    counts: Counter[str] = Counter()
    stale = [doc["_id"] for doc in store.documents() if int(doc.get("key_version") or 1) < KEY_VERSION]
    counts["examined"] = sum(1 for _ in store.documents())
    counts["current"] = counts["examined"] - len(stale)
    merged_into: set[str] = set()
    moved_to: set[str] = set()
    if not dry_run:
        _release_canonical_urls(store, stale)
    for old_key in stale:
        doc = store.get(old_key)  # read again: an earlier merge may have taken it in, or moved it
        if old_key in merged_into or doc is None or int(doc.get("key_version") or 1) >= KEY_VERSION:
            continue
        site = _site_of(doc)
        canonical, key = site.canonical_url(doc["url"]), site.key_for(doc["url"])
        if key == doc["_id"]:
            counts["updated"] += 1
            if not dry_run:
                store.put_document(rekeyed(doc, key, canonical))
            continue
        target = store.get(key)
        moved = rekeyed(doc, key, canonical)
        if target is None and key in moved_to:  # a dry run: the earlier move was not written
            counts["merged"] += 1
            continue
        moved_to.add(key)
        if target is not None:
            canonical = site.canonical_url(target["url"])  # the story keeps the URL it is known by
            counts["merged"] += 1
            merged_into.add(key)
            # The later fetched content is the story's current one.
            later_first = as_aware(target.get("last_seen_at"), datetime.min.replace(tzinfo=UTC)) >= as_aware(
                moved.get("last_seen_at"), datetime.min.replace(tzinfo=UTC)
            )
            keep, other = (target, moved) if later_first else (moved, target)
            moved = rekeyed(merge_documents(keep, other, merged_from=doc["_id"]), key, canonical)
        else:
            counts["rekeyed"] += 1
        if not dry_run:
            store.put_document(moved)
            store.relink(doc["_id"], key)
            store.delete_document(doc["_id"])
    return counts
