"""Fixture discovery and helpers shared by the tests.

A fixture case is `tests/fixtures/<site>/<stem>.*`: the raw bytes as served (`.html`), their
`.meta.json` (url, content_type, kind, notes) and a reviewed `.expected.json`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.extract import build_response

if TYPE_CHECKING:
    from scrapy.http import TextResponse

FIXTURES = Path(__file__).parent / "fixtures"
# ../shared next to the checkout; HEADLINES_SHARED points elsewhere (a clone in another folder).
SHARED = Path(os.environ.get("HEADLINES_SHARED", Path(__file__).resolve().parents[2] / "shared"))
CORPUS = SHARED / "corpus"


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
    def body(self) -> bytes:
        return self.path.with_name(self.path.name + ".html").read_bytes()

    @property
    def expected_path(self) -> Path:
        return self.path.with_name(self.path.name + ".expected.json")

    def expected(self) -> dict[str, Any]:
        return json.loads(self.expected_path.read_text(encoding="utf-8"))

    def headers(self) -> dict[str, str]:
        return {"Content-Type": self.meta.get("content_type", "text/html")}

    def response(self) -> TextResponse:
        return build_response(self.meta["url"], self.body, self.headers())


def page_cases(*kinds: str) -> list[Case]:
    """Every HTML fixture whose meta.json `kind` is one of `kinds` (all kinds when empty)."""
    cases = []
    for meta in sorted(FIXTURES.glob("*/*.meta.json")):
        stem = meta.with_name(meta.name.removesuffix(".meta.json"))
        if not stem.with_name(stem.name + ".html").exists():
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


def describe(diff: dict[str, dict[str, Any]]) -> str:
    return "mismatched fields:\n" + json.dumps(diff, ensure_ascii=False, indent=2)
