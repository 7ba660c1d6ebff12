"""The discovery readers (crawler/discovery/): what a feed, a sitemap, a JSON list and robots.txt list."""

from __future__ import annotations

import json

import pytest

from crawler.discovery.documents import document_kind
from crawler.discovery.feeds import read_feed
from crawler.discovery.jsonlists import MAX_NODES, read_json_list
from crawler.discovery.readers import json_lists_named_in, read_listing
from crawler.discovery.sitemaps import read_sitemap, sitemaps_in_robots
from crawler.discovery.sources import SOURCE_KINDS, chosen_kinds

RSS = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>
<item><title>a</title><link>https://www.chinanews.com.cn/gn/2026/11-30/10530001.shtml</link><pubDate>Mon, 30 Nov 2026 21:13:05 +0800</pubDate></item>
<item><title>b</title><link>/gn/2026/11-30/10530002.shtml</link><pubDate>2026-11-30 20:01:00</pubDate></item>
<item><title>c</title><link>https://www.chinanews.com.cn/gn/2026/11-29/10529000.shtml</link></item>
</channel></rss>"""


@pytest.mark.parametrize(
    ("url", "content_type", "body", "kind"),
    [
        ("https://x.cn/rss/a.xml", "application/rss+xml", RSS, "feed"),
        ("https://x.cn/rss/a.xml", "text/html", RSS, "feed"),  # a feed served as HTML is a feed
        (
            "https://x.cn/feed",
            "",
            b'<?xml version="1.0"?>\n<!-- c -->\n<feed xmlns="http://www.w3.org/2005/Atom"></feed>',
            "feed",
        ),
        ("https://x.cn/a.rdf", "", b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="x"></rdf:RDF>', "feed"),
        ("https://x.cn/sitemap.xml", "application/xml", b"<?xml version='1.0'?><urlset></urlset>", "sitemap"),
        ("https://x.cn/s.xml", "", b"\xef\xbb\xbf<sitemapindex></sitemapindex>", "sitemap"),
        (
            "https://x.cn/rss/a.xml",
            "text/html",
            b"<!DOCTYPE html><html><body>404</body></html>",
            "html",
        ),  # an error page at a feed URL
        ("https://x.cn/a.json", "text/plain", b'[{"URL": "https://x.cn/a.htm"}]', "json"),
        ("https://x.cn/list", "text/plain", b'{"datasource": []}', "json"),  # JSON by its bytes
        ("https://x.cn/list", "text/plain", b"{not json", "html"),
        ("https://x.cn/robots.txt", "text/plain", b"User-agent: *\nSitemap: https://x.cn/s.xml", "robots"),
        ("https://x.cn/", "text/html", b"<html><body>x</body></html>", "html"),
    ],
)
def test_document_kind_is_read_from_the_bytes_first(url: str, content_type: str, body: bytes, kind: str) -> None:
    assert document_kind(url, content_type, body) == kind


def test_a_feed_gives_each_item_its_link_and_date_beijing_time_when_no_zone_is_written() -> None:
    listing = read_feed(RSS, "https://www.chinanews.com.cn/rss/china.xml")
    assert [e.url for e in listing.entries] == [
        "https://www.chinanews.com.cn/gn/2026/11-30/10530001.shtml",
        "https://www.chinanews.com.cn/gn/2026/11-30/10530002.shtml",  # relative link resolved
        "https://www.chinanews.com.cn/gn/2026/11-29/10529000.shtml",
    ]
    dates = [e.published.isoformat() if e.published else None for e in listing.entries]
    # RFC 822 with a zone as written; a bare `2026-11-30 20:01:00` is Beijing time, not UTC; no date: None.
    assert dates == ["2026-11-30T13:13:05+00:00", "2026-11-30T20:01:00+08:00", None]
    assert listing.problem is None


def test_an_atom_feed_names_its_next_page() -> None:
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>w</title>
    <link rel="next" href="?page=2"/>
    <entry><title>a</title><link rel="alternate" href="https://news.cgtn.com/news/2026-11-30/A-1a/index.html"/>
    <updated>2026-11-30T01:00:00Z</updated></entry></feed>"""
    listing = read_feed(atom, "https://www.cgtn.com/subscribe/rss/section/world.xml")
    assert [e.url for e in listing.entries] == ["https://news.cgtn.com/news/2026-11-30/A-1a/index.html"]
    assert [e.url for e in listing.next] == ["https://www.cgtn.com/subscribe/rss/section/world.xml?page=2"]


def test_bytes_that_are_no_feed_say_so() -> None:
    listing = read_feed(b"<html><body>\xe5\x87\xba\xe9\x94\x99</body></html>", "https://x.cn/rss.xml")
    assert listing.entries == []
    assert listing.problem and "not a readable feed" in listing.problem


