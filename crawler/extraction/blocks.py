"""Flatten an article container into blocks: paragraphs of text and the images among them.

CMS bodies mix `<p>`, `<div>`, `<br><br>`, `<center>`, images wrapped in links and captions in
`<font>` or `<span>`. A block is what a reader sees as one paragraph; it remembers what a caption
detector needs (images inside it, centred, bold, heading, caption-like class).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from lxml import etree

from crawler.helpers.text import clean_text

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable

    from lxml.html import HtmlElement

BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "blockquote",
        "figure",
        "figcaption",
        "table",
        "tr",
        "td",
        "th",
        "section",
        "article",
        "center",
        "header",
        "footer",
        "dl",
        "dt",
        "dd",
        "pre",
        "address",
    ]
)
SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "iframe",
        "form",
        "button",
        "input",
        "select",
        "textarea",
        "object",
        "embed",
        "svg",
        "canvas",
        "video",
        "audio",
    ]
)
_CAPTION_CLASS = re.compile(r"caption|pictext|imgcomment|img_?desc|pic_?desc|picture|photo_?text|tu_?zhu|imgtxt", re.IGNORECASE)
_CENTER_STYLE = re.compile(r"text-align\s*:\s*center", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s")
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.IGNORECASE)
# How CMSes set captions apart inline: navy text (Xinhua), 楷体 (KaiTi), 12px type, <em> (en.people.cn).
_CAPTION_STYLE = re.compile(r"color\s*:\s*(?:navy|#000080)|font-size\s*:\s*(?:1[0-2]|[5-9])px|楷体|kaiti", re.IGNORECASE)
_IMAGE_ATTRS = ("data-original", "data-src", "original", "src")


@dataclass
class Block:
    text: str = ""
    images: list[str] = field(default_factory=list)
    tag: str = "p"
    centered: bool = False
    caption_class: bool = False
    bold_chars: int = 0
    """Characters of text inside <strong>/<b>; equal to len(text) when the whole block is bold."""
    caption_chars: int = 0
    """Characters of text inside caption-styled inline elements (navy, 楷体, small type, <em>)."""

    @property
    def bold(self) -> bool:
        return bool(self.text) and self.bold_chars >= len(self.text.replace(" ", "")) * 0.9

    @property
    def caption_style(self) -> bool:
        return bool(self.text) and self.caption_chars >= len(self.text.replace(" ", "")) * 0.9

    @property
    def heading(self) -> bool:
        return self.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}


class _Builder:
    def __init__(self, base_url: str, skip: set[HtmlElement]) -> None:
        self.base_url = base_url
        self.skip = skip
        self.blocks: list[Block] = []
        self._parts: list[str] = []
        self._images: list[str] = []
        self._bold = 0
        self._captioned = 0
        self._context: list[tuple[str, bool, bool]] = [("p", False, False)]

    def flush(self) -> None:
        text = clean_text("".join(self._parts))
        if text or self._images:
            tag, centered, caption_class = self._context[-1]
            self.blocks.append(
                Block(
                    text=text,
                    images=self._images,
                    tag=tag,
                    centered=centered,
                    caption_class=caption_class,
                    bold_chars=self._bold,
                    caption_chars=self._captioned,
                )
            )
        self._parts, self._images, self._bold, self._captioned = [], [], 0, 0

    def add_text(self, text: str | None, bold: bool, captioned: bool = False) -> None:
        if text:
            self._parts.append(text)
            chars = len(_WHITESPACE.sub("", text))
            if bold:
                self._bold += chars
            if captioned:
                self._captioned += chars

    def walk(self, element: HtmlElement, bold: bool = False, captioned: bool = False) -> None:
        for child in element:
            self.visit(child, bold, captioned)
            # Tail text belongs to the parent's flow, after the child.
            self.add_text(child.tail, bold, captioned)

    def visit(self, node: HtmlElement, bold: bool, captioned: bool = False) -> None:
        if not isinstance(node.tag, str):  # comments, processing instructions
            return
        tag = node.tag.lower()
        if tag in SKIP_TAGS or node in self.skip:
            return
        if tag == "br":
            self.flush()
            return
        if tag == "img":
            src = next((node.get(a) for a in _IMAGE_ATTRS if node.get(a) and not node.get(a).startswith("data:")), None)
            if src:
                self._images.append(urljoin(self.base_url, src.strip()))
            return
        style = node.get("style") or ""
        is_bold = bold or tag in {"strong", "b"} or bool(_BOLD_STYLE.search(style))
        if tag not in BLOCK_TAGS:
            hints = f"{style} {node.get('face') or ''} color:{node.get('color') or ''}"
            is_captioned = captioned or tag == "em" or bool(_CAPTION_STYLE.search(hints))
            self.add_text(node.text, is_bold, is_captioned)
            self.walk(node, is_bold, is_captioned)
            return
        self.flush()
        parent_tag, parent_centered, parent_caption = self._context[-1]
        centered = (
            parent_centered
            or tag == "center"
            or (node.get("align") or "").lower() == "center"
            or bool(_CENTER_STYLE.search(style))
        )
        caption_class = parent_caption or tag == "figcaption" or bool(_CAPTION_CLASS.search(node.get("class") or ""))
        own_tag = tag if tag in {"h1", "h2", "h3", "h4", "h5", "h6", "figcaption"} else parent_tag if parent_tag != "p" else "p"
        self._context.append((own_tag, centered, caption_class))
        self.add_text(node.text, is_bold)
        self.walk(node, is_bold)
        self.flush()
        self._context.pop()


def blocks_from(elements: Iterable[HtmlElement | str], base_url: str, skip: Iterable[HtmlElement] = ()) -> list[Block]:
    """Blocks of the given top-level nodes (elements or loose text), in document order."""
    builder = _Builder(base_url, set(skip))
    for node in elements:
        if isinstance(node, str):
            builder.add_text(node, False)
            continue
        if not isinstance(node.tag, str):
            builder.add_text(node.tail, False)
            continue
        builder.visit(node, False)
        builder.add_text(node.tail, False)
    builder.flush()
    return builder.blocks


def element_text(node: HtmlElement | None, sep: str = "", skip: Collection[HtmlElement] = ()) -> str:
    """Visible text of one element (scripts, styles and `skip` subtrees left out), cleaned.

    `sep=" "` keeps separate text nodes apart, for info lines built from several elements
    (`<p>2024-05-13 13:48</p><p>来源：中国网</p>`).
    """
    if node is None:
        return ""
    parts: list[str] = []

    def walk(element: HtmlElement) -> None:
        # The element asked for is read even when it is in `skip`; only its descendants are skipped.
        if isinstance(element.tag, str) and element.tag.lower() not in SKIP_TAGS and (element is node or element not in skip):
            if element.text:
                parts.append(element.text)
            for child in element:
                walk(child)
                if child.tail:
                    parts.append(child.tail)

    walk(node)
    return clean_text(sep.join(parts))


_TEXT_NODES = etree.XPath("descendant::text()", smart_strings=False)
_ALL_TEXT = etree.XPath("string()", smart_strings=False)


def short_element_text(node: HtmlElement, limit: int) -> str | None:
    """`element_text(node, " ")`, or None when that is surely longer than `limit`, told in C.

    For short lines sought among many elements (the generic extractor's credit lines after a body,
    where containers hold the rest of the page): reading each one's whole text in Python was
    quadratic. Surely longer: more characters other than spaces than twice
    the limit (zero-width ones, which cleaning removes, leave the margin), less those of every
    skipped subtree (scripts, forms…; nested ones counted twice, which only errs towards reading)."""
    if not len(node):  # a leaf (most of them: links, spans): its text is all there is
        return "" if node.tag in SKIP_TAGS else clean_text(node.text)
    hidden = list(node.iter(*SKIP_TAGS))
    if not hidden:
        raw = " ".join(_TEXT_NODES(node))
        if len(raw) > 2 * limit and _shown(raw) > 2 * limit:
            return None
        return clean_text(raw)
    if node in hidden:
        return ""  # element_text reads nothing of a skipped element
    if _shown(str(_ALL_TEXT(node))) - sum(_shown(str(_ALL_TEXT(inner))) for inner in hidden) > 2 * limit:
        return None
    return element_text(node, " ")


def _shown(text: str) -> int:
    return len("".join(text.split()))
