"""Downloader middlewares: incremental cron runs (stored article pages are not fetched again),
stories redirected to a list page (deleted), and redirect loops made visible."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from pymongo.errors import PyMongoError
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.asyncio import run_in_thread

from crawler import sites
from crawler.helpers.durations import parse_duration
from crawler.helpers.urls import normalized_url
from crawler.runtime.signals import story_removed
from crawler.sites.base import StandardSite
from crawler.store import StoreUnavailable, store_for

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class KnownPage(IgnoreRequest):
    """The store already knows this article URL and it need not be fetched now: its story is stored
    (and not due for a recheck), it was not an article, or it answered 404/410 recently."""


class SkipStoredMiddleware:
    """Asks the store before an article request goes out; list pages always go out.

    RECHECK_AFTER (e.g. "6h") lets a stored story through again when its last fetch is that old and
    it was first fetched within RECHECK_WINDOW (default "3d"): recent stories are re-read to catch
    silent edits and removals, old ones are left alone.
    """

    def __init__(self, crawler: Crawler, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        if not crawler.settings.getbool("INCREMENTAL_ENABLED", True) or not crawler.settings.getbool("STORE_ENABLED", True):
            raise NotConfigured("incremental crawling is off")
        self.crawler = crawler
        self.clock = clock
        self.recheck_after = parse_duration(crawler.settings.get("RECHECK_AFTER", 0))
        self.recheck_window = parse_duration(crawler.settings.get("RECHECK_WINDOW", "3d"))
        self.missing_retry_after = parse_duration(crawler.settings.get("MISSING_RETRY_AFTER", "1d"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkipStoredMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        if request.meta.get("headlines_kind") != "article":
            return
        site = request.cb_kwargs.get("site", "unknown")
        stats = self.crawler.stats
        try:
            fetched = await run_in_thread(store_for(self.crawler).fetched, request.url)
        except (StoreUnavailable, PyMongoError, sqlite3.Error) as error:
            # Fetching again is safe (the store deduplicates); skipping on a guess is not.
            stats.inc_value(f"site/{site}/incremental/store_error")
            logger.warning("cannot ask the store about %s (%s); fetching it", request.url, error)
            return
        if fetched is None:
            stats.inc_value(f"site/{site}/incremental/new")
            return
        now = self.clock()
        if fetched.status == "other":
            stats.inc_value(f"site/{site}/incremental/skipped_not_article")
            raise KnownPage(f"not an article page (seen before): {request.url}")
        if fetched.status == "missing":
            if now - fetched.last_fetched_at < self.missing_retry_after:
                stats.inc_value(f"site/{site}/incremental/skipped_missing")
                raise KnownPage(f"answered 404/410 recently: {request.url}")
            stats.inc_value(f"site/{site}/incremental/retry_missing")
            return
        if (
            self.recheck_after
            and now - fetched.last_fetched_at >= self.recheck_after
            and now - fetched.first_fetched_at <= self.recheck_window
        ):
            stats.inc_value(f"site/{site}/incremental/recheck")
            request.meta["recheck"] = True
            return
        stats.inc_value(f"site/{site}/incremental/skipped")
        raise KnownPage(f"already stored: {request.url}")


_REDIRECTS = (301, 302, 303, 307, 308)


class StoryRedirectedAway(IgnoreRequest):
    """A story's URL now redirects to a home or list page of its outlet: the story was taken down."""


class RedirectedStoryMiddleware:
    """Tells a deleted story by its redirect: outlets that take a story down often send its URL to
    the home page or the channel's list. The redirect is not followed (that page is read as a list
    anyway, and a second request for it would be dropped as a duplicate, hiding the removal); the
    store marks the story removed (`removal_reason: redirect_to_list`)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectedStoryMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if request.meta.get("headlines_kind") != "article" or response.status not in _REDIRECTS or not location:
            return response
        site = sites.SITES.get(request.cb_kwargs.get("site", ""))
        target = urljoin(request.url, location.decode("latin-1"))
        if (
            not isinstance(site, StandardSite)
            or not site.owns(target)
            or site.is_article_url(target)
            or not site.is_list_url(target)
        ):
            return response
        story = (request.meta.get("redirect_urls") or [request.url])[0]
        self.crawler.stats.inc_value(f"site/{site.key}/removed/redirect_to_list")
        logger.info("gone (redirect_to_list, HTTP %s to %s): %s", response.status, target, story)
        self.crawler.signals.send_catch_log(
            story_removed, url=story, site=site.key, status=response.status, reason="redirect_to_list"
        )
        raise StoryRedirectedAway(f"redirects to the list page {target}")


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL already visited on the way."""


class RedirectLoopMiddleware:
    """Fails a redirect loop (A -> B -> A) loudly instead of letting it vanish.

    Scrapy follows A -> B, then drops the redirect back to A as a duplicate request: no callback, no
    errback, only a global `dupefilter/filtered` count. Raising here sends it to the spider's errback,
    which counts it per outlet (`site/<key>/ignored/redirect_loop`).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectLoopMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if response.status in _REDIRECTS and location:
            target = normalized_url(urljoin(request.url, location.decode("latin-1")))
            visited = {normalized_url(url) for url in [*request.meta.get("redirect_urls", []), request.url]}
            if target in visited:
                logger.info("redirect loop at %s (back to %s)", request.url, target)
                raise RedirectLoop("redirect loop")
        return response
