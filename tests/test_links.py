"""One story however often it is printed: host aliases, clusters across outlets, zh<->en links.

Store tests run on both stores (the `store` fixture); the labelled sets behind the thresholds are
checked here too (bench/link_eval.py prints the same figures)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from itemadapter import ItemAdapter

from bench import link_eval
from crawler import sites
from crawler.extraction.results import ArticleResult
from crawler.helpers.urls import url_key
from crawler.linking import clusters, maintain, translations
from crawler.linking.maintain import CandidatePool, Linker, credited_outlets
from crawler.ops import links
from crawler.ops.migrate import migrate_keys
from crawler.parse import parse_page
from crawler.store import Store
from crawler.store.documents import content_hash
from crawler.store.writing import write_items
from tests.conftest import FIXTURES, Case, subprocess_env

T0 = datetime(2025, 6, 4, 12, 0, tzinfo=UTC)

# -- host aliases ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site", "urls"),
    [
        (
            "chinacomcn",
            [
                "http://xitheory.china.com.cn/2025-06/05/content_117911710.htm",
                "http://news.china.com.cn/2025-06/05/content_117911710.shtml",
                "http://www.china.com.cn/2025-06/05/content_117911710.html",
                "http://big5.china.com.cn/gate/big5/news.china.com.cn/2025-06/05/content_117911710.htm",
                "http://news.china.com.cn/2025-06/05/content_117911710_2.htm",
            ],
        ),
        (
            "govcn",
            [
                "https://www.gov.cn/yaowen/liebiao/202506/content_7026001.htm",
                "https://www.gov.cn/zhengce/202506/content_7026001.htm",
                "http://big5.www.gov.cn/gate/big5/www.gov.cn/yaowen/liebiao/202506/content_7026001.htm",
            ],
        ),
        (
            "xinhua",
            [
                "https://www.news.cn/politics/leaders/20250604/a1b2c3d4e5f60718293a4b5c6d7e8f90/c.html",
                "http://www.xinhuanet.com/politics/20250604/a1b2c3d4e5f60718293a4b5c6d7e8f90/c.html",
                "https://www.news.cn/local/20250604/A1B2C3D4E5F60718293A4B5C6D7E8F90/c.html",
            ],
        ),
        (
            "people",
            [
                "http://politics.people.com.cn/n1/2025/0604/c1024-40494022.html",
                "http://world.people.com.cn/n1/2025/0604/c1024-40494022.html",
                "http://www.people.com.cn/BIG5/n1/2025/0604/c1024-40494022.html",
            ],
        ),
    ],
)
def test_one_cms_id_is_one_story_on_every_host_of_its_outlet(site: str, urls: list[str]) -> None:
    outlet = sites.get(site)
    keys = {outlet.key_for(url) for url in urls}
    assert len(keys) == 1, [outlet.story_id(url) for url in urls]
    assert outlet.story_id(urls[0]) is not None


@pytest.mark.parametrize(
    ("site", "one", "other"),
    [
        # Another id is another story.
        ("chinacomcn", "http://news.china.com.cn/2025-06/05/content_117911710.htm", "http://news.china.com.cn/2025-06/05/content_117911711.htm"),
        # The finance CMS numbers its own pages: its ids are not the ENP ids.
        ("chinacomcn", "http://finance.china.com.cn/news/20250605/6226001.shtml", "http://news.china.com.cn/2025-06/05/content_6226001.htm"),
        # Xinhua's older c_<id> pages keep their URL as identity: a Chinese and an English host are not one CMS.
        ("xinhua", "http://www.xinhuanet.com/2019-06/05/c_1124588888.htm", "http://english.news.cn/2019-06/05/c_1124588888.htm"),
        # gov.cn's English site has its own ids.
        ("govcn", "https://english.www.gov.cn/news/202506/04/content_WS6840a1b2c6d0868f4e8f3a11.html", "https://www.gov.cn/yaowen/liebiao/202506/content_7026002.htm"),
        # The channel is part of People's id.
        ("people", "http://politics.people.com.cn/n1/2025/0604/c1024-40494022.html", "http://en.people.cn/n3/2025/0604/c90000-40494022.html"),
    ],
)  # fmt: skip
def test_different_ids_and_other_cms_stay_apart(site: str, one: str, other: str) -> None:
    outlet = sites.get(site)
    assert outlet.key_for(one) != outlet.key_for(other)


def page_item(url: str, stem: str = "article_xitheory_seed", at: datetime = T0) -> dict[str, Any]:
    """The seed fixture page as fetched from `url` (another host of the same CMS id)."""
    case = Case(FIXTURES / "chinacomcn" / stem)
    result = parse_page(url, case.body, case.headers())
    assert isinstance(result, ArticleResult)
    data = ItemAdapter(result.item).asdict()
    data["content_hash"] = content_hash(data)
    data["fetched_at"] = at.isoformat()
    return data


def test_host_aliases_give_one_stored_story(store: Store) -> None:
    theory = page_item("http://xitheory.china.com.cn/2025-06/05/content_117911710.htm")
    news = page_item("http://news.china.com.cn/2025-06/05/content_117911710.htm", at=T0 + timedelta(hours=1))
    assert theory["key"] == news["key"] and theory["canonical_url"] != news["canonical_url"]
    write_items(store, [theory], T0)
    report = write_items(store, [news], T0 + timedelta(hours=1))
    assert {outcome for (_, outcome) in report.outcomes} == {"unchanged"}
    (doc,) = list(store.documents())
    assert doc["fetched_urls"] == [theory["url"], news["url"]]
    assert doc["canonical_url"] == theory["canonical_url"]  # the story keeps the URL it was first known by
    assert doc["duplicates_of"] == []


def test_migrate_keys_merges_host_copies_stored_apart(store: Store) -> None:
    """Stories stored under KEY_VERSION 2 (one per host) become one under the CMS id."""
    theory = page_item("http://xitheory.china.com.cn/2025-06/05/content_117911710.htm")
    news = page_item("http://news.china.com.cn/2025-06/05/content_117911710.htm", at=T0 + timedelta(hours=1))
    for item in (theory, news):  # as the version 2 rules keyed them: by canonical URL
        item["key"] = url_key(item["canonical_url"])
    write_items(store, [theory, news], T0)
    for doc in list(store.documents()):
        store.put_document({**doc, "key_version": 2})
    counts = migrate_keys(store)
    assert counts["merged"] == 1 and counts["rekeyed"] == 1
    (doc,) = list(store.documents())
    assert doc["_id"] == sites.get("chinacomcn").key_for(theory["url"])
    assert sorted(doc["fetched_urls"]) == sorted([theory["url"], news["url"]])
    assert store.fetched(news["url"]).key == doc["_id"]
    assert migrate_keys(store)["current"] == 1  # idempotent


# -- clusters -------------------------------------------------------------------------------------------

WIRE = [
    "新华社北京6月4日电（记者 王琳琳）记者4日从国家发展改革委获悉，今年以来，各地各部门加快推进重大项目建设，一批交通、能源、水利工程陆续开工。",
    "国家发展改革委有关负责人介绍，前5个月，全国新开工重大项目投资同比增长8.6%，其中水利工程投资增长超过两成，带动社会投资明显回升。",
    "这位负责人表示，下一步将加强要素保障，优化审批流程，推动已开工项目尽快形成实物工作量，确保年内完成投资目标。",
    "在浙江、江苏等地，一批城市更新和地下管网改造项目加快实施，施工现场机器轰鸣，工人们正抓紧作业。",
    "专家认为，重大项目建设对稳增长、扩内需具有重要作用，既能拉动当前投资，又能增强经济发展后劲。",
    "据悉，国家发展改革委还将会同有关部门，加强对项目建设的调度和督导，及时协调解决项目推进中遇到的困难和问题。",
]
OTHER = [
    "本报北京6月4日电 教育部4日召开新闻发布会，介绍2025届高校毕业生就业工作进展，有关负责人表示已有超过六成毕业生落实去向。",
    "教育部将组织开展百日冲刺专项行动，举办各类招聘活动5万场以上，并提醒毕业生警惕求职陷阱。",
    "各地教育部门要用好一次性扩岗补助政策，鼓励企业吸纳高校毕业生就业，做好离校未就业毕业生帮扶。",
]


def story(site: str, url: str, body: dict[str, list[str]], *, published: datetime, **fields: Any) -> dict[str, Any]:
    outlet = sites.get(site)
    item: dict[str, Any] = {
        "url": url,
        "canonical_url": outlet.canonical_url(url),
        "key": outlet.key_for(url),
        "site": site,
        "section": [],
        "title": {lang: paragraphs[0][:20] for lang, paragraphs in body.items()},
        "body": body,
        "languages": ["zh-Hans" if lang == "zh" else lang for lang in body],
        "photos": [],
        "bylines": [],
        "source": None,
        "sources": [],
        "dateline": {},
        "published_at": published.isoformat(),
        "published_raw": None,
        "published_precision": "minute",
        "updated_at": None,
        "other_titles": {},
        "author_notes": [],
        "page_urls": [url],
        "parser": "test",
        "warnings": [],
        "redirected_from": [],
        "fetched_at": (published + timedelta(minutes=30)).isoformat(),
    }
    item.update(fields)
    if fields.get("source"):
        item["sources"] = [fields["source"]]
    item["content_hash"] = content_hash(item)
    return item


def stored_and_linked(store: Store, items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    for item in items:  # one batch each, as separate crawls would store them
        report = write_items(store, [item], datetime.fromisoformat(item["fetched_at"]))
        Linker(store).link(report.changed)
    return {doc["_id"]: doc for doc in store.documents()}


def wire_and_copies() -> dict[str, dict[str, Any]]:
    edited = ["（本报综合报道）", *WIRE[:4], WIRE[4].replace("专家认为", "业内专家普遍认为")]
    return {
        "origin": story("xinhua", "https://www.news.cn/fortune/20250604/0123456789abcdef0123456789abcdef/c.html",
                        {"zh": WIRE}, published=T0, source="新华网"),
        # A copy can print an earlier time than the wire's own page: the credit decides the origin.
        "copy": story("people", "http://finance.people.com.cn/n1/2025/0604/c1004-40494100.html",
                      {"zh": WIRE}, published=T0 - timedelta(minutes=10), source="新华社"),
        "edited": story("govcn", "https://www.gov.cn/yaowen/liebiao/202506/content_7026100.htm",
                        {"zh": edited}, published=T0 + timedelta(hours=2), source="新华社"),
        "trimmed": story("chinadaily", "https://cn.chinadaily.com.cn/a/202506/04/WS68400a1ba310205377033c11.html",
                         {"zh": WIRE[:4]}, published=T0 + timedelta(hours=3), source="新华网"),
        "other": story("chinanews", "https://www.chinanews.com.cn/gn/2025/06-04/10426001.shtml",
                       {"zh": OTHER}, published=T0 + timedelta(minutes=10), source="中国新闻网"),
    }  # fmt: skip


@pytest.mark.parametrize("order", ["origin first", "copies first"])
def test_a_wire_story_and_its_copies_share_a_cluster_with_the_right_origin(store: Store, order: str) -> None:
    stories = wire_and_copies()
    names = ["origin", "copy", "edited", "trimmed", "other"]
    if order == "copies first":
        names = ["edited", "trimmed", "copy", "other", "origin"]
    docs = stored_and_linked(store, [stories[name] for name in names])
    origin, copy, edited, trimmed, other = (docs[stories[n]["key"]] for n in ("origin", "copy", "edited", "trimmed", "other"))
    assert other["cluster"] == {
        "id": f"c-{other['_id'][:16]}",
        "origin": other["_id"],
        "role": "origin",
        "similarity": 1.0,
        "size": 1,
    }
    cluster_id = origin["cluster"]["id"]
    assert copy["cluster"]["id"] == edited["cluster"]["id"] == trimmed["cluster"]["id"] == cluster_id
    assert {d["cluster"]["origin"] for d in (origin, copy, edited, trimmed)} == {origin["_id"]}
    assert trimmed["cluster"]["role"] == "edited-copy"
    assert trimmed["cluster"]["diff"]["counts"] == {"added": 0, "removed": 2, "changed": 0}
    assert origin["cluster"]["role"] == "origin"
    assert copy["cluster"]["role"] == "copy" and copy["cluster"]["similarity"] == 1.0
    assert edited["cluster"]["role"] == "edited-copy"
    assert 0.5 < edited["cluster"]["similarity"] < 1.0
    diff = edited["cluster"]["diff"]
    assert diff["counts"] == {"added": 1, "removed": 1, "changed": 1}
    assert diff["added"] == ["（本报综合报道）"] and diff["removed"] == [WIRE[5]]
    assert diff["changed"] == [{"from": WIRE[4], "to": WIRE[4].replace("专家认为", "业内专家普遍认为")}]
    assert origin["cluster"]["size"] == 4
    # Exact copies are linked by their hash too, and the two agree.
    assert origin["duplicates_of"] == [copy["_id"]] and copy["duplicates_of"] == [origin["_id"]]


def test_an_edit_that_makes_a_copy_another_story_takes_it_out_of_the_cluster(store: Store) -> None:
    stories = wire_and_copies()
    stored_and_linked(store, [stories["origin"], stories["copy"]])
    rewritten = {**stories["copy"], "body": {"zh": OTHER}, "fetched_at": (T0 + timedelta(hours=5)).isoformat()}
    rewritten["content_hash"] = content_hash(rewritten)
    docs = stored_and_linked(store, [rewritten])
    assert docs[stories["copy"]["key"]]["cluster"]["size"] == 1
    assert docs[stories["origin"]["key"]]["cluster"]["size"] == 1  # alone again


def test_without_credit_the_earliest_published_is_the_origin(store: Store) -> None:
    stories = wire_and_copies()
    first = {**stories["copy"], "source": None, "sources": []}  # published 10 minutes before the wire's page
    docs = stored_and_linked(store, [{**stories["origin"], "source": None, "sources": []}, first])
    assert docs[first["key"]]["cluster"]["role"] == "origin"


def test_credited_outlets_read_sources_as_printed() -> None:
    assert credited_outlets(["新华社"]) == ["xinhua"]
    assert credited_outlets(["人民日报客户端", "新華網"]) == ["people", "xinhua"]
    assert credited_outlets(["Xinhua"]) == ["xinhua"]
    assert credited_outlets(["中国网络电视台"]) == []  # not 中国网
    assert credited_outlets(["《求是》2025/11"]) == ["qiushi"]


# -- translations ---------------------------------------------------------------------------------------


def labelled(name: str) -> dict[str, Any]:
    entry = json.loads((link_eval.LINKS / "translations.json").read_text(encoding="utf-8"))["stories"][name]
    return link_eval._translation_story(entry)


def labelled_pair(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A labelled zh/en pair as two Xinhua pages (a Chinese and an English host)."""
    pages = []
    for lang, host in (("zh", "www.news.cn/politics"), ("en", "english.news.cn")):
        entry = labelled(f"{name}-{lang}")
        story_id = hashlib.md5(f"{name}-{lang}".encode()).hexdigest()
        pages.append(
            story(
                "xinhua",
                f"https://{host}/20250604/{story_id}/c.html",
                entry["body"],
                published=datetime.fromisoformat(entry["published_at"]),
                photos=entry["photos"],
                dateline=entry["dateline"],
            )
        )
    return pages[0], pages[1]


