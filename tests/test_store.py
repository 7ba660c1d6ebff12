"""The store's rules, run against both stores: embedded SQLite and a real MongoDB-wire server."""

from __future__ import annotations

import json
import threading
from copy import deepcopy
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import opencc
import pytest
from itemadapter import ItemAdapter

from crawler.extraction.results import ArticleResult
from crawler.parse import parse_response
from crawler.store import EmbeddedStore, MongoStore, Store
from crawler.store.catalog import Filters
from crawler.store.documents import content_hash, fingerprint, merge, new_document
from tests.conftest import FIXTURES, Case, new_store

T0 = datetime(2025, 6, 5, 2, 0, tzinfo=UTC)


def item(stem: str, at: datetime = T0, **changes: Any) -> dict[str, Any]:
    result = parse_response(Case(FIXTURES / "chinacomcn" / stem).response())
    assert isinstance(result, ArticleResult)
    data = ItemAdapter(result.item).asdict()
    data.update(changes)
    data["content_hash"] = content_hash(data)
    data["fetched_at"] = at.isoformat()
    return data


def outcomes(report: Any) -> dict[str, int]:
    return {outcome: count for (_, outcome), count in report.outcomes.items()}


def as_utc(value: Any) -> datetime:
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return parsed.astimezone(UTC)


def test_first_insert(store: Store) -> None:
    seed = item("article_xitheory_seed")
    assert outcomes(store.write([seed], T0)) == {"inserted": 1}
    doc = store.get(seed["key"])
    assert doc is not None
    assert doc["_id"] == seed["key"]
    assert doc["canonical_url"] == "https://xitheory.china.com.cn/2025-06/05/content_117911710.htm"
    assert doc["fetched_urls"] == [seed["url"]]
    assert doc["revision"] == 1
    assert doc["revisions"] == []
    assert as_utc(doc["first_seen_at"]) == as_utc(doc["last_seen_at"]) == T0
    assert doc["title"] == seed["title"]
    assert doc["body"] == seed["body"]
    assert doc["removed_at"] is None
    fetched = store.fetched(seed["url"])
    assert fetched is not None
    assert fetched.key == seed["key"]
    assert as_utc(fetched.first_fetched_at) == T0
    assert store.fetched("http://xitheory.china.com.cn/never-seen.htm") is None


def test_unchanged_rerun_only_moves_last_seen(store: Store) -> None:
    later = T0 + timedelta(hours=3)
    store.write([item("article_xitheory_seed")], T0)
    assert outcomes(store.write([item("article_xitheory_seed", at=later)], later)) == {"unchanged": 1}
    doc = store.get(item("article_xitheory_seed")["key"])
    assert doc is not None
    assert doc["revision"] == 1
    assert doc["revisions"] == []
    assert as_utc(doc["first_seen_at"]) == T0
    assert as_utc(doc["last_seen_at"]) == later
    fetched = store.fetched(doc["url"])
    assert fetched is not None
    assert as_utc(fetched.last_fetched_at) == later


STORIES = ("article_xitheory_seed", "article_news_2022_template", "article_odd_infoline", "article_caption_without_image")


