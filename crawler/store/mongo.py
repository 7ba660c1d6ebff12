"""MongoDB store (pymongo 4, synchronous; callers run it off the reactor thread).

Collections (names from settings): articles (one document per story, `_id` = key), article URLs
(`_id` = URL fetched, for incremental runs), content hashes (`_id` = content_hash, the keys sharing
it, linking exact copies) and runs.

Writes are bulk and unordered. A batch first inserts every story as new; the stories that already
exist come back as duplicate-key errors and take the update path: a changed story is replaced,
guarded by the document's `_v` so a concurrent writer is detected and the update retried on fresh
data; the stories fetched again with nothing new are recorded as seen in one update for the batch.

A guarded update is atomic on MongoDB, but not on every server that speaks its protocol: FerretDB
1.x (SQLite backend) matches the guard and writes in two steps, so two writers can both "win" and
one update is silently lost. Before writing version k+1 of a story, a writer therefore inserts a
claim `<key>:<k+1>` into a claims collection: `_id` uniqueness is enforced atomically everywhere, so
exactly one writer gets each version and the others retry on fresh data. A claim whose write never
came (its writer died, or the server went away in between) is freed after CLAIM_TIMEOUT.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pymongo
from pymongo import InsertOne
from pymongo.errors import BulkWriteError, ConfigurationError, DuplicateKeyError, OperationFailure, PyMongoError
from pymongo.write_concern import WriteConcern

from crawler.helpers.urls import KEY_VERSION
from crawler.store import catalog
from crawler.store.base import FetchedUrl, Store, StoreUnavailable, WriteReport
from crawler.store.documents import (
    DOCUMENT_BUDGET,
    DocumentTooLarge,
    as_aware,
    fit_budget,
    item_urls,
    merge,
    missing_reason,
    new_document,
    removed,
    seen_at,
)
from crawler.store.secrets import redact

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pymongo.collection import Collection

    from crawler.store.catalog import Cursor, Filters, QueryWord

logger = logging.getLogger(__name__)

DUPLICATE_KEY = 11000
# A search reads candidates (stories holding every term) a page's worth at a time; a query whose
# phrase rarely holds stops after this many batches with a cursor to go on from.
SEARCH_MAX_BATCHES = 20
MAX_CONFLICT_RETRIES = 8
CLAIM_TIMEOUT = timedelta(seconds=10)
# Waits between conflict retries (seconds, doubled each time): long enough in total for a claim
# left by a writer that died to time out.
CONFLICT_BACKOFF = 0.05


@dataclass(frozen=True)
class _Seen:
    """A stored story fetched again with nothing new to store."""

    item: dict[str, Any]
    stored: dict[str, Any]
    doc: dict[str, Any]
    """The story as `merge` says it now is: only its seen times, URLs and removal fields differ."""
    outcome: str
    when: datetime
    """When this fetch was made."""

    @property
    def key(self) -> str:
        return str(self.stored["_id"])


@dataclass
class _Batch:
    """What one write call learns as it goes."""

    report: WriteReport
    changed_hashes: dict[str, str] = field(default_factory=dict)
    """Keys inserted or updated -> their content hash (exact copies are linked by it)."""
    touched: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Keys whose catalog entry may have changed -> their document as written."""
    inserted: set[str] = field(default_factory=set)
    """Keys inserted as new stories by this call."""


