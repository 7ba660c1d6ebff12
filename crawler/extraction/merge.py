"""Merge the pages of a paginated story (content_<id>, content_<id>_2, …) into one item."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from crawler.extraction.bylines import dedupe

if TYPE_CHECKING:
    from crawler.items import Article


def merge_pages(pages: list[Article]) -> Article:
    """Page 1 gives identity, title and metadata; every page adds its paragraphs, photos and credits."""
    first, rest = pages[0], pages[1:]
    body = {lang: list(paragraphs) for lang, paragraphs in first.body.items()}
    photos = list(first.photos)
    bylines = list(first.bylines)
    warnings = list(first.warnings)
    page_urls = list(first.page_urls)
    languages = list(first.languages)
    for page in rest:
        for lang, paragraphs in page.body.items():
            known = body.setdefault(lang, [])
            # Page headers repeat the title; a repeated first paragraph is not new text.
            known.extend(p for p in paragraphs if p not in first.title.values())
        photos.extend(page.photos)
        bylines.extend(page.bylines)
        warnings.extend(w for w in page.warnings if w not in warnings)
        page_urls.extend(page.page_urls)
        languages.extend(lang for lang in page.languages if lang not in languages)
    return replace(
        first,
        body=body,
        photos=photos,
        bylines=dedupe(bylines),
        warnings=warnings,
        page_urls=page_urls,
        languages=languages,
    )
