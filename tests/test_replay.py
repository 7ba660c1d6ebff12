"""A whole crawl, offline: `scrapy crawl headlines -a replay=…` over the fixture site, folder and WARC."""

from __future__ import annotations

import json
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.store.documents import content_hash
from tests.conftest import FIXTURES, crawl, describe, mismatches

SITE = FIXTURES / "chinacomcn"


def expected_crawl() -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    spec = json.loads((SITE / "crawl.expected.json").read_text(encoding="utf-8"))
    items = {}
    for name in spec["items"]:
        document = json.loads((SITE / name).read_text(encoding="utf-8"))
        document.pop("kind")
        document.pop("more_pages")  # followed by the crawl, not part of the item
        items[document["url"]] = document
    return items, spec["stats"]


def check(items: list[dict[str, Any]], stats: dict[str, Any]) -> None:
    expected_items, expected_stats = expected_crawl()
    by_url = {item["url"]: item for item in items}
    assert len(by_url) == len(items), "an item was produced twice"
    assert sorted(by_url) == sorted(expected_items)
    for url, reviewed in expected_items.items():
        actual = dict(by_url[url])
        # Set by the normalise pipeline: the hash is a function of the body, the time is the fetch's.
        assert actual.pop("content_hash") == content_hash(reviewed)
        assert datetime.fromisoformat(actual.pop("fetched_at")).utcoffset() is not None
        expected = {k: v for k, v in reviewed.items() if k not in ("content_hash", "fetched_at")}
        diff = mismatches(expected, actual)
        assert not diff, f"{url}\n{describe(diff)}"
    for name, value in expected_stats.items():
        assert stats.get(name) == value, f"stat {name}: {stats.get(name)} != {value}"


def test_replay_from_a_folder_gives_exactly_the_expected_items(tmp_path: Path) -> None:
    items, stats = crawl(tmp_path, SITE)
    check(items, stats)
    assert stats["finish_reason"] == "finished"
    # Features off by default (workers, distributed mode, job directory) stay quiet about it.
    log = (tmp_path / "crawl.log").read_text(encoding="utf-8")
    assert "Disabled crawler." not in log


def write_warc(folder: Path, target: Path) -> None:
    with target.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for meta_path in sorted(folder.glob("*.meta.json")):
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            stem = meta_path.name.removesuffix(".meta.json")
            body = next(p for p in folder.iterdir() if p.name.startswith(stem + ".") and not p.name.endswith(".json"))
            headers = StatusAndHeaders("200 OK", [("Content-Type", meta["content_type"])], protocol="HTTP/1.1")
            payload = body.read_bytes()
            # A known length lets warcio digest the payload without a temporary file.
            record = writer.create_warc_record(
                meta["url"], "response", payload=BytesIO(payload), length=len(payload), http_headers=headers
            )
            writer.write_record(record)


def test_replay_from_a_warc_file_gives_the_same_crawl(tmp_path: Path) -> None:
    warc = tmp_path / "site.warc.gz"
    write_warc(SITE, warc)
    items, stats = crawl(tmp_path, warc)
    check(items, stats)


def test_list_page_limit_is_honoured(tmp_path: Path) -> None:
    _, stats = crawl(tmp_path, SITE, "-a", "max_pages=1")
    # Only the three start pages are read as lists; the channels they link to are counted, not entered.
    assert stats["site/chinacomcn/pages/list"] == 3
    assert stats["site/chinacomcn/links/list_pages_beyond_limit"] == 4


def test_replay_with_extraction_workers_gives_the_same_items(tmp_path: Path) -> None:
    items, stats = crawl(tmp_path, SITE, "-s", "EXTRACT_PROCESSES=2")
    check(items, stats)
    # Every list, article and continuation page was parsed in a worker, none again in-process.
    parsed_pages = sum(v for k, v in stats.items() if k.startswith("site/chinacomcn/pages/"))
    assert stats["extract/offloaded"] == parsed_pages
    assert stats["process/extract_workers"] == 2
    assert "extract/worker_errors" not in stats
