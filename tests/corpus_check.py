"""Field-by-field comparison of a parse with the hand-read expectations in corpus_expectations.json.

Shared by the conformance test, the trafilatura comparison and `python -m tests.corpus_report`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

EXPECTATIONS = json.loads((Path(__file__).parent / "corpus_expectations.json").read_text(encoding="utf-8"))["pages"]
FIELDS = ("title", "first", "last", "time", "bylines")


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def check_article(expected: dict[str, Any], document: dict[str, Any]) -> dict[str, bool]:
    """Which fields of an article document (as `parse` prints it) match the expectation."""
    lang = "zh" if "zh" in document.get("body", {}) else "en"
    paragraphs = document.get("body", {}).get(lang, [])
    return {
        "title": (document.get("title") or {}).get(lang) == expected["title"],
        "first": bool(paragraphs) and _squash(paragraphs[0]).startswith(_squash(expected["first"])),
        "last": bool(paragraphs) and _squash(paragraphs[-1]).endswith(_squash(expected["last"])),
        "time": document.get("published_at") == expected["published_at"],
        "bylines": sorted([b["name"], b["role"]] for b in document.get("bylines", [])) == expected["bylines"],
    }


def outlet(file: str) -> str:
    return file.split("/", 1)[0]
