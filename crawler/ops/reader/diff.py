"""Inline diffs of a silent edit: word by word for English, character by character for Chinese."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

_WORDS = re.compile(r"\s+|[^\s]+")
# A word-level diff of Chinese would compare whole clauses: Han text has no spaces.
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Segment:
    op: Literal["same", "added", "removed"]
    text: str


def _units(text: str) -> list[str]:
    if _HAN.search(text):
        return list(text)
    return _WORDS.findall(text)


def inline(before: str, after: str) -> list[Segment]:
    """`before` -> `after` as runs of kept, removed and added text, in reading order."""
    old, new = _units(before), _units(after)
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("removed", "".join(old[i1:i2])))
        if j2 > j1:
            segments.append(Segment("added", "".join(new[j1:j2])))
    return segments


def paragraphs(before: list[str], after: list[str]) -> list[list[Segment]]:
    """Paragraph lists compared paragraph by paragraph (aligned first, so an inserted paragraph
    shows as added, not as every later paragraph rewritten)."""
    rows: list[list[Segment]] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue  # unchanged paragraphs are not repeated in a diff
        if op == "replace" and i2 - i1 == j2 - j1:
            rows.extend(inline(b, a) for b, a in zip(before[i1:i2], after[j1:j2], strict=True))
            continue
        rows.extend([Segment("removed", text)] for text in before[i1:i2])
        rows.extend([Segment("added", text)] for text in after[j1:j2])
    return rows
