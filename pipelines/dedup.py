"""DedupPipeline: the in-run guard. The store's `_id` (the story key) stays the source of truth
across runs; here a page already stored in this run is dropped before the database sees it again.

The same story at another URL (its Big5 gateway copy) is not a duplicate: the store records the URL
and keeps the traditional text as a variant."""

from __future__ import annotations

from typing import Any

from crawler.helpers.seen import SeenDigests
from crawler.items import Article
from pipelines.errors import DuplicateInRun


class DedupPipeline:
    def __init__(self) -> None:
        self.seen = SeenDigests()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        if not self.seen.first_time(item.key, item.url):
            raise DuplicateInRun(f"already stored in this run: {item.url}")
        return item
