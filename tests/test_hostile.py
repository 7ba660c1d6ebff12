"""Hostile pages and failing disks (issue: hardened against hostile pages and failing disks).

Each attack that once broke the crawler is here, as a test of the behaviour that holds it off:
no internal fetches, no page that freezes the crawl, no story that bricks the store, no silent loss
on a full disk, no wrong-typed value that crashes a parser, no credential in an archive.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import IgnoreRequest
from twisted.internet.error import DNSLookupError

from bench.faultserver import SiteServer
from bench.sitegen import article_html, article_url
from crawler import sites
from crawler.extraction.decoding import MAX_ELEMENTS
from crawler.extraction.results import ArticleResult, ListResult, OtherResult
from crawler.items import to_jsonable
from crawler.parse import parse_page
from crawler.runtime.guard import PublicOnlyResolver, public_address, refusal
from spiders.headlines import ignored_code
from tests.conftest import subprocess_env
from tests.live import live_command, live_env, stored_documents

CHINACOMCN = sites.get("chinacomcn")
START = "http://news.china.com.cn/node_9100100.htm"


def write_page(folder: Path, name: str, url: str, body: bytes = b"", **meta: Any) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.html").write_bytes(body)
    (folder / f"{name}.meta.json").write_text(
        json.dumps({"url": url, "content_type": "text/html; charset=utf-8", **meta}), encoding="utf-8"
    )


def list_page(urls: list[str]) -> bytes:
    rows = "".join(f'<li><a href="{url}">标题{n}</a></li>' for n, url in enumerate(urls))
    return (
        f'<html><head><meta charset="utf-8"><title>要闻</title></head><body><ul class="list">{rows}</ul></body></html>'.encode()
    )


# -- never fetch what is not an outlet ------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("http://news.china.com.cn/2025-06/05/content_1.htm", False),
        ("http://big5.china.com.cn/gate/big5/news.china.com.cn/2025-06/05/content_1.htm", False),
        ("http://169.254.169.254/latest/meta-data/", True),
        ("http://127.0.0.1:8080/admin", True),
        ("http://[::1]/admin", True),
        ("http://evil.example.org/", True),
        ("http://news.china.com.cn.evil.example.org/", True),
        ("http://big5.china.com.cn/gate/big5/evil.example.org/x", True),  # the gateway may only carry the outlet
        ("file:///etc/passwd", True),
    ],
)
def test_only_the_outlets_own_hosts_may_be_fetched(url: str, refused: bool) -> None:
    assert (refusal(url, CHINACOMCN.allowed_domains()) is not None) == refused


@pytest.mark.parametrize("address", ["10.0.0.5", "127.0.0.1", "169.254.169.254", "192.168.1.1", "::1", "fd00::1", "0.0.0.0"])
def test_an_outlet_name_resolving_to_a_private_address_is_refused(address: str) -> None:
    with pytest.raises(DNSLookupError, match="not a public address"):
        public_address("news.china.com.cn", address)
    assert public_address("news.china.com.cn", "203.119.25.1") == "203.119.25.1"
    assert public_address("proxy.internal", "10.0.0.5", exempt=frozenset({"proxy.internal"})) == "10.0.0.5"


def test_the_resolver_refuses_what_it_has_cached_too() -> None:
    from scrapy.resolver import dnscache

    resolver = PublicOnlyResolver(reactor=None, cache_size=10, timeout=1.0)
    dnscache["poisoned.china.com.cn"] = "10.1.2.3"
    try:
        failures: list[Any] = []
        resolver.getHostByName("poisoned.china.com.cn").addErrback(failures.append)
        (failure,) = failures
        assert failure.check(DNSLookupError)
    finally:
        del dnscache["poisoned.china.com.cn"]


def test_a_headline_page_redirecting_inside_the_network_is_never_followed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    story = article_url(1)
    write_page(site, "list", START, list_page([story, "http://news.china.com.cn/2025-06/05/content_2.htm"]))
    write_page(site, "story", story, article_html(1, 1, "utf-8").encode())
    write_page(site, "moved", "http://news.china.com.cn/2025-06/05/content_2.htm", redirect="http://evil.example.org/")
    for name, target in (("meta", "http://169.254.169.254/latest/meta-data/"), ("admin", "http://127.0.0.1:9/admin")):
        write_page(site, name, f"http://news.china.com.cn/node_{name}.htm", redirect=target)
    starts = [START, "http://news.china.com.cn/node_meta.htm", "http://news.china.com.cn/node_admin.htm"]
    write_page(site, "robots", "http://news.china.com.cn/robots.txt", b"User-agent: *\nAllow: /\n", content_type="text/plain")
    with SiteServer.from_folder(site) as server:
        command = live_command(tmp_path, "-s", f"STATS_FILE={tmp_path / 'stats.json'}", start_url=START)
        command += ["-s", f"HEADLINES_START_URLS={json.dumps({'chinacomcn': starts})}"]
        done = subprocess.run(
            command, cwd=tmp_path, env=live_env(server), capture_output=True, text=True, timeout=120, check=False
        )
        asked = set(server.log.attempts)
    assert done.returncode == 0, done.stderr[-3000:]
    stats = json.loads((tmp_path / "stats.json").read_text(encoding="utf-8"))
    assert stats["site/chinacomcn/ignored/offsite_redirect"] == 3
    assert not {"169.254.169.254/latest/meta-data/", "127.0.0.1/admin", "evil.example.org/"} & asked, asked
    archived = b"".join(gzip.decompress(p.read_bytes()) for p in (tmp_path / "warc").glob("*.warc.gz"))
    assert b"169.254.169.254" not in archived.replace(b"Location: http://169.254.169.254", b"")
    assert [d["url"] for d in stored_documents(tmp_path)] == [story]


def test_a_replay_folder_never_serves_a_file_outside_itself(tmp_path: Path) -> None:
    from crawler.runtime.replay import ReplayArchive

    folder = tmp_path / "saved"
    write_page(folder, "story", article_url(1), article_html(1, 1, "utf-8").encode())
    write_page(folder, "escape", "http://news.china.com.cn/2025-06/05/content_9.htm", file="../../../../etc/passwd")
    archive = ReplayArchive.load(folder)
    assert archive.get("http://news.china.com.cn/2025-06/05/content_9.htm") is None
    assert archive.refused == 1
    assert archive.get(article_url(1)) is not None


# -- no page can freeze the crawl -----------------------------------------------------------------


def _huge(paragraphs: int, tag: str) -> bytes:
    body = "".join(f"<p>第{i}段。</p>" for i in range(paragraphs)) if tag == "p" else "第一行<br>" * paragraphs
    return (
        f"<html><head><meta charset='utf-8'><title>大</title></head><body><div id='artibody'>{body}</div></body></html>".encode()
    )


@pytest.mark.parametrize("tag", ["p", "br"])
def test_a_page_of_hundreds_of_thousands_of_paragraphs_is_refused_not_parsed(tag: str) -> None:
    result = parse_page("http://news.china.com.cn/2025-06/05/content_1.htm", _huge(300_000, tag))
    assert isinstance(result, OtherResult)
    assert result.code == "too_large"
    assert result.reason.startswith("too large to read (3000") and f"the limit is {MAX_ELEMENTS})" in result.reason


def test_a_long_page_under_the_limit_keeps_every_paragraph_and_its_languages_in_order() -> None:
    paragraphs = [
        f"<p>第{i}段讲述两国合作的具体成果。</p>" if i % 2 else f"<p>Paragraph {i} tells of the results.</p>"
        for i in range(20_000)
    ]
    page = f"<html><head><meta charset='utf-8'><title>合作</title></head><body><h1>合作</h1><div id='artibody'>{''.join(paragraphs)}</div></body></html>"
    result = parse_page("https://example.org/2025/06/05/a.html", page.encode())
    assert isinstance(result, ArticleResult)
    assert result.item.languages == ["zh-Hans", "en"]
    assert len(result.item.body["zh"]) + len(result.item.body["en"]) == 20_000


# -- values of the wrong type or shape ------------------------------------------------------------


@pytest.mark.parametrize(
    "headline",
    [2025, ["习近平会见卢卡申科", "别名"], {"@value": "习近平会见卢卡申科"}, None, True, {"x": [1]}, "习近平会见\ud800卢卡申科"],
)
@pytest.mark.parametrize("published", [20250605, ["2025-06-05T09:19:00+08:00"], {"@value": "2025-06-05"}, None])
def test_json_ld_of_any_type_never_crashes_the_generic_extractor(headline: Any, published: Any) -> None:
    ld = json.dumps({"@type": "NewsArticle", "headline": headline, "datePublished": published})
    page = (
        f'<html><head><meta charset="utf-8"><script type="application/ld+json">{ld}</script></head><body>'
        '<div class="content">'
        + "<p>国家主席习近平5日在北京人民大会堂同白俄罗斯总统卢卡申科举行会谈，双方同意深化合作。</p>" * 4
        + "</div></body></html>"
    )
    result = parse_page("https://example.org/2025/06/05/a.html", page.encode("utf-8", errors="surrogatepass"))
    assert isinstance(result, ArticleResult)
    text = json.dumps(to_jsonable(result.item), ensure_ascii=False)
    text.encode("utf-8")  # no lone surrogate survives: the journal writes UTF-8
    assert "\ufffd" not in text


def test_a_json_list_of_odd_types_gives_only_the_real_links() -> None:
    good = "https://www.news.cn/politics/20250605/0a1b2c3d4e5f60718293a4b5c6d7e8f9/c.html"
    feed = {
        "datasource": [
            {"publishUrl": good},
            {"publishUrl": 12345},
            {"publishUrl": None},
            {"publishUrl": ["https://www.news.cn/politics/20250605/1a1b2c3d4e5f60718293a4b5c6d7e8f9/c.html"]},
            {"publishUrl": {"nested": True}},
            {"publishUrl": "https://www.news.cn/politics/20250605/\ud800/c.html"},
            "not an object",
            42,
        ]
    }
    result = parse_page(
        "https://www.news.cn/politics/ds_abc123.json", json.dumps(feed).encode(), {"Content-Type": "application/json"}
    )
    assert isinstance(result, ListResult)
    assert result.articles == [good, "https://www.news.cn/politics/20250605/1a1b2c3d4e5f60718293a4b5c6d7e8f9/c.html"]
    for shape in ([1, 2], {"datasource": {"a": 1}}, "text", None):
        assert parse_page("https://www.news.cn/politics/ds_x.json", json.dumps(shape).encode()).kind == "list"


@pytest.mark.parametrize("declared", ["text/html; charset=gbk", "text/html; charset=gb2312", "text/html; charset=GB2312"])
def test_big5_bytes_served_as_a_gb_charset_are_read_as_big5(declared: str) -> None:
    title = "習近平會見白俄羅斯總統盧卡申科"
    page = (
        f"<html><head><title>{title}</title></head><body><h1>{title}</h1><div class='artCon'><!--enpcontent-->"
        "<p>國家主席習近平5日在北京人民大會堂同白俄羅斯總統盧卡申科舉行會談。雙方一致同意深化全面戰略夥伴關係。</p>"
        "<p>兩國元首共同見證了多項合作文件的簽署。</p><!--/enpcontent--></div></body></html>"
    )
    result = parse_page("http://news.china.com.cn/2025-06/05/content_1.htm", page.encode("big5"), {"Content-Type": declared})
    assert isinstance(result, ArticleResult)
    assert result.item.title == {"zh": title}
    assert "decoding: bytes are not gb18030 as declared; decoded as big5hkscs" in result.item.warnings


def test_real_gbk_pages_are_left_as_they_are() -> None:
    page = "<html><head><title>会见</title></head><body><h1>会见</h1><div class='artCon'><!--enpcontent--><p>国家主席习近平5日在北京同白俄罗斯总统举行会谈，双方同意深化合作。喆</p><!--/enpcontent--></div></body></html>"
    result = parse_page(
        "http://news.china.com.cn/2025-06/05/content_1.htm", page.encode("gbk"), {"Content-Type": "text/html; charset=gbk"}
    )
    assert isinstance(result, ArticleResult)
    assert not [w for w in result.item.warnings if w.startswith("decoding")]


# -- identity and stat names ----------------------------------------------------------------------


def test_one_story_however_its_path_is_spelled() -> None:
    spellings = [
        "http://news.china.com.cn/2025-06/05/content_117911710.htm",
        "http://news.china.com.cn/./2025-06/05/content_117911710.htm",
        "http://news.china.com.cn/2025-06/02/../05/content_117911710.htm",
        "http://news.china.com.cn/2025%2D06/05/content_117911710.htm",
        "http://news.china.com.cn/2025-06/05/./content_117911710.htm?spm=x",
    ]
    assert len({CHINACOMCN.key_for(url) for url in spellings}) == 1


def test_stat_names_never_carry_a_url_or_a_message() -> None:
    size_cap = IgnoreRequest(
        "Ignored response <200 http://news.china.com.cn/2025-06/05/content_1.htm> because its body (1000 B compressed,"
        " 9000000 B decompressed so far) exceeded DOWNLOAD_MAXSIZE (8388608 B) during decompression."
    )
    assert ignored_code(size_cap) == "too_large"
    assert ignored_code(IgnoreRequest("Forbidden by robots.txt")) == "forbidden_by_robots_txt"
    assert ignored_code(IgnoreRequest("Filtered offsite request to 'x.org'")) == "offsite"
    assert ignored_code(IgnoreRequest("something new about http://a.example/x")) == "ignore_request"


# -- credentials ----------------------------------------------------------------------------------


def test_a_proxy_login_never_reaches_the_archive(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_page(site, "list", START, list_page([article_url(1)]))
    write_page(site, "story", article_url(1), article_html(1, 1, "utf-8").encode())
    with SiteServer.from_folder(site) as server:
        proxy = server.proxy.replace("http://", "http://archiver:pr0xy-s3cret@")
        command = live_command(tmp_path, "-s", f"STATS_FILE={tmp_path / 'stats.json'}", start_url=START)
        done = subprocess.run(
            command, cwd=tmp_path, env=live_env(server, {"http_proxy": proxy, "HTTP_PROXY": proxy}),
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    archived = b"".join(gzip.decompress(p.read_bytes()) for p in (tmp_path / "warc").glob("*.warc.gz"))
    assert b"Proxy-Authorization: ***" in archived
    secret = base64.b64encode(b"archiver:pr0xy-s3cret")
    for written in [archived, *(p.read_bytes() for p in tmp_path.glob("*.log")), (tmp_path / "stats.json").read_bytes()]:
        assert secret not in written and b"pr0xy-s3cret" not in written


def test_secret_uri_options_never_reach_logs_or_command_errors(tmp_path: Path) -> None:
    uri = "mongodb://127.0.0.1:9/?tls=true&tlsCertificateKeyFilePassword=k3y-s3cret&serverSelectionTimeoutMS=200"
    crawl = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "headlines", "-a", "site=chinacomcn", "-s", "MONGO_SERVER_TIMEOUT_MS=200"],
        cwd=tmp_path, env=subprocess_env({"MONGO_URI": uri}), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    export = subprocess.run(
        [sys.executable, "-m", "crawler", "export", "-s", f"MONGO_URI={uri}", "-s", "MONGO_SERVER_TIMEOUT_MS=200"],
        cwd=tmp_path, env=subprocess_env(), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert crawl.returncode == 1 and export.returncode == 2
    assert "tlsCertificateKeyFilePassword=***" in crawl.stderr + export.stderr
    assert "k3y-s3cret" not in crawl.stderr + crawl.stdout + export.stderr + export.stdout


# -- no story can brick the store -----------------------------------------------------------------


def _site_with_a_giant_story(folder: Path, stories: int) -> tuple[list[str], str]:
    urls = [article_url(n) for n in range(stories)]
    write_page(folder, "list", START, list_page(urls))
    for n, url in enumerate(urls[1:], start=1):
        write_page(folder, f"a{n}", url, article_html(n, 1, "utf-8").encode())
    giant = article_html(0, 1, "utf-8").replace(
        "<!--enpcontent-->", "<!--enpcontent-->" + "<p>很长的一段文字。" * 2000 + "</p>" * 2000
    )
    write_page(folder, "a0", urls[0], giant.encode())
    return urls, urls[0]


def test_a_story_the_store_cannot_keep_is_quarantined_and_blocks_nothing(tmp_path: Path) -> None:
    urls, giant = _site_with_a_giant_story(tmp_path / "site", 6)
    budget = ["-s", "STORE_DOCUMENT_BUDGET=65536", "-s", "STORE_BATCH_SIZE=3"]
    with SiteServer.from_folder(tmp_path / "site") as server:
        for run in (1, 2):  # the second run is not blocked by the first's refusal, and tries again
            stats_file = tmp_path / f"stats-{run}.json"
            command = live_command(tmp_path, "-s", f"STATS_FILE={stats_file}", *budget, start_url=START)
            done = subprocess.run(
                command, cwd=tmp_path, env=live_env(server), capture_output=True, text=True, timeout=120, check=False
            )
            assert done.returncode == 0, done.stderr[-3000:]
            stats = json.loads(stats_file.read_text(encoding="utf-8"))
            assert stats["store/quarantined"] == 1
            assert stats.get("store/inserted", 0) == (5 if run == 1 else 0)
    assert sorted(d["url"] for d in stored_documents(tmp_path)) == sorted(u for u in urls if u != giant)
    files = sorted((tmp_path / "spill").glob("quarantine-*.jsonl"))
    assert len(files) == 2  # one per run, each with the story and why
    lines = [json.loads(line) for p in files for line in p.read_text(encoding="utf-8").splitlines()]
    assert [line["record"]["url"] for line in lines] == [giant, giant]
    assert all("the limit is 65536" in line["reason"] for line in lines)
    assert not list((tmp_path / "spill").glob("journal-*.jsonl"))


def test_a_pager_that_never_ends_stops_at_the_story_page_cap(tmp_path: Path) -> None:
    site = tmp_path / "site"
    first = "http://news.china.com.cn/2025-06/05/content_130000001.htm"
    write_page(site, "list", START, list_page([first]))
    for page in range(1, 31):  # every page links the next: an endless story
        url = first if page == 1 else first.replace(".htm", f"_{page}.htm")
        html = article_html(page, 1, "utf-8").replace(
            "<!--/enpcontent-->",
            f'<!--/enpcontent--><div id="autopage"><a href="content_130000001_{page + 1}.htm">下一页</a></div>',
        )
        write_page(site, f"p{page}", url, html.encode())
    with SiteServer.from_folder(site) as server:
        command = live_command(
            tmp_path, "-s", f"STATS_FILE={tmp_path / 'stats.json'}", "-s", "HEADLINES_MAX_STORY_PAGES=5", start_url=START
        )
        done = subprocess.run(
            command, cwd=tmp_path, env=live_env(server), capture_output=True, text=True, timeout=120, check=False
        )
        fetched = sorted(key for key in server.log.attempts if "content_130000001" in key)
    assert done.returncode == 0, done.stderr[-3000:]
    stats = json.loads((tmp_path / "stats.json").read_text(encoding="utf-8"))
    assert stats["site/chinacomcn/pages/story_page_cap"] == 1
    assert len(fetched) == 5
    (story,) = stored_documents(tmp_path)
    assert len(story["page_urls"]) == 5
    assert "pages: stopped after 5 pages (HEADLINES_MAX_STORY_PAGES); 1 more not fetched" in story["warnings"]


# -- a full disk loses nothing silently -----------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Any:
    """A 3 MB filesystem (tmpfs) when this machine lets the test mount one, else None."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True, check=False)
    if done.returncode != 0:
        yield None
        return
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_stops_the_crawl_as_failed_and_the_next_run_stores_every_story_once(tmp_path: Path, small_disk: Any) -> None:
    from bench.sitegen import generate
    from crawler.ops.cron import EXIT_FAILED, verdict

    links = generate(tmp_path / "site", articles=300)
    keys = {CHINACOMCN.key_for(url) for url in links}
    if small_disk is not None:
        data = small_disk
        paths = [
            "-s",
            f"EMBEDDED_STORE_PATH={data / 'store.sqlite3'}",
            "-s",
            f"SPILL_DIR={data / 'spill'}",
            "-s",
            f"WARC_DIR={data / 'warc'}",
        ]
    else:  # no mount allowed here: the archive's writes fail at once instead (ENOTDIR)
        data = tmp_path / "data"
        paths = [
            "-s",
            f"EMBEDDED_STORE_PATH={data / 'store.sqlite3'}",
            "-s",
            f"SPILL_DIR={data / 'spill'}",
            "-s",
            "WARC_DIR=/dev/full/warc",
        ]
    fast = ["-s", "STORE_RETRY_TIMES=1", "-s", "STORE_RETRY_BACKOFF=0.1", "-s", "STORE_BATCH_SIZE=20", "-a", "max_pages=100"]
    with SiteServer.from_folder(tmp_path / "site") as server:
        first = tmp_path / "first"
        first.mkdir()
        command = live_command(first, "-s", f"STATS_FILE={first / 'stats.json'}", *fast) + paths
        done = subprocess.run(command, cwd=first, env=live_env(server), capture_output=True, text=True, timeout=300, check=False)
        stats = json.loads((first / "stats.json").read_text(encoding="utf-8"))
        assert done.returncode == 1, done.stderr[-3000:]
        assert stats["finish_reason"] == "write_failed"
        assert stats["run/status"] == "failed"
        assert "cannot write" in stats["run/cause"] and "free disk space, then run again" in stats["run/cause"]
        assert done.stderr.splitlines()[-1].startswith("error: the crawl stopped on an error (write_failed): cannot write")
        assert "Traceback" not in (first / "crawl.log").read_text(encoding="utf-8")
        status, lines = verdict(done.returncode, stats)
        assert status == EXIT_FAILED and lines[0].startswith("failed: the crawl stopped on an error (write_failed)")

        # Space is freed (the data moves to a bigger disk); the next run stores what the first could not.
        second = tmp_path / "second"
        shutil.copytree(data, second / "data", ignore=shutil.ignore_patterns("warc"))
        command = live_command(second, "-s", f"STATS_FILE={second / 'stats.json'}", *fast)
        command += [
            "-s",
            f"EMBEDDED_STORE_PATH={second / 'data' / 'store.sqlite3'}",
            "-s",
            f"SPILL_DIR={second / 'data' / 'spill'}",
        ]
        done = subprocess.run(command, cwd=second, env=live_env(server), capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
    again = json.loads((second / "stats.json").read_text(encoding="utf-8"))
    assert again["run/status"] == "finished"
    assert again.get("store/not_kept", 0) == 0  # what the full disk kept from being saved was fetched again
    from crawler.store import EmbeddedStore

    store = EmbeddedStore(second / "data" / "store.sqlite3")
    store.open()
    try:
        documents = list(store.documents())
    finally:
        store.close()
    assert sorted(d["_id"] for d in documents) == sorted(keys)  # every story, once
    assert all(d["revision"] == 1 for d in documents)


def test_a_journal_that_cannot_be_written_stops_the_crawl_with_the_cause(tmp_path: Path) -> None:
    from scrapy.utils.test import get_crawler

    from pipelines.store import StorePipeline

    crawler = get_crawler(
        settings_dict={"EMBEDDED_STORE_PATH": str(tmp_path / "s.sqlite3"), "SPILL_DIR": str(tmp_path / "spill")}
    )
    crawler.stats.open_spider()
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    original = pipeline.journal._file
    assert original is not None
    full = Path("/dev/full").open("a", encoding="utf-8")  # noqa: SIM115  # every write: ENOSPC, closing too
    pipeline.journal._file = full
    try:
        pipeline._hold({"type": "article", "url": "http://news.china.com.cn/2025-06/05/content_1.htm", "key": "k"})
    finally:
        pipeline.journal._file = original
        with contextlib.suppress(OSError):
            full.close()
    original.close()
    pipeline.store.close()
    assert "cannot write the journal" in crawler.stats.get_value("run/cause")
    assert "No space left on device" in crawler.stats.get_value("run/cause")
    assert len(pipeline.buffer) == 1 and len(pipeline.unjournalled) == 1  # still held, and known not durable


def test_a_torn_journal_is_read_up_to_its_last_whole_record(tmp_path: Path) -> None:
    from crawler.runtime import journal

    path = tmp_path / "journal-dead.jsonl"
    whole = [json.dumps({"type": "article", "key": f"k{n}", "title": {"zh": "标题"}}, ensure_ascii=False) for n in range(3)]
    torn = json.dumps({"type": "article", "key": "k3", "title": {"zh": "标题"}}, ensure_ascii=False).encode()
    path.write_bytes(("\n".join(whole) + "\n").encode() + torn[: torn.index("标".encode()) + 1])  # cut mid-character
    records, torn_lines = journal.read_counting(path)
    assert [r["key"] for r in records] == ["k0", "k1", "k2"]
    assert torn_lines == 1
