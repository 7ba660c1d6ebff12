"""From body blocks to the item's text fields: paragraphs per language, photos, credits.

Shared by every site parser. It decides which paragraphs are captions (and pairs them with their
images), which are credit lines (moved to bylines), which are boilerplate, and splits bilingual
bodies into zh and en with a title for each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from crawler.extraction.bylines import (
    body_credit_line,
    closing_credits,
    dateline_bylines,
    dedupe,
    find_dateline,
    parse_fields,
    words_and_pictures_line,
)
from crawler.extraction.credits import find_credit, is_credit_caption
from crawler.extraction.furniture import IMAGE_LABEL, SHARED_BOILERPLATE, affiliation_note, other_title, tagline_note
from crawler.helpers.text import detect_language, zh_variants
from crawler.items import Byline, Photo, Role

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from crawler.extraction.blocks import Block

# What captions open with: "5月13日，在…" (Xinhua's photo captions), 图为…, 图：…, Photo taken on…
_CAPTION_START = re.compile(
    rf"^(?:\d{{1,2}}{zh_variants('月')}\d{{1,2}}{zh_variants('日')}[，,]|{zh_variants('图为')}|{zh_variants('图')}\s*[:：]|"
    rf"{zh_variants('上图')}|{zh_variants('下图')}|Photo taken on|This photo)"
)
_SENTENCE_END = re.compile(r"[.!?。！？][\"'”’」』)）]*$")
_CAPTION_MAX = 500
_CREDIT_ONLY_MAX = 24
_TITLE_MAX_EN_WORDS = 20
_TITLE_MAX_ZH_CHARS = 40


@dataclass
class Assembled:
    title: dict[str, str] = field(default_factory=dict)
    body: dict[str, list[str]] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)
    """Language keys in page order: zh, en."""
    photos: list[Photo] = field(default_factory=list)
    bylines: list[Byline] = field(default_factory=list)
    source: str | None = None
    dateline: dict[str, str] = field(default_factory=dict)
    other_titles: dict[str, str] = field(default_factory=dict)
    author_notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Paragraph:
    lang: str | None
    text: str
    block: Block


def _looks_like_caption(block: Block, text: str, has_credit: bool) -> bool:
    if len(text) > _CAPTION_MAX:
        return False
    if has_credit or block.caption_class or block.caption_style or block.tag == "figcaption" or IMAGE_LABEL.match(text):
        return True
    if block.bold and len(text) <= 30:
        return False  # a short bold line under an image heads what follows (a poem's title), captions are not bold
    return (block.centered and len(text) <= 200) or (bool(_CAPTION_START.match(text)) and len(text) <= 150)


def _metadata_line(text: str) -> bool:
    if len(text) > 40:
        return False
    fields = parse_fields(text)
    return (
        bool(fields)
        and text.lstrip("（(【[").startswith(fields[0].label)
        and all(f.kind in ("source", "time", "updated") for f in fields)
    )


def _is_boilerplate(text: str, extra: tuple[re.Pattern[str], ...]) -> bool:
    anchored, others = _boilerplate_matchers(extra)
    return bool(anchored and anchored.match(text)) or any(p.search(text) for p in others)


@lru_cache(maxsize=64)
def _boilerplate_matchers(extra: tuple[re.Pattern[str], ...]) -> tuple[re.Pattern[str] | None, tuple[re.Pattern[str], ...]]:
    """The shared and the layout's boilerplate patterns, each once (layouts often list the shared
    ones too). Those anchored at the start (nearly all) become one alternation, tried at the start
    only: one attempt per paragraph instead of one search per pattern. (Joined, `^` would no longer
    tell the engine to try the start only, hence `match`.) The others are searched one by one."""
    patterns = tuple(dict.fromkeys((*SHARED_BOILERPLATE, *extra)))
    joinable = [
        p
        for p in patterns
        if p.pattern.startswith("^")
        and not p.flags & (re.MULTILINE | re.ASCII | re.VERBOSE)
        and "(?P=" not in p.pattern
        and not re.search(r"\\[1-9]", p.pattern)
    ]
    others = tuple(p for p in patterns if p not in joinable)
    try:
        joined = re.compile("|".join(f"(?{_inline_flags(p)}:{p.pattern[1:]})" for p in joinable)) if joinable else None
    except re.error:  # a group name used twice: each is searched on its own
        return None, patterns
    return joined, others


def _inline_flags(pattern: re.Pattern[str]) -> str:
    """The scoped inline form of a pattern's flags ("" needs none: `(?:…)` is written then)."""
    return "".join(letter for flag, letter in ((re.IGNORECASE, "i"), (re.DOTALL, "s")) if pattern.flags & flag)


def _title_like(paragraph: _Paragraph) -> bool:
    text = paragraph.text
    if paragraph.lang == "en":
        short = len(text.split()) <= _TITLE_MAX_EN_WORDS
    else:
        short = len(text) <= _TITLE_MAX_ZH_CHARS and not re.search("[。！？]", text[:-1])
    if not short:
        return False
    marked = paragraph.block.bold or paragraph.block.heading or paragraph.block.centered
    return marked or not _SENTENCE_END.search(text)


