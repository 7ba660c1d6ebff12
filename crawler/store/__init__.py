"""Where items go: MongoDB when MONGO_URI is set, else the embedded SQLite store under data/.

`store_for(crawler)` gives every component of one crawl (pipeline, incremental middleware, runs
recorder) the same store object; it is opened once and closed when the engine stops.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals

from crawler.store.base import FetchedUrl, Store, StoreUnavailable, WriteReport
from crawler.store.documents import DOCUMENT_BUDGET
from crawler.store.mongo import MongoStore
from crawler.store.sqlite import EmbeddedStore

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

__all__ = [
    "EmbeddedStore",
    "FetchedUrl",
    "MongoStore",
    "Store",
    "StoreUnavailable",
    "WriteReport",
    "open_store",
    "store_failure",
    "store_for",
]


def build_store(settings: BaseSettings) -> Store:
    uri = settings.get("MONGO_URI")
    if uri:
        return MongoStore(
            str.__str__(uri),
            database=settings.get("MONGO_DATABASE", "headlines"),
            collection=settings.get("MONGO_COLLECTION", "articles"),
            runs_collection=settings.get("MONGO_RUNS_COLLECTION", "runs"),
            server_timeout_ms=settings.getint("MONGO_SERVER_TIMEOUT_MS", 5000),
            document_budget=settings.getint("STORE_DOCUMENT_BUDGET", DOCUMENT_BUDGET),
        )
    return EmbeddedStore(
        settings.get("EMBEDDED_STORE_PATH", "data/headlines.sqlite3"),
        document_budget=settings.getint("STORE_DOCUMENT_BUDGET", DOCUMENT_BUDGET),
    )


def open_store(settings: BaseSettings) -> Store:
    store = build_store(settings)
    store.open()
    if isinstance(store, EmbeddedStore):
        logger.info("No MONGO_URI configured: using the %s", store.describe())
    else:
        logger.info("Storing into %s", store.describe())
    return store


def store_failure(crawler: Crawler) -> StoreUnavailable | None:
    """Why the crawl's store could not be opened, once that was tried and failed."""
    failure: StoreUnavailable | None = getattr(crawler, "_headlines_store_failure", None)
    return failure


def store_for(crawler: Crawler) -> Store:
    """The crawl's store, opened on first use (raises StoreUnavailable when it cannot be).

    A failure is remembered: the pipeline reports it and stops the crawl, and the components that
    ask after it (the run recorder, the incremental middleware) get the same answer without a
    second connection attempt or a second message."""
    if (failure := store_failure(crawler)) is not None:
        raise failure
    store: Store | None = getattr(crawler, "_headlines_store", None)
    if store is None:
        try:
            store = open_store(crawler.settings)
        except StoreUnavailable as error:
            crawler._headlines_store_failure = error  # type: ignore[attr-defined]
            raise
        crawler._headlines_store = store  # type: ignore[attr-defined]
        # After spider_closed, so the runs recorder can still write the run's summary.
        crawler.signals.connect(store.close, signal=signals.engine_stopped, weak=False)
    return store
