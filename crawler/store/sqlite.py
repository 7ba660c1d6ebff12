"""The embedded store: one SQLite file (standard library), the same documents and rules as MongoDB.

Used when no MONGO_URI is configured, so a fresh machine crawls and keeps its results without a
server. Documents are stored as JSON (datetimes as ISO 8601 strings, which is also how `export`
prints MongoDB's); identity, deduplication and revisions come from crawler.store.documents.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.store import catalog
from crawler.store.base import FetchedUrl, Store, StoreUnavailable, WriteReport
from crawler.store.documents import (
    DOCUMENT_BUDGET,
    DocumentTooLarge,
    fit_budget,
    item_urls,
    merge,
    missing_reason,
    removed,
    seen_at,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from crawler.store.catalog import Cursor, Filters, QueryWord

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    canonical_url TEXT NOT NULL UNIQUE,
    site TEXT NOT NULL,
    published_at TEXT,
    content_hash TEXT,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_site_published_at ON articles (site, published_at DESC);
CREATE INDEX IF NOT EXISTS articles_content_hash ON articles (content_hash);
CREATE TABLE IF NOT EXISTS article_urls (
    url TEXT PRIMARY KEY,
    key TEXT,
    site TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    first_fetched_at TEXT NOT NULL,
    last_fetched_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS article_history (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    revision INTEGER,
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS link_index (
    id TEXT PRIMARY KEY,
    published_at TEXT,
    cluster TEXT,
    langs TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS link_index_published_at ON link_index (published_at);
CREATE INDEX IF NOT EXISTS link_index_cluster ON link_index (cluster);
CREATE TABLE IF NOT EXISTS link_terms (
    term TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (term, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS link_terms_key ON link_terms (key);
CREATE TABLE IF NOT EXISTS catalog (
    rowid INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    v INTEGER NOT NULL,
    site TEXT,
    at TEXT NOT NULL,
    langs TEXT NOT NULL,
    section TEXT NOT NULL,
    revisions INTEGER NOT NULL,
    removed INTEGER NOT NULL,
    cluster_size INTEGER NOT NULL,
    translations INTEGER NOT NULL,
    search_hash TEXT NOT NULL,
    entry TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS catalog_at ON catalog (at DESC, key DESC);
CREATE INDEX IF NOT EXISTS catalog_site_at ON catalog (site, at DESC, key DESC);
CREATE VIRTUAL TABLE IF NOT EXISTS catalog_text USING fts5(terms, tokenize = 'unicode61 remove_diacritics 0');
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    started_at TEXT,
    doc TEXT NOT NULL
);
"""


def _encode(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_default, sort_keys=True)


def _default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _iso(value: datetime) -> str:
    # UTC, so that fetch times compare as text (due_for_recheck).
    return (value.astimezone(UTC) if value.tzinfo else value).isoformat()


