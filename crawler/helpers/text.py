"""Text helpers shared by every site parser: whitespace, language, script.

Everything here is pure and site-agnostic. Chinese label patterns are written once in simplified
characters and widened to accept the traditional forms that Big5 gateways and zh-Hant pages print.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Literal

import opencc

Language = Literal["zh", "en"]

# CJK ideographs (BMP + extension A) only; punctuation is handled separately.
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RE = re.compile(f"[{_HAN}]")
# Runs, not single ideographs: one match per run is what makes counting cheap.
_HAN_RUN = re.compile(f"[{_HAN}]+")
_LATIN_WORD_RE = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
# Zero-width and formatting characters that CMS editors paste in; they carry no text.
# (A character class: str.translate with a mapping looks every character up in a dict, ~10x slower.)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f]")
# Whitespace that contains a line break between two ideographs is a source-code artefact
# ("习近平\n    主席"); a plain space between ideographs is kept ("新华社记者 黄敬文 摄").
_HAN_LINEBREAK_GAP = re.compile(rf"(?<=[{_HAN}，。、；：！？）】》”])[ \t\u3000\xa0]*[\r\n]\s*(?=[{_HAN}（【《“])")
_SPACES = re.compile(r"\s+")


def clean_text(raw: str | None) -> str:
    """Normalise whitespace as a reader sees it; never changes characters otherwise."""
    if not raw:
        return ""
    # Most strings are already clean: printable (no line breaks, no zero-width or Unicode spaces),
    # no doubled spaces, nothing to strip.
    if raw.isprintable() and "  " not in raw and raw[0] != " " and raw[-1] != " ":
        return raw
    text = _INVISIBLE.sub("", raw)
    text = _HAN_LINEBREAK_GAP.sub("", text)
    # \s covers nbsp, ideographic space (U+3000) and the other Unicode spaces.
    return _SPACES.sub(" ", text).strip()


def han_count(text: str) -> int:
    return sum(map(len, _HAN_RUN.findall(text)))


def latin_word_count(text: str) -> int:
    return len(_LATIN_WORD_RE.findall(text))


def detect_language(text: str) -> Language | None:
    """zh or en for a block of text, None when it has no words (numbers, symbols).

    One ideograph is roughly one word, so ideographs are compared with Latin *words*: an English
    sentence quoting 习近平 stays English, a Chinese sentence mentioning "APEC" stays Chinese.
    """
    han = han_count(text)
    words = latin_word_count(text)
    if han == 0 and words == 0:
        return None
    if han >= 2 * words or (han >= 8 and han >= words / 2):
        return "zh"
    return "en" if words else "zh"


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional -> simplified, phrase-aware (Taiwan vocabulary too: 網際網路 -> 互联网).

    Applied to every text, simplified ones included: the Taiwan-vocabulary step also rewrites
    phrases that are spelled alike in both scripts (新增 -> 添加), so skipping "already
    simplified" text would fold a page and its gateway copy differently."""
    converted: str = _converter("tw2sp.json").convert(text) if text else text
    return converted


def to_simplified_chars(text: str) -> str:
    """Traditional -> simplified character by character, vocabulary untouched (社羣 -> 社群).

    The other half of comparing a page with a converted copy: a converter that works character by
    character (OpenCC s2t) leaves words the Taiwan step would rewrite on one side only (社群 ->
    社区, but 社羣 -> 社群)."""
    converted: str = _converter("t2s.json").convert(text) if text else text
    return converted


@cache
def _script_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Ideographs that exist only in traditional, and only in simplified, script, as two character
    classes (OpenCC's character tables, read once: a page needs one scan, not two conversions)."""
    han = "".join(chr(c) for r in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)) for c in range(r[0], r[1] + 1))
    as_simplified = _converter("t2s.json").convert(han)
    as_traditional = _converter("s2t.json").convert(han)
    # Character tables map one character to one character, so the strings stay aligned.
    traditional_only = {a for a, b in zip(han, as_simplified, strict=False) if a != b}
    simplified_only = {a for a, b in zip(han, as_traditional, strict=False) if a != b}
    return _char_class(traditional_only), _char_class(simplified_only)


def _char_class(chars: set[str]) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


# A page is written in one script: its first 1,500 characters (hundreds of ideographs) say which.
_SCRIPT_SAMPLE = 1500


