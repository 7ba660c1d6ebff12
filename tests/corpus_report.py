"""Accuracy on the real corpus pages, per outlet and field: `python -m tests.corpus_report`.

Three readers of the same bytes: the crawler as it runs (site parsers, generic fallback), the
generic extractor alone, and trafilatura (bare_extraction with metadata). Fields, judged against the
hand-read expectations in corpus_expectations.json:

  title      the main-language title, exactly
  first      the first body paragraph begins as the reader sees it
  last       the last body paragraph ends as the reader sees it
  paragraphs the main language's body has as many paragraphs as the page
  clean      no page furniture (editor lines, share links, end marks, …) in the body
  author     the people who wrote it (authors, reporters, commentators), exactly
  date       the publish day (trafilatura reports days)
  time       the publish time to the second, with offset (crawler readers only)
  bylines    every credited person with the right role (crawler readers only)
  source     every outlet the source line names (crawler readers only)
  captions   each captioned photo, with the names its credit gives (crawler readers only)
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from typing import Any

from crawler.ops.cli import result_document
from crawler.parse import parse_generic, parse_page
from tests.corpus_check import EXPECTATIONS, check_article, outlet
from tests.test_corpus import load, manifest

WRITERS = ("author", "reporter", "commentator")
ALL_FIELDS = ("title", "first", "last", "paragraphs", "clean", "time", "bylines", "source", "captions", "author", "date")
# What trafilatura gives that compares: no roles, no sources, no captions, days only.
COMPARED = ("title", "first", "last", "paragraphs", "clean", "author", "date")


def _writers(bylines: list[list[str]]) -> list[str]:
    return sorted({name for name, role in bylines if role in WRITERS})


def judge(expected: dict[str, Any], document: dict[str, Any]) -> dict[str, bool]:
    fields = check_article(expected, document)
    parsed_time = document.get("published_at") or ""
    fields["date"] = parsed_time[:10] == (expected["published_at"] or "")[:10]
    fields["author"] = _writers([[b["name"], b["role"]] for b in document.get("bylines", [])]) == _writers(expected["bylines"])
    return fields


def trafilatura_document(url: str, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    import trafilatura

    charset = headers.get("Content-Type", "").split("charset=")[-1]
    extracted = trafilatura.bare_extraction(body.decode(charset, "replace"), url=url, with_metadata=True)
    if extracted is None:
        return {"title": {}, "body": {}, "bylines": [], "published_at": None}
    text = extracted.text or ""
    lang = "zh" if re.search(r"[\u4e00-\u9fff]", text) else "en"
    authors = [a.strip() for a in re.split(r"[;,、，]", extracted.author or "") if a.strip()]
    return {
        "title": {lang: extracted.title} if extracted.title else {},
        "body": {lang: [line for line in text.split("\n") if line.strip()]} if text else {},
        "bylines": [{"name": a, "role": "author"} for a in authors],
        "published_at": extracted.date,
    }


def readers() -> dict[str, Any]:
    return {
        "crawler": lambda url, body, headers: result_document(parse_page(url, body, headers)),
        "generic": lambda url, body, headers: result_document(parse_generic(url, body, headers)),
        "trafilatura": trafilatura_document,
    }


def scores(reader: str) -> dict[str, dict[str, list[int]]]:
    """outlet -> field -> [right, pages]."""
    table: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    read = readers()[reader]
    for entry in manifest():
        expected = EXPECTATIONS.get(entry["file"])
        if not expected or expected["kind"] != "article":
            continue
        document = read(*load(entry))
        if document.get("kind", "article") != "article":
            document = {"title": {}, "body": {}, "bylines": [], "published_at": None}
        for field, ok in judge(expected, document).items():
            cell = table[outlet(entry["file"])][field]
            cell[0] += int(ok)
            cell[1] += 1
    return table


def render(reader: str, fields: tuple[str, ...]) -> str:
    table = scores(reader)
    lines = ["| outlet | " + " | ".join(fields) + " |", "|---|" + "---|" * len(fields)]
    totals = {f: [0, 0] for f in fields}
    for name in sorted(table):
        cells = []
        for field in fields:
            right, pages = table[name][field]
            totals[field][0] += right
            totals[field][1] += pages
            cells.append(f"{right}/{pages}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("| **all** | " + " | ".join(f"{r}/{p}" for r, p in totals.values()) + " |")
    right, checks = sum(r for r, _ in totals.values()), sum(p for _, p in totals.values())
    lines.append("")
    lines.append(f"{reader}: {right} of {checks} field checks right ({100 * right / checks:.0f} %)")
    return "\n".join(lines)


if __name__ == "__main__":
    if not manifest():
        sys.exit("../shared/corpus is not present")
    print(render("crawler", ALL_FIELDS))
    print()
    print(render("generic", ALL_FIELDS))
    print()
    print(render("trafilatura", COMPARED))
