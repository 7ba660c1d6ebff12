"""`python -m crawler probe [--site KEY]`: each outlet's sources fetched once, and what they gave.

The user's check of the site modules against the live sites: every declared source (lists, JSON
lists, feeds, sitemaps) is fetched once, politely (robots.txt, its Crawl-delay, the crawler's
User-Agent, one download slot per outlet), parsed as a crawl would, and not followed. Nothing is
stored or archived. Per outlet it prints what each source was recognised as, how many story links
it gave with three examples, whether it was blocked or redirected, and which sources look dead.
With `--replay PATH` it answers from saved pages instead (the tests, and a check of an archive).
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.spidermiddlewares.httperror import HttpError

from crawler import sites
from crawler.discovery.sources import SOURCE_KINDS
from crawler.extraction.blocked import blocked_reason
from crawler.extraction.results import ArticleResult, ListResult
from crawler.helpers.durations import parse_duration
from crawler.parse import parse_response

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from scrapy.http import Response
    from twisted.python.failure import Failure

EXAMPLES = 3


@dataclass
class SourceReport:
    site: str
    kind: str
    url: str
    status: int | None = None
    recognised: str = "not fetched"
    """list / json / feed / sitemap / robots, article, other (why), blocked, dead."""
    stories: int = 0
    examples: list[str] = field(default_factory=list)
    further: int = 0
    """Further documents it names (next pages, child sitemaps): a crawl would read them too."""
    redirected_to: str | None = None
    newest: str | None = None
    stale: bool = False
    """Its newest entry is older than HEADLINES_STALE_SOURCE_AFTER: it has stopped updating."""
    problem: str | None = None


class ProbeSpider(scrapy.Spider):
    name = "probe"

    def __init__(self, site: str = "all", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sites = sites.chosen(site)
        self.allowed_domains = sorted({domain for s in self.sites for domain in s.allowed_domains()})  # robots.txt too
        self.reports: list[SourceReport] = []

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for site in self.sites:
            for source in site.sources(SOURCE_KINDS):
                report = SourceReport(site.key, source.kind, source.url)
                self.reports.append(report)
                yield scrapy.Request(
                    source.url,
                    callback=self.read,
                    errback=self.failed,
                    dont_filter=True,
                    meta={"download_slot": site.key, "headlines_kind": "list", "probe": report},
                    cb_kwargs={"report": report, "site": site.key},  # the guard keeps it to the outlet's hosts
                )

    def read(self, response: Response, report: SourceReport, site: str) -> None:
        report.status = response.status
        if response.url != report.url:
            report.redirected_to = response.url
        result = parse_response(response, site)
        if isinstance(result, ListResult):
            report.recognised = result.listed_in if result.listed_in != "html" else "list"
            report.stories = len(result.articles)
            report.examples = result.articles[:EXAMPLES]
            report.further = len(result.next)
            report.newest = result.newest
            after = parse_duration(self.settings.get("HEADLINES_STALE_SOURCE_AFTER"))
            report.stale = bool(after and result.newest and datetime.now(UTC) - datetime.fromisoformat(result.newest) > after)
        elif isinstance(result, ArticleResult):
            report.recognised = "article"
        elif result.blocked:
            report.recognised, report.problem = "blocked", result.blocked
        else:
            report.recognised, report.problem = "other", result.reason

    def failed(self, failure: Failure) -> None:
        report: SourceReport = failure.request.meta["probe"]  # type: ignore[attr-defined]
        error = failure.value
        if isinstance(error, HttpError):
            report.status = error.response.status
            if reason := blocked_reason(error.response.status, error.response.body):
                report.recognised, report.problem = "blocked", reason
                return
            report.recognised, report.problem = "dead", f"HTTP {error.response.status}"
            return
        report.recognised, report.problem = "dead", failure.getErrorMessage() or type(error).__name__


def probe_settings(replay: str | None, overrides: list[str]) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    # One fetch per source, nothing kept: no pipelines, no store, no archive, no run record.
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    settings.set("STORE_ENABLED", False, priority="cmdline")
    settings.set("WARC_ENABLED", False, priority="cmdline")
    settings.set("EXTENSIONS", {"crawler.runtime.extensions.RunRecorder": None}, priority="cmdline")
    settings.set(
        "DOWNLOADER_MIDDLEWARES",
        {**settings.getdict("DOWNLOADER_MIDDLEWARES"), "crawler.runtime.middlewares.SkipStoredMiddleware": None,
         "crawler.runtime.offload.ExtractionOffloadMiddleware": None, "crawler.runtime.warc.WarcArchiveMiddleware": None},
        priority="cmdline",
    )  # fmt: skip
    settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    if replay:
        handler = "crawler.runtime.replay.ReplayDownloadHandler"
        settings.set("DOWNLOAD_HANDLERS", {"http": handler, "https": handler}, priority="cmdline")
        settings.set("REPLAY_PATH", replay, priority="cmdline")
        settings.set("DOWNLOAD_DELAY", 0, priority="cmdline")
        settings.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")
    for pair in overrides:
        name, _, value = pair.partition("=")
        settings.set(name, value, priority="cmdline")
    return settings


def run_probe(site: str, replay: str | None = None, overrides: list[str] | None = None) -> list[SourceReport]:
    process = CrawlerProcess(probe_settings(replay, overrides or []))
    crawler = process.create_crawler(ProbeSpider)
    process.crawl(crawler, site=site)
    process.start()
    spider = crawler.spider
    assert isinstance(spider, ProbeSpider)
    return spider.reports


def render(reports: list[SourceReport]) -> str:
    lines: list[str] = []
    for key in dict.fromkeys(r.site for r in reports):
        mine = [r for r in reports if r.site == key]
        lines.append(f"{key}  {sites.get(key).name}")
        for r in mine:
            what = r.recognised + (f" ({r.problem})" if r.problem else "")
            lines.append(f"  {r.kind:<8} {what:<24} {r.stories:>4} stories  {r.url}")
            if r.redirected_to:
                lines.append(f"           redirected to {r.redirected_to}")
            if r.further:
                lines.append(f"           names {r.further} further document(s) a crawl would read")
            if r.newest:
                lines.append(f"           newest entry {r.newest}" + (": STALE, it has stopped updating" if r.stale else ""))
            lines.extend(f"           e.g. {example}" for example in r.examples)
        working = [r for r in mine if r.stories or r.further]
        dead = [r.url for r in mine if r.recognised == "dead"]
        blocked = sorted({r.problem or "" for r in mine if r.recognised == "blocked"})
        stale = [r.url for r in mine if r.stale]
        verdict = f"  => {sum(r.stories for r in mine)} story links from {len(working)} of {len(mine)} sources"
        verdict += f"; dead: {', '.join(dead) if dead else 'none'}; blocked: {', '.join(blocked) if blocked else 'no'}"
        verdict += f"; stale: {', '.join(stale) if stale else 'none'}"
        lines.extend([verdict, ""])
    return "\n".join(lines)


def main(site: str, replay: str | None, as_json: bool, overrides: list[str]) -> int:
    reports = run_probe(site, replay, overrides)
    print(json.dumps([asdict(r) for r in reports], ensure_ascii=False, indent=1) if as_json else render(reports))
    silent = [key for key in dict.fromkeys(r.site for r in reports) if not any(r.stories for r in reports if r.site == key)]
    if silent:
        print(f"probe: no story links from {', '.join(silent)}", file=sys.stderr)
        return 1
    return 0
