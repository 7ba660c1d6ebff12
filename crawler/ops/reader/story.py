"""What the story page shows, built from the stored document (and its moved revisions, cluster
members and translations): plain data for the template and for `/api/stories/<key>`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from crawler.helpers.dates import BEIJING
from crawler.helpers.text import to_simplified
from crawler.ops.reader import diff

if TYPE_CHECKING:
    from crawler.store import Store

MAX_MEMBERS = 50
# Who wrote it first, then who shot and translated it, then who edited it (crawler.items.ROLES).
ROLE_ORDER = ("author", "reporter", "correspondent", "commentator", "photographer", "translator", "editor")


def safe_href(url: Any) -> str | None:
    """A stored URL as a link target only when it is http(s): a `javascript:` URL is text, never a link."""
    if not isinstance(url, str):
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def beijing(value: Any) -> str:
    """A stored time as Beijing wall time, for people; '' when there is none."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if not isinstance(value, datetime):
        return ""
    if value.tzinfo is None:
        return value.strftime("%Y-%m-%d %H:%M")
    return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


@dataclass
class Column:
    lang: str
    title: str
    paragraphs: list[str]
    script: str


@dataclass
class FieldChange:
    field: str
    lang: str
    rows: list[list[diff.Segment]]


@dataclass
class RevisionView:
    number: int
    replaced_at: str
    changed: list[str]
    url: str | None
    changes: list[FieldChange] = field(default_factory=list)
    moved_away: bool = False


@dataclass
class StoryView:
    doc: dict[str, Any]
    columns: list[Column]
    script: str
    scripts: list[str]
    bylines: list[tuple[str, list[str]]]
    urls: list[tuple[str, str, str | None]]
    revisions: list[RevisionView]
    members: list[dict[str, Any]]
    translations: list[dict[str, Any]]


def _columns(doc: dict[str, Any], script: str) -> list[Column]:
    """The story's languages side by side, Chinese first. `script`: "published" (as stored), a
    variant's tag (its rendering, e.g. zh-Hant through a gateway), or "folded" (simplified)."""
    zh_tag = next((t for t in doc.get("languages") or [] if str(t).startswith("zh")), "zh")
    titles: dict[str, str] = dict(doc.get("title") or {})
    bodies: dict[str, list[str]] = {k: list(v or []) for k, v in (doc.get("body") or {}).items()}
    tag = zh_tag
    variant = (doc.get("variants") or {}).get(script)
    if isinstance(variant, dict):
        titles["zh"] = (variant.get("title") or {}).get("zh", titles.get("zh", ""))
        bodies["zh"] = list((variant.get("body") or {}).get("zh") or bodies.get("zh") or [])
        tag = script
    elif script == "folded":
        titles["zh"] = to_simplified(titles.get("zh", ""))
        bodies["zh"] = [to_simplified(p) for p in bodies.get("zh", [])]
        tag = "folded"
    order = sorted(set(titles) | set(bodies), key=lambda lang: (lang != "zh", lang != "en", lang))
    return [Column(lang, titles.get(lang, ""), bodies.get(lang, []), tag if lang == "zh" else lang) for lang in order]


def _bylines(doc: dict[str, Any]) -> list[tuple[str, list[str]]]:
    roles: dict[str, list[str]] = {}
    for byline in doc.get("bylines") or []:
        if isinstance(byline, dict) and byline.get("name"):
            roles.setdefault(str(byline.get("role") or "credited"), []).append(str(byline["name"]))
    return sorted(roles.items(), key=lambda r: (ROLE_ORDER.index(r[0]) if r[0] in ROLE_ORDER else len(ROLE_ORDER), r[0]))


