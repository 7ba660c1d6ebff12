"""The embedded store: one SQLite file (standard library), the same documents and rules as MongoDB.

Used when no MONGO_URI is configured, so a fresh machine crawls and keeps its results without a
server. Documents are stored as JSON (datetimes as ISO 8601 strings, which is also how `export`
prints MongoDB's); identity, deduplication and revisions come from crawler.store.documents.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.store.base import FetchedUrl, Store, StoreUnavailable, WriteReport
from crawler.store.documents import DOCUMENT_BUDGET, DocumentTooLarge, fit_budget, item_urls, merge, removed, seen_at

if TYPE_CHECKING:
    from collections.abc import Iterator

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
    return value.isoformat()


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
                        self._remember(
                            removal["url"], removal["site"], "missing", f"HTTP {removal['status']}", seen_at(removal, now)
                        )
                        report.add(removal["site"], "removal_unknown")
                        continue
                    doc = removed(stored, removal["status"], now)
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
