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