def _urls(doc: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(what, URL, link target or None), each URL once, in the order a reader asks about them."""
    seen: set[str] = set()
    found: list[tuple[str, str, str | None]] = []

    def add(what: str, url: Any) -> None:
        if isinstance(url, str) and url and url not in seen:
            seen.add(url)
            found.append((what, url, safe_href(url)))

    add("canonical", doc.get("canonical_url"))
    add("first fetched", doc.get("url"))
    for url in doc.get("page_urls") or []:
        add("page", url)
    for url in doc.get("fetched_urls") or []:
        add("also fetched", url)
    for url in doc.get("redirected_from") or []:
        add("redirected from", url)
    for tag, variant in sorted((doc.get("variants") or {}).items()):
        if isinstance(variant, dict):
            add(f"variant {tag}", variant.get("url"))
    return found


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _changes(before: dict[str, Any], after: dict[str, Any], changed: list[str]) -> list[FieldChange]:
    changes: list[FieldChange] = []
    for name in changed:
        old, new = before.get(name), after.get(name)
        if name == "body" and isinstance(old, dict) and isinstance(new, dict):
            for lang in sorted(set(old) | set(new)):
                rows = diff.paragraphs(list(old.get(lang) or []), list(new.get(lang) or []))
                if rows:
                    changes.append(FieldChange(name, lang, rows))
        elif name == "title" and isinstance(old, dict) and isinstance(new, dict):
            for lang in sorted(set(old) | set(new)):
                if old.get(lang) != new.get(lang):
                    changes.append(FieldChange(name, lang, [diff.inline(str(old.get(lang) or ""), str(new.get(lang) or ""))]))
        elif old != new:
            changes.append(FieldChange(name, "", [diff.inline(_text(old), _text(new))]))
    return changes


def revisions(doc: dict[str, Any], moved: list[dict[str, Any]]) -> list[RevisionView]:
    """Each replaced revision with the diff from it to the one that replaced it, oldest first."""
    records = list(doc.get("revisions") or [])
    by_number = {record.get("revision"): record.get("previous") for record in moved}
    snapshots: list[dict[str, Any] | None] = [r.get("previous") or by_number.get(r.get("revision")) for r in records]
    views: list[RevisionView] = []
    for index, record in enumerate(records):
        before = snapshots[index]
        after = snapshots[index + 1] if index + 1 < len(records) else doc
        view = RevisionView(
            number=int(record.get("revision") or index + 1),
            replaced_at=beijing(record.get("replaced_at")),
            changed=[str(c) for c in record.get("changed") or []],
            url=record.get("url"),
        )
        if before is None or after is None:
            view.moved_away = True
        else:
            view.changes = _changes(before, after, view.changed or ["title", "body"])
        views.append(view)
    return views


def members(store: Store, doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The other stories of the story's cluster: catalog entry, role, similarity, diff."""
    cluster = doc.get("cluster") if isinstance(doc.get("cluster"), dict) else None
    if not cluster or int(cluster.get("size") or 1) < 2 or not cluster.get("id"):
        return []
    keys = [r["_id"] for r in store.link_records_in_cluster(str(cluster["id"]), MAX_MEMBERS) if r["_id"] != doc["_id"]]
    entries = {e["_id"]: e for e in store.catalog_entries(keys)}
    found = []
    for key in keys:
        other = store.get(key)
        if other is None:
            continue
        their = other.get("cluster") if isinstance(other.get("cluster"), dict) else {}
        found.append({"key": key, "entry": entries.get(key, {}), "cluster": their, "site": other.get("site")})
    found.sort(key=lambda m: (m["cluster"].get("role") != "origin", m["entry"].get("at", "")))
    return found


def translations(store: Store, doc: dict[str, Any]) -> list[dict[str, Any]]:
    links = [t for t in doc.get("translations") or [] if isinstance(t, dict) and t.get("key")]
    entries = {e["_id"]: e for e in store.catalog_entries([str(t["key"]) for t in links])}
    return [{**link, "entry": entries.get(str(link["key"]), {})} for link in links]


def view(store: Store, doc: dict[str, Any], script: str = "published") -> StoryView:
    variants = sorted((doc.get("variants") or {}).keys())
    chosen = script if script in ("published", "folded", *variants) else "published"
    return StoryView(
        doc=doc,
        columns=_columns(doc, chosen),
        script=chosen,
        scripts=["published", *variants, "folded"],
        bylines=_bylines(doc),
        urls=_urls(doc),
        revisions=revisions(doc, store.history(doc["_id"]) if doc.get("revisions") else []),
        members=members(store, doc),
        translations=translations(store, doc),
    )