def test_the_seed_in_chinese_and_a_separate_english_page_are_linked(store: Store) -> None:
    zh, en, unrelated = labelled("seed-zh"), labelled("seed-en"), labelled("liqiang-singapore-en")
    published = datetime.fromisoformat(zh["published_at"])
    chinese = story(
        "xinhua",
        "https://www.news.cn/politics/leaders/20250605/11112222333344445555666677778888/c.html",
        zh["body"],
        published=published,
        photos=zh["photos"],
        bylines=zh["bylines"],
    )
    english = story(
        "xinhua",
        "https://english.news.cn/20250605/99990000aaaabbbbccccddddeeeeffff/c.html",
        en["body"],
        published=published + timedelta(hours=3),
        photos=en["photos"],
        bylines=en["bylines"],
    )
    other = story("xinhua", "https://english.news.cn/20250605/0000111122223333444455556666777a/c.html",
                  unrelated["body"], published=published + timedelta(hours=1), photos=unrelated["photos"])  # fmt: skip
    docs = stored_and_linked(store, [chinese, other, english])
    (link,) = docs[chinese["key"]]["translations"]
    assert link["key"] == english["key"] and link["lang"] == "en"
    assert link["confidence"] >= translations.CONFIDENCE
    assert any("huangjingwen" in evidence for evidence in link["evidence"])
    (back,) = docs[english["key"]]["translations"]
    assert back["key"] == chinese["key"] and back["lang"] == "zh"
    assert not docs[other["key"]].get("translations")