class MongoStore(Store):
    kind = "mongodb"

    def __init__(
        self,
        uri: str,
        database: str,
        collection: str = "articles",
        runs_collection: str = "runs",
        server_timeout_ms: int = 5000,
        *,
        document_budget: int = DOCUMENT_BUDGET,
    ) -> None:
        self.uri = uri
        self.document_budget = document_budget
        self.database_name = database
        self.names = {
            "articles": collection,
            "urls": f"{collection}_urls",
            "hashes": f"{collection}_hashes",
            "runs": runs_collection,
            "claims": f"{collection}_claims",
            "history": f"{collection}_history",
            "links": f"{collection}_links",
            "catalog": f"{collection}_catalog",
            "terms": f"{collection}_terms",
        }
        self.server_timeout_ms = server_timeout_ms
        self.client: pymongo.MongoClient[dict[str, Any]] | None = None

    def describe(self) -> str:
        return f"MongoDB {redact(self.uri)} database {self.database_name!r} collection {self.names['articles']!r}"

    def _collection(self, name: str) -> Collection[dict[str, Any]]:
        if self.client is None:
            raise StoreUnavailable("the MongoDB store is not open")
        collection = self.client[self.database_name][self.names[name]]
        if not collection.write_concern.acknowledged:
            # Unacknowledged writes could lose items silently; never accept them.
            collection = collection.with_options(write_concern=WriteConcern(w=1))
        return collection

    def open(self) -> None:
        try:
            self.client = pymongo.MongoClient(
                self.uri,
                tz_aware=True,
                serverSelectionTimeoutMS=self.server_timeout_ms,
                connectTimeoutMS=self.server_timeout_ms,
                socketTimeoutMS=max(30000, self.server_timeout_ms),
                appname="headlines",
            )
            self.client.admin.command("ping")
            articles = self._collection("articles")
            articles.create_index("canonical_url", unique=True, name="canonical_url_unique")
            articles.create_index([("site", pymongo.ASCENDING), ("published_at", pymongo.DESCENDING)], name="site_published_at")
            articles.create_index("content_hash", name="content_hash")
            self._collection("urls").create_index("last_fetched_at", name="last_fetched_at")
            links = self._collection("links")
            links.create_index("bands", name="bands")
            links.create_index("published_at", name="published_at")
            links.create_index("cluster", name="cluster")
            self._collection("runs").create_index("started_at", name="started_at")
            entries = self._collection("catalog")
            entries.create_index([("at", pymongo.DESCENDING), ("_id", pymongo.DESCENDING)], name="at")
            entries.create_index(
                [("site", pymongo.ASCENDING), ("at", pymongo.DESCENDING), ("_id", pymongo.DESCENDING)], name="site_at"
            )
            # FerretDB 1.x indexes an array as one value (PostgreSQL then refuses a story's terms as
            # too large for a btree row) and never uses it for element matches: only MongoDB gets it.
            if "ferretdbVersion" not in self.client.admin.command("buildInfo"):
                self._collection("terms").create_index("terms", name="terms")
            self._collection("terms").create_index([("at", pymongo.DESCENDING), ("_id", pymongo.DESCENDING)], name="at")
        except (PyMongoError, ConfigurationError) as error:
            if self.client is not None:
                self.client.close()
                self.client = None
            # pymongo messages name hosts, never credentials; the URI is redacted. A server
            # selection timeout appends the whole topology description: the first part says it.
            message = str(error).split(", Timeout: ")[0].split(" (configured timeouts")[0].replace(self.uri, redact(self.uri))
            raise StoreUnavailable(f"cannot use {self.describe()}: {type(error).__name__}: {message}") from None

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    # -- articles ---------------------------------------------------------------------------------

    def write(self, items: list[dict[str, Any]], now: datetime) -> WriteReport:
        report = WriteReport()
        if not items:
            return report
        by_key = {item["key"]: item for item in items}
        articles = self._collection("articles")
        batch = _Batch(report)
        existing = self._insert_new(articles, by_key, now, batch)
        pending = existing
        for attempt in range(MAX_CONFLICT_RETRIES):
            if not pending:
                break
            if attempt:
                time.sleep(CONFLICT_BACKOFF * 2 ** (attempt - 1))
            pending = self._update_existing(articles, {k: by_key[k] for k in pending}, now, batch)
        if pending:
            raise StoreUnavailable(f"{len(pending)} stories kept changing under concurrent writers: {sorted(pending)[:5]}")
        # A refused story is not stored: its URL is not remembered, so a later run fetches it again.
        refused = {item["key"] for item, _ in report.refused}
        self._remember_urls([item for item in items if item["key"] not in refused], now)
        self._link_duplicates(articles, batch.changed_hashes)
        try:
            self._catalog_put(list(batch.touched.values()), batch.inserted)
        except OperationFailure as error:
            # Derived data never costs a stored story: the reader shows the gap, `reindex` closes it.
            logger.warning("the reader's index was not updated for %d stories (%s): run `python -m crawler reindex`",
                           len(batch.touched), str(error)[:200])  # fmt: skip
        report.changed.extend(batch.changed_hashes)
        return report

    def _insert_new(
        self,
        articles: Collection[dict[str, Any]],
        by_key: dict[str, dict[str, Any]],
        now: datetime,
        batch: _Batch,
    ) -> set[str]:
        """Insert every story as new; return the keys that already existed."""
        keys, documents = [], []
        for key, item in by_key.items():
            document = new_document(item, seen_at(item, now))
            try:
                fit_budget(document, self.document_budget)  # a new story has no history to move
            except DocumentTooLarge as error:
                batch.report.refuse(item, str(error))
                continue
            keys.append(key)
            documents.append(document)
        if not documents:
            return set()
        try:
            articles.bulk_write([InsertOne(doc) for doc in documents], ordered=False)
            existing: set[str] = set()
        except BulkWriteError as error:
            errors = error.details.get("writeErrors", [])
            if any(e.get("code") != DUPLICATE_KEY for e in errors):
                raise
            existing = {keys[e["index"]] for e in errors}
        for key, doc in zip(keys, documents, strict=True):
            if key not in existing:
                batch.report.add(by_key[key]["site"], "inserted")
                batch.changed_hashes[key] = doc["content_hash"]
                batch.touched[key] = doc
                batch.inserted.add(key)
        return existing

    def _update_existing(
        self,
        articles: Collection[dict[str, Any]],
        by_key: dict[str, dict[str, Any]],
        now: datetime,
        batch: _Batch,
    ) -> set[str]:
        """Apply the merge rules to stored stories; return the keys that lost a race (retry them).

        A changed story is replaced on its own, guarded by its `_v`. Stories fetched again with
        nothing new (the recheck path, most re-fetches) are written together (`_mark_seen`). New
        stories take the bulk insert. Every write first claims the version it writes.
        """
        # One read for the batch: `$in` on `_id` is an index walk on MongoDB, and on FerretDB 1.x,
        # where every query reads the whole collection (a lookup by `_id` too), one read, not one per story.
        current = {doc["_id"]: doc for doc in articles.find({"_id": {"$in": list(by_key)}})}
        lost: set[str] = set()
        seen: list[_Seen] = []
        for key, item in by_key.items():
            stored = current.get(key)
            when = seen_at(item, now)
            outcome, doc = merge(stored, item, when)
            if stored is not None and outcome in ("unchanged", "stale"):
                # Only seen times, a URL and removal fields change: no budget to check, no history.
                seen.append(_Seen(item, stored, doc, outcome, when))
                continue
            try:
                history = fit_budget(doc, self.document_budget)
            except DocumentTooLarge as error:
                batch.report.refuse(item, str(error))
                continue
            if history:
                self._keep_history(history)
            if stored is None:  # deleted meanwhile: store it again
                try:
                    articles.insert_one(doc)
                except DuplicateKeyError:
                    lost.add(key)
                    continue
            else:
                guard = {"_id": key, "_v": stored.get("_v")}
                if not self._claim(key, int(doc["_v"])) or not articles.replace_one(guard, doc).matched_count:
                    lost.add(key)
                    continue
                self._collection("claims").delete_one({"_id": f"{key}:{stored.get('_v')}"})
            if outcome in ("inserted", "updated"):  # a variant is the same content: no new copies to link
                batch.changed_hashes[key] = doc["content_hash"]
            batch.touched[key] = doc
            batch.report.add(item["site"], outcome)
        lost |= self._mark_seen(articles, seen, batch)
        batch.report.conflicts += len(lost)
        return lost

    def _mark_seen(self, articles: Collection[dict[str, Any]], seen: list[_Seen], batch: _Batch) -> set[str]:
        """Record that stored stories were fetched again with nothing new: when, from where, and
        that they are not removed. Return the keys that lost a race (retried on fresh data).

        Every version written is claimed first (one bulk insert), so no other writer writes it.
        The stories fetched together (`_together`) then take one `update_many`: on FerretDB 1.x,
        where every write reads the whole collection, one read per batch instead of one per story.
        Their `last_seen_at` becomes the batch's latest fetch time, at most SEEN_TOGETHER later than
        their own. That update is not guarded by `_v`: its operators ($max, $inc, clearing a
        removal) give the same story whatever was written since the batch read it, which is what a
        guarded update would have found on its retry. The others (a new URL, an earlier first
        sighting, a fetch from long ago, as a replayed journal brings) take one exact, guarded
        update each."""
        if not seen:
            return set()
        claimed = self._claim_many({s.key: int(s.doc["_v"]) for s in seen})
        lost = {s.key for s in seen} - claimed
        mine = [s for s in seen if s.key in claimed]
        latest = max((as_aware(s.when) for s in mine), default=None)
        together = [s for s in mine if latest is not None and _together(s, latest)]
        apart = [s for s in mine if latest is None or not _together(s, latest)]
        matched = 0
        if together:
            matched += articles.update_many(
                {"_id": {"$in": [s.key for s in together]}},
                {
                    "$max": {"last_seen_at": latest},
                    "$inc": {"_v": 1},
                    "$set": {"key_version": KEY_VERSION, "removed_at": None, "removal_status": None, "removal_reason": None},
                },
            ).matched_count
        # One by one: FerretDB 1.x holds a connection per statement of a multi-statement update
        # until the last one ends, and a bulk of a hundred stalls it past any timeout.
        matched += sum(articles.update_one(*_exact_sighting(s)).matched_count for s in apart)
        if matched < len(mine):
            # A bulk result counts, it does not name: the stories no longer there were deleted
            # meanwhile (stored again on the retry); a guarded update that missed lost its race.
            present = {d["_id"]: d.get("_v") for d in articles.find({"_id": {"$in": [s.key for s in mine]}}, {"_v": 1})}
            lost |= {s.key for s in together if s.key not in present}
            lost |= {s.key for s in apart if present.get(s.key) != s.doc["_v"]}
        done = [s for s in mine if s.key not in lost]
        if done:
            self._collection("claims").delete_many({"_id": {"$in": [f"{s.key}:{s.stored.get('_v')}" for s in done]}})
        for s in done:
            # The catalog holds nothing a sighting changes, unless it brings a removed story back.
            if s.stored.get("removed_at"):
                batch.touched[s.key] = s.doc
            batch.report.add(s.item["site"], s.outcome)
        return lost

    def _keep_history(self, records: list[dict[str, Any]]) -> None:
        """Revisions moved out of a story to keep it under the budget (documents.fit_budget)."""
        history = self._collection("history")
        for record in records:
            history.replace_one({"_id": record["_id"]}, record, upsert=True)

    def _claim(self, key: str, version: int) -> bool:
        """Reserve the right to write `version` of a story (see the module docstring)."""
        return key in self._claim_many({key: version})

    def _claim_many(self, versions: dict[str, int]) -> set[str]:
        """Reserve the right to write these versions of these stories; return the keys reserved."""
        claims = self._collection("claims")
        clock = datetime.now(UTC)  # real time: claims age while a batch retries
        taken = {
            claim["_id"] for claim in _already_there(claims, [{"_id": f"{k}:{v}", "at": clock} for k, v in versions.items()])
        }
        for claim_id in taken:
            existing = claims.find_one({"_id": claim_id})
            at = existing.get("at") if existing else None
            if isinstance(at, datetime) and at.replace(tzinfo=at.tzinfo or UTC) < clock - CLAIM_TIMEOUT:
                # Its write never came: free the version for the next attempt.
                claims.delete_one({"_id": claim_id, "at": at})
        return {k for k, v in versions.items() if f"{k}:{v}" not in taken}

    def _remember_urls(self, items: list[dict[str, Any]], now: datetime) -> None:
        """Record every URL a story was fetched at. Inserts first: new URLs are the common case,
        and inserts stay cheap on every server. The URLs already known to be this story's, fetched
        together (SEEN_TOGETHER), then take one `update_many` (their last fetch: the batch's latest);
        any other known URL, one update of its own."""
        urls = self._collection("urls")
        entries = [
            {
                "_id": url,
                "key": item["key"],
                "site": item["site"],
                "status": "stored",
                "first_fetched_at": seen_at(item, now),
                "last_fetched_at": seen_at(item, now),
            }
            for item in items
            for url in item_urls(item)
        ]
        known = _already_there(urls, entries)
        if not known:
            return
        stored = {e["_id"]: e for e in urls.find({"_id": {"$in": [e["_id"] for e in known]}}, {"last_fetched_at": 0})}
        latest = max(as_aware(e["last_fetched_at"]) for e in known)
        together = [
            e for e in known if _same_entry(stored.get(e["_id"]), e) and latest - as_aware(e["last_fetched_at"]) <= SEEN_TOGETHER
        ]
        if together:
            urls.update_many({"_id": {"$in": [e["_id"] for e in together]}}, {"$max": {"last_fetched_at": latest}})
        batched = {e["_id"] for e in together}
        for entry in known:
            if entry["_id"] not in batched:
                urls.update_one(
                    {"_id": entry["_id"]},
                    {"$set": {k: entry[k] for k in ("key", "site", "status", "last_fetched_at")}, "$unset": {"reason": ""}},
                )

    def _link_duplicates(self, articles: Collection[dict[str, Any]], changed_hashes: dict[str, str]) -> None:
        """Stories with equal content under different keys (one wire story, two outlets) point at each other."""
        if not changed_hashes:
            return
        hashes = self._collection("hashes")
        entries = [{"_id": h, "keys": [key]} for key, h in changed_hashes.items()]
        for entry in _already_there(hashes, entries):
            (key,) = entry["keys"]
            group = hashes.find_one_and_update(
                {"_id": entry["_id"]}, {"$addToSet": {"keys": key}}, return_document=pymongo.ReturnDocument.AFTER
            )
            members = group["keys"] if group else [key]
            if len(members) > 1:
                for member in members:
                    others = [k for k in members if k != member]
                    articles.update_one({"_id": member}, {"$addToSet": {"duplicates_of": {"$each": others}}, "$inc": {"_v": 1}})

    def _remember(self, url: str, site: str, status: str, reason: str | None, now: datetime) -> None:
        """Remember a URL that has no story; a URL a story is stored from is never overwritten."""
        # When the URL is a stored story's, the filter misses and the upsert's insert hits the
        # duplicate key: that is the "leave it alone" case.
        with contextlib.suppress(DuplicateKeyError):
            self._collection("urls").update_one(
                {"_id": url, "status": {"$ne": "stored"}},
                {
                    "$set": {"key": None, "site": site, "status": status, "reason": reason, "last_fetched_at": now},
                    "$setOnInsert": {"first_fetched_at": now},
                },
                upsert=True,
            )

    def remember_other(self, pages: list[dict[str, Any]], now: datetime) -> WriteReport:
        report = WriteReport()
        for page in pages:
            self._remember(page["url"], page["site"], "other", page.get("reason"), seen_at(page, now))
            report.add(page["site"], "other_remembered")
        return report

    def mark_removed(self, removals: list[dict[str, Any]], now: datetime) -> WriteReport:
        report = WriteReport()
        urls = self._collection("urls")
        articles = self._collection("articles")
        for removal in removals:
            for attempt in range(MAX_CONFLICT_RETRIES):
                if attempt:
                    time.sleep(CONFLICT_BACKOFF * 2 ** (attempt - 1))
                known = urls.find_one({"_id": removal["url"]})
                stored = articles.find_one({"_id": known["key"]}) if known and known.get("key") else None
                if stored is None:
                    self._remember(removal["url"], removal["site"], "missing", missing_reason(removal), seen_at(removal, now))
                    report.add(removal["site"], "removal_unknown")
                    break
                reason = removal.get("reason") or "http_status"
                doc = removed(stored, removal["status"], now, reason)
                if doc is None:
                    break  # already marked
                if (
                    self._claim(stored["_id"], int(doc["_v"]))
                    and articles.update_one(
                        {"_id": stored["_id"], "_v": stored.get("_v")},
                        {
                            "$set": {
                                "removed_at": now,
                                "removal_status": removal["status"],
                                "removal_reason": reason,
                                "_v": doc["_v"],
                            }
                        },
                    ).matched_count
                ):
                    self._collection("catalog").update_one({"_id": stored["_id"]}, {"$set": {"removed": True}})
                    report.add(removal["site"], "removed")
                    break
                report.conflicts += 1
            else:
                raise StoreUnavailable(f"{removal['url']} kept changing under concurrent writers")
        return report

    def fetched(self, url: str) -> FetchedUrl | None:
        entry = self._collection("urls").find_one({"_id": url})
        if entry is None:
            return None
        return FetchedUrl(
            status=entry.get("status", "stored"),
            key=entry.get("key"),
            first_fetched_at=entry["first_fetched_at"],
            last_fetched_at=entry["last_fetched_at"],
        )

    def get(self, key: str) -> dict[str, Any] | None:
        return self._collection("articles").find_one({"_id": key})

    def history(self, key: str) -> list[dict[str, Any]]:
        return list(self._collection("history").find({"key": key}).sort("revision", pymongo.ASCENDING))

    def documents(self) -> Iterator[dict[str, Any]]:
        yield from self._collection("articles").find().sort("_id", pymongo.ASCENDING)

    def put_document(self, doc: dict[str, Any]) -> None:
        self._collection("articles").replace_one({"_id": doc["_id"]}, doc, upsert=True)
        self._catalog_put([doc])

    def delete_document(self, key: str) -> None:
        self._collection("articles").delete_one({"_id": key})
        self._collection("links").delete_one({"_id": key})
        self._collection("catalog").delete_one({"_id": key})
        self._collection("terms").delete_one({"_id": key})

    def relink(self, old_key: str, new_key: str) -> None:
        self._collection("urls").update_many({"key": old_key}, {"$set": {"key": new_key}})
        history = self._collection("history")
        for record in history.find({"key": old_key}):
            history.delete_one({"_id": record["_id"]})
            record.update(_id=f"{new_key}:{record.get('revision')}", key=new_key)
            history.replace_one({"_id": record["_id"]}, record, upsert=True)
        articles = self._collection("articles")
        for doc in articles.find({"duplicates_of": old_key}, {"duplicates_of": 1}):
            others = sorted({new_key if k == old_key else k for k in doc["duplicates_of"]} - {doc["_id"]})
            articles.update_one({"_id": doc["_id"]}, {"$set": {"duplicates_of": others}})
        hashes = self._collection("hashes")
        for group in hashes.find({"keys": old_key}):
            keys = sorted({new_key if k == old_key else k for k in group["keys"]})
            hashes.update_one({"_id": group["_id"]}, {"$set": {"keys": keys}})

    def due_for_recheck(self, first_seen_after: datetime, last_seen_before: datetime, limit: int) -> list[dict[str, Any]]:
        found = (
            self._collection("urls")
            .find(
                {"status": "stored", "first_fetched_at": {"$gt": first_seen_after}, "last_fetched_at": {"$lt": last_seen_before}}
            )
            .sort("last_fetched_at", pymongo.ASCENDING)
            .limit(limit)
        )
        return [{"url": entry["_id"], "key": entry.get("key"), "site": entry.get("site")} for entry in found]

    # -- the link index ---------------------------------------------------------------------------

    def put_link_records(self, records: list[dict[str, Any]]) -> None:
        # Two statements, not one upsert per record: a server that scans for each (FerretDB 1.x)
        # scans twice per batch instead of once per story. Derived data: a run stopped in between
        # leaves records to `relink`, never a story lost.
        if records:
            links = self._collection("links")
            links.delete_many({"_id": {"$in": [r["_id"] for r in records]}})
            links.insert_many(list({r["_id"]: r for r in records}.values()), ordered=False)

    def link_records(self, keys: list[str]) -> list[dict[str, Any]]:
        return list(self._collection("links").find({"_id": {"$in": keys}})) if keys else []

    def link_records_in_bands(self, bands: list[str], start: str, end: str, limit: int) -> list[dict[str, Any]]:
        if not bands:
            return []
        # The time range first: a server that evaluates each document (FerretDB 1.x) then compares
        # the bands of the window's stories only, not of the whole archive.
        query = {"published_at": {"$gte": start, "$lte": end}, "bands": {"$in": bands}}
        return list(self._collection("links").find(query, {"profiles": 0}).limit(limit))

    def link_records_matching(self, start: str, end: str, lang: str, limit: int) -> list[dict[str, Any]]:
        query = {"published_at": {"$gte": start, "$lte": end}, "langs": [lang]}
        fields = {"published_at": 1, "langs": 1, f"profiles.{lang}": 1}
        found = self._collection("links").find(query, fields).sort("published_at", pymongo.ASCENDING)
        return list(found.limit(limit))

    def link_records_in_cluster(self, cluster: str, limit: int) -> list[dict[str, Any]]:
        found = self._collection("links").find({"cluster": cluster}, {"profiles": 0})
        return list(found.sort("_id", pymongo.ASCENDING).limit(limit))

    def set_link_cluster(self, keys: list[str], cluster: str | None) -> None:
        if keys:
            self._collection("links").update_many({"_id": {"$in": keys}}, {"$set": {"cluster": cluster}})

    def set_story_fields(self, key: str, fields: dict[str, Any]) -> None:
        self._collection("articles").update_one({"_id": key}, {"$set": fields, "$inc": {"_v": 1}})
        if derived := catalog.derived_fields(fields):
            self._collection("catalog").update_one({"_id": key}, {"$set": derived})

    # -- the catalog ------------------------------------------------------------------------------

    def _catalog_put(self, docs: list[dict[str, Any]], new: set[str] | frozenset[str] = frozenset()) -> None:
        """Entries for these stories, and their terms where the text can have changed.

        Stories just inserted (`new`) are inserted in bulk; the others are read and replaced one by
        one, by `_id`: a server that evaluates `$in` by scanning (FerretDB 1.x) would otherwise
        scan the whole catalog per batch, and an upsert per story costs it a scan too."""
        entries = {doc["_id"]: catalog.entry(doc) for doc in docs}
        fresh = [doc for doc in docs if doc["_id"] in new]
        retry: set[str] = set()
        if fresh:
            try:
                self._collection("catalog").insert_many([entries[doc["_id"]] for doc in fresh], ordered=False)
                self._collection("terms").insert_many([_terms(doc, entries[doc["_id"]]) for doc in fresh], ordered=False)
            except BulkWriteError as error:  # entries left by a run that died in between: replaced below
                if any(e.get("code") != DUPLICATE_KEY for e in error.details.get("writeErrors", [])):
                    raise
                retry, fresh = {doc["_id"] for doc in fresh}, []
        done = {doc["_id"] for doc in fresh}
        for doc in docs:
            if doc["_id"] in done:
                continue
            entry = entries[doc["_id"]]
            stored = self._collection("catalog").find_one({"_id": doc["_id"]}, {"search_hash": 1})
            self._collection("catalog").replace_one({"_id": doc["_id"]}, entry, upsert=True)
            # A left-over entry may carry the new hash over old terms: a new story's are rewritten.
            if stored is None or stored.get("search_hash") != entry["search_hash"] or doc["_id"] in retry:
                self._collection("terms").replace_one({"_id": doc["_id"]}, _terms(doc, entry), upsert=True)

    def catalog_page(
        self, filters: Filters, words: list[QueryWord], after: Cursor | None, limit: int
    ) -> tuple[list[dict[str, Any]], Cursor | None]:
        order = [("at", pymongo.DESCENDING), ("_id", pymongo.DESCENDING)]
        if not words:
            query = _and(_catalog_query(filters), _keyset(after))
            listed = list(self._collection("catalog").find(query).sort(order).limit(limit))
            return listed, catalog.Cursor.after(listed[-1]) if len(listed) == limit else None
        # Terms first (the multikey index), newest first; then the filters and the phrase check on
        # those candidates, a batch at a time, until the page is full.
        start, end = filters.bounds()
        at: dict[str, str] = {**({"$gte": start} if start else {}), **({"$lt": end} if end else {})}
        exact = sorted({term for word in words if not word.prefix for term in word.terms})
        clauses: list[dict[str, Any]] = [{"terms": {"$all": exact}}] if exact else []
        clauses += [{"terms": {"$regex": "^" + re.escape(word.terms[0])}} for word in words if word.prefix]
        base = _and(*clauses, {"at": at} if at else {})
        phrase_check = any(len(word.terms) > 1 for word in words)
        page: list[dict[str, Any]] = []
        cursor = after
        for _ in range(SEARCH_MAX_BATCHES):
            batch = list(self._collection("terms").find(_and(base, _keyset(cursor)), {"at": 1}).sort(order).limit(limit * 2))
            if not batch:
                return page, None
            keys = [row["_id"] for row in batch]
            entries = {e["_id"]: e for e in self._collection("catalog").find({"_id": {"$in": keys}})}
            texts = (
                {doc["_id"]: catalog.searchable(doc) for doc in self._collection("articles").find({"_id": {"$in": keys}})}
                if phrase_check
                else {}
            )
            for row in batch:
                cursor = catalog.Cursor(row["at"], row["_id"])
                found = entries.get(row["_id"])
                if found is None or not filters.accepts(found):
                    continue
                if phrase_check and not catalog.contains(texts.get(row["_id"], ""), words):
                    continue
                page.append(found)
                if len(page) == limit:
                    return page, cursor
            if len(batch) < limit * 2:
                return page, None
        return page, cursor

    def catalog_entries(self, keys: list[str]) -> list[dict[str, Any]]:
        # One find per key: a story page asks for a few, and a server that evaluates `$in` by
        # scanning (FerretDB 1.x) would read the whole catalog for them.
        entries = self._collection("catalog")
        return [entry for key in dict.fromkeys(keys) if (entry := entries.find_one({"_id": key})) is not None]

    def catalog_size(self) -> tuple[int, int]:
        stories = self._collection("articles").count_documents({})
        current = self._collection("catalog").count_documents({"v": catalog.CATALOG_VERSION})
        return stories, current

    def reindex(self, everything: bool = False) -> int:
        current = (
            set()
            if everything
            else {row["_id"] for row in self._collection("catalog").find({"v": catalog.CATALOG_VERSION}, {"_id": 1})}
        )
        if everything:
            self._collection("catalog").update_many({}, {"$set": {"search_hash": ""}})
        written = 0
        batch: list[dict[str, Any]] = []
        for doc in self._collection("articles").find().sort("_id", pymongo.ASCENDING):
            if doc["_id"] in current:
                continue
            batch.append(doc)
            if len(batch) == 500:
                self._catalog_put(batch)
                written, batch = written + len(batch), []
        self._catalog_put(batch)
        return written + len(batch)

    # -- runs -------------------------------------------------------------------------------------

    def save_run(self, run: dict[str, Any]) -> None:
        self._collection("runs").replace_one({"_id": run["_id"]}, run, upsert=True)

    def runs(self) -> Iterator[dict[str, Any]]:
        yield from self._collection("runs").find().sort("started_at", pymongo.ASCENDING)

    def recent_runs(self, limit: int) -> list[dict[str, Any]]:
        return list(self._collection("runs").find().sort("started_at", pymongo.DESCENDING).limit(limit))


