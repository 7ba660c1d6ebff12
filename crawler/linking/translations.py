"""zh<->en translation links: is this English story the other-language version of that Chinese one?
Pure: crawler.linking.maintain finds candidates in the store and keeps the links.

A translation is rarely word for word, so the evidence is what survives translation, each piece
named in the link's `evidence`:

- photo credits: `新华社记者 黄敬文 摄` and `(Xinhua/Huang Jingwen)` are one photographer once the
  Chinese name is in pinyin (pypinyin);
- the dateline: `新华社北京6月4日电` and `BEIJING, June 4 (Xinhua) --` name one city and day;
- people named in both: a Chinese surname and given name in pinyin against an English
  "Surname Givenname" pair whose surname is a Chinese one;
- figures: numbers of three or more digits, or with decimals (years and small counts are left out:
  every story of the day has them);
- publish times close together (candidates are only sought within WINDOW).

A Xinhua dateline is shared by dozens of stories a day, so no single weak piece is enough: a link
needs CONFIDENCE, chosen on the labelled pairs in tests/labelled/translations.json (bench/link_eval.py).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, lru_cache
from typing import Any

# pypinyin's own memory switches (its README, "如何减少内存占用"): names are read character by
# character, so its phrase dictionary is never consulted, yet loading it and copying both
# dictionaries holds 45 MB for the life of a crawl. Every character reads the same without it
# (tests/test_links.py). Set before pypinyin is first imported, which is here.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")

from pypinyin import Style, lazy_pinyin

from crawler.helpers.surnames import simplified_surnames, starts_with_surname
from crawler.helpers.text import to_simplified

WINDOW = timedelta(hours=36)
CONFIDENCE = 0.6
MAX_NAMES = 400
MAX_NUMBERS = 60

# A leader's name is in a dozen stories a day and a Xinhua dateline in dozens: each weighs too
# little to link alone, and even together with a close publish time they stay under CONFIDENCE.
WEIGHTS = {"credit": 0.5, "dateline": 0.3, "name": 0.15, "number": 0.1, "time": 0.1}
CAPS = {"credit": 0.5, "dateline": 0.3, "name": 0.45, "number": 0.3, "time": 0.1}

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.,])\d+(?:\.\d+)?")
_ZH_DATELINE = re.compile(r"([\u4e00-\u9fff]{2,8}?)(\d{1,2})月(\d{1,2})日[电電]")
_ZH_AGENCY = re.compile(
    r"^(?:新华社|新華社|中新社|中新网|中新網|人民网|人民網|本报|本報|央视网|央視網|光明日报|光明日報|记者|記者)+"
)
_EN_DATELINE = re.compile(
    r"^([A-Z][A-Za-z .'-]+?),\s*(?:[A-Z][a-z]+,\s*)?(Jan|Feb|March|Mar|April|Apr|May|June|Jun|July|Jul|Aug|Sept|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(\d{1,2})"
)
_EN_NAME = re.compile(r"\b([A-Z][a-z]{0,5})\s+([A-Z][a-z]+(?:-[a-z]+)?)\b")
_MONTHS = {
    m: n
    for n, ms in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)
    for m in [ms]
}


def _pinyin(text: str) -> str:
    """A Chinese name in pinyin, as English prints it run together: 黄敬文 -> huangjingwen."""
    return _simplified_pinyin(to_simplified(text))


@lru_cache(maxsize=65536)  # a body's 2- to 4-character runs repeat, within a story and across stories
def _simplified_pinyin(name: str) -> str:
    compound = name[:2] if name[:2] in _SURNAME_READINGS else ""
    surname = compound or name[:1]
    reading = _SURNAME_READINGS.get(surname) or "".join(_char_pinyin(char) for char in surname)
    return _spelling(reading + "".join(_char_pinyin(char) for char in name[len(surname) :]))


# Surnames read otherwise than the character's common reading (曾 is ceng in 曾经, Zeng as a name).
_SURNAME_READINGS = {"曾": "zeng", "单": "shan", "仇": "qiu", "解": "xie", "查": "zha", "区": "ou", "盖": "ge",
                     "乐": "yue", "覃": "qin", "缪": "miao", "朴": "piao", "柏": "bai", "翟": "zhai", "尉迟": "yuchi",
                     "长孙": "zhangsun", "万俟": "moqi"}  # fmt: skip


@cache
def _char_pinyin(char: str) -> str:
    # Character by character, remembered: names need no phrase segmentation, and a whole body read
    # phrase by phrase cost 9 ms of the 11 ms a story's link record took.
    return "".join(lazy_pinyin(char, style=Style.NORMAL))


def _spelling(text: str) -> str:
    # pypinyin writes ü as v (吕 lv); English prints Lyu or Lu.
    return text.casefold().replace("v", "u")


@cache
def _surname_spellings() -> frozenset[str]:
    """Chinese surnames as English prints them (Huang, Zhang, Ouyang)."""
    single, compound = simplified_surnames()
    spelled = {_spelling(syllable) for char in single for syllable in lazy_pinyin(char)}
    return frozenset(spelled | {_pinyin(name) for name in compound} | {"lyu", "nyu"})


def _latin_name(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.casefold()).replace("lyu", "lu").replace("nyu", "nu")


def _figures(text: str) -> set[str]:
    found: set[str] = set()
    for match in _NUMBER.findall(text):
        number = match.replace(",", "")
        whole = number.split(".")[0]
        if "." not in number and (len(whole) < 3 or (len(whole) == 4 and whole[:2] in ("19", "20"))):
            continue  # small counts and years: every story has them
        found.add(number.rstrip("0").rstrip(".") if "." in number else number)
    return found


def _zh_names(text: str) -> set[str]:
    """Every 2- and 3-character run that starts with a surname (4 for compound ones), in pinyin:
    the Chinese side of a name match, found without a name list."""
    names: set[str] = set()
    for run in _HAN_RUN.findall(to_simplified(text)):
        for start in range(len(run)):
            if not starts_with_surname(run[start : start + 2]):  # not run[start:]: a copy of the rest each time
                continue
            for length in (2, 3, 4):
                if start + length <= len(run):
                    names.add(_simplified_pinyin(run[start : start + length]))
            if len(names) >= MAX_NAMES:
                return names
    return names


def _en_names(text: str) -> set[str]:
    surnames = _surname_spellings()
    return {
        _latin_name(first + given)
        for first, given in _EN_NAME.findall(text)
        if first.casefold() in surnames and given.casefold() not in {"province", "city", "county", "district"}
    }


def _dateline(lang: str, line: str) -> str | None:
    if lang.startswith("zh"):
        match = _ZH_DATELINE.search(to_simplified(line))
        if not match:
            return None
        city = _ZH_AGENCY.sub("", match[1])
        return f"{_pinyin(city)}:{int(match[2])}:{int(match[3])}" if city else None
    match = _EN_DATELINE.match(line.strip())
    if not match:
        return None
    month = _MONTHS.get(match[2][:3].casefold())
    return f"{_latin_name(match[1])}:{month}:{int(match[3])}" if month else None


@dataclass(frozen=True)
class Profile:
    """What one language of a story offers for matching, as tokens (`kind:value`)."""

    lang: str
    credits: frozenset[str]
    dateline: str | None
    names: frozenset[str]
    figures: frozenset[str]

    def tokens(self) -> list[str]:
        return sorted(
            {f"p:{n}" for n in self.credits | self.names}
            | {f"n:{f}" for f in self.figures}
            | ({f"d:{self.dateline}"} if self.dateline else set())
        )

    def as_record(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "credits": sorted(self.credits),
            "dateline": self.dateline,
            "names": sorted(self.names),
            "figures": sorted(self.figures),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Profile:
        return cls(
            lang=record["lang"],
            credits=frozenset(record.get("credits") or ()),
            dateline=record.get("dateline"),
            names=frozenset(record.get("names") or ()),
            figures=frozenset(record.get("figures") or ()),
        )


def base_language(tag: str) -> str:
    return "zh" if tag.startswith("zh") else tag.split("-", maxsplit=1)[0]


def profile(doc: dict[str, Any], lang: str) -> Profile:
    """The profile of the story's `lang` ("zh" or "en") text."""
    body = "\n".join((doc.get("body") or {}).get(lang) or [])
    credited = [
        name
        for photo in doc.get("photos") or []
        if base_language(str(photo.get("lang") or lang)) == lang
        for name in ((photo.get("credit") or {}).get("names") or [])
    ]
    credited += [b["name"] for b in doc.get("bylines") or [] if b.get("role") == "photographer" and b.get("lang") == lang]
    dateline_text = ((doc.get("dateline") or {}).get(lang)) or body[:80]
    if lang == "zh":
        credits = frozenset(_pinyin(name) for name in credited if name)
        names = frozenset(_zh_names(body))
    else:
        credits = frozenset(_latin_name(name) for name in credited if name)
        names = frozenset(list(_en_names(body))[:MAX_NAMES])
    figures = frozenset(sorted(_figures(body))[:MAX_NUMBERS])
    return Profile(lang, credits, _dateline(lang, dateline_text), names, figures)