def test_a_page_printing_both_languages_is_its_own_translation(store: Store) -> None:
    seed = page_item("http://xitheory.china.com.cn/2025-06/05/content_117911710.htm")
    docs = stored_and_linked(store, [seed])
    assert [(t["key"], t["lang"], t["confidence"]) for t in docs[seed["key"]]["translations"]] == [
        (seed["key"], "zh", 1.0),
        (seed["key"], "en", 1.0),
    ]


def test_pinyin_meets_the_english_spelling() -> None:
    zh = translations.profile({"body": {"zh": ["海关总署统计分析司司长吕大良表示。"]}, "photos": [], "bylines": []}, "zh")
    en = translations.profile({"body": {"en": ["Lyu Daliang, an official, said."]}, "photos": [], "bylines": []}, "en")
    assert "ludaliang" in zh.names & en.names
    dated = translations.profile({"body": {"zh": ["新華社北京6月4日電 正文"]}, "photos": [], "bylines": []}, "zh")
    assert dated.dateline == "beijing:6:4"
    assert translations.profile({"body": {"en": ["BEIJING, June 4 (Xinhua) -- Text."]}}, "en").dateline == "beijing:6:4"


# -- the labelled sets ----------------------------------------------------------------------------------


def test_cluster_thresholds_on_the_labelled_set() -> None:
    scores = link_eval.cluster_scores()
    assert scores.tp >= 80 and scores.tn >= 250  # the set is what it says
    assert scores.precision == 1.0, scores.mistakes
    assert scores.recall >= 0.95, scores.mistakes


