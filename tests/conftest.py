"""Fixture discovery and helpers shared by the tests.

A fixture case is `tests/fixtures/<site>/<stem>.*`: the raw bytes as served (`.html`), their
`.meta.json` (url, content_type, kind, notes) and a reviewed `.expected.json`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from crawler.extract import build_response
from crawler.store import EmbeddedStore, MongoStore, Store
from tests.servers import MongoServer, RedisServer, start_redis, start_server

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scrapy.http import TextResponse

FIXTURES = Path(__file__).parent / "fixtures"
# ../shared next to the checkout; HEADLINES_SHARED points elsewhere (a clone in another folder).
SHARED = Path(os.environ.get("HEADLINES_SHARED", Path(__file__).resolve().parents[2] / "shared"))
CORPUS = SHARED / "corpus"


@dataclass(frozen=True)
class Case:
    path: Path
    """tests/fixtures/<site>/<stem> without suffix."""

    @property
    def id(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"

    @property
    def meta(self) -> dict[str, Any]:
        return json.loads(self.path.with_name(self.path.name + ".meta.json").read_text(encoding="utf-8"))

    @property
    def body(self) -> bytes:
        return self.path.with_name(self.path.name + ".html").read_bytes()

    @property
    def expected_path(self) -> Path:
        return self.path.with_name(self.path.name + ".expected.json")

    def expected(self) -> dict[str, Any]:
        return json.loads(self.expected_path.read_text(encoding="utf-8"))

    def headers(self) -> dict[str, str]:
        return {"Content-Type": self.meta.get("content_type", "text/html")}

    def response(self) -> TextResponse:
        return build_response(self.meta["url"], self.body, self.headers())


def page_cases(*kinds: str) -> list[Case]:
    """Every HTML fixture whose meta.json `kind` is one of `kinds` (all kinds when empty)."""
    cases = []
    for meta in sorted(FIXTURES.glob("*/*.meta.json")):
        stem = meta.with_name(meta.name.removesuffix(".meta.json"))
        if not stem.with_name(stem.name + ".html").exists():
            continue
        case = Case(stem)
        if not kinds or case.meta.get("kind") in kinds:
            cases.append(case)
    return cases


def mismatches(expected: dict[str, Any], actual: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every field that differs, with both values, so a failing test shows all of them at once."""
    return {
        key: {"expected": expected.get(key, "<absent>"), "actual": actual.get(key, "<absent>")}
        for key in sorted(expected.keys() | actual.keys())
        if expected.get(key, "<absent>") != actual.get(key, "<absent>")
    }


ROOT = Path(__file__).resolve().parents[1]


def crawl(
    tmp_path: Path, replay: Path, *extra: str, env: dict[str, str] | None = None, check: bool = True
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """`scrapy crawl headlines -a replay=…` in a subprocess, as a user runs it; items and final stats.

    The store is the embedded one under tmp_path unless `env` sets MONGO_URI.
    """
    items, stats = tmp_path / "items.jsonl", tmp_path / "stats.json"
    command = [sys.executable, "-m", "scrapy", "crawl", "headlines", "-a", "site=chinacomcn", "-a", f"replay={replay}"]
    command += ["-O", str(items), "-s", f"STATS_FILE={stats}", "-s", "LOG_LEVEL=INFO", "-s", f"LOG_FILE={tmp_path / 'crawl.log'}"]
    command += ["-s", f"EMBEDDED_STORE_PATH={tmp_path / 'store.sqlite3'}", "-s", f"SPILL_DIR={tmp_path / 'spill'}"]
    command += ["-s", f"WARC_DIR={tmp_path / 'warc'}", *extra]
    environment = {k: v for k, v in os.environ.items() if k not in ("MONGO_URI", "MONGO_DATABASE")}
    environment.update({"PYTHONPATH": str(ROOT), **(env or {})})
    done = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=300, env=environment)
    if check:
        log = (tmp_path / "crawl.log").read_text(encoding="utf-8") if (tmp_path / "crawl.log").exists() else ""
        assert done.returncode == 0, (done.stderr + log)[-4000:]
    lines = items.read_text(encoding="utf-8").splitlines() if items.exists() else []
    found = json.loads(stats.read_text(encoding="utf-8")) if stats.exists() else {}
    return [json.loads(line) for line in lines], found


def describe(diff: dict[str, dict[str, Any]]) -> str:
    return "mismatched fields:\n" + json.dumps(diff, ensure_ascii=False, indent=2)


# -- storage: a real MongoDB-wire server and both stores ----------------------------------------


def missing(message: str, required_by: str) -> NoReturn:
    """A server the tests need is not there: a loud skip, or a failure where `required_by` is set (CI)."""
    if os.environ.get(required_by):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def mongo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MongoServer]:
    server, how = start_server(tmp_path_factory.mktemp("mongo"))
    if server is None:
        missing(f"NO MONGODB-WIRE SERVER, MongoDB storage tests NOT RUN: {how}", "HEADLINES_REQUIRE_MONGO")
    print(f"\nstorage tests use {how} at {server.uri}")
    yield server
    server.stop()


def new_store(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Store:
    if kind == "embedded":
        store: Store = EmbeddedStore(tmp_path / f"store-{uuid.uuid4().hex[:6]}.sqlite3")
    else:
        server: MongoServer = request.getfixturevalue("mongo_server")
        store = MongoStore(server.uri, database=f"test_{uuid.uuid4().hex[:12]}", server_timeout_ms=3000)
    store.open()
    return store


@pytest.fixture(params=["embedded", "mongodb"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same test against both stores: they must follow the same rules."""
    opened = new_store(request.param, tmp_path, request)
    yield opened
    if isinstance(opened, MongoStore) and opened.client is not None:
        opened.client.drop_database(opened.database_name)
    opened.close()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server, how = start_redis(tmp_path_factory.mktemp("redis"))
    if server is None:
        missing(f"NO REDIS, distributed tests NOT RUN: {how}", "HEADLINES_REQUIRE_REDIS")
    yield server
    server.stop()
