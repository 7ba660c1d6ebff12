"""Near-duplicate stories: MinHash signatures over shingles of the folded body, LSH bands to find
candidates, and what a copy changed. Pure: crawler.linking.maintain keeps them in the store.

Shingles are taken per language, with the language as a prefix, so a Chinese story and its English
version never look alike here (translations are crawler.linking.translations' business):

- Chinese: character 4-grams of the body folded to simplified script, width and punctuation
  removed (the content hash's fold), so a Big5 copy and a simplified one shingle alike;
- English: 3-word shingles of the lower-cased words.

Two stories are one cluster when their estimated Jaccard similarity (datasketch's MinHash, 128
permutations) reaches JACCARD, or when the
smaller is mostly contained in the larger (CONTAINMENT): a copy trimmed to its first half, or one
with an editor's note added, shares few shingles with the whole relative to their union, but
almost all of its own. Both thresholds were chosen on the labelled set in
tests/labelled/clusters.json (bench/link_eval.py prints precision and recall there).
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from datasketch import MinHash

from crawler.helpers.text import fold_for_hash

NUM_PERM = 128
BANDS, ROWS = 64, 2
"""LSH bands of 2 rows: a pair at Jaccard 0.25 shares a band with probability 98 %, at 0.34 (the
least alike copy in the labelled set) 99.9 %, at 0.1 47 % (candidates are then checked on their
signatures, which is cheap). datasketch's own choice for a 0.3 threshold (25 bands of 5) finds a
pair at 0.34 only one time in ten."""
JACCARD = 0.25
CONTAINMENT = 0.6
"""On the labelled set: copies are from Jaccard 0.34 / containment 0.51 up, different stories
(same event included) at most 0.11 / 0.36."""
MIN_SHINGLES = 8
"""Fewer shingles than this (a photo story with one line) says too little to cluster on."""
CHINESE_SHINGLE = 4
ENGLISH_SHINGLE = 3

_WORDS = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


def shingles(body: dict[str, list[str]]) -> set[str]:
    found: set[str] = set()
    for lang, paragraphs in body.items():
        text = "\n".join(paragraphs)
        if lang.startswith("zh"):
            folded = fold_for_hash(text)
            found.update(f"zh:{folded[i : i + CHINESE_SHINGLE]}" for i in range(len(folded) - CHINESE_SHINGLE + 1))
        else:
            words = _WORDS.findall(text.casefold())
            found.update(f"{lang}:{' '.join(words[i : i + ENGLISH_SHINGLE])}" for i in range(len(words) - ENGLISH_SHINGLE + 1))
    return found


@dataclass(frozen=True)
class Signature:
    values: tuple[int, ...]
    size: int
    """How many shingles the signature summarises (to estimate containment)."""

    def bands(self) -> list[str]:
        # One key per band: the band's number and a digest of its rows.
        return [
            f"{band}:{hashlib.sha1(repr(self.values[band * ROWS : (band + 1) * ROWS]).encode()).hexdigest()[:16]}"
            for band in range(BANDS)
        ]


# Drawing a MinHash's permutations costs more than hashing a story's shingles: they are drawn once,
# from datasketch's default seed and scheme, so every signature is the one MinHash(NUM_PERM) gives.
_TEMPLATE = MinHash(num_perm=NUM_PERM)


def signature(body: dict[str, list[str]]) -> Signature | None:
    found = shingles(body)
    if len(found) < MIN_SHINGLES:
        return None
    minhash = MinHash(num_perm=NUM_PERM, permutations=_TEMPLATE.permutations, scheme=_TEMPLATE.scheme)
    minhash.update_batch([s.encode("utf-8") for s in sorted(found)])
    return Signature(tuple(int(v) for v in minhash.hashvalues), len(found))


def estimated_jaccard(a: Signature, b: Signature) -> float:
    return sum(1 for x, y in zip(a.values, b.values, strict=True) if x == y) / NUM_PERM


def estimated_containment(a: Signature, b: Signature) -> float:
    """How much of the smaller story's shingles the larger one holds, from the Jaccard estimate:
    |A ∩ B| = J (|A| + |B|) / (1 + J)."""
    jaccard = estimated_jaccard(a, b)
    shared = jaccard * (a.size + b.size) / (1 + jaccard)
    return min(1.0, shared / max(1, min(a.size, b.size)))


def alike(a: Signature, b: Signature) -> float:
    """The similarity two stories are clustered on (0 when below both thresholds)."""
    jaccard = estimated_jaccard(a, b)
    if jaccard >= JACCARD:
        return jaccard
    containment = estimated_containment(a, b)
    return containment if containment >= CONTAINMENT else 0.0


def jaccard(left: set[str], right: set[str]) -> float:
    """The exact Jaccard similarity of two bodies' shingles (what a member's `similarity` says)."""
    return len(left & right) / len(left | right) if left and right else 0.0


# -- what a copy changed -----------------------------------------------------------------------------

DIFF_ENTRIES = 10
DIFF_TEXT = 200


def _short(text: str) -> str:
    return text if len(text) <= DIFF_TEXT else text[: DIFF_TEXT - 1] + "…"


def paragraph_diff(origin: dict[str, list[str]], copy: dict[str, list[str]]) -> dict[str, Any]:
    """Paragraphs the copy added, removed and changed against the origin, in every language both
    print (compared folded: a script conversion or re-punctuation is not an edit), at most
    DIFF_ENTRIES of each kind, with their counts."""
    added: list[str] = []
    removed: list[str] = []
    changed: list[dict[str, str]] = []
    for lang in sorted(set(origin) & set(copy)):
        before, after = origin[lang], copy[lang]
        matcher = difflib.SequenceMatcher(
            a=[fold_for_hash(p) for p in before], b=[fold_for_hash(p) for p in after], autojunk=False
        )
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "insert":
                added.extend(after[j1:j2])
            elif op == "delete":
                removed.extend(before[i1:i2])
            elif op == "replace":
                pairs = min(i2 - i1, j2 - j1)
                changed.extend({"from": before[i1 + k], "to": after[j1 + k]} for k in range(pairs))
                removed.extend(before[i1 + pairs : i2])
                added.extend(after[j1 + pairs : j2])
    return {
        "added": [_short(p) for p in added[:DIFF_ENTRIES]],
        "removed": [_short(p) for p in removed[:DIFF_ENTRIES]],
        "changed": [{"from": _short(c["from"]), "to": _short(c["to"])} for c in changed[:DIFF_ENTRIES]],
        "counts": {"added": len(added), "removed": len(removed), "changed": len(changed)},
    }


def is_unchanged(diff: dict[str, Any]) -> bool:
    return not any(diff["counts"].values())
