"""The suite never touches the user's data: a user's MONGO_URI is production, their data/ their archive.

The proof runs the suite's crawl helpers and CLI tests as a user would run `make test`: from a
checkout with a data/ folder of its own, with MONGO_URI (and the other settings) exported and
pointing at a sentinel database. Afterwards neither may have changed by a byte. The checkout is a
copy of this one, so the real data/ next to this file is never put at risk by the proof itself.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pymongo

from crawler.store import EmbeddedStore
from tests.conftest import ROOT, SHARED, is_user_setting, subprocess_env

if TYPE_CHECKING:
    from tests.servers import MongoServer

# The tests that start crawls, cron runs and CLI commands in subprocesses.
CHILD_TESTS = [
    "tests/test_cli.py",
    "tests/test_replay.py",
    "tests/test_cron.py",
    "tests/test_store_crawl.py::test_export_dumps_the_store_as_json_lines",
    "tests/test_archive.py::test_reparse_stores_an_archived_edit_as_a_new_revision_without_network",
]
_NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "data", "__pycache__", ".*_cache", "out")


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _sentinel_data(data: Path) -> None:
    store = EmbeddedStore(data / "headlines.sqlite3")
    store.open()
    store.save_run({"_id": "sentinel-run", "started_at": datetime(2026, 1, 1, tzinfo=UTC), "status": "finished"})
    store.close()
    (data / "warc").mkdir()
    (data / "warc" / "headlines-sentinel.warc.gz").write_bytes(b"sentinel")
    (data / "spill").mkdir()
    (data / "spill" / "spill-sentinel.jsonl").write_text('{"sentinel": true}\n', encoding="utf-8")


def _database(client: pymongo.MongoClient[dict[str, Any]], name: str) -> dict[str, list[dict[str, Any]]]:
    database = client[name]
    return {collection: list(database[collection].find()) for collection in sorted(database.list_collection_names())}


def test_user_settings_are_scrubbed_from_the_suites_environment() -> None:
    assert is_user_setting("MONGO_URI") and is_user_setting("HEADLINES_CONTACT") and is_user_setting("DISTRIBUTED_RUN")
    assert not is_user_setting("HEADLINES_TEST_MONGO_URI") and not is_user_setting("HEADLINES_REQUIRE_MONGO")
    assert not [name for name in subprocess_env() if is_user_setting(name) and name != "SCRAPY_SETTINGS_MODULE"]


def test_the_suite_leaves_the_users_store_and_data_folder_alone(tmp_path: Path, mongo_server: MongoServer) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT, checkout, ignore=_NOT_COPIED)
    data = checkout / "data"
    data.mkdir()
    _sentinel_data(data)
    before = _snapshot(data)
    sentinel = f"sentinel_{uuid.uuid4().hex[:8]}"
    with pymongo.MongoClient(mongo_server.uri) as client:
        client[sentinel]["articles"].insert_one({"_id": "sentinel-story", "title": {"zh": "哨兵"}})
        client[sentinel]["runs"].insert_one({"_id": "sentinel-run", "status": "finished"})
        database_before = _database(client, sentinel)
        default_before = _database(client, "headlines")

    users_environment = {
        "MONGO_URI": mongo_server.uri,
        "MONGO_DATABASE": sentinel,
        "EMBEDDED_STORE_PATH": str(data / "headlines.sqlite3"),
        "WARC_DIR": str(data / "warc"),
        "STATS_FILE": str(data / "stats.json"),
        "HEADLINES_CONTACT": "user@example.org",
        # What the child's own storage tests use: the same server, by the test-only variable.
        "HEADLINES_TEST_MONGO_URI": mongo_server.uri,
        "HEADLINES_SHARED": str(SHARED),
        "PYTHONPATH": str(checkout),
    }
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *CHILD_TESTS],
        cwd=checkout, env=subprocess_env(users_environment), capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and " skipped" not in done.stdout, done.stdout[-2000:]

    assert _snapshot(data) == before, "the suite changed the user's data/ folder"
    with pymongo.MongoClient(mongo_server.uri) as client:
        assert _database(client, sentinel) == database_before, "the suite wrote to the user's MONGO_URI database"
        assert _database(client, "headlines") == default_before, "the suite wrote to the default database"
        client.drop_database(sentinel)