def test_a_batch_of_sightings_records_each_fetch(store: Store) -> None:
    """A recheck batch: every story fetched again with nothing new, a few seconds apart; one from
    a URL not seen before, one from a fetch made before its first sighting (a replayed journal),
    one of a story marked removed meanwhile."""
    first = T0 + timedelta(hours=1)
    store.write([item(stem, at=first) for stem in STORIES], first)
    seed = item("article_xitheory_seed")
    store.mark_removed([{"url": item("article_odd_infoline")["url"], "site": "chinacomcn", "status": 404}], first)
    later = T0 + timedelta(hours=5)
    batch = [
        item("article_xitheory_seed", at=later, url=seed["url"] + "?from=rss"),  # the same story at a new URL
        item("article_news_2022_template", at=later + timedelta(seconds=2)),
        item("article_odd_infoline", at=later + timedelta(seconds=4)),  # it answers again
        item("article_caption_without_image", at=T0),  # fetched before its first sighting
    ]
    report = store.write(batch, later)
    assert outcomes(report) == {"unchanged": 4}
    assert report.conflicts == 0
    docs = {doc["_id"]: doc for doc in store.documents()}
    by_stem = {stem: docs[item(stem)["key"]] for stem in STORIES}
    for stem, doc in by_stem.items():
        assert doc["_v"] == (3 if stem == "article_odd_infoline" else 2), stem  # the removal was a version too
        assert doc["removed_at"] is None
        assert doc["revision"] == 1
    assert by_stem["article_xitheory_seed"]["fetched_urls"] == [seed["url"], seed["url"] + "?from=rss"]
    assert as_utc(by_stem["article_caption_without_image"]["first_seen_at"]) == T0
    assert as_utc(by_stem["article_caption_without_image"]["last_seen_at"]) == first
    # Fetched together: each one's last sighting is its own fetch, or the batch's latest (4 s later).
    for stem in ("article_xitheory_seed", "article_news_2022_template", "article_odd_infoline"):
        seen = as_utc(by_stem[stem]["last_seen_at"])
        assert later <= seen <= later + timedelta(seconds=4), (stem, seen)
        assert as_utc(by_stem[stem]["first_seen_at"]) == first
    assert store.catalog_page(Filters(removed=True), [], None, 10)[0] == []  # back in the catalog too


def test_sightings_far_apart_in_one_batch_keep_their_own_times(store: Store) -> None:
    store.write([item(stem) for stem in STORIES[:2]], T0)
    early, late = T0 + timedelta(hours=1), T0 + timedelta(hours=2)
    store.write([item(STORIES[0], at=early), item(STORIES[1], at=late)], late)
    assert as_utc(store.get(item(STORIES[0])["key"])["last_seen_at"]) == early  # type: ignore[index]
    assert as_utc(store.get(item(STORIES[1])["key"])["last_seen_at"]) == late  # type: ignore[index]


def test_edited_story_becomes_a_revision(store: Store) -> None:
    original = item("article_xitheory_seed")
    store.write([original], T0)
    edited_body = deepcopy(original["body"])
    edited_body["zh"][-1] = "王毅、蔡奇参加会见。"  # a silent edit of the last paragraph
    later = T0 + timedelta(days=1)
    assert outcomes(store.write([item("article_xitheory_seed", at=later, body=edited_body)], later)) == {"updated": 1}
    doc = store.get(original["key"])
    assert doc is not None
    assert doc["revision"] == 2
    assert doc["body"]["zh"][-1] == "王毅、蔡奇参加会见。"
    (revision,) = doc["revisions"]
    assert revision["revision"] == 1
    assert revision["changed"] == ["body"]
    assert revision["previous"]["body"]["zh"][-1] == "王毅参加会见。"
    assert as_utc(revision["replaced_at"]) == later
    assert doc["content_hash"] != original["content_hash"]


def test_changed_time_and_bylines_are_revisions_too(store: Store) -> None:
    original = item("article_news_2022_template")
    store.write([original], T0)
    changed = item(
        "article_news_2022_template",
        published_at="2025-06-04T17:00:00+08:00",
        bylines=[*original["bylines"], {"name": "张三", "role": "editor", "lang": "zh"}],
    )
    assert outcomes(store.write([changed], T0)) == {"updated": 1}
    doc = store.get(original["key"])
    assert doc is not None
    assert doc["revisions"][0]["changed"] == ["bylines", "published_at"]


