"""Per outlet, a replayed crawl finds stories through each source it declares (lists, feeds, sitemaps).

The replay folder is the outlet's fixture folder: its list pages, JSON lists, feeds, sitemaps and
robots.txt sit at the URLs the module declares, and its article fixtures at the URLs they list.
"""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING, Any

import pytest

from crawler import sites
from crawler.discovery.sources import SOURCE_KINDS
from crawler.runtime.extensions import per_site
from crawler.runtime.health import assess
from tests.conftest import FIXTURES, crawl

if TYPE_CHECKING:
    from pathlib import Path

DECLARED = [(site.key, kind) for site in sites.SITES.values() for kind in SOURCE_KINDS if site.sources((kind,))]


def replay_crawl(tmp_path: Path, key: str, *extra: str) -> dict[str, Any]:
    folder = tmp_path / "replay"
    shutil.copytree(FIXTURES / key, folder)
    # Fixtures are dated 2025: no link is too old to follow here, and staleness is judged apart.
    _, stats = crawl(tmp_path, folder, "-a", f"site={key}", "-s", "HEADLINES_MAX_LINK_AGE=0", *extra)
    return stats


@pytest.mark.parametrize(("key", "kind"), DECLARED, ids=[f"{k}-{s}" for k, s in DECLARED])
def test_each_declared_source_leads_to_stored_stories(tmp_path: Path, key: str, kind: str) -> None:
    stats = replay_crawl(tmp_path, key, "-a", f"discover={kind}", "-s", "HEADLINES_STALE_SOURCE_AFTER=0")
    assert stats.get(f"site/{key}/sources/{kind}/pages", 0) >= 1, "no document of this source was read"
    assert stats.get(f"site/{key}/sources/{kind}/articles", 0) >= 1, "the source listed no story"
    assert stats.get(f"site/{key}/sources/{kind}/items", 0) >= 1, "no story found through it was stored"
    others = [name for name in stats if name.startswith(f"site/{key}/sources/") and f"/sources/{kind}/" not in name]
    assert others == [], "a source that was not asked for was read"


def test_a_story_listed_by_every_source_is_fetched_once(tmp_path: Path) -> None:
    stats = replay_crawl(tmp_path, "cgtn", "-a", "discover=all", "-s", "HEADLINES_STALE_SOURCE_AFTER=0")
    # The two stories are on the home page, the China section, the feeds and the news sitemap.
    assert stats["site/cgtn/items"] == 2
    assert stats["site/cgtn/links/already_queued"] >= 4
    assert stats.get("downloader/response_status_count/200", 0) <= 12


def test_a_story_listed_in_another_url_form_is_not_fetched_again(tmp_path: Path) -> None:
    # The home page links https://www.chinadaily.com.cn/a/…/WS6841b2c3….html; the feed lists the
    # same story over http: one story, one fetch, and no request for the http form.
    stats = replay_crawl(
        tmp_path, "chinadaily", "-a", "discover=lists,feeds", "-s", "HEADLINES_STALE_SOURCE_AFTER=0", "-s", "LOG_LEVEL=DEBUG"
    )
    assert stats["site/chinadaily/links/already_queued"] >= 2
    log = (tmp_path / "crawl.log").read_text(encoding="utf-8")  # Scrapy logs each response at DEBUG
    assert "<GET https://www.chinadaily.com.cn/a/202506/06/WS6841b2c3a31082fc043c7b08.html>" in log
    assert "<GET http://www.chinadaily.com.cn/a/202506/06/WS6841b2c3a31082fc043c7b08.html>" not in log


def test_a_stale_feed_and_a_blocked_story_degrade_the_run_and_say_why(tmp_path: Path) -> None:
    stats = replay_crawl(tmp_path, "people", "-a", "discover=feeds")
    assert stats["site/people/sources/stale/feed"] == 1  # its newest item is from 2025-06-05
    assert stats["site/people/blocked/waf"] == 1  # c1001-40493001 answers with the WAF page
    # A replayed run is not judged (it says nothing of the site today): judge its figures here.
    findings = {finding.check: finding.message for finding in assess(per_site(stats), [], ["people"])}
    assert findings["blocked"] == "the outlet refused us: waf (1)"
    assert findings["stale_sources"] == "stale feed: newest entry older than HEADLINES_STALE_SOURCE_AFTER"


def test_links_older_than_the_limit_are_not_followed(tmp_path: Path) -> None:
    _, stats = crawl(
        tmp_path,
        FIXTURES / "govcn",
        "-a",
        "site=govcn",
        "-s",
        "HEADLINES_MAX_LINK_AGE=3650d",  # everything but nothing older than ten years
    )
    assert stats.get("site/govcn/links/older_than_limit", 0) == 0
    again = tmp_path / "again"
    again.mkdir()
    _, stats = crawl(again, FIXTURES / "govcn", "-a", "site=govcn", "-s", "HEADLINES_MAX_LINK_AGE=1d")
    # Every row of both JSON lists is from 2024-2025: none is followed; the English list is undated.
    english = json.loads((FIXTURES / "govcn/list_en_topnews.expected.json").read_text(encoding="utf-8"))["articles"]
    assert stats["site/govcn/links/older_than_limit"] == 7
    assert stats["site/govcn/sources/lists/articles"] == len(english)
