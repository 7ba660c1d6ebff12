"""`scrapy crawl headlines`: headline pages -> article pages -> one item per story.

The spider only routes: which URLs to fetch, in what order, with which callback. What a page holds is
decided by the site module (crawler.sites), through the same pure extraction the `parse` command uses.

Arguments (`-a name=value`):
  site       all (default) or comma-separated site keys, e.g. chinacomcn
  replay     a folder of saved pages or WARC files: crawl it offline (see crawler/replay.py)
  reparse    with replay: start from every archived article page instead of the headline pages,
             and re-extract stories even when stored (`python -m crawler reparse` sets both)
  max_pages  list pages to read per headline channel (default: HEADLINES_MAX_LIST_PAGES)
  discover   which sources to read: lists, feeds, sitemaps (comma-separated), all, or default
             (each outlet's own choice, `python -m crawler sites` shows it)
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import scrapy
from pymongo.errors import PyMongoError
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.asyncio import run_in_thread

from crawler import sites
from crawler.discovery.sources import Source, SourceKind, chosen_kinds
from crawler.extraction.blocked import blocked_reason
from crawler.extraction.merge import merge_pages
from crawler.extraction.results import ArticleResult, ListResult, OtherResult, ParseResult
from crawler.helpers.durations import parse_duration
from crawler.helpers.seen import SeenDigests
from crawler.helpers.urls import unwrap_gateway
from crawler.parse import parse_response
from crawler.runtime.guard import RefusedRequest
from crawler.runtime.middlewares import KnownPage, RedirectLoop, StoryRedirectedAway
from crawler.runtime.offload import take_parsed
from crawler.runtime.signals import not_an_article, story_removed
from crawler.sites.base import Site, StandardSite
from crawler.store import StoreUnavailable, store_for

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from crawler.items import Article

# Order of work: finish stories already open, then read the headline pages, then fetch articles,
# and only then turn a list's page. A list's stories are fetched before its next page is read, so
# the newest stories come first and the queue holds about one list page of links, however deep the
# archive (reading every list page first queued all of a 100k-story backfill in memory).
PRIORITY_MORE_PAGES = 20
PRIORITY_LIST = 10
PRIORITY_ARTICLE = 0
PRIORITY_NEXT_LIST = -10


def _stat_name(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


# Stat names are a fixed vocabulary: an error's message (which may hold a URL) never becomes one.
_IGNORED_MESSAGES = (
    ("robots.txt", "forbidden_by_robots_txt"),
    ("max redirections", "max_redirections_reached"),
    ("offsite", "offsite"),
    ("DOWNLOAD_MAXSIZE", "too_large"),
)


def ignored_code(error: IgnoreRequest) -> str:
    """The stat name for a request Scrapy or a middleware gave up on."""
    if code := getattr(error, "code", None):
        return str(code)
    if isinstance(error, RedirectLoop):
        return "redirect_loop"
    message = str(error)
    for fragment, code in _IGNORED_MESSAGES:
        if fragment in message:
            return code
    return _stat_name(re.sub(r"(?<!^)(?=[A-Z])", "_", type(error).__name__))


def _source_of(response: Response) -> SourceKind | None:
    """The discovery source that led to this response (tests build responses without requests)."""
    return response.meta.get("headlines_source") if response.request is not None else None


def _flag(value: str | None) -> bool:
    return value not in (None, "", "0", "false", "no")


class ArgumentError(ValueError):
    """A spider argument (-a) the user gave is wrong: said in one line, never with a traceback."""


class HeadlinesSpider(scrapy.Spider):
    name = "headlines"

    @classmethod
    def check_arguments(
        cls,
        site: str = "all",
        replay: str | None = None,
        max_pages: str | None = None,
        reparse: str | None = None,
        discover: str | None = None,
        **_: Any,
    ) -> None:
        """Raise ArgumentError for arguments no crawl can run with; the crawl command calls this
        before anything starts (no store is opened, no run recorded)."""
        try:
            sites.chosen(site)
        except ValueError as error:
            raise ArgumentError(f"{error}; `python -m crawler sites` lists them") from None
        try:
            chosen_kinds(discover)
        except ValueError as error:
            raise ArgumentError(str(error)) from None
        if _flag(reparse) and not replay:
            raise ArgumentError("reparse needs replay=ARCHIVE: it reads stories from an archive, never from the network")
        for part in (replay or "").split(os.pathsep) if replay else ():
            if not Path(part).exists():
                raise ArgumentError(f"replay source not found: {part}; give a folder of saved pages or WARC files")
        if max_pages is not None and not (str(max_pages).isdigit() and int(max_pages) > 0):
            raise ArgumentError(f"max_pages must be a whole number above 0, not {max_pages!r}")

    def __init__(
        self,
        site: str = "all",
        replay: str | None = None,
        max_pages: str | None = None,
        reparse: str | None = None,
        discover: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.check_arguments(site, replay, max_pages, reparse, discover)
        super().__init__(**kwargs)
        self.sites = sites.chosen(site)
        self.discover = chosen_kinds(discover)
        self.queued_stories = SeenDigests()
        """Stories asked for in this run, by canonical URL and gateway form: a story listed by a
        list, a feed and a sitemap (each in its own URL form) is fetched once."""
        self._item_source: dict[str, str] = {}
        """Story URL -> the discovery source that listed it, until its item is yielded."""
        self.replay = replay
        self.reparse = _flag(reparse)
        self.max_pages_arg = int(max_pages) if max_pages else None
        self.allowed_domains = sorted({d for s in self.sites for d in s.allowed_domains()})
        self.arguments = {"site": site, "replay": replay, "max_pages": max_pages, "reparse": self.reparse, "discover": discover}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> HeadlinesSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.replay:
            # Settings are not frozen yet: replay swaps the network for the archive and drops the
            # politeness delays that only make sense against a live server.
            handler = "crawler.runtime.replay.ReplayDownloadHandler"
            crawler.settings.set("DOWNLOAD_HANDLERS", {"http": handler, "https": handler}, priority="spider")
            crawler.settings.set("REPLAY_PATH", spider.replay, priority="spider")
            crawler.settings.set("DOWNLOAD_DELAY", 0, priority="spider")
            crawler.settings.set("AUTOTHROTTLE_ENABLED", False, priority="spider")
            crawler.settings.set("DOWNLOAD_SLOTS", {}, priority="spider")
        if spider.reparse:
            # Re-extract what the archive holds, stored or not; robots.txt was obeyed when it was fetched.
            crawler.settings.set("INCREMENTAL_ENABLED", False, priority="spider")
            crawler.settings.set("ROBOTSTXT_OBEY", False, priority="spider")
        return spider

    @property
    def max_list_pages(self) -> int:
        return self.max_pages_arg or self.settings.getint("HEADLINES_MAX_LIST_PAGES", 5)

    @property
    def max_story_pages(self) -> int:
        return self.settings.getint("HEADLINES_MAX_STORY_PAGES", 20)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        overrides = self.settings.getdict("HEADLINES_START_URLS")
        self.logger.info("outlets: %s", ", ".join(site.key for site in self.sites))
        if self.reparse:
            for url, key in self._archived_stories():
                yield self._request(url, key, self.parse_article, PRIORITY_ARTICLE, "article")
            return
        distributed = getattr(self.crawler, "distributed", None)
        if distributed is not None and not distributed.should_seed():
            return  # another worker of this distributed run yields the headline pages
        for site in self.sites:
            for source in self._sources(site, overrides.get(site.key)):
                request = self._request(source.url, site.key, self.parse_list, PRIORITY_LIST, "list", list_page=1)
                request.meta["headlines_source"] = source.kind
                # Read again when a stopped run continues (its "seen" holds it): the newest stories.
                yield request.replace(dont_filter=True)
        for story in await self._due_rechecks():
            owner = sites.get(story["site"])
            if not self._first_time(owner, story["url"], story["site"]):
                continue
            self._count(story["site"], "recheck/queued")
            # Through the outlet's own slot, like any article: rechecks share its politeness budget.
            yield self._request(story["url"], story["site"], self.parse_article, PRIORITY_ARTICLE, "article")

    async def _due_rechecks(self) -> list[dict[str, Any]]:
        """Stories the store says are due for a recheck (RECHECK_AFTER, RECHECK_WINDOW), whether or
        not a list still links them: a deleted story is dropped from the lists first."""
        after = parse_duration(self.settings.get("RECHECK_AFTER", 0))
        if (
            not after
            or not self.settings.getbool("STORE_ENABLED", True)
            or not self.settings.getbool("INCREMENTAL_ENABLED", True)
        ):
            return []
        now = datetime.now(UTC)
        window = parse_duration(self.settings.get("RECHECK_WINDOW", "3d"))
        limit = self.settings.getint("HEADLINES_MAX_RECHECKS", 5000)
        try:
            due = await run_in_thread(store_for(self.crawler).due_for_recheck, now - window, now - after, limit)
        except (StoreUnavailable, PyMongoError, sqlite3.Error) as error:
            self.crawler.stats.inc_value("recheck/store_error")
            self.logger.warning("cannot ask the store which stories are due for a recheck (%s); only listed ones are", error)
            return []
        keys = {site.key for site in self.sites}
        return [story for story in due if story["site"] in keys]

    def _sources(self, site: Site, override: list[str] | None) -> list[Source]:
        chosen: list[Source] = site.sources(self.discover)
        if override:  # HEADLINES_START_URLS replaces the outlet's lists, not its feeds or sitemaps
            chosen = [Source("lists", url) for url in override] + [s for s in chosen if s.kind != "lists"]
        if not chosen:
            self.logger.warning("%s declares no %s source", site.key, "/".join(self.discover or site.discover))
        return chosen

    def _archived_stories(self) -> list[tuple[str, str]]:
        """First pages of the stories in the replay archive, for the selected outlets."""
        from crawler.runtime.replay import ReplayArchive

        assert self.replay is not None
        found: list[tuple[str, str]] = []
        for saved in ReplayArchive.load(self.replay).entries():
            site = sites.for_url(saved.url)
            if (
                isinstance(site, StandardSite)
                and site in self.sites
                and saved.status == 200
                and site.is_article_url(saved.url)
                and site.first_page_url(saved.url) == saved.url
            ):
                found.append((saved.url, site.key))
        self.crawler.stats.set_value("reparse/stories_in_archive", len(found))
        return sorted(found)

    def _request(self, url: str, site: str, callback: Any, priority: int, kind: str, **cb_kwargs: Any) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            priority=priority,
            cb_kwargs={"site": site, **cb_kwargs},
            # One politeness budget per outlet, across its subdomains and its gateway. The kind tells
            # the incremental middleware which requests it may skip (articles, never lists).
            meta={"download_slot": site, "headlines_kind": kind},
        )

    def _parsed(self, response: Response, site: str) -> ParseResult:
        """What an extraction worker made of the page (crawler/offload.py), else a parse here. A
        parser that fails on a page is a bug to fix, not a reason to stop the crawl: the page is
        counted (pages/other/parser_error) and logged with its traceback."""
        parsed = take_parsed(response)
        if parsed is not None:
            return parsed
        try:
            return parse_response(response, site)
        except Exception as error:
            self.logger.exception("the %s parser failed on %s", site, response.url)
            return OtherResult(f"the parser failed: {type(error).__name__}: {error}", "parser_error")

    def _count(self, site: str, what: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"site/{site}/{what}", count)

    def parse_list(self, response: Response, site: str, list_page: int) -> Iterator[scrapy.Request | Article]:
        result = self._parsed(response, site)
        source: SourceKind = _source_of(response) or "lists"
        if isinstance(result, ArticleResult):  # a start URL that is itself a story
            yield from self._article(result, site)
            return
        if isinstance(result, OtherResult):
            self._other(result, site, response.url, list_page=True)
            return
        self._count(site, "pages/list")
        self._count(site, f"sources/{source}/pages")
        self._judge_freshness(result, site, source, response.url)
        articles = self._recent(result.articles, result, site)
        # The other-language versions a sitemap names are stories of the outlet too.
        alternates = [alt for url in articles for alt in result.alternates.get(url, [])]
        owner = sites.get(site)
        fresh = [url for url in (*articles, *alternates) if not isinstance(owner, StandardSite) or owner.is_article_url(url)]
        self._count(site, "links/articles", len(articles))
        self._count(site, f"sources/{source}/articles", len(articles))
        for url in fresh:
            if self._first_time(owner, url, site):
                request = self._request(url, site, self.parse_article, PRIORITY_ARTICLE, "article")
                request.meta["headlines_source"] = source
                yield request
        further = self._recent(result.next, result, site)
        if list_page < self.max_list_pages:
            for url in further:
                request = self._request(url, site, self.parse_list, PRIORITY_NEXT_LIST, "list", list_page=list_page + 1)
                request.meta["headlines_source"] = source
                yield request
        elif further:
            self._count(site, "links/list_pages_beyond_limit", len(further))

    def _first_time(self, owner: Site, url: str, site: str) -> bool:
        if not self.queued_stories.first_time(owner.canonical_url(url), "gateway" if unwrap_gateway(url) != url else ""):
            self._count(site, "links/already_queued")
            return False
        return True

    def _recent(self, urls: list[str], result: ListResult, site: str) -> list[str]:
        """The links the list dates within HEADLINES_MAX_LINK_AGE (undated links are kept)."""
        limit = parse_duration(self.settings.get("HEADLINES_MAX_LINK_AGE"))
        if not limit or not result.published:
            return urls
        oldest = datetime.now(UTC) - limit
        kept = [url for url in urls if (when := result.published.get(url)) is None or datetime.fromisoformat(when) >= oldest]
        if len(kept) < len(urls):
            self._count(site, "links/older_than_limit", len(urls) - len(kept))
        return kept

    def _judge_freshness(self, result: ListResult, site: str, source: str, url: str) -> None:
        """A feed (or sitemap, JSON list) whose newest entry is old has stopped: said, never trusted silently."""
        after = parse_duration(self.settings.get("HEADLINES_STALE_SOURCE_AFTER"))
        if not after or result.newest is None:
            return
        age = datetime.now(UTC) - datetime.fromisoformat(result.newest)
        if age > after:
            self._count(site, f"sources/stale/{result.listed_in}")
            self.logger.warning("stale %s (newest entry %s, %d days old): %s", result.listed_in, result.newest, age.days, url)

    def _other(self, result: OtherResult, site: str, url: str, *, list_page: bool) -> None:
        if result.blocked:
            self._count(site, f"blocked/{result.blocked}")
            self.logger.warning("blocked (%s): %s", result.blocked, url)
        elif list_page:
            self._count(site, f"pages/other/{result.code}")
            self.logger.warning("not a list page (%s): %s", result.reason, url)
        else:
            self._count(site, f"pages/other/{result.code}")
            self.logger.info("skipped (%s): %s", result.reason, url)
            self.crawler.signals.send_catch_log(not_an_article, url=url, site=site, reason=result.reason)

    def parse_article(self, response: Response, site: str) -> Iterator[scrapy.Request | Article]:
        result = self._parsed(response, site)
        if isinstance(result, ArticleResult):
            if response.request is not None and (redirects := response.meta.get("redirect_urls")):
                result.item.redirected_from = list(redirects)
            if archived_at := response.headers.get("X-Archived-At"):
                # Replayed from a WARC: the story was fetched when it was archived, not now.
                result.item.fetched_at = datetime.fromisoformat(archived_at.decode("latin-1")).isoformat()
            elif response.request is not None and response.meta.get("fetched_at"):
                result.item.fetched_at = response.meta["fetched_at"]  # the time the WARC record carries
            yield from self._article(result, site, _source_of(response))
        elif isinstance(result, ListResult):
            self._count(site, "pages/list_at_article_url")
            if redirects := response.meta.get("redirect_urls"):
                # The story's URL now sends readers to a home or list page: how outlets delete.
                status = (response.meta.get("redirect_reasons") or [302])[0]
                self._removed(redirects[0], site, status if isinstance(status, int) else 302, "redirect_to_list")
        elif result.code == "soft_404" and not result.blocked:
            self._count(site, f"pages/other/{result.code}")
            self._removed((response.meta.get("redirect_urls") or [response.url])[0], site, response.status, "soft_404")
        else:
            self._other(result, site, response.url, list_page=False)

    def _removed(self, url: str, site: str, status: int, reason: str) -> None:
        """A story's page is gone: the store marks the story removed (an unknown URL is remembered as missing)."""
        self._count(site, f"removed/{reason}")
        self.logger.info("gone (%s, HTTP %s): %s", reason, status, url)
        self.crawler.signals.send_catch_log(story_removed, url=url, site=site, status=status, reason=reason)

    def _article(self, result: ArticleResult, site: str, source: str | None = None) -> Iterator[scrapy.Request | Article]:
        self._count(site, "pages/article")
        if source:
            self._item_source[result.item.url] = source
        yield from self._continue_story([result.item], result.more_pages, site)

    def _continue_story(self, pages: list[Article], remaining: list[str], site: str) -> Iterator[scrapy.Request | Article]:
        """The next page of a story, or the story merged: at most HEADLINES_MAX_STORY_PAGES pages,
        since a pager that never ends (or a hostile one) would grow one item without bound."""
        if remaining and len(pages) >= self.max_story_pages:
            pages[0].warnings.append(
                f"pages: stopped after {len(pages)} pages (HEADLINES_MAX_STORY_PAGES); {len(remaining)} more not fetched"
            )
            self._count(site, "pages/story_page_cap")
            remaining = []
        if remaining:
            yield self._next_page(pages, remaining, site)
            return
        yield self._story(pages, site)

    def _story(self, pages: list[Article], site: str) -> Article:
        """The item of a story read page by page, counted (with the source that listed it)."""
        self._count(site, "items")
        if source := self._item_source.pop(pages[0].url, None):
            self._count(site, f"sources/{source}/items")
        return merge_pages(pages) if len(pages) > 1 else pages[0]

    def _next_page(self, pages: list[Article], remaining: list[str], site: str) -> scrapy.Request:
        request = self._request(
            remaining[0], site, self.parse_more, PRIORITY_MORE_PAGES, "more", pages=pages, remaining=remaining[1:]
        )
        request.errback = self.on_more_error
        return request

    def parse_more(
        self, response: Response, site: str, pages: list[Article], remaining: list[str]
    ) -> Iterator[scrapy.Request | Article]:
        result = self._parsed(response, site)
        if isinstance(result, ArticleResult):
            self._count(site, "pages/article_continuation")
            pages = [*pages, result.item]
            fetched = {url for page in pages for url in page.page_urls}
            remaining = [u for u in dict.fromkeys([*remaining, *result.more_pages]) if u not in fetched]
        else:
            pages[0].warnings.append(f"pages: {response.url} is not a page of this story ({result.kind})")
        yield from self._continue_story(pages, remaining, site)

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        site = request.cb_kwargs.get("site", "unknown")
        error = failure.value
        if isinstance(error, KnownPage | RefusedRequest | StoryRedirectedAway):
            return  # counted by the middleware that refused it
        if isinstance(error, HttpError):
            status = error.response.status
            if reason := blocked_reason(status, error.response.body):
                self._count(site, f"blocked/{reason}")
                self.logger.warning("blocked (%s, HTTP %s): %s", reason, status, request.url)
                return
            self._count(site, f"errors/http_{status}")
            self.logger.info("HTTP %s: %s", status, request.url)
            if status in (404, 410) and request.meta.get("headlines_kind") == "article":
                # The store marks a stored story removed; an unknown URL is only counted.
                self.crawler.signals.send_catch_log(
                    story_removed, url=request.url, site=site, status=status, reason="http_status"
                )
        elif isinstance(error, IgnoreRequest):
            self._count(site, f"ignored/{ignored_code(error)}")
        else:
            self._count(site, f"errors/{type(error).__name__}")
            self.logger.warning("failed (%s): %s", failure.getErrorMessage(), request.url)

    def on_more_error(self, failure: Failure) -> Iterator[Article]:
        """A later page of a story failed: keep what was read, and say what is missing."""
        self.on_error(failure)
        request = failure.request  # type: ignore[attr-defined]
        pages: list[Article] = request.cb_kwargs["pages"]
        missing = [request.url, *request.cb_kwargs["remaining"]]
        item = self._story(pages, request.cb_kwargs["site"])
        item.warnings.append(f"pages: {len(missing)} page(s) could not be fetched: {', '.join(missing)}")
        self._count(request.cb_kwargs["site"], "items_incomplete")
        yield item