def test_gateway_copy_and_simplified_original_are_one_document(store: Store) -> None:
    simplified, gateway = item("article_xitheory_seed"), item("article_xitheory_seed_big5gate")
    assert simplified["key"] == gateway["key"]
    assert simplified["content_hash"] == gateway["content_hash"]
    store.write([simplified], T0)
    assert outcomes(store.write([gateway], T0)) == {"variant": 1}
    assert outcomes(store.write([gateway], T0)) == {"unchanged": 1}
    docs = list(store.documents())
    assert len(docs) == 1
    (doc,) = docs
    assert doc["fetched_urls"] == [simplified["url"], gateway["url"]]
    assert doc["revision"] == 1
    assert doc["title"]["zh"] == "习近平会见白俄罗斯总统卢卡申科"  # the first rendering stays the main text
    variant = doc["variants"]["zh-Hant"]
    assert variant["title"]["zh"] == "習近平會見白俄羅斯總統盧卡申科"  # traditional stays traditional
    assert variant["url"] == gateway["url"]
    assert store.fetched(gateway["url"]) is not None


def test_the_original_is_the_story_whichever_copy_came_first(store: Store) -> None:
    simplified, gateway = item("article_xitheory_seed"), item("article_xitheory_seed_big5gate")
    store.write([gateway], T0)
    assert outcomes(store.write([simplified], T0)) == {"variant": 1}
    doc = store.get(simplified["key"])
    assert doc is not None
    assert doc["url"] == simplified["url"]
    assert doc["title"]["zh"] == "习近平会见白俄罗斯总统卢卡申科"
    assert doc["languages"] == simplified["languages"]
    assert doc["variants"]["zh-Hant"]["url"] == gateway["url"]
    assert doc["variants"]["zh-Hant"]["title"]["zh"] == "習近平會見白俄羅斯總統盧卡申科"
    assert "zh-Hans" not in doc["variants"]
    assert doc["fetched_urls"] == [gateway["url"], simplified["url"]]
    assert doc["revision"] == 1
    assert outcomes(store.write([gateway], T0)) == {"unchanged": 1}


def test_a_lagging_copy_of_an_earlier_revision_is_not_a_revert(store: Store) -> None:
    simplified, gateway = item("article_xitheory_seed"), item("article_xitheory_seed_big5gate")
    store.write([simplified], T0)
    store.write([gateway], T0)
    edited_body = deepcopy(simplified["body"])
    edited_body["zh"][-1] = "王毅、蔡奇参加会见。"
    assert outcomes(store.write([item("article_xitheory_seed", body=edited_body)], T0)) == {"updated": 1}
    edited = store.get(simplified["key"])
    assert edited is not None
    assert edited["variants"] == {}  # the traditional copy showed the old text: it went with it
    assert edited["revisions"][0]["previous"]["variants"]["zh-Hant"]["url"] == gateway["url"]
    # The gateway still serves the old text: stale, the edit stands.
    assert outcomes(store.write([gateway], T0)) == {"stale": 1}
    doc = store.get(simplified["key"])
    assert doc is not None
    assert doc["revision"] == 2
    assert doc["body"]["zh"][-1] == "王毅、蔡奇参加会见。"
    # The same URL going back to the old text is a real revert: a new revision.
    assert outcomes(store.write([simplified], T0)) == {"updated": 1}
    doc = store.get(simplified["key"])
    assert doc is not None
    assert doc["revision"] == 3


def test_one_wire_story_at_two_outlets_is_linked_not_dropped(store: Store) -> None:
    first = item("article_news_2022_template")
    republished = item(
        "article_news_2022_template",
        url="http://news.china.com.cn/2025-06/05/content_117910000.htm",
        canonical_url="https://news.china.com.cn/2025-06/05/content_117910000.htm",
        key="republished-copy",
        title={"zh": "夏粮收获进度过七成（转载）"},
    )
    store.write([first], T0)
    assert outcomes(store.write([republished], T0)) == {"inserted": 1}
    one, two = store.get(first["key"]), store.get("republished-copy")
    assert one is not None
    assert two is not None
    assert one["duplicates_of"] == ["republished-copy"]
    assert two["duplicates_of"] == [first["key"]]


