"""Writing records to a store: articles, removals and pages that are not articles, in order, each
record apart from the others. Used by the store pipeline, journal recovery and `replay-spill`."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from pymongo.errors import ConnectionFailure

from crawler.items import Article, Removal, to_jsonable
from crawler.store.base import Store, StoreUnavailable, WriteReport

if TYPE_CHECKING:
    from datetime import datetime

# Errors worth waiting out: the server is away or busy. Anything else is spilled at once.
RETRYABLE = (ConnectionFailure, StoreUnavailable, sqlite3.OperationalError)


def write_items(store: Store, items: list[dict[str, Any]], now: datetime) -> WriteReport:
    """Write articles and removals; a key seen twice goes in separate batches, in order."""
    report = WriteReport()
    removals = [i for i in items if i.get("type") == "removal"]
    others = [i for i in items if i.get("type") == "other"]
    batches: list[list[dict[str, Any]]] = []
    for item in (i for i in items if i.get("type", "article") == "article"):
        target = next((b for b in batches if all(o["key"] != item["key"] for o in b)), None)
        if target is None:
            target = []
            batches.append(target)
        target.append(item)
    for batch in batches:
        report.merge(store.write([strip_type(i) for i in batch], now))
    if removals:
        report.merge(store.mark_removed([strip_type(r) for r in removals], now))
    if others:
        report.merge(store.remember_other([strip_type(o) for o in others], now))
    return report


class StoreWideError(Exception):
    """Every record of a batch failed on its own too: the store, not the records, is the problem."""


def write_isolating(store: Store, items: list[dict[str, Any]], now: datetime) -> WriteReport:
    """Write `items`; one that the store cannot take (too large, not encodable, refused by the
    server) comes back in `report.refused` with the error, and never stops the others. Errors worth
    waiting out (RETRYABLE) propagate; when every item fails alone, StoreWideError does."""
    try:
        return write_items(store, items, now)
    except RETRYABLE:
        raise
    except Exception as error:  # noqa: BLE001 -- any error of one document must not block the batch
        if len(items) == 1:
            report = WriteReport()
            report.refuse(items[0], f"{type(error).__name__}: {error}")
            return report
        first: BaseException = error
    report = WriteReport()
    for item in items:
        report.merge(write_isolating(store, [item], now))
    if len(report.refused) == len(items):
        raise StoreWideError(f"every record failed: {first}") from first
    return report


def strip_type(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k != "type"}


def as_record(item: Article | Removal) -> dict[str, Any]:
    return {"type": "removal" if isinstance(item, Removal) else "article", **to_jsonable(item)}
