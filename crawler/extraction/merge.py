"""Merge the pages of a paginated story (content_<id>, content_<id>_2, …) into one item."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from crawler.extraction.bylines import dedupe

if TYPE_CHECKING:
    from crawler.items import Article


def merge_pages(pages: list[Article]) -> Article:
    """Page 1 gives identity; every field merges across the pages: a title or dateline in a language
    that starts on page 2 (the English half of a bilingual story), a source or time only a later
    page prints, and every page's paragraphs, photos, credits and notes."""
    first, rest = pages[0], pages[1:]
    body = {lang: list(paragraphs) for lang, paragraphs in first.body.items()}
    title = dict(first.title)
    dateline = dict(first.dateline)
    other_titles = dict(first.other_titles)
    photos = list(first.photos)
    bylines = list(first.bylines)
    author_notes = list(first.author_notes)
    warnings = list(first.warnings)
    page_urls = list(first.page_urls)
    languages = list(first.languages)
    for page in rest:
        for lang, paragraphs in page.body.items():
            known = body.setdefault(lang, [])
            # Page headers repeat the title; a repeated first paragraph is not new text.
            known.extend(p for p in paragraphs if p not in title.values() and p not in page.title.values())
        for lang, text in page.title.items():
            title.setdefault(lang, text)
        for lang, line in page.dateline.items():
            dateline.setdefault(lang, line)
        for kind, text in page.other_titles.items():
            other_titles.setdefault(kind, text)
        photos.extend(page.photos)
        bylines.extend(page.bylines)
        author_notes.extend(n for n in page.author_notes if n not in author_notes)
        warnings.extend(w for w in page.warnings if w not in warnings)
        page_urls.extend(page.page_urls)
        languages.extend(lang for lang in page.languages if lang not in languages)
    dated = next((page for page in pages if page.published_at), first)
    return replace(
        first,
        title=title,
        body=body,
        photos=photos,
        bylines=dedupe(bylines),
        section=next((page.section for page in pages if page.section), []),
        source=next((page.source for page in pages if page.source), None),
        sources=next((page.sources for page in pages if page.sources), []),
        dateline=dateline,
        published_at=dated.published_at,
        published_raw=dated.published_raw,
        published_precision=dated.published_precision,
        updated_at=next((page.updated_at for page in pages if page.updated_at), None),
        other_titles=other_titles,
        author_notes=author_notes,
        warnings=warnings,
        page_urls=page_urls,
        languages=languages,
    )
