"""Precision and recall of clusters and translation links on the labelled sets in tests/labelled/.

    .venv/bin/python -m bench.link_eval

Clusters: pairs made from the project's article fixtures (an exact copy, a copy with an editor's
paragraph added, a copy trimmed to its first paragraphs, a copy with a paragraph rewritten) should
cluster; two different fixture stories, or two stories of one event written apart
(clusters.json), should not. The decision is crawler.linking.clusters.alike on MinHash signatures,
the same call the store makes.

Translations: every zh story of translations.json against every en one; the listed pairs are
translations. The decision is crawler.linking.translations.match at CONFIDENCE.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from pathlib import Path
from typing import Any

from crawler.linking import clusters, translations

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
LINKS = Path(__file__).resolve().parent.parent / "tests" / "labelled"


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    mistakes: list[str] | None = None
    weakest_pair: float = 1.0
    strongest_non_pair: float = 0.0

    def add(self, expected: bool, got: bool, label: str) -> None:
        if self.mistakes is None:
            self.mistakes = []
        if expected and got:
            self.tp += 1
        elif expected:
            self.fn += 1
            self.mistakes.append(f"missed: {label}")
        elif got:
            self.fp += 1
            self.mistakes.append(f"wrong: {label}")
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def fixture_stories() -> dict[str, dict[str, list[str]]]:
    """The bodies of the project's article fixtures, one per story (gateway copies and later pages
    of a story are the same story: left out), with at least three paragraphs in a language."""
    stories: dict[str, dict[str, list[str]]] = {}
    seen_keys: set[str] = set()
    for path in sorted(FIXTURES.glob("*/*.expected.json")):
        if "big5" in path.name or "_p2" in path.name or "merged" in path.name:
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        body = data.get("body") if isinstance(data, dict) else None
        if not body or data.get("key") in seen_keys or not any(len(p) >= 3 for p in body.values()):
            continue
        seen_keys.add(data.get("key"))
        stories[f"{path.parent.name}/{path.name.removesuffix('.expected.json')}"] = body
    return stories


def _copies(body: dict[str, list[str]]) -> dict[str, dict[str, list[str]]]:
    lang = max(body, key=lambda k: len(body[k]))
    paragraphs = body[lang]
    note = (
        "编者按：本文转载自新华社，略有删节，标题为编者所加。"
        if lang.startswith("zh")
        else "Editor's note: this story was first published by Xinhua and is reprinted with minor edits."
    )
    rewritten = list(paragraphs)
    rewritten[len(rewritten) // 2] = (
        "（本段内容已由编辑改写，补充了当地有关部门的最新说明。）"
        if lang.startswith("zh")
        else "(This paragraph was rewritten by our editors with the latest statement of local officials.)"
    )
    keep = max(2, (len(paragraphs) * 6 + 9) // 10)
    return {
        "exact copy": {lang: list(paragraphs)},
        "editor's paragraph added": {lang: [note, *paragraphs]},
        "trimmed to its first 60 %": {lang: paragraphs[:keep]},
        "a paragraph rewritten": {lang: rewritten},
    }


def cluster_scores() -> Scores:
    scores = Scores()
    stories = fixture_stories()
    signatures = {name: clusters.signature(body) for name, body in stories.items()}
    for name, body in stories.items():
        mine = signatures[name]
        if mine is None:
            continue
        for kind, copy in _copies(body).items():
            theirs = clusters.signature(copy)
            scores.add(True, theirs is not None and clusters.alike(mine, theirs) > 0, f"{name}: {kind}")
    for (a, sa), (b, sb) in combinations(signatures.items(), 2):
        if sa is not None and sb is not None:
            scores.add(False, clusters.alike(sa, sb) > 0, f"{a} ~ {b}")
    groups = json.loads((LINKS / "clusters.json").read_text(encoding="utf-8"))["same_event"]
    for number, group in enumerate(groups, 1):
        bodies = [{"zh" if any("\u4e00" <= c <= "\u9fff" for c in p[0]) else "en": p} for p in group]
        for (i, first), (j, second) in combinations(enumerate(bodies), 2):
            sa, sb = clusters.signature(first), clusters.signature(second)
            got = sa is not None and sb is not None and clusters.alike(sa, sb) > 0
            scores.add(False, got, f"same event {number}: story {i + 1} ~ story {j + 1}")
    return scores


def _translation_story(entry: dict[str, Any]) -> dict[str, Any]:
    if "fixture" in entry:
        data = json.loads((FIXTURES / entry["fixture"]).read_text(encoding="utf-8"))
        lang = entry["lang"]
        return {
            "body": {lang: data["body"][lang]},
            "photos": [p for p in data.get("photos") or [] if p.get("lang") == lang],
            "bylines": [b for b in data.get("bylines") or [] if b.get("lang") == lang],
            "dateline": {lang: (data.get("dateline") or {}).get(lang)} if (data.get("dateline") or {}).get(lang) else {},
            "published_at": data.get("published_at"),
        }
    lang = entry["lang"]
    return {
        "body": {lang: entry["body"]},
        "photos": entry.get("photos") or [],
        "bylines": [],
        "dateline": {lang: entry["dateline"]} if entry.get("dateline") else {},
        "published_at": entry["published_at"],
    }


def translation_scores() -> Scores:
    data = json.loads((LINKS / "translations.json").read_text(encoding="utf-8"))
    stories = {name: _translation_story(entry) for name, entry in data["stories"].items()}
    langs = {name: entry["lang"] for name, entry in data["stories"].items()}
    pairs = {tuple(pair) for pair in data["pairs"]}
    profiles = {name: translations.profile(story, langs[name]) for name, story in stories.items()}
    scores = Scores()
    for zh in (n for n in stories if langs[n] == "zh"):
        for en in (n for n in stories if langs[n] == "en"):
            found = translations.match(
                profiles[zh],
                profiles[en],
                datetime.fromisoformat(stories[zh]["published_at"]),
                datetime.fromisoformat(stories[en]["published_at"]),
            )
            got = found.confidence >= translations.CONFIDENCE
            if (zh, en) in pairs:
                scores.weakest_pair = min(scores.weakest_pair, found.confidence)
            else:
                scores.strongest_non_pair = max(scores.strongest_non_pair, found.confidence)
            scores.add((zh, en) in pairs, got, f"{zh} ~ {en} ({found.confidence}: {'; '.join(found.evidence)})")
    return scores


def main() -> None:
    for name, scores in (("clusters", cluster_scores()), ("translations", translation_scores())):
        print(
            f"{name}: precision {scores.precision:.3f} recall {scores.recall:.3f} "
            f"(tp {scores.tp}, fp {scores.fp}, fn {scores.fn}, tn {scores.tn})"
        )
        if name == "translations":
            print(
                f"  threshold {translations.CONFIDENCE}: weakest pair {scores.weakest_pair}, "
                f"strongest non-pair {scores.strongest_non_pair}"
            )
        for mistake in scores.mistakes or []:
            print(f"  {mistake}")


if __name__ == "__main__":
    main()
