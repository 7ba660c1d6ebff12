"""Offline replay of a crawl: a download handler that answers from saved responses.

`scrapy crawl headlines -a replay=PATH` installs `ReplayDownloadHandler` for http and https, so every
request (robots.txt included) is answered from PATH and nothing reaches the network. PATH is

- a folder of saved pages: each `NAME.meta.json` ({"url", "content_type", "status", "headers"})
  describes the body file next to it (`NAME.html`, or the file named by its "file" key) — the layout
  of tests/fixtures; WARC files inside the folder are read too;
- or a WARC file (`.warc` or `.warc.gz`), read with warcio: its `response` records;
- or several of these, joined with the OS path separator (`a.warc.gz:b.warc.gz`).

A URL that is not in the archive gets a 404 response and is counted in `replay/missing`. A URL
captured more than once is answered with its first capture that was not a server error (a crawl
that retried a 500 got its page on a later attempt). Responses from WARC records carry their
capture time in an `X-Archived-At` header, which the spider keeps as the item's `fetched_at`.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from warcio.archiveiterator import ArchiveIterator

from crawler.helpers.urls import normalized_url

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

_BODY_SUFFIXES = (".html", ".htm", ".shtml", ".txt", ".json", ".xml", ".bin", "")
# Headers describing the transfer, not the content: the stored body is already decoded.
_TRANSFER_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


@dataclass(frozen=True)
class Saved:
    url: str
    status: int
    headers: dict[str, str]
    path: Path
    warc_offset: int | None = None
    archived_at: str | None = None

    def body(self) -> bytes:
        if self.warc_offset is None:
            return self.path.read_bytes()
        with self.path.open("rb") as stream:
            stream.seek(self.warc_offset)
            record = next(iter(ArchiveIterator(stream)))
            body: bytes = record.content_stream().read()
            return body


def _key(url: str) -> str:
    return normalized_url(url)


class ReplayArchive:
    def __init__(self) -> None:
        self._entries: dict[str, Saved] = {}
        self.refused = 0
        """Saved pages whose body file lies outside their folder (not served)."""

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, saved: Saved) -> None:
        # The first capture of a URL wins, as a crawl would have seen it first, unless it was a
        # server error that a retry then got past.
        key = _key(saved.url)
        known = self._entries.get(key)
        if known is None or (known.status >= 500 and saved.status < 500):
            self._entries[key] = saved

    def entries(self) -> list[Saved]:
        return list(self._entries.values())

    def get(self, url: str) -> Saved | None:
        return self._entries.get(_key(url))

    @classmethod
    def load(cls, path: str | Path) -> ReplayArchive:
        archive = cls()
        for part in str(path).split(os.pathsep):
            root = Path(part)
            if root.is_dir():
                for meta in sorted(root.rglob("*.meta.json")):
                    archive._add_folder_entry(meta, root.resolve())
                for warc in sorted([*root.rglob("*.warc"), *root.rglob("*.warc.gz")]):
                    archive._add_warc(warc)
            elif root.is_file():
                archive._add_warc(root)
            else:
                raise FileNotFoundError(f"replay source not found: {root}")
        return archive

    def _add_folder_entry(self, meta_path: Path, root: Path) -> None:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if "url" not in meta:
            return
        stem = meta_path.name.removesuffix(".meta.json")
        if "file" in meta:
            body = (meta_path.parent / str(meta["file"])).resolve()
            # A saved page names its body inside the folder; `../../etc/passwd` is never served.
            if not body.is_relative_to(root):
                self.refused += 1
                logger.warning("replay: %s names a file outside the replay folder (%s); ignored", meta_path, meta["file"])
                return
        else:
            found = next(
                (meta_path.parent / (stem + s) for s in _BODY_SUFFIXES if (meta_path.parent / (stem + s)).is_file()), None
            )
            if found is None:
                logger.warning("replay: no body file next to %s", meta_path)
                return
            body = found
        headers = dict(meta.get("headers") or {})
        if meta.get("content_type"):
            headers.setdefault("Content-Type", meta["content_type"])
        self.add(Saved(url=meta["url"], status=int(meta.get("status", 200)), headers=headers, path=body))

    def _add_warc(self, warc: Path) -> None:
        with warc.open("rb") as stream:
            records = ArchiveIterator(stream)
            for record in records:
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                headers = {name: value for name, value in record.http_headers.headers if name.lower() not in _TRANSFER_HEADERS}
                status = int(record.http_headers.get_statuscode() or 200)
                archived_at = record.rec_headers.get_header("WARC-Date")
                offset = records.get_record_offset()
                self.add(Saved(url=url, status=status, headers=headers, path=warc, warc_offset=offset, archived_at=archived_at))


class ReplayDownloadHandler:
    """Download handler for http/https that never touches the network."""

    lazy = False

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.archive = ReplayArchive.load(crawler.settings["REPLAY_PATH"])
        if self.archive.refused:
            crawler.stats.set_value("replay/refused_outside_folder", self.archive.refused)
        logger.info("replay: %d saved responses from %s", len(self.archive), crawler.settings["REPLAY_PATH"])

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplayDownloadHandler:
        return cls(crawler)

    async def download_request(self, request: Request) -> Response:
        stats = self.crawler.stats
        saved = self.archive.get(request.url)
        if saved is None:
            stats.inc_value("replay/missing")
            logger.debug("replay: not in the archive, answering 404: %s", request.url)
            return Response(url=request.url, status=404, body=b"", request=request, flags=["replay"])
        stats.inc_value("replay/hit")
        body = saved.body()
        headers = Headers(saved.headers)
        if saved.archived_at:
            headers["X-Archived-At"] = saved.archived_at
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return cls(url=request.url, status=saved.status, headers=headers, body=body, request=request, flags=["replay"])

    async def close(self) -> None:
        return None