def test_translation_threshold_on_the_labelled_set() -> None:
    scores = link_eval.translation_scores()
    assert scores.tp + scores.fn == 8 and scores.tn + scores.fp == 72
    assert scores.precision == 1.0, scores.mistakes
    assert scores.recall >= 0.85, scores.mistakes
    assert scores.strongest_non_pair < translations.CONFIDENCE <= scores.weakest_pair


def test_a_short_body_gets_no_signature() -> None:
    assert clusters.signature({"zh": ["（完）"]}) is None


# -- the commands ---------------------------------------------------------------------------------------


def test_clusters_and_pairs_commands_on_the_embedded_store(tmp_path: Path) -> None:
    from crawler.store import EmbeddedStore

    path = tmp_path / "store.sqlite3"
    store = EmbeddedStore(path)
    store.open()
    stories = wire_and_copies()
    stored_and_linked(store, [stories["origin"], stories["copy"], stories["edited"]])
    found = links.clusters(store, min_size=3)
    assert [m["role"] for m in found[0]["members"]] == ["origin", "copy", "edited-copy"]
    assert [m["site"] for m in found[0]["members"]] == ["xinhua", "people", "govcn"]
    assert links.clusters(store, site="chinanews") == []
    assert links.clusters(store, min_size=4) == []
    # relink rebuilds the same clusters from the stored stories
    before = {doc["_id"]: doc.get("cluster") for doc in store.documents()}
    store.db.execute("DELETE FROM link_index")
    store.db.execute("DELETE FROM link_terms")
    assert links.relink(store).counts["indexed"] == 3
    assert {doc["_id"]: doc.get("cluster") for doc in store.documents()} == before
    store.close()
    for command in (["clusters", "--json"], ["pairs"], ["clusters", "--since", "1d"], ["export"]):
        done = subprocess.run(
            [sys.executable, "-m", "crawler", *command, "-s", f"EMBEDDED_STORE_PATH={path}"],
            cwd=tmp_path, env=subprocess_env(), capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        if command == ["clusters", "--json"]:
            (line,) = done.stdout.splitlines()
            assert json.loads(line)["origin"] == stories["origin"]["key"]
        elif command == ["export"]:
            exported = [json.loads(line) for line in done.stdout.splitlines()]
            assert {doc["cluster"]["role"] for doc in exported} == {"origin", "copy", "edited-copy"}
        elif command[0] == "pairs":
            assert "0 translation pairs" in done.stderr
        else:
            assert "0 clusters" in done.stderr  # first seen in 2025: not within a day of now


def test_stories_of_one_batch_are_linked_to_each_other(store: Store) -> None:
    """The candidates are fetched once per batch: the batch's own stories must meet each other too."""
    stories = wire_and_copies()
    chinese, english = labelled_pair("trade")
    report = write_items(store, [*stories.values(), chinese, english], T0 + timedelta(hours=6))
    Linker(store).link(report.changed)
    docs = {doc["_id"]: doc for doc in store.documents()}
    roles = {name: (docs[s["key"]]["cluster"]["role"], docs[s["key"]]["cluster"]["size"]) for name, s in stories.items()}
    assert roles == {
        "origin": ("origin", 4),
        "copy": ("copy", 4),
        "edited": ("edited-copy", 4),
        "trimmed": ("edited-copy", 4),
        "other": ("origin", 1),
    }
    assert [t["key"] for t in docs[chinese["key"]]["translations"]] == [english["key"]]
    assert [t["key"] for t in docs[english["key"]]["translations"]] == [chinese["key"]]


def test_the_listings_say_who_carried_what(store: Store) -> None:
    stories = wire_and_copies()
    chinese, english = labelled_pair("rain")
    stored_and_linked(store, [stories["origin"], stories["edited"], chinese, english])
    (pair,) = links.pairs(store)
    assert (pair["zh"]["key"], pair["en"]["key"]) == (chinese["key"], english["key"])
    assert links.pairs(store, since=timedelta(days=1)) == []  # stored in 2025
    (line,) = links.pair_lines([pair])[:1]
    assert line.startswith(f"{pair['confidence']:.2f}  xinhua: ") and "photo credit: denghua" in line
    (cluster,) = links.clusters(store)
    text = links.cluster_lines([cluster])
    assert text[0] == f"cluster {cluster['id']}: 2 stories, origin {stories['origin']['key']}"
    assert text[1].lstrip().startswith("origin") and text[2].endswith("+1 -1 ~1")


def test_copies_are_sought_within_a_week_exact_ones_always(store: Store) -> None:
    stories = wire_and_copies()
    later = T0 + timedelta(days=8)
    edited = {**stories["edited"], "published_at": later.isoformat(), "fetched_at": later.isoformat()}
    docs = stored_and_linked(store, [stories["origin"], edited])
    assert docs[edited["key"]]["cluster"]["size"] == 1  # an edited reprint a week on is not looked for
    exact = {**stories["copy"], "published_at": later.isoformat(), "fetched_at": later.isoformat()}
    docs = stored_and_linked(store, [exact])
    assert docs[exact["key"]]["duplicates_of"] == [stories["origin"]["key"]]
    assert docs[exact["key"]]["cluster"]["origin"] == stories["origin"]["key"]  # consistent with duplicates_of
    trimmed = {**stories["trimmed"], "published_at": (T0 + timedelta(days=6)).isoformat()}
    docs = stored_and_linked(store, [trimmed])
    assert docs[trimmed["key"]]["cluster"]["origin"] == stories["origin"]["key"]


def _link_record(key: str, langs: list[str], published: datetime) -> dict[str, Any]:
    profiles = {lang: {"lang": lang, "credits": [], "dateline": None, "names": [f"{key}{lang}"], "figures": []} for lang in langs}
    return {"_id": key, "site": "xinhua", "langs": langs, "published_at": published.strftime("%Y-%m-%dT%H:%M:%S"),
            "sig": [1, 2, 3], "size": 3, "bands": ["0:aa"], "profiles": profiles, "cluster": None}  # fmt: skip


def test_translation_candidates_are_the_other_language_only_with_its_profile(store: Store) -> None:
    """A batch reads up to MAX_TRANSLATION_POOL candidates: a page printing both languages (its own
    translation) is not one, and a candidate carries only what matching reads."""
    store.put_link_records(
        [
            _link_record("en1", ["en"], T0),
            _link_record("both", ["en", "zh"], T0),
            _link_record("zh1", ["zh"], T0),
            _link_record("late", ["en"], T0 + timedelta(days=3)),
        ]
    )
    start, end = (T0 - timedelta(hours=1)).isoformat()[:19], (T0 + timedelta(hours=1)).isoformat()[:19]
    (found,) = store.link_records_matching(start, end, "en", 10)
    assert found == {
        "_id": "en1",
        "published_at": "2025-06-04T12:00:00",
        "langs": ["en"],
        "profiles": {"en": _link_record("en1", ["en"], T0)["profiles"]["en"]},
    }
    assert [r["_id"] for r in store.link_records_matching(start, end, "zh", 10)] == ["zh1"]
    near = store.link_records_in_bands(["0:aa"], start, end, 10)
    assert sorted(r["_id"] for r in near) == ["both", "en1", "zh1"]
    assert all("profiles" not in r and r["sig"] == [1, 2, 3] for r in near)  # copies compare signatures only


def test_names_read_the_same_without_pypinyin_phrase_dictionary() -> None:
    """translations turns pypinyin's phrase dictionary off (45 MB): every character must still read
    as pypinyin reads it with the dictionary."""
    assert "pypinyin.phrases_dict" not in sys.modules
    characters = "".join(map(chr, [*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000)]))
    script = (
        "import sys, json; from pypinyin import Style, lazy_pinyin; "
        "print(json.dumps(['pypinyin.phrases_dict' in sys.modules] + "
        "[''.join(lazy_pinyin(c, style=Style.NORMAL)) for c in sys.stdin.read()]))"
    )
    env = {k: v for k, v in subprocess_env().items() if not k.startswith("PYPINYIN_")}
    done = subprocess.run([sys.executable, "-c", script], input=characters, env=env, capture_output=True, text=True, check=True)
    loaded, *readings = json.loads(done.stdout)
    assert loaded  # the comparison is against the full dictionaries
    assert [translations._char_pinyin(c) for c in characters] == readings