def assemble(
    blocks: list[Block],
    *,
    page_title: str | None,
    boilerplate: Iterable[re.Pattern[str]] = (),
    junk_image: Callable[[str], bool] = lambda url: False,
    by_role: Role = "reporter",
) -> Assembled:
    """`by_role`: what a "By A and B" line makes its names (the layout knows a news page from an
    opinion page)."""
    out = Assembled()
    extra = tuple(boilerplate)
    paragraphs: list[_Paragraph] = []
    pending: list[str] = []  # images still waiting for a caption
    captioning: Photo | None = None  # the photo whose caption may go on in the next paragraph

    released: tuple[Photo, int] | None = None  # the last uncaptioned photo, and the paragraph count then

    def release_pending() -> None:
        nonlocal released
        out.photos.extend(Photo(url=url) for url in pending)
        if pending:
            released = (out.photos[-1], len(paragraphs))
        pending.clear()

    for block in blocks:
        images = [url for url in block.images if not junk_image(url)]
        text = block.text
        if not text:
            if images:
                release_pending()
                pending.extend(images)
            continue
        if _is_boilerplate(text, extra):
            continue
        if (titled := other_title(text)) is not None:
            out.other_titles.setdefault(*titled)
            continue
        lang = detect_language(text)
        if (note := affiliation_note(text, lang)) is not None:
            out.author_notes.append(note.text)
            out.bylines.extend(note.bylines)
            continue
        if captioning is not None and not images and block.caption_style and len(text) <= _CAPTION_MAX:
            # Xinhua English captions run over two styled paragraphs, the credit ending the last.
            captioning.caption = f"{captioning.caption} {text}"
            captioning.credit = find_credit(captioning.caption, under_image=True) or captioning.credit
            continue
        captioning = None
        if (credits := words_and_pictures_line(text, lang)) is not None:
            out.bylines.extend(credits)
            continue
        if images:
            release_pending()
            pending.extend(images)
        if pending:
            credit = find_credit(text, under_image=True)
            if _looks_like_caption(block, text, credit is not None):
                *uncaptioned, captioned = pending
                out.photos.extend(Photo(url=url) for url in uncaptioned)
                captioning = Photo(url=captioned, caption=text, lang=lang, credit=credit)
                out.photos.append(captioning)
                pending.clear()
                continue
            release_pending()
        elif IMAGE_LABEL.match(text):
            continue  # 资料图, 视频截图 with no image before it: a label of nothing on the page
        elif len(text) <= _CAPTION_MAX and is_credit_caption(text):
            credit = find_credit(text, under_image=False)
            uncredited = next((p for p in reversed(out.photos) if p.url and p.credit is None), None)
            if len(text) <= _CREDIT_ONLY_MAX and uncredited is not None:
                # A bare credit line (新华社发（刘满仓摄）) closing a picture story credits its photo.
                uncredited.credit = credit
                continue
            if released and released[0].caption is None and len(paragraphs) == released[1] + 1:
                # [image] [what it shows] [background … (Xinhua/Name)]: a caption in two paragraphs.
                first = paragraphs.pop()
                photo = released[0]
                photo.caption, photo.lang, photo.credit = f"{first.text} {text}", lang, credit
                continue
            out.photos.append(Photo(url=None, caption=text, lang=lang, credit=credit))
            out.warnings.append(f"photos: caption without an image: {text[:40]}")
            continue
        if (credits := body_credit_line(text, lang, by_role)) is not None:
            out.bylines.extend(credits)
            continue
        if _metadata_line(text):
            # A stray "来源：新华社" line inside the body is metadata, not text.
            fields = parse_fields(text)
            out.source = out.source or next((f.value for f in fields if f.kind == "source" and f.value), None)
            continue
        paragraphs.append(_Paragraph(lang, text, block))
    release_pending()

    _split_languages(out, paragraphs, page_title)
    for photo in out.photos:
        if photo.credit:
            out.bylines.extend(Byline(name=n, role="photographer", lang=photo.lang) for n in photo.credit.names)
    out.bylines = dedupe(out.bylines)
    return out


def _split_languages(out: Assembled, paragraphs: list[_Paragraph], page_title: str | None) -> None:
    if page_title:
        out.title[detect_language(page_title) or "zh"] = page_title
    # A text with no words of its own (a date, a number) belongs to the language around it.
    current = next((p.lang for p in paragraphs if p.lang), None)
    for paragraph in paragraphs:
        paragraph.lang = paragraph.lang or current
        current = paragraph.lang
    by_lang: dict[str, list[_Paragraph]] = {}
    for paragraph in paragraphs:
        by_lang.setdefault(paragraph.lang or "zh", []).append(paragraph)
    for lang, group in by_lang.items():
        if lang not in out.title and len(group) > 1 and _title_like(group[0]):
            out.title[lang] = group.pop(0).text
    titles = set(out.title.values())
    # "八一锐评丨既问计于兵…": the body may repeat the title without its column name.
    # Column markers only (丨｜|): after a colon ("两会：出国前后关注点大不同") the words can open a section.
    titles |= {re.split(r"[丨｜|]", t, maxsplit=1)[1].strip() for t in out.title.values() if re.search(r"[丨｜|]", t)}
    for lang, group in by_lang.items():
        texts = [p.text for p in group if p.text not in titles]
        closing: list[Byline] = []
        if texts:
            # The story's last words, its writers' sign-off and its end mark are not one paragraph.
            last, closing = closing_credits(texts[-1], lang)
            texts = [*texts[:-1], last] if last else texts[:-1]
        # An opinion piece closes with a line about its writer: a note, not the text.
        while len(texts) > 1 and (note := tagline_note(texts[-1], lang)) is not None:
            out.author_notes.insert(0, texts.pop())
            closing.extend(note.bylines)
        if texts:
            out.body[lang] = texts
            out.bylines.extend(dateline_bylines(texts[0], lang))
            if line := find_dateline(texts[0]):
                out.dateline[lang] = line
        out.bylines.extend(closing)
    # Languages in the order they first appear (one pass: a page may hold hundreds of thousands of
    # paragraphs, and a rescan per paragraph froze the crawl on one).
    first = [detect_language(page_title) or "zh"] if page_title else []
    out.languages = list(dict.fromkeys([*first, *(p.lang or "zh" for p in paragraphs)]))
