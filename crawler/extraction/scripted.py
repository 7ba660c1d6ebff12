"""Stories a page carries only as data for its script to draw (`<div data-json='{…}'>`).

Some CGTN pages ship an empty article container and the whole story in a `data-json` attribute:
the reader sees it, a parser of the HTML does not. The JSON's shape is not documented, so it is
read by what its values are: the story's title under a `title`/`headline` key, its text as HTML
under a key like `content`/`body` (or as a list of paragraph and image objects), images with their
captions, the time, the editors. The result is HTML the shared helpers read like any page.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from crawler.extraction.selectors import select_xpath
from crawler.helpers.dates import FoundTime, find_time
from crawler.helpers.text import clean_text

if TYPE_CHECKING:
    from parsel import Selector

_TITLE_KEY = re.compile(r"^(?:title|headline|newsTitle|news_title)$", re.IGNORECASE)
_HTML_KEY = re.compile(r"content|body|html|detail|article", re.IGNORECASE)
_BLOCKS_KEY = re.compile(r"^(?:paragraphs|blocks|contents?|items|body)$", re.IGNORECASE)
_TIME_KEY = re.compile(r"publish|pubtime|pub_time|releasetime|datetime|^date$|^time$", re.IGNORECASE)
_EDITOR_KEY = re.compile(r"editor", re.IGNORECASE)
_IMAGE_KEY = re.compile(r"^(?:url|src|image|imageUrl|img|imgUrl)$", re.IGNORECASE)
_CAPTION_KEY = re.compile(r"caption|desc|description|alt", re.IGNORECASE)
_TEXT_KEY = re.compile(r"^(?:text|content|paragraph|value)$", re.IGNORECASE)
MIN_TEXT = 200
"""Characters of text a data-json story must carry to stand for the page's story."""


@dataclass
class ScriptedStory:
    title: str = ""
    html: str = ""
    """The story as HTML: paragraphs, and images each followed by its caption."""
    published: FoundTime | None = None
    editors: list[str] = field(default_factory=list)


def scripted_story(selector: Selector) -> ScriptedStory | None:
    """The story a `data-json` attribute holds, when one holds a story."""
    for raw in select_xpath(selector, "//*[@data-json]/@data-json"):
        try:
            data = json.loads(html.unescape(str(raw)))
        except ValueError:
            continue
        story = _read(data)
        if story is not None:
            return story
    return None


def _read(data: Any) -> ScriptedStory | None:
    nodes = list(_objects(data))
    story = ScriptedStory()
    for node in nodes:
        for key, value in node.items():
            if not story.title and _TITLE_KEY.match(str(key)) and isinstance(value, str) and 4 <= len(clean_text(value)) <= 200:
                story.title = clean_text(value)
            elif not story.html and _HTML_KEY.search(str(key)) and isinstance(value, str) and "<" in value:
                story.html = value
            elif not story.html and _BLOCKS_KEY.match(str(key)) and isinstance(value, list):
                story.html = _blocks_html(value)
            elif story.published is None and _TIME_KEY.search(str(key)):
                story.published = _time(value)
            elif _EDITOR_KEY.search(str(key)):
                story.editors.extend(_names(value))
    text = clean_text(re.sub(r"<[^>]+>", " ", story.html))
    return story if len(text) >= MIN_TEXT else None


def _objects(data: Any, depth: int = 0) -> Any:
    """Every object in the document, outermost first (bounded: a story is a shallow document)."""
    if depth > 6:
        return
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from _objects(value, depth + 1)
    elif isinstance(data, list):
        for value in data[:500]:
            yield from _objects(value, depth + 1)


def _blocks_html(blocks: list[Any]) -> str:
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            parts.append(block if block.lstrip().startswith("<") else f"<p>{html.escape(block)}</p>")
        elif isinstance(block, dict):
            image = next((v for k, v in block.items() if _IMAGE_KEY.match(str(k)) and isinstance(v, str)), None)
            caption = next((v for k, v in block.items() if _CAPTION_KEY.search(str(k)) and isinstance(v, str)), None)
            text = next((v for k, v in block.items() if _TEXT_KEY.match(str(k)) and isinstance(v, str)), None)
            if image:
                parts.append(f'<div class="cmsImage"><img src="{html.escape(image)}"></div>')
                if caption:
                    parts.append(f'<div class="imageCaption">{html.escape(caption)}</div>')
            elif text:
                parts.append(text if text.lstrip().startswith("<") else f"<p>{html.escape(text)}</p>")
    return "".join(parts)


def _time(value: Any) -> FoundTime | None:
    if isinstance(value, int | float) and value > 10**9:
        from datetime import UTC, datetime

        seconds = value / 1000 if value > 10**11 else value  # epoch milliseconds or seconds
        moment = datetime.fromtimestamp(seconds, tz=UTC)
        return FoundTime(value=moment, raw=str(value), precision="second")
    return find_time(value) if isinstance(value, str) else None


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [clean_text(value)] if clean_text(value) else []
    if isinstance(value, list):
        return [clean_text(v) for v in value if isinstance(v, str) and clean_text(v)]
    return []
