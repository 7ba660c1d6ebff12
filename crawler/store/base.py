"""What a store offers the crawler. MongoDB and the embedded SQLite store implement the same rules
(crawler.store.documents), so one test suite runs against both."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

    from crawler.store.catalog import Cursor, Filters, QueryWord


class StoreUnavailable(Exception):
    """The store cannot be reached or used; the message says which and why (never with credentials)."""


@dataclass
class WriteReport:
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(site, outcome) -> count; outcomes: inserted, updated, unchanged, variant, removed, removal_unknown."""
    conflicts: int = 0
    """Writes retried because another writer changed the document in between."""
    changed: list[str] = field(default_factory=list)
    """Keys of the stories inserted or updated: what clusters and translation links look at next."""
    refused: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    """Items the store could not keep, each with why (a story over the size budget): the others of
    the batch are written all the same, and the caller quarantines these."""

    def add(self, site: str, outcome: str, count: int = 1) -> None:
        self.outcomes[(site, outcome)] += count

    def refuse(self, item: dict[str, Any], reason: str) -> None:
        self.refused.append((item, reason))

    def merge(self, other: WriteReport) -> None:
        self.outcomes.update(other.outcomes)
        self.conflicts += other.conflicts
        self.changed.extend(other.changed)
        self.refused.extend(other.refused)


@dataclass(frozen=True)
class FetchedUrl:
    status: str
    """stored (a story is stored from it), other (not an article page), missing (answered 404/410
    and no story is stored from it)."""
    key: str | None
    first_fetched_at: datetime
    last_fetched_at: datetime


class Store(ABC):
    kind: str
    """"mongodb" or "embedded", for logs and the runs collection."""

    @abstractmethod
    def open(self) -> None:
        """Connect, check the store answers, create indexes. Raises StoreUnavailable."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def describe(self) -> str:
        """Where the data goes, safe to log (no credentials)."""

    @abstractmethod
    def write(self, items: list[dict[str, Any]], now: datetime) -> WriteReport:
        """Store fetched articles (item dicts, at most one per key). Idempotent for equal content."""

    @abstractmethod
    def mark_removed(self, removals: list[dict[str, Any]], now: datetime) -> WriteReport:
        """Record that pages now answer 404/410 ({"url", "site", "status"} dicts): a stored story gets
        `removed_at`; a URL with no story is remembered as missing."""

    @abstractmethod
    def remember_other(self, pages: list[dict[str, Any]], now: datetime) -> WriteReport:
        """Remember article URLs whose pages are not articles ({"url", "site", "reason"}), so
        incremental runs do not fetch them again."""

    @abstractmethod
    def fetched(self, url: str) -> FetchedUrl | None:
        """Whether this URL was fetched and stored before, and when."""

    @abstractmethod
    def get(self, key: str) -> dict[str, Any] | None: ...

    @abstractmethod
    def history(self, key: str) -> list[dict[str, Any]]:
        """Revisions of a story moved out of its document to keep it under the size budget
        (crawler.store.documents.fit_budget), oldest first."""

    @abstractmethod
    def documents(self) -> Iterator[dict[str, Any]]:
        """Every stored story, in key order."""

    # -- re-keying (crawler.ops.migrate): raw access, no merge rules; never during a crawl -----------

    @abstractmethod
    def put_document(self, doc: dict[str, Any]) -> None:
        """Insert or replace a story's document as it is."""

    @abstractmethod
    def delete_document(self, key: str) -> None:
        """Remove a story's document (its URLs and history stay: relink them first)."""

    @abstractmethod
    def relink(self, old_key: str, new_key: str) -> None:
        """Point everything that names `old_key` at `new_key`: fetched URLs, moved revisions, and
        other stories' `duplicates_of`."""

    @abstractmethod
    def due_for_recheck(self, first_seen_after: datetime, last_seen_before: datetime, limit: int) -> list[dict[str, Any]]:
        """The URLs of stored stories first fetched after `first_seen_after` and last fetched before
        `last_seen_before`, oldest fetch first: `{"url", "key", "site"}` each (the rule the
        incremental middleware applies to a listed URL). A recheck run reads them from here,
        whether or not a list still links them."""

    # -- the link index (crawler.linking): one record per story, `_id` = key ------------------------
    # A record holds what clusters and translation links compare: the MinHash signature and its LSH
    # bands, the publish time (UTC, ISO text), the languages, the cluster id and each language's
    # match profile. Each call is one query, whatever the number of keys or bands.

    @abstractmethod
    def put_link_records(self, records: list[dict[str, Any]]) -> None: ...

    @abstractmethod
    def link_records(self, keys: list[str]) -> list[dict[str, Any]]: ...

    @abstractmethod
    def link_records_in_bands(self, bands: list[str], start: str, end: str, limit: int) -> list[dict[str, Any]]:
        """Records published between `start` and `end` (UTC ISO text) sharing at least one LSH band
        with `bands` (near-duplicate candidates); their profiles may be left out."""

    @abstractmethod
    def link_records_matching(self, start: str, end: str, lang: str, limit: int) -> list[dict[str, Any]]:
        """Records published between `start` and `end` (UTC ISO text) in language `lang` only
        (translation candidates): `_id`, `published_at`, `langs` and the profile of `lang`. A page
        printing both languages is its own translation, so it is never a candidate, and the other
        fields are left out: a batch reads up to thousands of these."""

    @abstractmethod
    def link_records_in_cluster(self, cluster: str, limit: int) -> list[dict[str, Any]]:
        """A cluster's records; their profiles may be left out."""

    @abstractmethod
    def set_link_cluster(self, keys: list[str], cluster: str | None) -> None: ...

    @abstractmethod
    def set_story_fields(self, key: str, fields: dict[str, Any]) -> None:
        """Set derived fields (`cluster`, `translations`) on a stored story, counting a write in `_v`."""

    # -- the catalog (crawler.store.catalog): one entry and the search terms per story, kept by every
    # write, for the reader ---------------------------------------------------------------------------

    @abstractmethod
    def catalog_page(
        self, filters: Filters, words: list[QueryWord], after: Cursor | None, limit: int
    ) -> tuple[list[dict[str, Any]], Cursor | None]:
        """Catalog entries newest first (`at`, then key, descending), strictly after `after`, that pass
        `filters` and contain every query word (none: every story), with the cursor of the next
        page (None at the end). Keyset paging: the cost does not grow with the page number."""

    @abstractmethod
    def catalog_entries(self, keys: list[str]) -> list[dict[str, Any]]: ...

    @abstractmethod
    def catalog_size(self) -> tuple[int, int]:
        """(stories, stories with a current catalog entry): `reindex` closes the gap."""

    @abstractmethod
    def reindex(self, everything: bool = False) -> int:
        """Build the catalog entries missing or older than CATALOG_VERSION (all of them with
        `everything`); return how many were written."""

    @abstractmethod
    def save_run(self, run: dict[str, Any]) -> None:
        """Insert or replace a document of the runs collection (its `_id` is the run id)."""

    @abstractmethod
    def runs(self) -> Iterator[dict[str, Any]]:
        """Runs, oldest first."""

    @abstractmethod
    def recent_runs(self, limit: int) -> list[dict[str, Any]]:
        """The latest `limit` runs, newest first."""
