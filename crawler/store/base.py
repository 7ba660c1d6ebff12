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


class StoreUnavailable(Exception):
    """The store cannot be reached or used; the message says which and why (never with credentials)."""


@dataclass
class WriteReport:
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(site, outcome) -> count; outcomes: inserted, updated, unchanged, variant, removed, removal_unknown."""
    conflicts: int = 0
    """Writes retried because another writer changed the document in between."""
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
    def save_run(self, run: dict[str, Any]) -> None:
        """Insert or replace a document of the runs collection (its `_id` is the run id)."""

    @abstractmethod
    def runs(self) -> Iterator[dict[str, Any]]:
        """Runs, oldest first."""

    @abstractmethod
    def recent_runs(self, limit: int) -> list[dict[str, Any]]:
        """The latest `limit` runs, newest first."""
