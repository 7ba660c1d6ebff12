"""`python -m crawler migrate-keys`: a store written under older identity rules re-keyed in place.

Documents are stored as an older crawler stored them (key_version 1: a story linked once as
`…/./2025-06/05/…` and once as `…/2025-06/05/…` got two keys). Run on both stores.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from copy import deepcopy
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from crawler import sites
from crawler.helpers.urls import KEY_VERSION
from crawler.ops.migrate import migrate_keys
from crawler.store import EmbeddedStore
from tests.conftest import subprocess_env
from tests.test_store import T0, as_utc, item

if TYPE_CHECKING:
    from pathlib import Path

    from crawler.store import Store

SITE = sites.get("chinacomcn")
SEED = "http://xitheory.china.com.cn/2025-06/05/content_117911710.htm"
DOTTED = "http://xitheory.china.com.cn/./2025-06/05/content_117911710.htm"


def stored_as_version_1(store: Store, url: str, *, at: Any, **changes: Any) -> dict[str, Any]:
    """Write a story as the version-1 rules keyed it: the canonical URL kept the path as linked."""
    old_canonical = "https://" + url.split("://", 1)[1].removeprefix("www.")
    old_key = hashlib.sha1(old_canonical.encode()).hexdigest()
    record = item("article_xitheory_seed", at=at, url=url, canonical_url=old_canonical, key=old_key, **changes)
    store.write([record], at)
    doc = store.get(old_key)
    assert doc is not None
    doc.pop("key_version")
    store.put_document(doc)
    return doc


def test_two_documents_of_one_story_become_one_under_its_new_key(store: Store) -> None:
    dotted = stored_as_version_1(store, DOTTED, at=T0)
    plain = stored_as_version_1(store, SEED, at=T0 + timedelta(hours=1))
    other = stored_as_version_1(store, "http://news.china.com.cn/2025-06/04/content_117909876.htm", at=T0)
    new_key = SITE.key_for(SEED)
    other_key = SITE.key_for(other["url"])
    # Version 3 keys a story by its CMS id: no version 1 key survives.
    assert new_key not in (plain["_id"], dotted["_id"]) and other_key != other["_id"]

    counts = migrate_keys(store)
    # One of the seed's documents moves to the new key and the other merges into it; the other story moves.
    assert dict(counts) == {"examined": 3, "current": 0, "rekeyed": 2, "merged": 1}
    documents = {doc["_id"]: doc for doc in store.documents()}
    assert set(documents) == {new_key, other_key}
    story = documents[new_key]
    assert story["key_version"] == KEY_VERSION == 3
    assert story["canonical_url"] == SITE.canonical_url(SEED)
    assert sorted(story["fetched_urls"]) == sorted([SEED, DOTTED])
    assert as_utc(story["first_seen_at"]) == T0 and as_utc(story["last_seen_at"]) == T0 + timedelta(hours=1)
    assert story["revision"] == 1 and story["revisions"] == []  # the same text twice: no revision
    fetched = store.fetched(DOTTED)
    assert fetched is not None and fetched.key == new_key  # the old URL now answers for the story
    assert documents[other_key]["key_version"] == 3
    assert documents[other_key]["canonical_url"] == other["canonical_url"]  # the "#rekeying" mark is gone
    assert dict(migrate_keys(store)) == {"examined": 2, "current": 2}  # idempotent


def test_two_documents_with_different_text_keep_the_older_as_a_revision(store: Store) -> None:
    body = deepcopy(item("article_xitheory_seed")["body"])
    body["zh"][-1] = "王毅、蔡奇参加会见。"
    stored_as_version_1(store, DOTTED, at=T0)
    stored_as_version_1(store, SEED, at=T0 + timedelta(days=1), body=body)
    assert migrate_keys(store)["merged"] == 1
    story = store.get(SITE.key_for(SEED))
    assert story is not None
    assert story["body"]["zh"][-1] == "王毅、蔡奇参加会见。"  # the later fetch is the current text
    (revision,) = story["revisions"]
    assert revision["changed"] == ["body"] and revision["revision"] == 1 and story["revision"] == 2
    assert revision["previous"]["body"]["zh"][-1] == "王毅参加会见。"
    assert revision["merged_from"] != story["_id"]


def test_the_command_reports_what_it_did_and_a_dry_run_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    store = EmbeddedStore(path)
    store.open()
    stored_as_version_1(store, DOTTED, at=T0)
    stored_as_version_1(store, SEED, at=T0)
    before = list(store.documents())
    store.close()
    for dry_run in (True, False):
        done = subprocess.run(
            [sys.executable, "-m", "crawler", "migrate-keys", "-s", f"EMBEDDED_STORE_PATH={path}", *(["--dry-run"] if dry_run else [])],
            env=subprocess_env(), capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == {
            "key_version": 3,
            "dry_run": dry_run,
            "examined": 2,
            "current": 0,
            "rekeyed": 1,
            "merged": 1,
        }
        store.open()
        documents = list(store.documents())
        store.close()
        assert (documents == before) == dry_run
    assert [d["_id"] for d in documents] == [SITE.key_for(SEED)]


def test_a_story_whose_key_rules_did_not_change_only_gets_the_new_version(store: Store) -> None:
    """Outlets without CMS ids (and pages of outlets without a module) keep their keys."""
    urls = {
        "chinadaily": "https://www.chinadaily.com.cn/a/202506/04/WS68400a1ba310205377033c11.html",
        "example.org": "https://example.org/2025/06/04/story.html",
    }
    for site, url in urls.items():
        canonical = sites.get(site).canonical_url(url) if site in sites.SITES else "https://example.org/2025/06/04/story.html"
        key = hashlib.sha1(canonical.encode()).hexdigest()
        record = item("article_xitheory_seed", at=T0, url=url, canonical_url=canonical, key=key, site=site)
        store.write([record], T0)
        stored = store.get(key)
        assert stored is not None
        store.put_document({**stored, "key_version": 2})
    assert dict(migrate_keys(store)) == {"examined": 2, "current": 0, "updated": 2}
    assert {doc["key_version"] for doc in store.documents()} == {KEY_VERSION}
    assert dict(migrate_keys(store)) == {"examined": 2, "current": 2}
