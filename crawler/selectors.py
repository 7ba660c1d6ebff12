"""CSS selectors compiled once to lxml XPath objects: the per-page cost of finding elements.

Layouts try many selectors per page, most of which find nothing. parsel's `Selector.css` caches the
CSS-to-XPath translation but builds an evaluator and wraps every result in a Selector on each call;
measured on the synthetic site that was ~2 ms of a page's extraction. Compiled `etree.XPath`
objects evaluated on the root element cost a few microseconds. parsel's translator is kept, so
`::text` and `::attr(name)` work as in parsel and return strings.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from lxml import etree
from parsel.csstranslator import HTMLTranslator

if TYPE_CHECKING:
    from lxml.html import HtmlElement
    from parsel import Selector

_TRANSLATOR = HTMLTranslator()


@lru_cache(maxsize=4096)
def compiled(css: str) -> etree.XPath:
    return etree.XPath(_TRANSLATOR.css_to_xpath(css))


def _root(node: Selector | HtmlElement) -> Any:
    return getattr(node, "root", node) if not isinstance(node, etree._Element) else node


def select(node: Selector | HtmlElement, css: str) -> list[Any]:
    """Elements (or strings, for ::text / ::attr) matching `css` under `node`, in document order."""
    root = _root(node)
    if not isinstance(root, etree._Element):
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
