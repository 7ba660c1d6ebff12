"""`python -m crawler new-site KEY --host HOST …`: the files of a new outlet, ready to fill in.

Writes `crawler/sites/<key>.py` (the outlet's module, its facts left to write), registers it in
`crawler/sites/__init__.py`, creates `tests/fixtures/<key>/` and `tests/test_site_<key>.py`, a test
that fails until the module knows real URLs of the outlet. docs/adding-an-outlet.md says what to do
next. It never overwrites a file.
"""

from __future__ import annotations

import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]

_MODULE = '''"""{name}: {hosts}.

Facts used here, each with where it comes from (../shared/dossier/SITES.md, a saved page, another
maintained scraper's code):
- article URLs: TODO
- list pages and headline blocks: TODO
- templates (title, info line, body, editor line): TODO
- charset: TODO
"""

from __future__ import annotations

import re

from crawler.extraction.layout import ArticleLayout
from crawler.sites.base import StandardSite

ARTICLE_RE = re.compile(r"TODO-an-article-path-pattern$")
LIST_RE = re.compile(r"TODO-a-list-path-pattern$")


class {cls}Article(ArticleLayout):
    """The article template: TODO say which pages use it."""

    name = "{cls}Article"
    title_css = ("h1",)
    info_css = ()  # the line with 来源/时间/作者
    body_css = ()  # the element holding the paragraphs
    credit_css = ()  # 【责任编辑：…】 lines outside the body
    match_css = ()  # what tells this template from the outlet's others


class {cls}(StandardSite):
    key = "{key}"
    name = "{name}"
    languages = {languages!r}
    domains = {domains!r}
    headline_urls = {starts!r}
    article_path = ARTICLE_RE
    list_path = LIST_RE
    layouts = ({cls}Article,)
    headline_blocks_css = ()  # 头条 / 要闻 blocks of the home page, every one read
    list_scope_css = ()
'''

_TEST = '''"""{name}: the URLs the module must recognise (docs/adding-an-outlet.md, step 3)."""

from __future__ import annotations

from crawler.sites.{key} import {cls}

SITE = {cls}()
# Real URLs of the outlet, from the dossier, a saved page or another scraper's code.
ARTICLE_URLS: list[str] = []
LIST_URLS: list[str] = []


def test_the_module_tells_the_outlets_articles_from_its_lists() -> None:
    assert ARTICLE_URLS, "write real article URLs of the outlet in ARTICLE_URLS"
    assert LIST_URLS, "write real list (headline, channel) URLs of the outlet in LIST_URLS"
    assert [url for url in ARTICLE_URLS if not SITE.is_article_url(url)] == []
    assert [url for url in LIST_URLS if SITE.is_article_url(url) or not SITE.is_list_url(url)] == []
'''


class ScaffoldError(ValueError):
    """The outlet cannot be added as asked (a bad key, an existing module)."""


def new_site(
    key: str, hosts: list[str], name: str, languages: list[str], starts: list[str], *, root: Path = PROJECT
) -> list[Path]:
    """Write the new outlet's files under `root`; the paths written, in order."""
    if not re.fullmatch(r"[a-z][a-z0-9]{1,30}", key):
        raise ScaffoldError(f"the key must be lower-case letters and digits, like xinhua: not {key!r}")
    if not hosts:
        raise ScaffoldError("give the outlet's host with --host (e.g. --host gmw.cn)")
    module = root / "crawler" / "sites" / f"{key}.py"
    test = root / "tests" / f"test_site_{key}.py"
    fixtures = root / "tests" / "fixtures" / key
    for path in (module, test):
        if path.exists():
            raise ScaffoldError(f"{path.relative_to(root)} exists already")
    registry = root / "crawler" / "sites" / "__init__.py"
    text = registry.read_text(encoding="utf-8")
    cls = key.capitalize()
    domains = tuple(sorted({host.removeprefix("www.") for host in hosts}))
    module.write_text(
        _MODULE.format(
            key=key,
            cls=cls,
            name=name or key,
            hosts=", ".join(hosts),
            languages=tuple(languages or ["zh-Hans"]),
            domains=domains,
            starts=tuple(starts or [f"https://www.{domains[0]}/"]),
        ),
        encoding="utf-8",
    )
    imports = re.findall(r"^from crawler\.sites\.\w+ import \w+$", text, re.MULTILINE)
    line = f"from crawler.sites.{key} import {cls}"
    text = text.replace("\n".join(imports), "\n".join(sorted([*imports, line])), 1)
    text = re.sub(r"(OUTLETS: tuple\[Site, \.\.\.\] = \((?:\n    \w+\(\),)+)", rf"\1\n    {cls}(),", text, count=1)
    registry.write_text(text, encoding="utf-8")
    fixtures.mkdir(parents=True, exist_ok=True)
    test.write_text(_TEST.format(key=key, cls=cls, name=name or key), encoding="utf-8")
    return [module, registry, fixtures, test]
