"""Politeness as a site operator sees it: robots.txt rules and Crawl-delay obeyed, an identifying
User-Agent, no request for pages of other sites."""

from __future__ import annotations

import itertools
from pathlib import Path

from bench.faultserver import SiteServer
from bench.sitegen import generate
from tests.live import live_crawl


def test_robots_rules_crawl_delay_user_agent_and_offsite_links(tmp_path: Path) -> None:
    links = generate(tmp_path / "site", articles=5, per_page=40)
    site = tmp_path / "site"
    (site / "robots.txt").write_text("User-agent: *\nCrawl-delay: 1\nDisallow: /2025-06/03/\n")
    # The list also links a story of another site and a page robots.txt forbids.
    listing = site / "list1.html"
    offsite = "http://www.example.org/2025-06/01/content_1.htm"
    listing.write_bytes(listing.read_bytes().replace(b"</ul>", f'<li><a href="{offsite}">x</a></li></ul>'.encode()))
    forbidden = [url for url in links if "/2025-06/03/" in url]
    assert forbidden

    with SiteServer.from_folder(site) as server:
        # The test's fast settings turn the delays off: only robots.txt can make the crawl wait.
        stats = live_crawl(
            tmp_path, server, "-s", "HEADLINES_CONTACT=ops@example.org", env={"HEADLINES_CONTACT": "ops@example.org"}
        )
        times = [t for t, url in server.log.times if url.startswith("news.china.com.cn") and not url.endswith("robots.txt")]
        requested = set(server.log.attempts)
        agents = server.log.user_agents

    assert stats["politeness/crawl_delay/news.china.com.cn"] == 1.0
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert len(gaps) >= 4
    assert min(gaps) >= 0.9, gaps
    assert not any(url.startswith("www.example.org") for url in requested)
    assert not any(url.removeprefix("http://") in requested for url in forbidden)
    assert stats["robotstxt/forbidden"] == len(forbidden)
    assert agents and all("headlines/" in agent and "ops@example.org" in agent for agent in agents), agents


def _robots_delay(settings: dict[str, object], crawl_delay: int) -> tuple[dict[str, float], dict[str, object]]:
    """What PoliteRobotsTxtMiddleware makes of a robots.txt asking for `crawl_delay` seconds."""
    from scrapy import Request
    from scrapy.robotstxt import ProtegoRobotParser
    from scrapy.utils.test import get_crawler

    from crawler.runtime.politeness import PoliteRobotsTxtMiddleware

    crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True, **settings})
    middleware = PoliteRobotsTxtMiddleware(crawler)
    parser = ProtegoRobotParser(f"User-agent: *\nCrawl-delay: {crawl_delay}\n".encode(), None)
    middleware.process_request_2(parser, Request("http://www.people.com.cn/", meta={"download_slot": "people"}))
    return middleware.delays, crawler.stats.get_stats()


def test_a_long_crawl_delay_is_honoured_in_full() -> None:
    delays, stats = _robots_delay({}, 120)
    assert delays == {"people": 120.0}
    assert stats["politeness/crawl_delay/www.people.com.cn"] == 120
    assert not any(name.startswith("politeness/crawl_delay_overridden") for name in stats)


def test_only_an_explicit_setting_caps_it_and_the_run_says_so() -> None:
    delays, stats = _robots_delay({"HEADLINES_MAX_CRAWL_DELAY": "30"}, 120)
    assert delays == {"people": 30.0}
    assert stats["politeness/crawl_delay_overridden/www.people.com.cn"] == 120