@dataclass(frozen=True)
class Match:
    confidence: float
    evidence: list[str]


def _credit(a: Profile, b: Profile) -> set[str]:
    # A credit on one side may be printed in the other's body only (a caption kept as text).
    return set((a.credits & (b.credits | b.names)) | (b.credits & (a.credits | a.names)))


def match(a: Profile, b: Profile, published_a: datetime | None, published_b: datetime | None) -> Match:
    """How sure it is that `a` and `b` are one story in two languages, and why."""
    scores: dict[str, float] = {}
    evidence: list[str] = []
    credits = _credit(a, b)
    if credits:
        scores["credit"] = WEIGHTS["credit"] * len(credits)
        evidence.append("photo credit: " + ", ".join(sorted(credits)))
    if a.dateline and a.dateline == b.dateline:
        scores["dateline"] = WEIGHTS["dateline"]
        evidence.append(f"dateline: {a.dateline}")
    names = (a.names & b.names) - credits
    if names:
        scores["name"] = WEIGHTS["name"] * len(names)
        evidence.append("names: " + ", ".join(sorted(names)[:8]))
    figures = a.figures & b.figures
    if figures:
        scores["number"] = WEIGHTS["number"] * len(figures)
        evidence.append("figures: " + ", ".join(sorted(figures)[:8]))
    if published_a and published_b and abs(published_a - published_b) <= timedelta(hours=12):
        scores["time"] = WEIGHTS["time"]
        evidence.append(f"published {abs(published_a - published_b).total_seconds() / 3600:.1f} h apart")
    confidence = sum(min(score, CAPS[kind]) for kind, score in scores.items())
    return Match(round(min(1.0, confidence), 3), evidence)
