"""Field-by-field comparison of a parse with the hand-read expectations in corpus_expectations.json.

Shared by the conformance test, the trafilatura comparison and `python -m tests.corpus_report`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

_FILE = json.loads((Path(__file__).parent / "corpus_expectations.json").read_text(encoding="utf-8"))
EXPECTATIONS = _FILE["pages"]
FURNITURE: list[str] = _FILE["furniture"]
"""Page furniture no body paragraph may hold, on any page."""
FIELDS = ("title", "first", "last", "paragraphs", "clean", "time", "bylines", "source", "captions")


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
        "paragraphs": len(paragraphs) == expected["paragraphs"],
        "clean": not furniture_in(document),
        "time": document.get("published_at") == expected["published_at"],
        "bylines": sorted([b["name"], b["role"]] for b in document.get("bylines", [])) == expected["bylines"],
        "source": (document.get("sources") or []) == expected["sources"],
        "captions": captions(document) == expected["captions"],
    }


def captions(document: dict[str, Any]) -> list[list[Any]]:
    """Each captioned photo: its caption's first 16 characters and the names its credit gives."""
    return [
        [photo["caption"][:16], sorted((photo.get("credit") or {}).get("names") or [])]
        for photo in document.get("photos", [])
        if photo.get("caption")
    ]


def furniture_in(document: dict[str, Any]) -> list[str]:
    """The page furniture found in body paragraphs."""
    text = "\n".join(p for paragraphs in document.get("body", {}).values() for p in paragraphs)
    return [mark for mark in FURNITURE if mark in text]


def outlet(file: str) -> str:
    return file.split("/", 1)[0]
