"""`scrapy crawl headlines`, with an exit status a person, cron or CI can trust.

Scrapy's own command exits 0 whenever the spider could be built, even when nothing was fetched.
This one:
- checks the spider's arguments first (an unknown site key, a missing replay source): one line
  on stderr, exit status 2, nothing started and no run recorded;
- after the crawl, takes the run's verdict (crawler.runtime.outcome): a failed run (no list page read,
  the store unavailable, stopped on an error) exits 1, and the last line on stderr says why and
  what to do.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

from crawler.runtime.config import check_settings
from crawler.runtime.extensions import run_outcome
from crawler.runtime.outcome import EXIT_FAILED, EXIT_USAGE

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        # Before Scrapy sets up logging and the crawler process: a mistake gets one line only.
        if len(args) != 1:
            return  # run() says what is wrong
        assert self.settings is not None
        try:
            spidercls = get_spider_loader(self.settings).load(args[0])
        except KeyError:
            return  # Scrapy's own message names the unknown spider
        try:
            check_settings(self.settings)
            if (check := getattr(spidercls, "check_arguments", None)) is not None:
                check(**opts.spargs)
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            raise SystemExit(EXIT_USAGE) from None

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one spider: scrapy crawl headlines")
        assert self.crawler_process is not None
        try:
            crawler = self._create_crawler(args[0])
        except KeyError:
            self._fail(f"no spider named {args[0]!r}; this project's spider is headlines", EXIT_USAGE)
            return
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        # A crawl that could not start has no close reason: its verdict is "failed" too.
        outcome = run_outcome(crawler, crawler.stats.get_value("finish_reason"))
        if outcome.status == "failed":
            self._fail(outcome.cause or "the crawl failed", outcome.exit_code)
        elif self.crawler_process.bootstrap_failed:
            self._fail("the crawl did not stop cleanly; the log above says why", EXIT_FAILED)

    def _fail(self, cause: str, status: int) -> None:
        # Printed after the reactor has stopped: the last line a person or cron sees.
        print(f"error: {cause}", file=sys.stderr)
        self.exitcode = status
