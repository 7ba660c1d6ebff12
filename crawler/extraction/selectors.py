"""CSS selectors compiled once to lxml XPath objects: the per-page cost of finding elements.

Layouts try many selectors per page, most of which find nothing. parsel's `Selector.css` caches the
CSS-to-XPath translation but builds an evaluator and wraps every result in a Selector on each call;
measured on the synthetic site that was ~2 ms of a page's extraction. Compiled `etree.XPath`
objects evaluated on the root element cost a few microseconds. parsel's translator is kept, so
`::text` and `::attr(name)` work as in parsel and return strings.

Most of those selectors name an id or a class the page does not have at all (a layout's list of
fallbacks, the other templates' containers). Each miss is still a scan of the whole tree, so the
ids and classes of a page are collected once, in one scan, and a selector that needs a name the
page lacks is answered "nothing" without running it. The names are read at a document's first
select, so a tree is not edited after that (parse_response merges stray roots before any select).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import cssselect
from lxml import etree
from parsel.csstranslator import HTMLTranslator

if TYPE_CHECKING:
    from lxml.html import HtmlElement
    from parsel import Selector

_TRANSLATOR = HTMLTranslator()


@lru_cache(maxsize=4096)
def compiled(css: str) -> etree.XPath:
    return etree.XPath(_TRANSLATOR.css_to_xpath(css))


@lru_cache(maxsize=4096)
def _needed_names(css: str) -> tuple[frozenset[str], ...] | None:
    """For each comma-separated alternative of `css`, the ids and classes an element must carry for
    it to match; None when some alternative needs none (it can match any page)."""
    try:
        alternatives = cssselect.parse(css)
    except cssselect.SelectorError:
        return None  # let the compiler report it
    needs = []
    for alternative in alternatives:
        names: set[str] = set()
        _collect_names(alternative.parsed_tree, names)
        if not names:
            return None
        needs.append(frozenset(names))
    return tuple(needs)


def _collect_names(node: Any, names: set[str]) -> None:
    if isinstance(node, cssselect.parser.Class):
        names.add(node.class_name)
    elif isinstance(node, cssselect.parser.Hash):
        names.add(node.id)
    if isinstance(node, cssselect.parser.CombinedSelector):
        _collect_names(node.subselector, names)
    # Only the element part of :not(), :is(), :has(), [attr] and pseudo-classes: a name inside
    # :not(.x) is one the element must *lack*.
    if (inner := getattr(node, "selector", None)) is not None:
        _collect_names(inner, names)


_NAMES = etree.XPath("//@class | //@id", smart_strings=False)
# The separators XPath's normalize-space() splits @class on, as the compiled selectors do.
_CLASS_SEPARATORS = re.compile(r"[ \t\r\n]+")


def _names_in(root: etree._Element) -> frozenset[str]:
    document = root.getroottree().getroot()
    return _document_names(document if document is not None else root)


# Remembered for the few pages being parsed at once. The cache holds each document, so lxml hands
# back the same element object for it (and its identity, the cache key, cannot be reused meanwhile).
@lru_cache(maxsize=8)
def _document_names(document: etree._Element) -> frozenset[str]:
    values = _NAMES(document)
    # An id is matched whole, a class word by word: both forms are kept.
    return frozenset(_CLASS_SEPARATORS.split(" ".join(values))) | frozenset(values)


def _cannot_match(root: etree._Element, css: str) -> bool:
    needs = _needed_names(css)
    if needs is None:
        return False
    present = _names_in(root)
    return not any(names <= present for names in needs)


def _root(node: Selector | HtmlElement) -> Any:
    return getattr(node, "root", node) if not isinstance(node, etree._Element) else node


def select(node: Selector | HtmlElement, css: str) -> list[Any]:
    """Elements (or strings, for ::text / ::attr) matching `css` under `node`, in document order."""
    root = _root(node)
    if not isinstance(root, etree._Element) or _cannot_match(root, css):
        return []
    result = compiled(css)(root)
    return result if isinstance(result, list) else [result]


def exists(node: Selector | HtmlElement, css: str) -> bool:
    return bool(select(node, css))


@lru_cache(maxsize=1024)
def _compiled_xpath(expression: str) -> etree.XPath:
    return etree.XPath(expression)


def select_xpath(node: Selector | HtmlElement, expression: str) -> list[Any]:
    """As `select`, for what CSS cannot say (comments, text conditions): elements or strings."""
    root = _root(node)
    if not isinstance(root, etree._Element):
        return []
    result = _compiled_xpath(expression)(root)
    return result if isinstance(result, list) else [result]
