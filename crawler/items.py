"""The item: one story as published, with roles, credits and provenance.

Field order is export order (Scrapy exports dataclass fields in declaration order). Pipelines reach
items only through ItemAdapter; `ItemAdapter(item).asdict()` gives the JSON/BSON-ready document.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from itemadapter import ItemAdapter

# correspondent: 通讯员, a staff member of the institution reported on (a ministry, a county, an army
# unit) credited beside the outlet's reporters; not the outlet's reporter.
Role = Literal["reporter", "correspondent", "author", "editor", "photographer", "translator", "commentator"]
ROLES: tuple[Role, ...] = ("reporter", "correspondent", "author", "editor", "photographer", "translator", "commentator")
Precision = Literal["second", "minute", "day"]


@dataclass(kw_only=True)
class Credit:
    names: list[str] = field(default_factory=list)
    """People credited, without role words: 黃敬文, not 新華社記者 黃敬文 攝."""
    org: str | None = None
    """Agency or outlet credited: 新華社, Xinhua, China.org.cn."""


@dataclass(kw_only=True)
class Photo:
    url: str | None
    """Absolute image URL; None for a caption printed without its image."""
    caption: str | None = None
    """Caption as published, credit included; never also present in `body`."""
    lang: str | None = None
    """Language key of the caption: zh or en."""
    credit: Credit | None = None


@dataclass(kw_only=True)
class Byline:
    name: str
    """Person as printed, without the role label (曹川川, not 責任編輯:曹川川)."""
    role: Role
    lang: str | None = None
    """Language key of the text the credit was printed in: zh or en."""


@dataclass(kw_only=True)
class Article:
    url: str
    """URL as fetched (gateway form kept)."""
    canonical_url: str
    """Identity URL: gateway prefix, page suffix, tracking parameters removed; scheme and extension
    normalised. Not necessarily fetchable."""
    key: str
    """Stable identity: sha1 of canonical_url. Equal for a page, its Big5 gateway copy and its pages 2..n."""
    site: str
    section: list[str] = field(default_factory=list)
    """Breadcrumb as printed, e.g. ["首頁", "頭條"]."""
    title: dict[str, str] = field(default_factory=dict)
    """Per language key (zh, en)."""
    body: dict[str, list[str]] = field(default_factory=dict)
    """Paragraphs per language key; captions, bylines and pagers removed."""
    languages: list[str] = field(default_factory=list)
    """BCP-47 tags in page order, Chinese with its script as published: ["zh-Hant", "en"]."""
    photos: list[Photo] = field(default_factory=list)
    bylines: list[Byline] = field(default_factory=list)
    source: str | None = None
    """Originating outlet as printed after 来源/來源/Source, e.g. 新華網; the first one when several are
    named (`人民日报客户端 人民网` -> 人民日报客户端)."""
    sources: list[str] = field(default_factory=list)
    """Every outlet the source line names, in order, each as printed; a magazine keeps its issue
    (《求是》2025/11)."""
    dateline: dict[str, str] = field(default_factory=dict)
    """Per language, the dateline opening the story as printed (新华社北京6月4日电（记者 甲）,
    BEIJING, June 15 (Xinhua) --); it stays in the body, and never in the title."""
    published_at: str | None = None
    """ISO 8601 with offset (Beijing time unless the page says otherwise)."""
    published_raw: str | None = None
    """The date text as found on the page."""
    published_precision: Precision | None = None
    """second, minute or day: a day-only date is never passed off as midnight."""
    updated_at: str | None = None
    """The time the page says the story was updated ("Updated: …", 更新时间), ISO 8601; when the page
    shows no other time, published_at is this one too, with a warning saying so."""
    other_titles: dict[str, str] = field(default_factory=dict)
    """Titles the page gives besides its headline, as printed: `original` (原标题：…, the title at the
    outlet it was copied from), `print` ("Newspaper headline: …", the print edition's)."""
    author_notes: list[str] = field(default_factory=list)
    """Lines about the writers, as printed, kept out of the body: affiliations (（作者：某某 某大学
    教授）), columnists' taglines ("X is a writer based in Beijing.")."""
    page_urls: list[str] = field(default_factory=list)
    """Every page merged into this item, in order (one entry unless the story is paginated)."""
    redirected_from: list[str] = field(default_factory=list)
    """URLs requested before redirects led to `url`."""
    parser: str = ""
    """Layout that produced the item, e.g. chinacomcn:InfoLineArticle, or generic."""
    warnings: list[str] = field(default_factory=list)
    """What was odd on the page; kept, not hidden."""
    content_hash: str | None = None
    """Exact identity of the body folded to simplified script, width and punctuation: equal for a page
    and its Big5 gateway copy, and for one wire story printed unchanged by two outlets; set by
    NormalizePipeline. (Near-duplicates, edited copies, are the clusters' business.)"""
    fetched_at: str | None = None
    """When the page was fetched (ISO 8601, UTC); set by NormalizePipeline."""


@dataclass(kw_only=True)
class Removal:
    """A stored story's page is gone: the store records `removed_at` and how it was told."""

    url: str
    site: str
    status: int
    """The HTTP status that said so: 404/410, the redirect's 301/302, or 200 for a soft 404."""
    reason: str = "http_status"
    """http_status (404/410), redirect_to_list (the URL now sends readers to a home or list page),
    soft_404 (an error page served as 200)."""
    fetched_at: str | None = None


# -- items as JSON-ready dicts (the shape `parse` prints and the stores keep) ----------------------

_ATOMS = (str, int, float, bool, type(None))


def to_jsonable(item: Any) -> dict[str, Any]:
    """Our items are dataclasses of dataclasses, lists and dicts of strings: they are walked here,
    giving what `dataclasses.asdict` gives (new containers all the way down, nothing shared with
    the item) at a fraction of its cost, which deep-copies every string it meets (measured: ~5 %
    of the crawling process's CPU). Anything else still goes through ItemAdapter."""
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return {name: _plain(getattr(item, name)) for name in _field_names(type(item))}
    return ItemAdapter(item).asdict()


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(cls))


def _plain(value: Any) -> Any:
    if isinstance(value, _ATOMS):
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _plain(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, tuple):
        return type(value)(_plain(v) for v in value) if not hasattr(value, "_fields") else type(value)(*map(_plain, value))
    return copy.deepcopy(value)
