"""The reader's catalog: one entry and the search terms per story, kept by every write of both
stores; search in either Chinese script and in English; keyset paging; the filters."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.linking.maintain import Linker
from crawler.store import EmbeddedStore, MongoStore, Store
from crawler.store import catalog as catalog_module
from crawler.store.catalog import Cursor, Filters, fts_query, query_words, tokens
from crawler.store.writing import write_items
from tests.conftest import new_store
from tests.test_links import story

T0 = datetime(2025, 6, 4, 8, 0, tzinfo=UTC)

PARAGRAPHS = {
    "xi": ["国家主席习近平4日在人民大会堂会见白俄罗斯总统卢卡申科。", "双方就中白关系交换意见。"],
    "wheat": ["截至6月3日，全国已收获冬小麦面积超过七成。", "夏粮收获进入尾声阶段。"],
    "apart": ["中国经济稳中向好，国人信心增强。", "专家认为，消费持续回暖。"],
    "people": ["中国人民银行发布数据。", "货币供应量平稳增长。"],
}


def item(name: str, minutes: int, site: str = "chinanews", number: int = 0, **fields: Any) -> dict[str, Any]:
    """Story `name` published `minutes` after T0; `number` tells apart stories of the same minute."""
    url = f"https://www.chinanews.com.cn/gn/2025/06-04/{10426000 + minutes * 10 + number}.shtml"
    if site == "people":
        url = f"http://politics.people.com.cn/n1/2025/0604/c1001-{40494000 + minutes * 10 + number}.html"
    return story(site, url, {"zh": PARAGRAPHS[name]}, published=T0 + timedelta(minutes=minutes), **fields)


def search(store: Store, query: str, **filters: Any) -> list[str]:
    entries, _ = store.catalog_page(Filters(**filters), query_words(query), None, 50)
    return [(e["title"].get("zh") or e["title"].get("en"))[:10] for e in entries]


def test_text_is_cut_into_han_bigrams_and_words_after_folding() -> None:
    assert tokens(catalog_module.fold("習近平會見 Xi Jinping，2025年")) == ["习近", "近平", "平会", "会见", "见", "xi", "jinping",
                                                                        "2025", "年"]  # fmt: skip
    # A query's last run does not demand that the text's run ends there.
    assert [w.terms for w in query_words("中国人")] == [("中国", "国人")]
    assert fts_query(query_words('"Xi Jinping" 习')) == '"xi jinping" AND "习"*'
    # Query syntax never passes through: a quote or an operator is text.
    assert fts_query(query_words('a"b OR NEAR(')) == '"a b" AND "or" AND "near"'


def test_a_traditional_query_finds_the_simplified_story_and_back(store: Store) -> None:
    write_items(store, [item("xi", 0), item("wheat", 5)], T0)
    assert search(store, "習近平") == ["国家主席习近平4日在"]
    assert search(store, "习近平") == ["国家主席习近平4日在"]
    traditional = story("chinacomcn", "http://big5.china.com.cn/gate/big5/news.china.com.cn/2025-06/04/content_117909876.htm",
                        {"zh": ["截至6月3日，全國已收穫冬小麥面積超過七成。"]}, published=T0 + timedelta(hours=1))  # fmt: skip
    traditional["languages"] = ["zh-Hant"]
    write_items(store, [traditional], T0)
    assert sorted(search(store, "小麦")) == ["截至6月3日，全国已", "截至6月3日，全國已"]
    assert search(store, "小麦", lang="zh-Hant") == ["截至6月3日，全國已"]


def test_words_must_all_appear_and_a_phrase_must_be_adjacent(store: Store) -> None:
    write_items(store, [item("xi", 0), item("wheat", 5), item("apart", 10), item("people", 15)], T0)
    # "中国" and "国人" both occur in `apart`, but not as 中国人: only `people` says it.
    assert search(store, "中国人") == ["中国人民银行发布数据"]
    assert sorted(search(store, "中国")) == ["中国人民银行发布数据", "中国经济稳中向好，国"]
    assert search(store, "中国 消费") == ["中国经济稳中向好，国"]
    assert search(store, "麦") == ["截至6月3日，全国已"]  # one character
    assert search(store, "阶段") == ["截至6月3日，全国已"]  # the end of a run
    assert search(store, "段") == ["截至6月3日，全国已"]  # its last character alone
    assert search(store, "北京") == []
    assert search(store, "小麦", site="people") == []


def test_english_words_and_phrases(store: Store) -> None:
    english = story("chinadaily", "https://www.chinadaily.com.cn/a/202506/04/WS68400a1ba310205377033c11.html",
                    {"en": ["President Xi Jinping met Belarusian President Lukashenko in Beijing.", "Both sides agreed."]},
                    published=T0)  # fmt: skip
    write_items(store, [english, item("xi", 5)], T0)
    assert search(store, "lukashenko") == ["President "]
    assert search(store, '"Jinping met"') == ["President "]
    assert search(store, '"met Jinping"') == []
    assert search(store, "Xi 习近平") == []  # no story has both


def test_the_catalog_follows_every_change_of_a_story(store: Store) -> None:
    first = item("xi", 0)
    write_items(store, [first, item("wheat", 5)], T0)
    (entry,) = store.catalog_entries([first["key"]])
    assert (entry["revisions"], entry["removed"], entry["cluster_size"], entry["langs"]) == (0, False, 1, ["zh", "zh-Hans"])
    assert entry["at"] == "2025-06-04T08:00:00Z"
    edited = {**first, "body": {"zh": [*PARAGRAPHS["xi"][:1], "双方就中白关系深入交换意见。"]}}
    edited["content_hash"] = catalog_module.search_hash(edited)  # any new hash: the text changed
    write_items(store, [edited], T0 + timedelta(hours=1))
    assert store.catalog_entries([first["key"]])[0]["revisions"] == 1
    assert search(store, "深入") == ["国家主席习近平4日在"]
    store.mark_removed([{"url": first["url"], "site": first["site"], "status": 404}], T0 + timedelta(hours=2))
    assert store.catalog_entries([first["key"]])[0]["removed"] is True
    assert search(store, "", removed=True) == ["国家主席习近平4日在"]
    store.set_story_fields(first["key"], {"cluster": {"id": "c-x", "size": 3}, "translations": [{"key": "k", "lang": "en"}]})
    assert search(store, "", min_cluster=3, has_translation=True) == ["国家主席习近平4日在"]
    store.delete_document(first["key"])
    assert store.catalog_entries([first["key"]]) == []
    assert search(store, "习近平") == []


def test_keyset_pages_cover_every_story_once_even_at_equal_times(store: Store) -> None:
    write_items(store, [item(name, 0, number=n) for n, name in enumerate(("xi", "wheat", "apart"))], T0)
    write_items(store, [item("people", 30)], T0)
    seen: list[str] = []
    cursor: Cursor | None = None
    for _ in range(10):
        page, cursor = store.catalog_page(Filters(), [], cursor, 1)
        seen.extend(e["_id"] for e in page)
        if cursor is None:
            break
        cursor = Cursor.decode(cursor.encode())  # as a link carries it
    assert len(seen) == len(set(seen)) == 4
    whole, last = store.catalog_page(Filters(), [], None, 10)
    assert last is None
    assert [e["_id"] for e in whole] == seen  # page by page, in the one order: newest first, then key
    assert [(e["at"], e["_id"]) for e in whole] == sorted(((e["at"], e["_id"]) for e in whole), reverse=True)


def test_filters_by_outlet_language_days_and_revisions(store: Store) -> None:
    write_items(store, [item("xi", 0), item("wheat", 60 * 24, site="people")], T0)
    assert search(store, "", site="people") == ["截至6月3日，全国已"]
    assert search(store, "", since=date(2025, 6, 5)) == ["截至6月3日，全国已"]
    assert search(store, "", until=date(2025, 6, 4)) == ["国家主席习近平4日在"]
    assert search(store, "", lang="en") == []
    assert search(store, "", has_revisions=True) == []
    with pytest.raises(ValueError, match="cursor"):
        Cursor.decode("not-a-cursor")


def test_reindex_builds_the_entries_of_a_store_written_before_the_catalog(store: Store) -> None:
    write_items(store, [item("xi", 0), item("wheat", 5)], T0)
    if isinstance(store, EmbeddedStore):
        store.db.execute("DELETE FROM catalog")
        store.db.execute("DELETE FROM catalog_text")
    else:
        assert isinstance(store, MongoStore)
        store._collection("catalog").delete_many({})
        store._collection("terms").delete_many({})
    assert store.catalog_size() == (2, 0)
    assert search(store, "小麦") == []
    assert store.reindex() == 2
    assert store.catalog_size() == (2, 2)
    assert search(store, "小麦") == ["截至6月3日，全国已"]
    assert store.reindex() == 0
    assert store.reindex(everything=True) == 2
    assert search(store, "習近平") == ["国家主席习近平4日在"]


def test_linking_keeps_the_cluster_size_in_the_catalog(store: Store) -> None:
    wire = story("xinhua", "https://www.news.cn/fortune/20250604/0123456789abcdef0123456789abcdef/c.html",
                 {"zh": PARAGRAPHS["wheat"] * 3}, published=T0, source="新华网")  # fmt: skip
    copy = story("people", "http://finance.people.com.cn/n1/2025/0604/c1004-40494100.html",
                 {"zh": PARAGRAPHS["wheat"] * 3}, published=T0 + timedelta(hours=1), source="新华社")  # fmt: skip
    for one in (wire, copy):
        Linker(store).link(write_items(store, [one], T0).changed)
    assert sorted(e["cluster_size"] for e in store.catalog_entries([wire["key"], copy["key"]])) == [2, 2]
    assert len(search(store, "", min_cluster=2)) == 2


def test_a_catalog_write_that_fails_never_costs_a_story(
    tmp_path: Path, request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> None:
    """MongoDB only: the embedded store writes the entry in the story's own transaction."""
    store = new_store("mongodb", tmp_path, request)
    request.addfinalizer(store.close)
    assert isinstance(store, MongoStore)
    # A rule the entries break (two stories of one outlet), standing in for any server refusal.
    store._collection("catalog").create_index("site", unique=True)
    report = write_items(store, [item("xi", 0), item("wheat", 5)], T0)
    assert sum(report.outcomes.values()) == 2
    assert len(list(store.documents())) == 2
    assert store.catalog_size() == (2, 1)
    assert "run `python -m crawler reindex`" in caplog.text


def test_entries_left_by_a_run_that_died_are_replaced(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """MongoDB only: a run killed between its catalog insert and its story insert left an entry and
    terms for a story not stored yet; storing it then rewrites both."""
    store = new_store("mongodb", tmp_path, request)
    request.addfinalizer(store.close)
    assert isinstance(store, MongoStore)
    story_item = item("xi", 0)
    stale = {**story_item, "_id": story_item["key"], "body": {"zh": ["过时的文字。"]}}
    store._collection("catalog").insert_one(catalog_module.entry({**stale, "content_hash": story_item["content_hash"]}))
    store._collection("terms").insert_one({"_id": stale["_id"], "at": "x", "terms": catalog_module.terms(stale)})
    write_items(store, [story_item], T0)
    assert search(store, "过时") == []
    assert search(store, "卢卡申科") == ["国家主席习近平4日在"]