def chinese_script(text: str) -> Literal["zh-Hans", "zh-Hant"] | None:
    """Which script a Chinese text is written in, judged by the distinct characters that differ
    between the scripts."""
    sample = text[:_SCRIPT_SAMPLE]
    if not _HAN_RE.search(sample):
        return None
    traditional, simplified = _script_patterns()
    traditional_only, simplified_only = len(set(traditional.findall(sample))), len(set(simplified.findall(sample)))
    if traditional_only == simplified_only == 0:
        return "zh-Hans"  # only characters common to both scripts; simplified is the default
    return "zh-Hant" if traditional_only > simplified_only else "zh-Hans"


def to_traditional_variants(simplified: str) -> frozenset[str]:
    """`simplified` and its renderings in the traditional scripts OpenCC knows (Taiwan, Hong Kong)."""
    return frozenset({simplified} | {_converter(config).convert(simplified) for config in ("s2t.json", "s2tw.json", "s2hk.json")})


@lru_cache(maxsize=512)
def zh_variants(simplified: str) -> str:
    """A regex fragment matching `simplified` written in any Chinese script.

    `zh_variants("发布时间")` matches 发布时间, 發布時間 and 發佈時間 (the Taiwan form the Big5 gateway
    prints). Variants come from OpenCC, per position, so labels are written once in simplified.
    """
    renderings = {simplified}
    for config in ("s2t.json", "s2tw.json", "s2hk.json"):
        renderings.add(_converter(config).convert(simplified))
    per_position: list[set[str]] = [{c} for c in simplified]
    for rendering in renderings:
        if len(rendering) == len(simplified):
            for slot, char in zip(per_position, rendering, strict=True):
                slot.add(char)
    for slot in per_position:
        slot |= {_converter("s2t.json").convert(c) for c in list(slot)}
    parts = []
    for slot in per_position:
        if len(slot) == 1:
            parts.append(re.escape(next(iter(slot))))
        else:
            parts.append("[" + "".join(sorted(re.escape(c) for c in slot)) + "]")
    return "".join(parts)


def looks_like_mojibake(text: str) -> bool:
    """UTF-8 bytes that were read as GBK/GB18030: the text round-trips back to valid UTF-8.

    Real Chinese text encoded as GB18030 is almost never valid UTF-8 (its lead and trail bytes do
    not line up), so a clean round trip that yields other ideographs is the mojibake signature.
    """
    try:
        # Tried first: for real text the decode fails within a few bytes, cheaper than counting.
        repaired = text.encode("gb18030").decode("utf-8")
    except UnicodeError:
        return False
    return repaired != text and han_count(text) >= 4 and han_count(repaired) > 0


def repair_mojibake(text: str) -> str | None:
    """A paragraph of UTF-8 bytes that was read as GBK (a page mixing both encodings), undone; None
    when the text is not that. Tolerant of a torn character at the end, unlike looks_like_mojibake:
    real GBK text taken back to bytes and read as UTF-8 is nearly all replacement characters,
    mojibake comes back nearly clean."""
    if han_count(text) < 4:
        return None
    try:
        # Characters already lost (U+FFFD) stay lost: each stretch between them is undone alone.
        repaired = "\ufffd".join(part.encode("gb18030").decode("utf-8", errors="replace") for part in text.split("\ufffd"))
    except UnicodeError:
        return None
    if repaired == text or han_count(repaired) < 3:
        return None
    body = repaired.rstrip("\ufffd")
    if body.count("\ufffd") > max(2, len(repaired) // 10):
        return None
    # A character torn at the seam between the encodings leaves a run of replacement characters:
    # it is one lost character.
    return body + ("\ufffd" if len(body) < len(repaired) else "")


_NOT_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=512)
def fold_for_hash(text: str) -> str:
    """Script-, vocabulary-, width- and punctuation-insensitive form of a text, for content
    hashing and for telling a converted copy from an edit.

    Remembered for a few hundred texts: a re-fetched story's titles, captions and names are folded
    for its fingerprint and again when the store lists what changed. (Bodies are folded once, for
    content_hash, which the fingerprint reuses.)"""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", to_simplified(text)).casefold())


def fold_chars(text: str) -> str:
    """As fold_for_hash, with character-level script conversion (see to_simplified_chars)."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", to_simplified_chars(text)).casefold())
