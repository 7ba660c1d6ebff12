"""tests.parse_diff: the tool that shows what a shared-rule change does to every page."""

from __future__ import annotations

import json
from pathlib import Path

from tests.parse_diff import differences, main, parse_everything


def test_a_moved_field_a_new_page_and_a_gone_page_are_listed() -> None:
    before = {"fixture:a": {"title": "甲", "body": [1]}, "fixture:b": {"title": "乙"}}
    after = {"fixture:a": {"title": "甲", "body": [2]}, "fixture:c": {"title": "丙"}}
    assert differences(before, after) == ["fixture:a body: [1] -> [2]", "fixture:b: gone", "fixture:c: new page"]


def test_saving_then_comparing_unchanged_parsers_lists_nothing(tmp_path: Path) -> None:
    saved = tmp_path / "before.json"
    assert main(["save", str(saved)]) == 0
    parsed = json.loads(saved.read_text(encoding="utf-8"))
    assert any(key.startswith("fixture:gmw/") for key in parsed)
    assert differences(parsed, parse_everything()) == []