def test_same_story_twice_in_one_batch_is_written_in_order(store: Store) -> None:
    from crawler.store.writing import write_items

    report = write_items(store, [item("article_xitheory_seed"), item("article_xitheory_seed_big5gate")], T0)
    assert outcomes(report) == {"inserted": 1, "variant": 1}


def test_removed_story_is_marked_and_comes_back(store: Store) -> None:
    seed = item("article_xitheory_seed")
    store.write([seed], T0)
    later = T0 + timedelta(hours=6)
    report = store.mark_removed(
        [
            {"url": seed["url"], "site": "chinacomcn", "status": 404},
            {"url": "http://xitheory.china.com.cn/x.htm", "site": "chinacomcn", "status": 410},
        ],
        later,
    )
    assert outcomes(report) == {"removed": 1, "removal_unknown": 1}
    doc = store.get(seed["key"])
    assert doc is not None
    assert as_utc(doc["removed_at"]) == later
    assert doc["removal_status"] == 404
    assert outcomes(store.mark_removed([{"url": seed["url"], "site": "chinacomcn", "status": 404}], later)) == {}
    store.write([item("article_xitheory_seed", at=later + timedelta(hours=1))], later)
    doc = store.get(seed["key"])
    assert doc is not None
    assert doc["removed_at"] is None


def test_runs_round_trip(store: Store) -> None:
    store.save_run({"_id": "run-1", "started_at": T0, "status": "running"})
    store.save_run({"_id": "run-1", "started_at": T0, "status": "finished", "sites": {"chinacomcn": {"items": 3}}})
    store.save_run({"_id": "run-2", "started_at": T0 + timedelta(hours=1), "status": "running"})
    runs = list(store.runs())
    assert [r["_id"] for r in runs] == ["run-1", "run-2"]
    assert runs[0]["status"] == "finished"
    assert runs[0]["sites"] == {"chinacomcn": {"items": 3}}