def test_a_sitemap_index_gives_its_sitemaps_newest_first_and_a_urlset_its_pages_with_alternates() -> None:
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>https://x.cn/s1.xml</loc><lastmod>2026-11-01</lastmod></sitemap>
    <sitemap><loc>https://x.cn/s3.xml</loc></sitemap>
    <sitemap><loc>https://x.cn/s2.xml</loc><lastmod>2026-11-30T10:00:00+08:00</lastmod></sitemap></sitemapindex>"""
    listing = read_sitemap(index, "https://x.cn/sitemap_index.xml")
    assert listing.entries == []
    assert [e.url for e in listing.next] == ["https://x.cn/s2.xml", "https://x.cn/s1.xml", "https://x.cn/s3.xml"]
    urlset = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:xhtml="http://www.w3.org/1999/xhtml"><url><loc>https://x.cn/zh/1.html</loc>
      <xhtml:link rel="alternate" hreflang="zh" href="https://x.cn/zh/1.html"/>
      <xhtml:link rel="alternate" hreflang="en" href="https://x.cn/en/1.html"/></url></urlset>"""
    page = read_sitemap(urlset, "https://x.cn/s2.xml").entries[0]
    assert (page.url, page.alternates, page.published) == ("https://x.cn/zh/1.html", ("https://x.cn/en/1.html",), None)


@pytest.mark.parametrize("body", [b"", b"not xml at all", b"\x00\x01\x02"])
def test_a_sitemap_that_is_not_xml_says_so(body: bytes) -> None:
    listing = read_sitemap(body, "https://x.cn/s.xml")
    assert listing.entries == [] and listing.next == []
    assert listing.problem and "not a readable sitemap" in listing.problem


def test_robots_txt_names_sitemaps_in_order_without_repeats() -> None:
    robots = b"User-agent: *\nDisallow: /*.do*\nSitemap: https://www.cgtn.com/a.xml\nsitemap: /b.xml\nSitemap: https://www.cgtn.com/a.xml\n"
    listing = sitemaps_in_robots(robots, "https://www.cgtn.com/robots.txt")
    assert [e.url for e in listing.next] == ["https://www.cgtn.com/a.xml", "https://www.cgtn.com/b.xml"]


def test_a_json_list_gives_every_link_of_every_row_dated_by_its_row() -> None:
    document = {
        "datasource": [
            {"title": "a", "publishUrl": "/politics/20261130/aa/c.html", "publishTime": "2026-11-30 09:20:11", "linkUrls": []},
            {
                "title": "b",
                "publishUrl": "https://www.news.cn/photo/20261130/bb/c.html",
                "linkUrls": ["https://www.news.cn/politics/20261130/cc/c.html", "/politics/20261130/aa/c.html"],
                "shareImages": [{"imageUrl": "https://www.news.cn/x.jpg"}],
                "publishTime": "2026-11-30 08:02:45",
            },
        ]
    }
    listing = read_json_list(json.dumps(document).encode(), "https://www.news.cn/ds_1.json")
    assert [(e.url, e.published.isoformat() if e.published else None) for e in listing.entries] == [
        ("https://www.news.cn/politics/20261130/aa/c.html", "2026-11-30T09:20:11+08:00"),
        ("https://www.news.cn/photo/20261130/bb/c.html", "2026-11-30T08:02:45+08:00"),
        ("https://www.news.cn/politics/20261130/cc/c.html", "2026-11-30T08:02:45+08:00"),
        ("https://www.news.cn/x.jpg", "2026-11-30T08:02:45+08:00"),  # the site module keeps only its articles
    ]


def test_a_json_list_takes_no_link_a_url_cannot_hold() -> None:
    body = json.dumps([{"URL": "/a/\ud800.htm"}, {"URL": "/a/1.htm", "TIME": 20261130}]).encode()
    listing = read_json_list(body, "https://x.cn/l.json")
    assert [(e.url, e.published) for e in listing.entries] == [("https://x.cn/a/1.htm", None)]  # a bare number is no date


def test_a_json_list_is_read_within_a_budget() -> None:
    huge = json.dumps([{"URL": f"/a/{n}.htm"} for n in range(MAX_NODES)]).encode()
    listing = read_json_list(huge, "https://x.cn/a.json")
    assert 0 < len(listing.entries) < MAX_NODES
    assert listing.problem == f"stopped after {MAX_NODES} values"
    assert read_json_list(b"{oops", "https://x.cn/a.json").problem == "not readable JSON (JSONDecodeError)"


def test_scripts_name_the_json_their_list_loads() -> None:
    script = '$.ajax({url: "./YAOWENLIEBIAO.json", type: "get"}); $.getJSON(\'/zhengce/zuixin/ZUIXINZHENGCE.json?v=3\');'
    assert json_lists_named_in([script, "var x = 1;"], "https://www.gov.cn/yaowen/liebiao/") == [
        "https://www.gov.cn/yaowen/liebiao/YAOWENLIEBIAO.json",
        "https://www.gov.cn/zhengce/zuixin/ZUIXINZHENGCE.json",
    ]


def test_an_unknown_document_kind_is_no_listing() -> None:
    assert read_listing("html", b"<html></html>", "https://x.cn/").problem == "not a list document (html)"


@pytest.mark.parametrize(
    ("spec", "kinds"),
    [
        (None, None),
        ("", None),
        ("default", None),
        ("all", SOURCE_KINDS),
        ("feeds", ("feeds",)),
        ("lists, sitemaps,lists", ("lists", "sitemaps")),
    ],
)
def test_discover_argument(spec: str | None, kinds: tuple[str, ...] | None) -> None:
    assert chosen_kinds(spec) == kinds


@pytest.mark.parametrize("spec", ["rss", "lists,news", ","])
def test_a_wrong_discover_argument_names_the_choices(spec: str) -> None:
    with pytest.raises(ValueError, match="choose from lists, feeds, sitemaps, all"):
        chosen_kinds(spec)
