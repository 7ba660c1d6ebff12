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
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import IO, TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured
from warcio.statusandheaders import StatusAndHeaders

from crawler.runtime.compat import LeveledWARCWriter
from crawler.runtime.stop import WRITE_FAILED, stop_crawl, write_failed_cause

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from warcio.warcwriter import WARCWriter

logger = logging.getLogger(__name__)

# Twisted has already undone chunking; the length is set from the body as recorded.
_DROP_RESPONSE_HEADERS = frozenset({"transfer-encoding", "content-length"})


class WarcFiles:
    """Rotating gzip WARC files."""

    def __init__(self, directory: str | Path, max_bytes: int, software: str, level: int = 6) -> None:
        self.directory = Path(directory)
        self.level = level
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
        self.writer = LeveledWARCWriter(self.stream, self.level)
        info = {"software": self.software, "format": "WARC File Format 1.1", "isPartOf": self.prefix}
        self.writer.write_record(self.writer.create_warcinfo_record(path.name, info))
        self.paths.append(path)
        return self.writer

    def writer_for_next_record(self) -> WARCWriter:
        if self.writer is None or self.stream is None or self.stream.tell() >= self.max_bytes:
            return self._open_next()
        return self.writer

    def close(self) -> None:
        stream, self.stream, self.writer = self.stream, None, None
        if stream is not None:
            try:
                stream.close()
            except OSError as error:  # a full disk: the file ends with its last whole record
                logger.error("cannot finish the WARC file %s: %s", stream.name, error)


# Request headers that carry a credential (a proxy's Basic login, a token): recorded as sent, but
# with the value masked. Responses are kept byte for byte: they are the outlet's, not ours.
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key"})


def _header_pairs(headers: object, *, mask_secrets: bool = False) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, values in headers.items():  # type: ignore[attr-defined]
        text = name.decode("latin-1")
        for value in values:
            secret = mask_secrets and text.lower() in _SECRET_HEADERS
            pairs.append((text, "***" if secret else value.decode("latin-1")))
    return pairs


class WarcArchiveMiddleware:
    def __init__(self, crawler: Crawler, files: WarcFiles) -> None:
        self.crawler = crawler
        self.files = files
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warc")
        self.pending: deque[Future[None]] = deque()
        self.max_pending = 256

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiveMiddleware:
        settings = crawler.settings
        if not settings.getbool("WARC_ENABLED") or not settings.get("WARC_DIR"):
            raise NotConfigured("WARC_ENABLED is off")
        files = WarcFiles(
            settings["WARC_DIR"],
            settings.getint("WARC_MAX_BYTES", 256 * 1024 * 1024),
            settings.get("USER_AGENT", ""),
            settings.getint("WARC_GZIP_LEVEL", 6),
        )
        middleware = cls(crawler, files)
        crawler.signals.connect(middleware.closed, signal=signals.spider_closed)
        return middleware

    def process_response(self, request: Request, response: Response) -> Response:
        if "replay" in response.flags or "cached" in response.flags:
            return response
        # One timestamp for the record and the item: a story replayed from this archive later gets
        # the same fetched_at as the live crawl gave it.
        fetched_at = datetime.now(UTC)
        request.meta["fetched_at"] = fetched_at.isoformat()
        # Compressing and writing happen in one background thread (zlib releases the GIL, so it
        # runs beside the crawl on another core); bounded, so a slow disk slows the crawl rather
        # than filling memory with bodies.
        while len(self.pending) >= self.max_pending:
            self.pending.popleft().result()
        exchange = _Exchange.of(request, response, fetched_at)
        self.pending.append(self.executor.submit(self._write, exchange))
        self.crawler.stats.inc_value("warc/records", 2)
        self.crawler.stats.inc_value("warc/bytes", len(response.body))
        return response

    def _write(self, exchange: _Exchange) -> None:
        try:
            self._record(exchange)
        except OSError as error:
            # A gap in the archive (a full disk): counted, and the crawl stops, since every page it
            # fetched from now on would be missing from the archive too.
            self.crawler.stats.inc_value("warc/write_errors")
            logger.error("cannot write %s to the WARC archive: %s", exchange.response_url, error)
            from twisted.internet import reactor

            reactor.callFromThread(stop_crawl, self.crawler, WRITE_FAILED, write_failed_cause("the WARC archive", error))

    def _record(self, exchange: _Exchange) -> None:
        writer = self.files.writer_for_next_record()
        request_record = writer.create_warc_record(
            exchange.request_url,
            "request",
            payload=BytesIO(exchange.request_body),
            http_headers=StatusAndHeaders(exchange.request_line, exchange.request_headers, is_http_request=True),
        )
        response_record = writer.create_warc_record(
            exchange.response_url,
            "response",
            payload=BytesIO(exchange.response_body),
            http_headers=StatusAndHeaders(exchange.status_line, exchange.response_headers, protocol=exchange.protocol),
            warc_headers_dict=exchange.warc_headers,
        )
        writer.write_request_response_pair(request_record, response_record)

    def closed(self) -> None:
        self.executor.shutdown(wait=True)
        self.files.close()
        if self.files.paths:
            self.crawler.stats.set_value("warc/files", [str(p) for p in self.files.paths])
            logger.info("archived the crawl's responses in %d WARC file(s) under %s", len(self.files.paths), self.files.directory)


@dataclass(frozen=True)
class _Exchange:
    """What the writer thread needs, taken from the request and response on the reactor thread."""

    request_url: str
    request_line: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    response_url: str
    status_line: str
    response_headers: list[tuple[str, str]]
    response_body: bytes
    protocol: str
    warc_headers: dict[str, str]

    @classmethod
    def of(cls, request: Request, response: Response, fetched_at: datetime) -> _Exchange:
        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        response_headers = [(n, v) for n, v in _header_pairs(response.headers) if n.lower() not in _DROP_RESPONSE_HEADERS]
        response_headers.append(("Content-Length", str(len(response.body))))
        warc_headers = {"WARC-Date": fetched_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
        if response.ip_address:
            warc_headers["WARC-IP-Address"] = str(response.ip_address)
        return cls(
            request_url=request.url,
            request_line=f"{request.method} {target} HTTP/1.1",
            request_headers=[("Host", parts.netloc.rsplit("@", 1)[-1]), *_header_pairs(request.headers, mask_secrets=True)],
            request_body=request.body or b"",
            response_url=response.url,
            status_line=f"{response.status} {_reason(response.status)}",
            response_headers=response_headers,
            response_body=response.body,
            protocol=response.protocol or "HTTP/1.1",
            warc_headers=warc_headers,
        )


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
