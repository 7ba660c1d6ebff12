"""WARC archive of every exchange with the sites: what was asked and what was served, byte for byte.

`WarcArchiveMiddleware` sits next to the downloader (after retries, redirects and decompression in
Scrapy's response order), so it records each HTTP exchange as it happened: the request as sent and
the response as received, content-encoded body included, 3xx and 5xx included, robots.txt included.
Files are gzip-compressed WARC 1.1 (warcio), named `headlines-<start>-<n>.warc.gz` in WARC_DIR and
rotated when they pass WARC_MAX_BYTES. Responses answered from an archive (replay, reparse) are not
written again.

The same files feed `scrapy crawl headlines -a replay=FILE.warc.gz` and `python -m crawler reparse`.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import IO, TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

# Twisted has already undone chunking; the length is set from the body as recorded.
_DROP_RESPONSE_HEADERS = frozenset({"transfer-encoding", "content-length"})


class WarcFiles:
    """Rotating gzip WARC files."""

    def __init__(self, directory: str | Path, max_bytes: int, software: str) -> None:
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.software = software
        self.prefix = f"headlines-{datetime.now(UTC):%Y%m%dT%H%M%S}-{os.getpid()}"
        self.sequence = 0
        self.stream: IO[bytes] | None = None
        self.writer: WARCWriter | None = None
        self.paths: list[Path] = []

    def _open_next(self) -> WARCWriter:
        self.close()
        self.sequence += 1
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{self.prefix}-{self.sequence:05d}.warc.gz"
        self.stream = path.open("xb")
        self.writer = WARCWriter(self.stream, gzip=True, warc_version="1.1")
        info = {"software": self.software, "format": "WARC File Format 1.1", "isPartOf": self.prefix}
        self.writer.write_record(self.writer.create_warcinfo_record(path.name, info))
        self.paths.append(path)
        return self.writer

    def writer_for_next_record(self) -> WARCWriter:
        if self.writer is None or self.stream is None or self.stream.tell() >= self.max_bytes:
            return self._open_next()
        return self.writer

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
        self.stream, self.writer = None, None


def _header_pairs(headers: object) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, values in headers.items():  # type: ignore[attr-defined]
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return pairs


class WarcArchiveMiddleware:
    def __init__(self, crawler: Crawler, files: WarcFiles) -> None:
        self.crawler = crawler
        self.files = files

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiveMiddleware:
        settings = crawler.settings
        if not settings.getbool("WARC_ENABLED") or not settings.get("WARC_DIR"):
            raise NotConfigured("WARC_ENABLED is off")
        files = WarcFiles(
            settings["WARC_DIR"], settings.getint("WARC_MAX_BYTES", 256 * 1024 * 1024), settings.get("USER_AGENT", "")
        )
        middleware = cls(crawler, files)
        crawler.signals.connect(middleware.closed, signal=signals.spider_closed)
        return middleware

    def process_response(self, request: Request, response: Response) -> Response:
        if "replay" in response.flags or "cached" in response.flags:
            return response
        try:
            self._record(request, response)
        except OSError as error:
            # The crawl goes on; the gap in the archive is counted and logged, never silent.
            self.crawler.stats.inc_value("warc/write_errors")
            logger.error("cannot write %s to the WARC archive: %s", response.url, error)
        return response

    def _record(self, request: Request, response: Response) -> None:
        writer = self.files.writer_for_next_record()
        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request_headers = [("Host", parts.netloc), *_header_pairs(request.headers)]
        request_record = writer.create_warc_record(
            request.url,
            "request",
            payload=BytesIO(request.body or b""),
            http_headers=StatusAndHeaders(f"{request.method} {target} HTTP/1.1", request_headers, is_http_request=True),
        )
        response_headers = [(n, v) for n, v in _header_pairs(response.headers) if n.lower() not in _DROP_RESPONSE_HEADERS]
        response_headers.append(("Content-Length", str(len(response.body))))
        protocol = response.protocol or "HTTP/1.1"
        # One timestamp for the record and the item: a story replayed from this archive later gets
        # the same fetched_at as the live crawl gave it.
        fetched_at = datetime.now(UTC)
        request.meta["fetched_at"] = fetched_at.isoformat()
        warc_headers = {"WARC-Date": fetched_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
        if response.ip_address:
            warc_headers["WARC-IP-Address"] = str(response.ip_address)
        response_record = writer.create_warc_record(
            response.url,
            "response",
            payload=BytesIO(response.body),
            http_headers=StatusAndHeaders(f"{response.status} {_reason(response.status)}", response_headers, protocol=protocol),
            warc_headers_dict=warc_headers,
        )
        writer.write_request_response_pair(request_record, response_record)
        self.crawler.stats.inc_value("warc/records", 2)
        self.crawler.stats.inc_value("warc/bytes", len(response.body))

    def closed(self) -> None:
        self.files.close()
        if self.files.paths:
            self.crawler.stats.set_value("warc/files", [str(p) for p in self.files.paths])
            logger.info("archived the crawl's responses in %d WARC file(s) under %s", len(self.files.paths), self.files.directory)


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