def test_a_batch_keeps_of_its_candidates_only_what_clustering_compares() -> None:
    """Up to MAX_CANDIDATES per story are read: each is kept as id, cluster and signature, indexed
    under the bands the batch's own stories have, and still met by the story sharing one."""
    stored = {**_link_record("old", ["zh"], T0), "bands": ["0:aa", "1:bb"], "cluster": "c-old"}
    pool = CandidatePool({"0:aa", "2:cc"})
    pool.add(stored)
    assert pool.records == {"old": {"_id": "old", "cluster": "c-old"}}
    assert pool.by_band == {"0:aa": {"old"}}
    mine = {**_link_record("new", ["zh"], T0), "bands": ["0:aa", "2:cc"]}
    pool.add_own(mine)
    assert pool.records["new"] is mine  # the batch's own record: its cluster is set in place
    assert [(record["_id"], signature.values) for record, signature in pool.sharing_a_band(mine)] == [("old", (1, 2, 3))]


def _published(item: dict[str, Any], shift: timedelta) -> dict[str, Any]:
    moved = datetime.fromisoformat(item["published_at"]) + shift
    return {**item, "published_at": moved.isoformat(), "fetched_at": moved.isoformat()}


def test_a_batch_spread_over_a_year_finds_each_story_its_translation(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sitemap read back to its start gives batches a year wide. One candidate read over the
    whole year, oldest first and limited, would feed the later story only the older ones."""
    monkeypatch.setattr(maintain, "MAX_TRANSLATION_POOL", 1)
    year = timedelta(days=-365)
    rain_zh, rain_en = (_published(item, year) for item in labelled_pair("rain"))
    trade_zh, trade_en = labelled_pair("trade")
    stored_and_linked(store, [rain_en, trade_en])
    Linker(store).link(write_items(store, [trade_zh, rain_zh], T0 + timedelta(hours=6)).changed)
    docs = {doc["_id"]: doc for doc in store.documents()}
    assert [t["key"] for t in docs[rain_zh["key"]]["translations"]] == [rain_en["key"]]
    assert [t["key"] for t in docs[trade_zh["key"]]["translations"]] == [trade_en["key"]]


def test_time_groups_split_where_windows_stop_overlapping() -> None:
    hours = [0, 30, 71, 73, 200]
    records = [{"_id": str(h), "published_at": (T0 + timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%S")} for h in hours]
    groups = maintain.time_groups(
        [records[3], records[0], records[4], records[1], records[2], {"_id": "x", "published_at": None}], timedelta(hours=36)
    )
    assert [([r["_id"] for r in group], start, end) for group, start, end in groups] == [
        (["0", "30", "71"], "2025-06-03T00:00:00", "2025-06-08T23:00:00"),
        (["73"], "2025-06-06T01:00:00", "2025-06-09T01:00:00"),
        (["200"], "2025-06-11T08:00:00", "2025-06-14T08:00:00"),
    ]


def test_candidates_are_read_once_per_batch_unless_that_read_is_cut() -> None:
    """On FerretDB 1.x every read scans the link index: a batch reads once when its one read
    holds every candidate, and per run of close stories only when that read hit its limit."""
    records = [{"_id": str(h), "published_at": (T0 + timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%S")} for h in (0, 200, 400)]
    reads: list[tuple[str, str, int]] = []

    def run(returned: int) -> list[tuple[list[str], int]]:
        reads.clear()

        def read(start: str, end: str, limit: int) -> list[dict[str, Any]]:
            reads.append((start, end, limit))
            return [{"_id": "candidate"}] * min(returned, limit)

        found = maintain.candidate_reads(records, timedelta(hours=36), read, lambda stories: 10 * stories)
        return [([r["_id"] for r in group], len(candidates)) for group, candidates in found]

    assert run(29) == [(["0", "200", "400"], 29)]
    assert reads == [("2025-06-03T00:00:00", "2025-06-22T16:00:00", 30)]
    assert run(30) == [(["0"], 10), (["200"], 10), (["400"], 10)]  # the one read was cut: per run
    assert [limit for _, _, limit in reads] == [30, 10, 10, 10]
    assert reads[1][:2] == ("2025-06-03T00:00:00", "2025-06-06T00:00:00")
