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

from crawler.parse import build_response
from crawler.store import EmbeddedStore, MongoStore, Store
from tests.servers import MongoServer, RedisServer, start_private_server, start_redis, start_server

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scrapy.http import TextResponse

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"

# -- the user's environment never reaches a test ------------------------------------------------
# A user's MONGO_URI is production, their data/ folder is their archive: the suite runs with every
# setting the crawler reads from the environment removed, in a temporary working directory per test
# (see `isolated_working_directory`), and its subprocesses inherit this scrubbed environment.
USER_SETTINGS = frozenset(
    {
        "MONGO_URI", "MONGO_DATABASE", "EMBEDDED_STORE_PATH", "WARC_DIR", "SPILL_DIR", "REDIS_URL", "STATS_FILE",
        "EXTRACT_PROCESSES", "LOG_LEVEL", "JOBDIR", "EDITOR",
        # A proxy of the user's would route the tests' loopback crawls through it.
        "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY",
    }
)  # fmt: skip
USER_SETTING_PREFIXES = ("DISTRIBUTED", "HEADLINES_", "SCRAPY_")
# The suite's own variables: which servers to use or require, where the corpus and caches are.
TEST_VARIABLES = ("HEADLINES_TEST_", "HEADLINES_REQUIRE_", "HEADLINES_SHARED", "HEADLINES_CACHE")


def is_user_setting(name: str) -> bool:
    if name.startswith(TEST_VARIABLES):
        return False
    return name in USER_SETTINGS or name.startswith(USER_SETTING_PREFIXES)


def scrub_environment(environ: dict[str, str] | os._Environ[str]) -> None:
    for name in [n for n in environ if is_user_setting(n)]:
        del environ[name]
    # The project is found by its settings module, not by a scrapy.cfg in the working directory:
    # subprocesses run in a test's temporary folder.
    environ["SCRAPY_SETTINGS_MODULE"] = "crawler.settings"
    environ["PYTHONPATH"] = str(ROOT)


scrub_environment(os.environ)


def subprocess_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The scrubbed environment for a child process, with the test's own additions."""
    return {**os.environ, **(extra or {})}


@pytest.fixture(autouse=True)
def isolated_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs in its own folder: a default path (data/…) can only land there."""
    monkeypatch.chdir(tmp_path)


# ../shared next to the checkout; HEADLINES_SHARED points elsewhere (a clone in another folder).
SHARED = Path(os.environ.get("HEADLINES_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"


def require_corpus() -> bool:
    """Whether the corpus tests may run; in CI (HEADLINES_REQUIRE_CORPUS) a missing corpus fails."""
    if (CORPUS / "manifest.json").exists():
        return True
    if os.environ.get("HEADLINES_REQUIRE_CORPUS"):
        raise RuntimeError(f"HEADLINES_REQUIRE_CORPUS is set but {CORPUS} has no manifest.json")
    return False


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
    def body_path(self) -> Path:
        """The page's bytes: NAME.html, or NAME.json / .xml / .txt for lists that are not HTML."""
        for suffix in BODY_SUFFIXES:
            candidate = self.path.with_name(self.path.name + suffix)
            if candidate.exists():
                return candidate
        raise FileNotFoundError(f"no body file for {self.path}")

    @property
    def body(self) -> bytes:
        return self.body_path.read_bytes()

    @property
    def expected_path(self) -> Path:
        return self.path.with_name(self.path.name + ".expected.json")

    def expected(self) -> dict[str, Any]:
        return json.loads(self.expected_path.read_text(encoding="utf-8"))

    def headers(self) -> dict[str, str]:
        return {"Content-Type": self.meta.get("content_type", "text/html")}

    def response(self) -> TextResponse:
        return build_response(self.meta["url"], self.body, self.headers())


BODY_SUFFIXES = (".html", ".json", ".xml", ".txt")


def page_cases(*kinds: str) -> list[Case]:
    """Every fixture with an expected output whose meta.json `kind` is one of `kinds` (all when empty)."""
    cases = []
    for meta in sorted(FIXTURES.glob("*/*.meta.json")):
        stem = meta.with_name(meta.name.removesuffix(".meta.json"))
        if not any(stem.with_name(stem.name + suffix).exists() for suffix in BODY_SUFFIXES):
            continue
        if not stem.with_name(stem.name + ".expected.json").exists():
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
    done = subprocess.run(
        command, check=False, cwd=tmp_path, capture_output=True, text=True, timeout=300, env=subprocess_env(env)
    )
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
    server.close()


@pytest.fixture(scope="session")
def private_mongo_server(mongo_server: MongoServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MongoServer]:
    """A server the tests started themselves, which they may stop (outages) and give accounts to:
    the session's server when it is one, else a second one (never the one a URI names)."""
    if mongo_server.can_restart:
        yield mongo_server
        return
    server, how = start_private_server(tmp_path_factory.mktemp("private-mongo"))
    if server is None:
        missing(f"NO PRIVATE MONGODB-WIRE SERVER, outage and credential tests NOT RUN: {how}", "HEADLINES_REQUIRE_MONGO")
    yield server
    server.close()


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