SEEN_TOGETHER = timedelta(seconds=10)
"""How far apart the fetches of one batch may be for their sightings to be written as one."""


def _together(seen: _Seen, latest: datetime) -> bool:
    """A sighting that the batch's update can record: from a URL the story already lists, not
    earlier than its first sighting, and within SEEN_TOGETHER of the batch's latest fetch."""
    stored, doc = seen.stored, seen.doc
    return (
        seen.item["url"] in (stored.get("fetched_urls") or [])
        and doc["first_seen_at"] == stored.get("first_seen_at")
        and latest - as_aware(seen.when) <= SEEN_TOGETHER
    )


def _same_entry(stored: dict[str, Any] | None, entry: dict[str, Any]) -> bool:
    """A known URL that already says what `entry` says, but for when it was last fetched."""
    return (
        stored is not None
        and "reason" not in stored
        and all(stored.get(name) == entry[name] for name in ("key", "site", "status"))
    )


def _exact_sighting(seen: _Seen) -> tuple[dict[str, Any], dict[str, Any]]:
    """One sighting with its own times and URL, guarded by the story's `_v`: filter and update."""
    doc = seen.doc
    fields = ("first_seen_at", "last_seen_at", "_v", "key_version", "removed_at", "removal_status", "removal_reason")
    return (
        {"_id": seen.key, "_v": seen.stored.get("_v")},
        {"$set": {name: doc[name] for name in fields}, "$addToSet": {"fetched_urls": seen.item["url"]}},
    )