def _race(writers: list[Store], items: list[dict[str, Any]]) -> list[dict[str, int]]:
    barrier = threading.Barrier(len(writers))
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def run(writer: Store, story: dict[str, Any]) -> None:
        try:
            barrier.wait()
            results.append(outcomes(writer.write([story], T0)))
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=pair) for pair in zip(writers, items, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


@pytest.mark.parametrize("kind", ["embedded", "mongodb"])
def test_duplicate_key_race_stores_one_document(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """Four writers with their own connections store the same new story at once."""
    first = new_store(kind, tmp_path, request)
    if isinstance(first, EmbeddedStore):
        writers: list[Store] = [first, *(EmbeddedStore(first.path) for _ in range(3))]
    else:
        assert isinstance(first, MongoStore)
        writers = [first, *(MongoStore(first.uri, database=first.database_name) for _ in range(3))]
    try:
        _race_to_insert(first, writers)
    finally:
        for writer in writers:
            if isinstance(writer, MongoStore) and writer is first and writer.client is not None:
                writer.client.drop_database(writer.database_name)
            writer.close()


def _race_to_insert(first: Store, writers: list[Store]) -> None:
    for writer in writers[1:]:
        writer.open()
    stories = [
        item("article_xitheory_seed"),
        item("article_xitheory_seed"),
        item("article_xitheory_seed_big5gate"),
        item("article_xitheory_seed_big5gate"),
    ]
    results = _race(writers, stories)
    total: dict[str, int] = {}
    for result in results:
        for outcome, count in result.items():
            total[outcome] = total.get(outcome, 0) + count
    assert total["inserted"] == 1
    assert sum(total.values()) == 4
    docs = list(first.documents())
    assert len(docs) == 1
    assert sorted(docs[0]["fetched_urls"]) == sorted({s["url"] for s in stories})
    assert docs[0]["revision"] == 1
    assert list(docs[0]["variants"]) in ([], ["zh-Hant"], ["zh-Hans"])


def _scenario(store: Store) -> list[dict[str, Any]]:
    later = T0 + timedelta(hours=2)
    store.write([item("article_xitheory_seed"), item("article_news_2022_template"), item("article_odd_infoline")], T0)
    store.write([item("article_xitheory_seed_big5gate", at=later)], later)
    edited = item("article_odd_infoline", at=later, title={"zh": "全国政协召开双周协商座谈会（更新）"})
    store.write([edited], later)
    store.mark_removed([{"url": item("article_news_2022_template")["url"], "site": "chinacomcn", "status": 410}], later)
    return [json.loads(json.dumps(doc, default=lambda v: as_utc(v).isoformat(), sort_keys=True)) for doc in store.documents()]


def test_embedded_store_and_mongodb_store_the_same_documents(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    embedded = new_store("embedded", tmp_path, request)
    mongo = new_store("mongodb", tmp_path, request)
    try:
        from_embedded, from_mongo = _scenario(embedded), _scenario(mongo)
    finally:
        embedded.close()
        if isinstance(mongo, MongoStore) and mongo.client is not None:
            mongo.client.drop_database(mongo.database_name)
        mongo.close()

    def comparable(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # Datetimes come back as UTC from MongoDB and as stored offsets from SQLite: compare instants.
        def norm(value: Any) -> Any:
            if isinstance(value, dict):
                return {k: norm(v) for k, v in value.items() if k != "_v"}
            if isinstance(value, list):
                return [norm(v) for v in value]
            if isinstance(value, str) and len(value) >= 25 and value[10] == "T" and value[19] in ".+":
                try:
                    return as_utc(value).isoformat()
                except ValueError:
                    return value
            return value

        return [norm(d) for d in docs]

    assert comparable(from_embedded) == comparable(from_mongo)
    assert len(from_mongo) == 3


def test_fetches_written_out_of_order_span_earliest_to_latest(store: Store) -> None:
    later, earlier = item("article_xitheory_seed", at=T0 + timedelta(hours=1)), item("article_xitheory_seed", at=T0)
    store.write([later], T0 + timedelta(hours=2))
    assert outcomes(store.write([earlier], T0 + timedelta(hours=2))) == {"unchanged": 1}
    doc = store.get(later["key"])
    assert doc is not None
    assert as_utc(doc["first_seen_at"]) == T0
    assert as_utc(doc["last_seen_at"]) == T0 + timedelta(hours=1)


def test_a_character_by_character_conversion_is_a_variant_not_an_edit(store: Store) -> None:
    # OpenCC-style s2t keeps vocabulary (社群 -> 社羣), which the Taiwan-aware fold alone would
    # read as an edit (社群 -> 社区 on one side only).
    s2t = opencc.OpenCC("s2t.json")
    body = {"zh": ["网络社群与社区治理研究取得进展。", "专家表示，社群经济正在发展。"]}
    original = item("article_news_2022_template", body=body)
    converted = item(
        "article_news_2022_template",
        url="http://big5.china.com.cn/gate/big5/news.china.com.cn/2025-06/04/content_117909876.shtml",
        title={k: s2t.convert(v) for k, v in original["title"].items()},
        body={k: [s2t.convert(p) for p in v] for k, v in body.items()},
        languages=["zh-Hant"],
    )
    assert "社羣" in converted["body"]["zh"][0]
    store.write([original], T0)
    assert outcomes(store.write([converted], T0)) == {"variant": 1}
    edited = item("article_news_2022_template", body={"zh": ["网络社群与社区治理研究取得新进展。", body["zh"][1]]})
    assert outcomes(store.write([edited], T0)) == {"updated": 1}


def test_a_fingerprint_stored_in_the_earlier_form_still_recognises_the_story() -> None:
    # Fingerprints now take the body from content_hash (folded once, in the normalise pipeline);
    # documents stored before fold the body themselves. Both forms must judge a re-fetch alike.
    seed = item("article_xitheory_seed")
    stored = new_document(seed, T0)
    earlier_form = fingerprint({k: v for k, v in seed.items() if k != "content_hash"})
    assert stored["fingerprint"] != earlier_form
    stored["fingerprint"] = earlier_form
    later = T0 + timedelta(days=1)
    assert merge(stored, item("article_xitheory_seed", at=later), later)[0] == "unchanged"
    edited_body = {lang: [*paragraphs, "新增的一段。"] for lang, paragraphs in seed["body"].items()}
    outcome, doc = merge(stored, item("article_xitheory_seed", at=later, body=edited_body), later)
    assert outcome == "updated"
    assert doc["revisions"][0]["changed"] == ["body"]


def test_every_edit_is_kept_in_order_in_the_revision_history(store: Store) -> None:
    original = item("article_xitheory_seed")
    store.write([original], T0)
    texts = ["王毅、蔡奇参加会见。", "王毅、蔡奇、李强参加会见。"]
    for day, last in enumerate(texts, start=1):
        body = deepcopy(original["body"])
        body["zh"][-1] = last
        when = T0 + timedelta(days=day)
        assert outcomes(store.write([item("article_xitheory_seed", at=when, body=body)], when)) == {"updated": 1}
    doc = store.get(original["key"])
    assert doc is not None
    assert doc["revision"] == 3
    assert doc["body"]["zh"][-1] == texts[1]
    assert [r["revision"] for r in doc["revisions"]] == [1, 2]
    assert [r["previous"]["body"]["zh"][-1] for r in doc["revisions"]] == ["王毅参加会见。", texts[0]]
    assert [as_utc(r["replaced_at"]) for r in doc["revisions"]] == [T0 + timedelta(days=1), T0 + timedelta(days=2)]


def test_an_edited_caption_alone_is_a_revision(store: Store) -> None:
    original = item("article_xitheory_seed")
    store.write([original], T0)
    photos = deepcopy(original["photos"])
    photos[0]["caption"] = photos[0]["caption"].replace("会见", "亲切会见")
    assert photos != original["photos"]
    later = T0 + timedelta(hours=5)
    assert outcomes(store.write([item("article_xitheory_seed", at=later, photos=photos)], later)) == {"updated": 1}
    doc = store.get(original["key"])
    assert doc is not None
    assert doc["revisions"][0]["changed"] == ["captions"]
    assert doc["photos"][0]["caption"] == photos[0]["caption"]


def _big_body(original: dict[str, Any], marker: str, paragraphs: int = 40) -> dict[str, list[str]]:
    body = deepcopy(original["body"])
    body["zh"] = [f"{marker}第{n}段：" + "国家主席习近平会见白俄罗斯总统卢卡申科。" * 20 for n in range(paragraphs)]
    return body


def test_a_story_over_the_size_budget_moves_its_oldest_revisions_to_its_history(store: Store) -> None:
    store.document_budget = 120_000  # type: ignore[attr-defined]  # MongoDB's limit, scaled down
    original = item("article_xitheory_seed", body=_big_body(item("article_xitheory_seed"), "初稿"))
    store.write([original], T0)
    for day in range(1, 4):
        when = T0 + timedelta(days=day)
        edited = item("article_xitheory_seed", at=when, body=_big_body(original, f"第{day}稿"))
        assert outcomes(store.write([edited], when)) == {"updated": 1}
    doc = store.get(original["key"])
    assert doc is not None
    assert doc["revision"] == 4
    assert len(json.dumps(doc, default=str, ensure_ascii=False).encode()) < 120_000
    moved = [r for r in doc["revisions"] if r.get("previous_moved")]
    assert moved and all(r["previous"] is None for r in moved)
    assert [r["revision"] for r in doc["revisions"]] == [1, 2, 3]  # every revision is still listed
    history = store.history(original["key"])
    assert [h["revision"] for h in history] == [r["revision"] for r in moved]
    assert history[0]["previous"]["body"]["zh"][0].startswith("初稿第0段")


def test_a_story_too_large_on_its_own_is_refused_and_the_rest_of_its_batch_is_stored(store: Store) -> None:
    store.document_budget = 120_000  # type: ignore[attr-defined]
    huge = item("article_xitheory_seed", body=_big_body(item("article_xitheory_seed"), "长文", paragraphs=400))
    fine = item("article_news_2022_template")
    report = store.write([huge, fine], T0)
    assert outcomes(report) == {"inserted": 1}
    ((refused, reason),) = report.refused
    assert refused["key"] == huge["key"] and "without its history; the limit is 120000" in reason
    assert store.get(huge["key"]) is None and store.get(fine["key"]) is not None
    assert store.fetched(huge["url"]) is None  # not remembered: a later run fetches it again


def test_a_record_the_store_cannot_encode_is_refused_alone(store: Store) -> None:
    from crawler.store.writing import write_isolating

    broken = item("article_xitheory_seed", section={"not", "encodable"})  # a set: neither JSON nor BSON
    fine = item("article_news_2022_template")
    report = write_isolating(store, [dict(broken, type="article"), dict(fine, type="article")], T0)
    assert outcomes(report) == {"inserted": 1}
    assert [record["key"] for record, _ in report.refused] == [broken["key"]]
    assert store.get(fine["key"]) is not None


def _mongo(tmp_path: Path, request: pytest.FixtureRequest) -> MongoStore:
    store = new_store("mongodb", tmp_path, request)
    assert isinstance(store, MongoStore)
    return store


def test_a_sighting_waits_for_a_claim_left_by_a_writer_that_died(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """A writer claimed the next version of a story and died before writing it: the batch's
    sighting of that story loses once, the stale claim is freed, and the retry records it."""
    store = _mongo(tmp_path, request)
    try:
        stories = [item(stem) for stem in STORIES[:3]]
        store.write(stories, T0)
        stuck = stories[1]["key"]
        store._collection("claims").insert_one({"_id": f"{stuck}:2", "at": datetime.now(UTC) - timedelta(minutes=5)})
        later = T0 + timedelta(hours=1)
        report = store.write([item(stem, at=later) for stem in STORIES[:3]], later)
        assert outcomes(report) == {"unchanged": 3}
        assert report.conflicts == 1
        for story in stories:
            doc = store.get(story["key"])
            assert doc is not None
            assert doc["_v"] == 2
            assert as_utc(doc["last_seen_at"]) == later
    finally:
        assert store.client is not None
        store.client.drop_database(store.database_name)
        store.close()


class _DeletingStore(MongoStore):
    """Deletes one story right after the batch has read it, as `python -m crawler prune` could."""

    victim = ""

    def _claim_many(self, versions: dict[str, int]) -> set[str]:
        if self.victim in versions:
            self._collection("articles").delete_one({"_id": self.victim})
        return super()._claim_many(versions)


def test_a_story_deleted_while_its_sighting_was_written_is_stored_again(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    opened = _mongo(tmp_path, request)
    store = _DeletingStore(opened.uri, database=opened.database_name)
    opened.close()
    store.open()
    try:
        stories = [item(stem) for stem in STORIES[:3]]
        store.write(stories, T0)
        store.victim = stories[0]["key"]
        later = T0 + timedelta(hours=1)
        report = store.write([item(stem, at=later) for stem in STORIES[:3]], later)
        assert report.conflicts == 1
        assert outcomes(report) == {"unchanged": 2, "inserted": 1}
        assert sorted(doc["_id"] for doc in store.documents()) == sorted(s["key"] for s in stories)
    finally:
        assert store.client is not None
        store.client.drop_database(store.database_name)
        store.close()
