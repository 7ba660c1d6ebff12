"""Per real page, as read by hand: title, first and last paragraphs, paragraph count, no furniture in
the body, time, credited roles, sources, captions with their credits."""

from __future__ import annotations

from typing import Any

import pytest

from crawler.ops.cli import result_document
from crawler.parse import parse_page
from tests.conftest import require_corpus
from tests.corpus_check import EXPECTATIONS, captions, check_article, furniture_in
from tests.test_corpus import load, manifest

pytestmark = pytest.mark.skipif(not require_corpus(), reason="../shared/corpus is not present (HEADLINES_SHARED)")


def entries() -> list[dict[str, Any]]:
    return [e for e in manifest() if e["file"] in EXPECTATIONS]


@pytest.mark.parametrize("entry", entries(), ids=lambda e: e["file"])
def test_corpus_page_matches_what_a_reader_sees(entry: dict[str, Any]) -> None:
    expected = EXPECTATIONS[entry["file"]]
    document = result_document(parse_page(*load(entry)))
    assert document["kind"] == expected["kind"]
    if expected["kind"] == "list":
        assert len(document["articles"]) == expected["articles"]
        assert document["articles"][0] == expected["first_article"]
        return
    fields = check_article(expected, document)
    wrong = {
        name: {"expected": expected.get(name if name != "time" else "published_at"), "parsed": _parsed(document, name)}
        for name, ok in fields.items()
        if not ok
    }
    assert not wrong, wrong
    assert "\ufffd" not in str(document)


def _parsed(document: dict[str, Any], name: str) -> Any:
    lang = "zh" if "zh" in document.get("body", {}) else "en"
    body = document.get("body", {}).get(lang, [""])
    return {
        "title": (document.get("title") or {}).get(lang),
        "first": body[0][:40],
        "last": body[-1][-40:],
        "paragraphs": len(document.get("body", {}).get(lang, [])),
        "clean": furniture_in(document),
        "time": document.get("published_at"),
        "bylines": sorted([b["name"], b["role"]] for b in document.get("bylines", [])),
        "source": document.get("sources"),
        "captions": captions(document),
    }[name]


def test_every_corpus_page_has_an_expectation() -> None:
    assert {e["file"] for e in manifest()} == set(EXPECTATIONS)


def test_the_readme_shows_todays_accuracy_table() -> None:
    from tests.conftest import ROOT
    from tests.corpus_report import ALL_FIELDS, render

    table = render("crawler", ALL_FIELDS)
    assert table.split("\n\n")[0] in (ROOT / "README.md").read_text(encoding="utf-8")
