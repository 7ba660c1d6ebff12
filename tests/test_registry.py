"""The outlet registry: every module is covered by fixtures, selectable, and unambiguous."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from parsel import Selector
from scrapy.utils.test import get_crawler

from crawler import sites
from crawler.discovery.sources import SOURCE_KINDS
from crawler.extraction.results import ArticleResult, ListResult
from crawler.helpers.urls import host_of, unwrap_gateway
from crawler.parse import parse_response
from crawler.sites.base import StandardSite
from spiders.headlines import HeadlinesSpider
from tests.conftest import FIXTURES, page_cases

ROOT = Path(__file__).resolve().parents[1]
SITES = list(sites.SITES.values())


def _articles_by_language(key: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for case in page_cases("article"):
        if case.path.parent.name != key:
            continue
        result = parse_response(case.response())
        assert isinstance(result, ArticleResult), case.id
        counts.update(result.item.languages)
    return counts


@pytest.mark.parametrize("site", SITES, ids=lambda s: s.key)
def test_every_language_an_outlet_publishes_has_two_article_fixtures(site: StandardSite) -> None:
    assert site.languages, f"{site.key} declares no languages"
    counts = _articles_by_language(site.key)
    for language in site.languages:
        assert counts[language] >= 2, f"{site.key}: {counts[language]} article fixture(s) in {language}"


@pytest.mark.parametrize("site", SITES, ids=lambda s: s.key)
def test_every_headline_host_has_a_list_fixture_that_yields_articles(site: StandardSite) -> None:
    hosts_with_lists: set[str] = set()
    for case in page_cases("list"):
        if case.path.parent.name != site.key:
            continue
        result = parse_response(case.response())
        assert isinstance(result, ListResult), case.id
        # A list gives stories, or the lists it leads to (a sitemap index, a page its script fills).
        assert result.articles or result.next, f"{case.id} yields no links"
        assert all(site.is_article_url(url) for url in result.articles), case.id
        hosts_with_lists.add(host_of(unwrap_gateway(case.meta["url"])))
    headline_hosts = {host_of(unwrap_gateway(url)) for url in site.headline_urls}
    assert headline_hosts <= hosts_with_lists, f"no list fixture for {sorted(headline_hosts - hosts_with_lists)}"


LISTED_IN = {"lists": {"html", "json"}, "feeds": {"feed"}, "sitemaps": {"sitemap", "robots"}}


@pytest.mark.parametrize("site", SITES, ids=lambda s: s.key)
def test_every_declared_source_has_a_fixture_read_as_its_kind(site: StandardSite) -> None:
    fixtures = {case.meta["url"]: case for case in page_cases("list") if case.path.parent.name == site.key}
    for source in site.sources(SOURCE_KINDS):
        case = fixtures.get(source.url)
        assert case is not None, f"{site.key}: no fixture for its {source.kind} source {source.url}"
        result = parse_response(case.response())
        assert isinstance(result, ListResult), case.id
        assert result.listed_in in LISTED_IN[source.kind], f"{case.id} read as {result.listed_in}"
        assert result.articles or result.next, f"{case.id} yields no links"
    assert set(site.discover) <= {source.kind for source in site.sources(SOURCE_KINDS)}, "a default source is not declared"


@pytest.mark.parametrize("site", SITES, ids=lambda s: s.key)
def test_headline_pages_are_list_pages_of_their_own_outlet(site: StandardSite) -> None:
    for url in site.headline_urls:
        assert sites.for_url(url) is site, url
        assert site.is_list_url(url), url
        assert not site.is_article_url(url), url


def test_every_fixture_belongs_to_the_outlet_whose_folder_holds_it() -> None:
    for case in page_cases():
        if case.meta.get("kind") == "robots":
            continue
        owner = sites.for_url(case.meta["url"])
        assert owner is not None and owner.key == case.path.parent.name, case.id


def test_outlets_claim_disjoint_domains() -> None:
    seen: dict[str, str] = {}
    for site in SITES:
        for domain in site.domains:
            assert domain not in seen, f"{domain} claimed by {seen.get(domain)} and {site.key}"
            seen[domain] = site.key


def _css_selectors(site: StandardSite) -> list[str]:
    selectors = [*site.list_scope_css, *site.list_pager_css, *site.headline_blocks_css]
    if site.story_pages is not None:
        selectors.append(site.story_pages.pager_css)
    for layout in site.layouts:
        for name in dir(layout):
            if name.endswith("_css") and (value := getattr(layout, name)):
                selectors.extend([value] if isinstance(value, str) else value)
    return selectors


@pytest.mark.parametrize("site", SITES, ids=lambda s: s.key)
def test_every_selector_compiles(site: StandardSite) -> None:
    # cssselect rejects some CSS (e.g. :nth-of-type on a bare *) only when the selector is used:
    # a typo in a rarely reached fallback must fail here, not in production.
    page = Selector(text="<html><body><p>x</p></body></html>")
    for css in _css_selectors(site):
        page.css(css)


def test_site_argument_selects_outlets_and_all_covers_every_one() -> None:
    async def start_urls(site: str) -> list[str]:
        crawler = get_crawler(HeadlinesSpider)
        spider = HeadlinesSpider.from_crawler(crawler, site=site)
        crawler.spider = spider
        return [request.url async for request in spider.start()]

    everything = asyncio.run(start_urls("all"))
    for site in SITES:
        assert set(site.headline_urls) <= set(everything)
    only = asyncio.run(start_urls("govcn,qiushi"))
    expected = {*sites.get("govcn").headline_urls, *sites.get("qiushi").headline_urls}
    assert set(only) == expected


def _start_urls(settings: dict[str, Any] | None = None, **arguments: str) -> list[str]:
    async def collect() -> list[str]:
        crawler = get_crawler(HeadlinesSpider, settings_dict=settings or {})
        spider = HeadlinesSpider.from_crawler(crawler, **arguments)
        crawler.spider = spider
        return [request.url async for request in spider.start()]

    return asyncio.run(collect())


def test_discover_reads_each_outlets_default_sources_or_the_ones_asked_for() -> None:
    chinanews = sites.get("chinanews")
    assert chinanews.discover == ("lists", "feeds")
    assert _start_urls(site="chinanews") == [*chinanews.headline_urls, *chinanews.feed_urls]
    assert _start_urls(site="chinanews", discover="feeds") == list(chinanews.feed_urls)
    people = sites.get("people")
    assert _start_urls(site="people") == list(people.headline_urls)  # its feeds are stale, its sitemaps slow
    assert _start_urls(site="people", discover="all") == [*people.headline_urls, *people.feed_urls, *people.sitemap_urls]
    assert _start_urls(site="qiushi", discover="sitemaps") == []  # none declared: nothing, and a warning


def test_start_urls_setting_replaces_the_lists_only() -> None:
    override = {"chinanews": ["https://www.chinanews.com.cn/china.shtml"]}
    urls = _start_urls(site="chinanews", settings={"HEADLINES_START_URLS": override})
    assert urls == ["https://www.chinanews.com.cn/china.shtml", *sites.get("chinanews").feed_urls]


def test_sites_command_and_readme_list_every_outlet_and_headline_page() -> None:
    listing = subprocess.run([sys.executable, "-m", "crawler", "sites"], capture_output=True, text=True, check=True).stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for site in SITES:
        assert site.key in listing
        assert f"`{site.key}`" in readme, f"README does not list {site.key}"
        for url in site.headline_urls:
            assert url in listing
            assert url in readme, f"README does not list {url}"


def test_fixture_folders_match_the_registry() -> None:
    folders = {path.name for path in FIXTURES.iterdir() if path.is_dir()}
    assert folders == set(sites.SITES)
