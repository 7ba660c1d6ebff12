"""`scrapy crawl headlines`: headline pages -> article pages -> one item per story.

The spider only routes: which URLs to fetch, in what order, with which callback. What a page holds is
decided by the site module (crawler.sites), through the same pure extraction the `parse` command uses.

Arguments (`-a name=value`):
  site       all (default) or comma-separated site keys, e.g. chinacomcn
  replay     a folder of saved pages or WARC files: crawl it offline (see crawler/replay.py)
  reparse    with replay: start from every archived article page instead of the headline pages,
             and re-extract stories even when stored (`python -m crawler reparse` sets both)
  max_pages  list pages to read per headline channel (default: HEADLINES_MAX_LIST_PAGES)
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from crawler import sites
from crawler.extraction.merge import merge_pages
from crawler.extraction.results import ArticleResult, ListResult, OtherResult, ParseResult
from crawler.parse import parse_response
from crawler.runtime.guard import RefusedRequest
from crawler.runtime.middlewares import KnownPage, RedirectLoop
from crawler.runtime.offload import take_parsed
from crawler.runtime.signals import not_an_article, story_removed
from crawler.sites.base import StandardSite

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


def _flag(value: str | None) -> bool:
    return value not in (None, "", "0", "false", "no")


class ArgumentError(ValueError):
    """A spider argument (-a) the user gave is wrong: said in one line, never with a traceback."""


class HeadlinesSpider(scrapy.Spider):
    name = "headlines"

    @classmethod
    def check_arguments(
        cls, site: str = "all", replay: str | None = None, max_pages: str | None = None, reparse: str | None = None, **_: Any
    ) -> None:
        """Raise ArgumentError for arguments no crawl can run with; the crawl command calls this
        before anything starts (no store is opened, no run recorded)."""
        try:
            sites.chosen(site)
        except ValueError as error:
            raise ArgumentError(f"{error}; `python -m crawler sites` lists them") from None
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
        **kwargs: Any,
    ) -> None:
        self.check_arguments(site, replay, max_pages, reparse)
        super().__init__(**kwargs)
        self.sites = sites.chosen(site)
        self.replay = replay
        self.reparse = _flag(reparse)
        self.max_pages_arg = int(max_pages) if max_pages else None
        self.allowed_domains = sorted({d for s in self.sites for d in s.allowed_domains()})
        self.arguments = {"site": site, "replay": replay, "max_pages": max_pages, "reparse": self.reparse}

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
            for url in overrides.get(site.key) or site.headline_urls:
                request = self._request(url, site.key, self.parse_list, PRIORITY_LIST, "list", list_page=1)
                # Read again when a stopped run continues (its "seen" holds it): the newest stories.
                yield request.replace(dont_filter=True)

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
        if isinstance(result, ArticleResult):  # a start URL that is itself a story
            yield from self._article(result, site)
            return
        if isinstance(result, OtherResult):
            self._count(site, f"pages/other/{result.code}")
            self.logger.warning("not a list page (%s): %s", result.reason, response.url)
            return
        self._count(site, "pages/list")
        self._count(site, "links/articles", len(result.articles))
        for url in result.articles:
            yield self._request(url, site, self.parse_article, PRIORITY_ARTICLE, "article")
        if list_page < self.max_list_pages:
            for url in result.next:
                yield self._request(url, site, self.parse_list, PRIORITY_NEXT_LIST, "list", list_page=list_page + 1)
        elif result.next:
            self._count(site, "links/list_pages_beyond_limit", len(result.next))

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
            yield from self._article(result, site)
        elif isinstance(result, ListResult):
            self._count(site, "pages/list_at_article_url")
        else:
            self._count(site, f"pages/other/{result.code}")
            self.logger.info("skipped (%s): %s", result.reason, response.url)
            self.crawler.signals.send_catch_log(not_an_article, url=response.url, site=site, reason=result.reason)

    def _article(self, result: ArticleResult, site: str) -> Iterator[scrapy.Request | Article]:
        self._count(site, "pages/article")
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
        self._count(site, "items")
        yield merge_pages(pages) if len(pages) > 1 else pages[0]

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
        if isinstance(error, KnownPage | RefusedRequest):
            return  # counted by the middleware that refused it
        if isinstance(error, HttpError):
            status = error.response.status
            self._count(site, f"errors/http_{status}")
            self.logger.info("HTTP %s: %s", status, request.url)
            if status in (404, 410) and request.meta.get("headlines_kind") == "article":
                # The store marks a stored story removed; an unknown URL is only counted.
                self.crawler.signals.send_catch_log(story_removed, url=request.url, site=site, status=status)
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
        item = merge_pages(pages)
        item.warnings.append(f"pages: {len(missing)} page(s) could not be fetched: {', '.join(missing)}")
        self._count(request.cb_kwargs["site"], "items_incomplete")
        self._count(request.cb_kwargs["site"], "items")
        yield item
