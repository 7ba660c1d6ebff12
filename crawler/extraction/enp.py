"""The ENP CMS (used by China.com.cn and Guangming Daily): what its pages carry whatever the template.

The CMS wraps a story's body in `<!--enpcontent-->…<!--/enpcontent-->` comments (doubled on some
templates) and leaves an `<!--enpproperty <articleid>…</articleid><date>…</date><author>…</author>
<sourcename>…</sourcename><journalist>…</journalist><liability>…</liability>…-->` comment: the
story's record, which fills what a template does not print. An outlet's layouts subclass
`EnpArticle` and declare their own selectors.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

import lxml.html
from lxml import etree

from crawler.extraction.bylines import Field, bylines_in
from crawler.extraction.layout import ArticleLayout
from crawler.extraction.selectors import select_xpath
from crawler.helpers.dates import find_time
from crawler.helpers.text import clean_text

if TYPE_CHECKING:
    from lxml.html import HtmlElement
    from parsel import Selector
    from scrapy.http import TextResponse

    from crawler.extraction.layout import Outlet
    from crawler.helpers.dates import FoundTime
    from crawler.items import Byline

_ENP_PROPERTY = re.compile(r"<(?P<name>\w+)>(?P<value>[^<]*)</(?P=name)>")
# The ENP CMS's comment markers: `<!--enpcontent-->` opens the body, `<!--enpproperty …-->` holds fields.
ENP_CONTENT = "//comment()[normalize-space(.)='enpcontent']"
_ENP_PROPERTIES = "//comment()[starts-with(normalize-space(.), 'enpproperty')]"


def enp_properties(selector: Selector) -> dict[str, str]:
    """The ENP CMS's hidden `<!--enpproperty <articleid>…</articleid>…-->` comment as a dict."""
    comments = select_xpath(selector, _ENP_PROPERTIES)
    if not comments:
        return {}
    return {m["name"]: clean_text(m["value"]) for m in _ENP_PROPERTY.finditer(comments[0].text or "")}


class EnpArticle(ArticleLayout):
    """A page of the ENP CMS: its body between the enpcontent markers, its record's fields."""

    match_xpath: ClassVar[str | None] = ENP_CONTENT  # any page of the CMS, or one with a body_css
    # The CMS's templates also print the story's fields in spans meant for search engines, hidden
    # or not: they fill what the visible info line leaves out.
    _id_fields: ClassVar[dict[str, str]] = {"#author_baidu": "author", "#editor_baidu": "editor", "#source_baidu": "source"}

    def __init__(self, site: Outlet, response: TextResponse) -> None:
        super().__init__(site, response)
        self.properties = enp_properties(self.selector)

    def body_nodes(self) -> list[HtmlElement | str] | None:
        start = select_xpath(self.selector, ENP_CONTENT)
        if start:
            marker = start[0]
            nodes: list[HtmlElement | str] = [marker.tail] if marker.tail else []
            for sibling in marker.itersiblings():
                if isinstance(sibling, etree._Comment) and sibling.text.strip() == "/enpcontent":
                    return nodes
                nodes.append(sibling)
            # The end marker is not a sibling (markup broken across containers): cut the text instead.
            return self._enp_fragment() or nodes
        return super().body_nodes()

    def _enp_fragment(self) -> list[HtmlElement | str] | None:
        match = re.search(r"<!--\s*enpcontent\s*-->(.*?)<!--\s*/enpcontent\s*-->", self.response.text, re.DOTALL)
        if not match:
            return None
        self.warnings.append("body: enpcontent markers are not siblings; body cut from the text")
        return [lxml.html.fragment_fromstring(match[1], create_parent="div")]

    def fields(self) -> list[Field]:
        fields = super().fields()
        seen = {f.kind for f in fields}
        for css, kind in self._id_fields.items():
            if kind in seen:
                continue
            text = clean_text(" ".join(self.find(f"{css} ::text, {css}::text")))
            if text:
                # "责任编辑：肖春芳": the label says the language of the credit, as in an info line.
                labelled = re.match(r"^(?P<label>[^:：]{1,6})[:：]\s*(?P<value>.*)$", text)
                label, value = (labelled["label"], labelled["value"]) if labelled else ("", text)
                fields.append(Field(kind, label, value))  # type: ignore[arg-type]
        return fields

    def published(self, fields: list[Field]) -> FoundTime | None:
        # The time the page shows wins, even where the record has seconds the page does not show:
        # the record is read only when the page shows no time.
        found = super().published(fields)
        if found is None and (found := find_time(self.properties.get("date", ""))):
            self.warnings.append("published_at: not shown on the page; taken from the CMS property")
        return found

    def source(self, fields: list[Field]) -> str | None:
        return super().source(fields) or self.properties.get("sourcename") or None

    def field_bylines(self, fields: list[Field], lang: str | None) -> list[Byline]:
        bylines = super().field_bylines(fields, lang)
        shown = {f.kind for f in fields} | {b.role for b in bylines} | {b.role for b in self.credit_bylines(lang)}
        # The CMS record fills roles the page does not show; a visible (even empty) field wins.
        for prop, role in (("author", "author"), ("journalist", "reporter"), ("liability", "editor")):
            if role not in shown and (value := self.properties.get(prop)):
                bylines.extend(bylines_in(value, role, lang))  # type: ignore[arg-type]
        return bylines