def _terms(doc: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    return {"_id": doc["_id"], "at": entry["at"], "terms": catalog.terms(doc)}


def _and(*clauses: dict[str, Any]) -> dict[str, Any]:
    kept = [c for c in clauses if c]
    return kept[0] if len(kept) == 1 else {"$and": kept} if kept else {}


def _keyset(after: Cursor | None) -> dict[str, Any]:
    if after is None:
        return {}
    return {"$or": [{"at": {"$lt": after.at}}, {"at": after.at, "_id": {"$lt": after.key}}]}


def _catalog_query(filters: Filters) -> dict[str, Any]:
    query: dict[str, Any] = {}
    if filters.site:
        query["site"] = filters.site
    if filters.lang:
        query["langs"] = filters.lang
    if filters.section:
        query["section"] = filters.section
    start, end = filters.bounds()
    if start or end:
        query["at"] = {**({"$gte": start} if start else {}), **({"$lt": end} if end else {})}
    if filters.has_revisions:
        query["revisions"] = {"$gt": 0}
    if filters.removed:
        query["removed"] = True
    if filters.min_cluster > 1:
        query["cluster_size"] = {"$gte": filters.min_cluster}
    if filters.has_translation:
        query["translations"] = {"$gt": 0}
    return query


def _already_there(collection: Collection[dict[str, Any]], entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Insert `entries` (unordered); return those whose `_id` already existed."""
    if not entries:
        return []
    unique = list({entry["_id"]: entry for entry in entries}.values())
    try:
        collection.insert_many(unique, ordered=False)
    except BulkWriteError as error:
        errors = error.details.get("writeErrors", [])
        if any(e.get("code") != DUPLICATE_KEY for e in errors):
            raise
        return [unique[e["index"]] for e in errors]
    return []


__all__ = ["MongoStore"]
