"""crawler.extraction.selectors answers exactly as parsel does, including when it skips a selector because the
page lacks an id or class it names."""

from __future__ import annotations

import pytest
from lxml import etree
from parsel import Selector

from crawler.extraction import selectors
from crawler.extraction.selectors import exists, select

PAGE = """<html><head><title>t</title></head><body>
<div id="main" class="box2  wide">
  <h1 class="title">标题</h1>
  <div class="info
	line">发布时间：2025-06-05</div>
  <p class="x">one</p><p>two</p>
  <a href="/a.htm" class="more">more</a>
</div>
<div id="two words">odd id</div>
<span class="a\u00a0b">nbsp class</span>
</body></html>"""

# (selector, how many matches a reader counts on PAGE): parsel must agree, and so must select().
CASES = [
    ("h1", 1),  # no names: always evaluated
    ("#main", 1),
    ("#missing", 0),
    (".box2 h1", 1),
    (".box2 .absent", 0),
    (".absent, h1", 1),  # one alternative needs nothing
    (".absent, #missing", 0),
    ("div.info", 1),  # class split by a newline and a tab
    (".line", 1),
    ("p:not(.x)", 1),  # :not names a class the element must lack
    ("p:not(.nowhere)", 2),
    ("h1::text", 1),
    ("a::attr(href)", 1),
    (".more::attr(href)", 1),
    ("#main > p", 2),
    ("div[class^=box]", 1),
    ("#two", 0),  # an id with a space matches neither word
    (".a", 0),  # nbsp does not split a class for XPath
    ("span", 1),
]


@pytest.mark.parametrize(("css", "count"), CASES)
def test_select_agrees_with_parsel(css: str, count: int) -> None:
    page = Selector(text=PAGE)
    expected = page.css(css)
    found = select(page, css)
    assert len(found) == len(expected) == count
    if "::" in css:
        assert found == expected.getall()
    else:
        assert found == [s.root for s in expected]
    assert exists(page, css) == (count > 0)


def test_a_selector_naming_an_absent_class_is_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    page = Selector(text=PAGE)
    ran: list[str] = []
    real = selectors.compiled

    def counting(css: str) -> etree.XPath:
        ran.append(css)
        return real(css)

    monkeypatch.setattr(selectors, "compiled", counting)
    assert select(page, ".absent p") == []
    assert select(page, "#nowhere, .box2 .nothing") == []
    assert ran == []
    assert select(page, ".box2 h1")
    assert ran == [".box2 h1"]


def test_names_follow_the_document_not_a_stale_page() -> None:
    # Two pages parsed one after the other: each is judged by its own names.
    first = Selector(text='<div class="alpha">a</div>')
    second = Selector(text='<div class="beta">b</div>')
    assert select(first, ".alpha") and not select(first, ".beta")
    assert select(second, ".beta") and not select(second, ".alpha")
    # A subtree is judged by its document's names (a superset of its own).
    inner = select(second, "div")[0]
    assert select(inner, ".beta") == [inner]
    assert select(inner, ".alpha") == []
