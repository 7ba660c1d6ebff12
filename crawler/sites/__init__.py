"""Registry of outlets. Modules are listed explicitly: a typo fails loudly, not silently.

`python -m crawler new-site KEY --host HOST` adds a module here (docs/adding-an-outlet.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.sites.cgtn import Cgtn
from crawler.sites.chinacomcn import ChinaComCn
from crawler.sites.chinadaily import ChinaDaily
from crawler.sites.chinanews import ChinaNews
from crawler.sites.globaltimes import GlobalTimes
from crawler.sites.gmw import Gmw
from crawler.sites.govcn import GovCn
from crawler.sites.people import People
from crawler.sites.qiushi import Qiushi
from crawler.sites.xinhua import Xinhua

if TYPE_CHECKING:
    from crawler.sites.base import Site

OUTLETS: tuple[Site, ...] = (
    ChinaComCn(),
    Xinhua(),
    People(),
    ChinaDaily(),
    Cgtn(),
    GlobalTimes(),
    ChinaNews(),
    GovCn(),
    Qiushi(),
    Gmw(),
)
SITES: dict[str, Site] = {site.key: site for site in OUTLETS}


def get(key: str) -> Site:
    try:
        return SITES[key]
    except KeyError:
        raise ValueError(f"unknown site {key!r}; known: {', '.join(sorted(SITES))}") from None


def chosen(spec: str | None) -> list[Site]:
    """`all` (or empty) for every site, else a comma-separated list of keys."""
    if not spec or spec == "all":
        return list(SITES.values())
    return [get(key.strip()) for key in spec.split(",") if key.strip()]


def for_url(url: str) -> Site | None:
    return next((site for site in SITES.values() if site.owns(url)), None)
