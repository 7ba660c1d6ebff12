"""`python -m crawler clusters | pairs | relink`: the store's clusters and translation links.

clusters   who carried a story: each cluster's origin and its copies by outlet, with what they changed
pairs      zh<->en translation links with their confidence and evidence
relink     rebuild the link index, clusters and links from the stored stories (after a threshold
           change, or when a crawl said links were not updated)
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from crawler.linking.maintain import Linker, LinkReport
from crawler.store.documents import as_aware

if TYPE_CHECKING:
    from collections.abc import Iterator

    from crawler.store import Store


def _recent(doc: dict[str, Any], since: timedelta | None, now: datetime) -> bool:
    if since is None:
        return True
    return as_aware(doc.get("first_seen_at"), default=now) >= now - since


def _title(doc: dict[str, Any]) -> str:
    titles = doc.get("title") or {}
    return str(next((titles[lang] for lang in ("zh", "en") if titles.get(lang)), next(iter(titles.values()), "")))


def clusters(store: Store, *, site: str | None = None, since: timedelta | None = None, min_size: int = 2) -> list[dict[str, Any]]:
    """Clusters with at least `min_size` members, one of them from `site` when given, one of them
    first seen within `since`; newest origin first."""
    now = datetime.now(UTC)
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for doc in store.documents():
        if doc.get("cluster"):
            members[doc["cluster"]["id"]].append(doc)
    found: list[dict[str, Any]] = []
    for cluster_id, docs in members.items():
        if len(docs) < min_size or (site and all(d.get("site") != site for d in docs)):
            continue
        if not any(_recent(d, since, now) for d in docs):
            continue
        docs.sort(key=lambda d: (d["cluster"].get("role") != "origin", d.get("published_at") or "", d["_id"]))
        found.append(
            {
                "id": cluster_id,
                "size": len(docs),
                "origin": docs[0]["cluster"].get("origin"),
                "members": [
                    {
                        "key": d["_id"],
                        "site": d.get("site"),
                        "role": d["cluster"].get("role"),
                        "similarity": d["cluster"].get("similarity"),
                        "published_at": d.get("published_at"),
                        "title": _title(d),
                        "url": d.get("url"),
                        "source": d.get("source"),
                        "edits": (d["cluster"].get("diff") or {}).get("counts"),
                    }
                    for d in docs
                ],
            }
        )
    found.sort(key=lambda c: str(c["members"][0].get("published_at") or ""), reverse=True)
    return found


def pairs(store: Store, *, since: timedelta | None = None) -> list[dict[str, Any]]:
    """Translation links between two stored stories, each once (Chinese side first), most sure first."""
    now = datetime.now(UTC)
    docs = {doc["_id"]: doc for doc in store.documents() if doc.get("translations")}
    found: list[dict[str, Any]] = []
    for key, doc in docs.items():
        for link in doc["translations"]:
            other = docs.get(link["key"])
            if other is None or link["key"] == key or link.get("lang") != "en":
                continue  # each pair once, from its Chinese side; a bilingual page is its own pair
            if not (_recent(doc, since, now) or _recent(other, since, now)):
                continue
            found.append(
                {
                    "confidence": link["confidence"],
                    "evidence": link.get("evidence") or [],
                    "zh": {"key": key, "site": doc.get("site"), "title": _title(doc), "url": doc.get("url")},
                    "en": {"key": other["_id"], "site": other.get("site"), "title": _title(other), "url": other.get("url")},
                }
            )
    found.sort(key=lambda p: (-p["confidence"], p["zh"]["key"]))
    return found


def relink(store: Store) -> LinkReport:
    """Every stored story through the linker again, oldest first (origins stay the earliest)."""
    keys = [doc["_id"] for doc in sorted(_light(store), key=lambda d: (str(d.get("published_at") or ""), d["_id"]))]
    report = LinkReport()
    linker = Linker(store)
    for start in range(0, len(keys), 100):
        report.counts.update(linker.link(keys[start : start + 100]).counts)
    return report


def _light(store: Store) -> Iterator[dict[str, Any]]:
    for doc in store.documents():
        yield {"_id": doc["_id"], "published_at": doc.get("published_at")}


def cluster_lines(found: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for cluster in found:
        lines.append(f"cluster {cluster['id']}: {cluster['size']} stories, origin {cluster['origin']}")
        for m in cluster["members"]:
            edits = m["edits"] or {}
            changed = f"  +{edits.get('added', 0)} -{edits.get('removed', 0)} ~{edits.get('changed', 0)}" if edits else ""
            lines.append(
                f"  {m['role']:<11} {m['site'] or '':<12} {str(m['published_at'] or '')[:16]:<16} "
                f"{m['similarity'] if m['similarity'] is not None else '':<5} {m['title']}{changed}"
            )
    return lines


def pair_lines(found: list[dict[str, Any]]) -> list[str]:
    return [
        f"{p['confidence']:.2f}  {p['zh']['site']}: {p['zh']['title']}  <->  {p['en']['site']}: {p['en']['title']}\n"
        f"      {'; '.join(p['evidence'])}"
        for p in found
    ]