class EmbeddedStore(Store):
    kind = "embedded"

    def __init__(self, path: str | Path, document_budget: int = DOCUMENT_BUDGET) -> None:
        self.path = Path(path)
        self.document_budget = document_budget
        self.connection: sqlite3.Connection | None = None
        # The pipeline writes from a worker thread while the incremental middleware reads from another.
        self.lock = threading.RLock()
        # The middleware asks about every article URL; in WAL mode a second connection reads the last
        # commit without waiting for a batch write to finish (one connection would queue each ask
        # behind the whole batch: measured, a tenth of a fast crawl's time spent waiting).
        self.reader: sqlite3.Connection | None = None
        self.read_lock = threading.Lock()

    def describe(self) -> str:
        return f"embedded SQLite store {self.path}"

    def open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.connection = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.connection.execute("PRAGMA synchronous=NORMAL")
            self.connection.executescript(SCHEMA)
            self.reader = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        except (OSError, sqlite3.Error) as error:
            raise StoreUnavailable(f"cannot use {self.describe()}: {error}") from None

    def close(self) -> None:
        with self.read_lock:
            if self.reader is not None:
                self.reader.close()
                self.reader = None
        with self.lock:
            if self.connection is not None:
                self.connection.close()
                self.connection = None

    @property
    def db(self) -> sqlite3.Connection:
        if self.connection is None:
            raise StoreUnavailable("the embedded store is not open")
        return self.connection

    def _load(self, key: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT doc FROM articles WHERE id = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def _save(self, doc: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO articles (id, canonical_url, site, published_at, content_hash, doc) VALUES (?, ?, ?, ?, ?, ?)",
            (doc["_id"], doc["canonical_url"], doc["site"], doc.get("published_at"), doc.get("content_hash"), _encode(doc)),
        )
        self._catalog_put(doc)

    def _catalog_put(self, doc: dict[str, Any]) -> None:
        """The story's catalog entry, and its search terms when its text can have changed."""
        entry = catalog.entry(doc)
        row = self.db.execute("SELECT rowid, search_hash FROM catalog WHERE key = ?", (doc["_id"],)).fetchone()
        values = (
            entry["v"],
            entry["site"],
            entry["at"],
            "," + ",".join(entry["langs"]) + ",",
            _encode(entry["section"]),
            entry["revisions"],
            int(entry["removed"]),
            entry["cluster_size"],
            entry["translations"],
            entry["search_hash"],
            _encode(entry),
        )
        columns = "v, site, at, langs, section, revisions, removed, cluster_size, translations, search_hash, entry"
        if row is None:
            rowid = self.db.execute(
                f"INSERT INTO catalog (key, {columns}) VALUES (?, {', '.join('?' * len(values))})", (doc["_id"], *values)
            ).lastrowid
        else:
            rowid = row[0]
            assignments = ", ".join(f"{c} = ?" for c in columns.split(", "))
            self.db.execute(f"UPDATE catalog SET {assignments} WHERE rowid = ?", (*values, rowid))
            if row[1] == entry["search_hash"]:
                return
        # Also for a new row: a rowid can be reused after a deletion that left its terms behind.
        self.db.execute("DELETE FROM catalog_text WHERE rowid = ?", (rowid,))
        self.db.execute(
            "INSERT INTO catalog_text (rowid, terms) VALUES (?, ?)", (rowid, " ".join(catalog.tokens(catalog.searchable(doc))))
        )

    def write(self, items: list[dict[str, Any]], now: datetime) -> WriteReport:
        report = WriteReport()
        if not items:
            return report
        with self.lock:
            # BEGIN IMMEDIATE takes the write lock first, so a read-merge-write cannot interleave
            # with another process writing the same story.
            self.db.execute("BEGIN IMMEDIATE")
            try:
                changed: dict[str, str] = {}
                for item in items:
                    when = seen_at(item, now)
                    outcome, doc = merge(self._load(item["key"]), item, when)
                    try:
                        history = fit_budget(doc, self.document_budget)
                    except DocumentTooLarge as error:
                        report.refuse(item, str(error))
                        continue
                    for record in history:
                        self.db.execute(
                            "INSERT OR REPLACE INTO article_history (id, key, revision, doc) VALUES (?, ?, ?, ?)",
                            (record["_id"], record["key"], record["revision"], _encode(record)),
                        )
                    self._save(doc)
                    if outcome in ("inserted", "updated"):
                        changed[doc["_id"]] = doc["content_hash"]
                    report.add(item["site"], outcome)
                    for url in item_urls(item):
                        self.db.execute(
                            "INSERT INTO article_urls (url, key, site, status, first_fetched_at, last_fetched_at) "
                            "VALUES (?, ?, ?, 'stored', ?, ?) ON CONFLICT(url) DO UPDATE SET key = excluded.key, "
                            "status = 'stored', reason = NULL, last_fetched_at = excluded.last_fetched_at",
                            (url, item["key"], item["site"], _iso(when), _iso(when)),
                        )
                self._link_duplicates(changed)
                self.db.execute("COMMIT")
                report.changed.extend(changed)
            except BaseException:
                # A full disk can end the transaction itself: a ROLLBACK then would hide the cause.
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
        return report

    def _link_duplicates(self, changed: dict[str, str]) -> None:
        for content_hash in sorted(set(changed.values())):
            group = [
                row[0] for row in self.db.execute("SELECT id FROM articles WHERE content_hash = ? ORDER BY id", (content_hash,))
            ]
            if len(group) < 2:
                continue
            for member in group:
                doc = self._load(member)
                if doc is None:
                    continue
                others = [k for k in group if k != member and k not in doc.get("duplicates_of", [])]
                if others:
                    doc["duplicates_of"] = [*doc.get("duplicates_of", []), *others]
                    doc["_v"] = int(doc.get("_v", 0)) + 1
                    self._save(doc)

    def _remember(self, url: str, site: str, status: str, reason: str | None, when: datetime) -> None:
        """Remember a URL that has no story; a URL a story is stored from is never overwritten."""
        self.db.execute(
            "INSERT INTO article_urls (url, key, site, status, reason, first_fetched_at, last_fetched_at) "
            "VALUES (?, NULL, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET status = excluded.status, "
            "reason = excluded.reason, last_fetched_at = excluded.last_fetched_at WHERE article_urls.status != 'stored'",
            (url, site, status, reason, _iso(when), _iso(when)),
        )

    def remember_other(self, pages: list[dict[str, Any]], now: datetime) -> WriteReport:
        report = WriteReport()
        with self.lock:
            for page in pages:
                self._remember(page["url"], page["site"], "other", page.get("reason"), seen_at(page, now))
                report.add(page["site"], "other_remembered")
        return report

    def mark_removed(self, removals: list[dict[str, Any]], now: datetime) -> WriteReport:
        report = WriteReport()
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for removal in removals:
                    row = self.db.execute("SELECT key FROM article_urls WHERE url = ?", (removal["url"],)).fetchone()
                    stored = self._load(row[0]) if row and row[0] else None
                    if stored is None:
                        self._remember(removal["url"], removal["site"], "missing", missing_reason(removal), seen_at(removal, now))
                        report.add(removal["site"], "removal_unknown")
                        continue
                    doc = removed(stored, removal["status"], now, removal.get("reason") or "http_status")
                    if doc is not None:
                        self._save(doc)
                        report.add(removal["site"], "removed")
                self.db.execute("COMMIT")
            except BaseException:
                # A full disk can end the transaction itself: a ROLLBACK then would hide the cause.
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
        return report

    def fetched(self, url: str) -> FetchedUrl | None:
        with self.read_lock:
            row = (
                (self.reader or self.db)
                .execute("SELECT status, key, first_fetched_at, last_fetched_at FROM article_urls WHERE url = ?", (url,))
                .fetchone()
            )
        if row is None:
            return None
        return FetchedUrl(
            status=row[0],
            key=row[1],
            first_fetched_at=datetime.fromisoformat(row[2]),
            last_fetched_at=datetime.fromisoformat(row[3]),
        )

    def get(self, key: str) -> dict[str, Any] | None:
        with self.lock:
            return self._load(key)

    def history(self, key: str) -> list[dict[str, Any]]:
        with self.lock:
            rows = self.db.execute("SELECT doc FROM article_history WHERE key = ? ORDER BY revision", (key,)).fetchall()
        return [json.loads(doc) for (doc,) in rows]

    def documents(self) -> Iterator[dict[str, Any]]:
        with self.lock:
            rows = self.db.execute("SELECT doc FROM articles ORDER BY id").fetchall()
        for (doc,) in rows:
            yield json.loads(doc)

    def put_document(self, doc: dict[str, Any]) -> None:
        with self.lock:
            self._save(doc)

    def delete_document(self, key: str) -> None:
        with self.lock:
            self.db.execute("DELETE FROM articles WHERE id = ?", (key,))
            self.db.execute("DELETE FROM catalog_text WHERE rowid IN (SELECT rowid FROM catalog WHERE key = ?)", (key,))
            self.db.execute("DELETE FROM catalog WHERE key = ?", (key,))
            self.db.execute("DELETE FROM link_index WHERE id = ?", (key,))
            self.db.execute("DELETE FROM link_terms WHERE key = ?", (key,))

    def relink(self, old_key: str, new_key: str) -> None:
        with self.lock:
            self.db.execute("UPDATE article_urls SET key = ? WHERE key = ?", (new_key, old_key))
            rows = self.db.execute("SELECT id, revision, doc FROM article_history WHERE key = ?", (old_key,)).fetchall()
            for record_id, revision, doc in rows:
                record = json.loads(doc)
                record.update(_id=f"{new_key}:{revision}", key=new_key)
                self.db.execute("DELETE FROM article_history WHERE id = ?", (record_id,))
                self.db.execute(
                    "INSERT OR REPLACE INTO article_history (id, key, revision, doc) VALUES (?, ?, ?, ?)",
                    (record["_id"], new_key, revision, _encode(record)),
                )
            like = f'%"{old_key}"%'
            for (doc,) in self.db.execute("SELECT doc FROM articles WHERE doc LIKE ?", (like,)).fetchall():
                story = json.loads(doc)
                if old_key in story.get("duplicates_of", []):
                    story["duplicates_of"] = sorted(
                        {new_key if k == old_key else k for k in story["duplicates_of"]} - {story["_id"]}
                    )
                    self._save(story)

    def due_for_recheck(self, first_seen_after: datetime, last_seen_before: datetime, limit: int) -> list[dict[str, Any]]:
        # Fetch times are stored as UTC ISO text, which sorts as time does.
        with self.read_lock:
            rows = (
                (self.reader or self.db)
                .execute(
                    "SELECT url, key, site FROM article_urls WHERE status = 'stored' AND first_fetched_at > ? "
                    "AND last_fetched_at < ? ORDER BY last_fetched_at LIMIT ?",
                    (_iso(first_seen_after), _iso(last_seen_before), limit),
                )
                .fetchall()
            )
        return [{"url": url, "key": key, "site": site} for url, key, site in rows]

    # -- the link index ---------------------------------------------------------------------------

    def put_link_records(self, records: list[dict[str, Any]]) -> None:
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for record in records:
                    self.db.execute(
                        "INSERT OR REPLACE INTO link_index (id, published_at, cluster, langs, doc) VALUES (?, ?, ?, ?, ?)",
                        (
                            record["_id"],
                            record.get("published_at"),
                            record.get("cluster"),
                            "," + ",".join(record.get("langs") or []) + ",",
                            _encode(record),
                        ),
                    )
                    self.db.execute("DELETE FROM link_terms WHERE key = ?", (record["_id"],))
                    self.db.executemany(
                        "INSERT OR IGNORE INTO link_terms (term, key) VALUES (?, ?)",
                        [(band, record["_id"]) for band in record.get("bands") or []],
                    )
                self.db.execute("COMMIT")
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise

    def _link_records(self, sql: str, parameters: list[Any]) -> list[dict[str, Any]]:
        with self.lock:
            rows = self.db.execute(sql, parameters).fetchall()
        return [json.loads(doc) for (doc,) in rows]

    def link_records(self, keys: list[str]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for start in range(0, len(keys), 500):  # SQLite's limit on parameters
            part = keys[start : start + 500]
            found += self._link_records(f"SELECT doc FROM link_index WHERE id IN ({','.join('?' * len(part))})", part)
        return found

    def link_records_in_bands(self, bands: list[str], start: str, end: str, limit: int) -> list[dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for first in range(0, len(bands), 500):
            part = bands[first : first + 500]
            marks = ",".join("?" * len(part))
            sql = (
                "SELECT json_remove(doc, '$.profiles') FROM link_index WHERE published_at BETWEEN ? AND ? AND id IN "
                f"(SELECT key FROM link_terms WHERE term IN ({marks})) LIMIT ?"
            )
            for record in self._link_records(sql, [start, end, *part, limit]):
                found.setdefault(record["_id"], record)
        return list(found.values())[:limit]

    def link_records_matching(self, start: str, end: str, lang: str, limit: int) -> list[dict[str, Any]]:
        sql = (
            "SELECT id, published_at, json_extract(doc, ?) FROM link_index "
            "WHERE published_at BETWEEN ? AND ? AND langs = ? ORDER BY published_at LIMIT ?"
        )
        with self.lock:
            rows = self.db.execute(sql, [f"$.profiles.{lang}", start, end, f",{lang},", limit]).fetchall()
        return [
            {"_id": key, "published_at": published_at, "langs": [lang], "profiles": {lang: json.loads(profile)}}
            for key, published_at, profile in rows
            if profile is not None
        ]

    def link_records_in_cluster(self, cluster: str, limit: int) -> list[dict[str, Any]]:
        return self._link_records("SELECT doc FROM link_index WHERE cluster = ? ORDER BY id LIMIT ?", [cluster, limit])

    def set_link_cluster(self, keys: list[str], cluster: str | None) -> None:
        with self.lock:
            for record in self.link_records(keys):
                record["cluster"] = cluster
                self.db.execute(
                    "UPDATE link_index SET cluster = ?, doc = ? WHERE id = ?", (cluster, _encode(record), record["_id"])
                )

    def set_story_fields(self, key: str, fields: dict[str, Any]) -> None:
        with self.lock:
            doc = self._load(key)
            if doc is None:
                return
            doc.update(fields)
            doc["_v"] = int(doc.get("_v", 0)) + 1
            self._save(doc)

    # -- the catalog ------------------------------------------------------------------------------

    def catalog_page(
        self, filters: Filters, words: list[QueryWord], after: Cursor | None, limit: int
    ) -> tuple[list[dict[str, Any]], Cursor | None]:
        where, parameters = _catalog_where(filters)
        if after is not None:
            where.append("(c.at < ? OR (c.at = ? AND c.key < ?))")
            parameters += [after.at, after.at, after.key]
        source = "catalog c"
        if words:
            source = "catalog_text t JOIN catalog c ON c.rowid = t.rowid"
            where.append("catalog_text MATCH ?")
            parameters.append(catalog.fts_query(words))
        sql = f"SELECT c.entry FROM {source} WHERE {' AND '.join(where) or '1'} ORDER BY c.at DESC, c.key DESC LIMIT ?"
        with self.read_lock:
            rows = (self.reader or self.db).execute(sql, [*parameters, limit]).fetchall()
        entries = [json.loads(entry) for (entry,) in rows]
        return entries, catalog.Cursor.after(entries[-1]) if len(entries) == limit else None

    def catalog_entries(self, keys: list[str]) -> list[dict[str, Any]]:
        if not keys:
            return []
        marks = ", ".join("?" * len(keys))
        with self.read_lock:
            rows = (self.reader or self.db).execute(f"SELECT entry FROM catalog WHERE key IN ({marks})", keys).fetchall()
        return [json.loads(entry) for (entry,) in rows]

    def catalog_size(self) -> tuple[int, int]:
        with self.read_lock:
            db = self.reader or self.db
            stories = db.execute("SELECT count(*) FROM articles").fetchone()[0]
            current = db.execute(
                "SELECT count(*) FROM catalog c JOIN articles a ON a.id = c.key WHERE c.v = ?", (catalog.CATALOG_VERSION,)
            ).fetchone()[0]
        return int(stories), int(current)

    def reindex(self, everything: bool = False) -> int:
        with self.lock:
            if everything:
                keys = [row[0] for row in self.db.execute("SELECT id FROM articles ORDER BY id")]
            else:
                keys = [
                    row[0]
                    for row in self.db.execute(
                        "SELECT a.id FROM articles a LEFT JOIN catalog c ON c.key = a.id WHERE c.v IS NULL OR c.v != ? ORDER BY a.id",
                        (catalog.CATALOG_VERSION,),
                    )
                ]
            for start in range(0, len(keys), 500):
                self.db.execute("BEGIN IMMEDIATE")
                try:
                    for key in keys[start : start + 500]:
                        doc = self._load(key)
                        if doc is None:
                            continue
                        if everything:  # the terms too, not only the entry
                            self.db.execute("UPDATE catalog SET search_hash = '' WHERE key = ?", (key,))
                        self._catalog_put(doc)
                    self.db.execute("COMMIT")
                except BaseException:
                    if self.db.in_transaction:
                        self.db.execute("ROLLBACK")
                    raise
        return len(keys)

    def save_run(self, run: dict[str, Any]) -> None:
        with self.lock:
            started = run.get("started_at")
            self.db.execute(
                "INSERT OR REPLACE INTO runs (id, started_at, doc) VALUES (?, ?, ?)",
                (run["_id"], started.isoformat() if isinstance(started, datetime) else started, _encode(run)),
            )

    def runs(self) -> Iterator[dict[str, Any]]:
        with self.lock:
            rows = self.db.execute("SELECT doc FROM runs ORDER BY started_at, id").fetchall()
        for (doc,) in rows:
            yield json.loads(doc)

    def recent_runs(self, limit: int) -> list[dict[str, Any]]:
        with self.lock:
            rows = self.db.execute("SELECT doc FROM runs ORDER BY started_at DESC, id DESC LIMIT ?", (limit,)).fetchall()
        return [json.loads(doc) for (doc,) in rows]


def _catalog_where(filters: Filters) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    parameters: list[Any] = []
    if filters.site:
        where.append("c.site = ?")
        parameters.append(filters.site)
    if filters.lang:
        where.append("instr(c.langs, ?) > 0")
        parameters.append(f",{filters.lang},")
    if filters.section:
        where.append("EXISTS (SELECT 1 FROM json_each(c.section) WHERE value = ?)")
        parameters.append(filters.section)
    start, end = filters.bounds()
    if start:
        where.append("c.at >= ?")
        parameters.append(start)
    if end:
        where.append("c.at < ?")
        parameters.append(end)
    if filters.has_revisions:
        where.append("c.revisions > 0")
    if filters.removed:
        where.append("c.removed = 1")
    if filters.min_cluster > 1:
        where.append("c.cluster_size >= ?")
        parameters.append(filters.min_cluster)
    if filters.has_translation:
        where.append("c.translations > 0")
    return where, parameters
