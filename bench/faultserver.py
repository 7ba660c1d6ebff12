"""A loopback web server that plays the state-media sites, with faults on demand.

The crawler reaches it as an HTTP proxy (`http_proxy=http://127.0.0.1:PORT`), so requests keep their
real URLs (http://news.china.com.cn/…) and every routing, robots.txt and identity rule is exercised
as in production. Pages come from a replay folder (NAME.html + NAME.meta.json, the layout of
tests/fixtures and bench/sitegen). A page's meta.json may also ask for behaviour:

    {"status": 500}                      always this status
    {"redirect": "http://…"}             302 to that URL
    {"drop": true}                       close the connection without answering
    {"stream_bytes": 20000000}           an endless-looking body of that size, no Content-Length
    {"delay": 2.5}                       wait before answering

and `Faults` adds random ones, decided per (URL, attempt) from a seed so a run is reproducible:
`error_rate` of answers are HTTP 500, `drop_rate` are dropped connections, `slow_rate` wait
`slow_seconds`. Loopback only: the server binds 127.0.0.1.

`python -m bench.faultserver FOLDER [--error-rate 0.1 …]` serves a folder until interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Self
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Callable


@dataclass(frozen=True)
class Faults:
    error_rate: float = 0.0
    drop_rate: float = 0.0
    slow_rate: float = 0.0
    slow_seconds: float = 1.0
    delay: float = 0.0
    """Added to every answer (to keep a crawl running long enough to be killed)."""
    seed: int = 1
    faulty_robots: bool = False
    """Whether robots.txt requests get faults too (Scrapy does not retry them as articles)."""

    def draw(self, url: str, attempt: int) -> float:
        digest = hashlib.sha256(f"{self.seed}|{url}|{attempt}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64


@dataclass
class Page:
    body: bytes
    meta: dict[str, Any]


@dataclass
class Log:
    attempts: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    times: list[tuple[float, str]] = field(default_factory=list)
    user_agents: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, url: str, outcome: str, user_agent: str) -> int:
        with self.lock:
            self.attempts[url] += 1
            self.outcomes[outcome] += 1
            self.times.append((time.monotonic(), url))
            self.user_agents.add(user_agent)
            return self.attempts[url]


def _key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}{parts.path or '/'}{'?' + parts.query if parts.query else ''}"


def load_folder(folder: Path) -> dict[str, Page]:
    pages: dict[str, Page] = {}
    for meta_path in sorted(folder.rglob("*.meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if "url" not in meta:
            continue
        stem = meta_path.name.removesuffix(".meta.json")
        body_path = meta_path.parent / meta["file"] if "file" in meta else None
        if body_path is None:
            body_path = next(
                (
                    meta_path.parent / (stem + s)
                    for s in (".html", ".htm", ".txt", ".json", ".bin", "")
                    if (meta_path.parent / (stem + s)).is_file()
                ),
                None,
            )
        pages[_key(meta["url"])] = Page(body=body_path.read_bytes() if body_path else b"", meta=meta)
    return pages


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-answer (a cancelled oversized download, a killed crawl) is
        # part of the tests, not an error worth a traceback.
        return


class PageSource(Protocol):
    """Where pages come from: a dict of Page (a replay folder) or a generated bench.sitegen.VirtualSite."""

    def get(self, key: str) -> Any: ...

    def __len__(self) -> int: ...


class SiteServer:
    def __init__(self, pages: PageSource, faults: Faults | None = None) -> None:
        self.pages = pages
        self.faults = faults or Faults()
        self.log = Log()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._gate: _Gate | None = None

    def hold_until_clients(self, clients: int, gated: Callable[[str], bool], timeout: float = 120.0) -> None:
        """Hold the answers to gated pages until requests from `clients` different User-Agents are
        waiting for one: every crawler (a distributed worker) then has work in hand at once."""
        self._gate = _Gate(clients, gated, timeout)

    @classmethod
    def from_folder(cls, folder: Path, faults: Faults | None = None) -> SiteServer:
        return cls(load_folder(folder), faults)

    @property
    def proxy(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> Self:
        handler = _handler(self)
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="faultserver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Gate:
    def __init__(self, clients: int, gated: Callable[[str], bool], timeout: float) -> None:
        self.clients, self.gated, self.timeout = clients, gated, timeout
        self.waiting: set[str] = set()
        self.open = threading.Event()
        self.lock = threading.Lock()

    def pass_through(self, key: str, user_agent: str) -> None:
        if self.open.is_set() or not self.gated(key):
            return
        with self.lock:
            self.waiting.add(user_agent)
            if len(self.waiting) >= self.clients:
                self.open.set()
        self.open.wait(self.timeout)


def _handler(site: SiteServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: the Log keeps what tests need

        def do_GET(self) -> None:
            url = self.path if self.path.startswith("http") else f"http://{self.headers.get('Host', '')}{self.path}"
            key = _key(url)
            page = site.pages.get(key)
            is_robots = urlsplit(url).path == "/robots.txt"
            user_agent = self.headers.get("User-Agent", "")
            faults = site.faults
            attempt = site.log.attempts[key] + 1
            if site._gate is not None:
                site._gate.pass_through(key, user_agent)
            if faults.delay:
                time.sleep(faults.delay)
            if not is_robots or faults.faulty_robots:
                draw = faults.draw(key, attempt)
                if draw < faults.drop_rate:
                    site.log.note(key, "dropped", user_agent)
                    self._drop()
                    return
                if draw < faults.drop_rate + faults.error_rate:
                    site.log.note(key, "500", user_agent)
                    self._answer(500, b"<html><body>Internal Server Error</body></html>", {"Content-Type": "text/html"})
                    return
                if draw > 1 - faults.slow_rate:
                    time.sleep(faults.slow_seconds)
            if page is None:
                site.log.note(key, "404", user_agent)
                self._answer(404, b"<html><body>404 Not Found</body></html>", {"Content-Type": "text/html"})
                return
            meta = page.meta
            if meta.get("delay"):
                time.sleep(float(meta["delay"]))
            if meta.get("drop"):
                site.log.note(key, "dropped", user_agent)
                self._drop()
                return
            if meta.get("redirect"):
                site.log.note(key, "302", user_agent)
                self._answer(302, b"", {"Location": meta["redirect"]})
                return
            if meta.get("stream_bytes"):
                site.log.note(key, "stream", user_agent)
                self._stream(int(meta["stream_bytes"]), meta.get("content_type", "text/html"))
                return
            status = int(meta.get("status", 200))
            site.log.note(key, str(status), user_agent)
            headers = {"Content-Type": meta.get("content_type", "text/html"), **(meta.get("headers") or {})}
            self._answer(status, page.body, headers)

        def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(body)

        def _stream(self, size: int, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            chunk = b"<p>" + "很长的页面".encode() * 2000 + b"</p>\n"
            sent = 0
            with contextlib.suppress(OSError):
                while sent < size:
                    self.wfile.write(chunk)
                    sent += len(chunk)

        def _drop(self) -> None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--error-rate", type=float, default=0.0)
    parser.add_argument("--drop-rate", type=float, default=0.0)
    parser.add_argument("--slow-rate", type=float, default=0.0)
    parser.add_argument("--slow-seconds", type=float, default=1.0)
    args = parser.parse_args()
    faults = Faults(args.error_rate, args.drop_rate, args.slow_rate, args.slow_seconds)
    with SiteServer.from_folder(args.folder, faults) as server:
        print(f"serving {len(server.pages)} pages; use http_proxy={server.proxy}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
