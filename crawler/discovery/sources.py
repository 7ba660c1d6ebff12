"""An outlet's discovery sources and the `-a discover=` choice between them.

- lists: headline and channel pages, HTML or the JSON their scripts load;
- feeds: RSS and Atom;
- sitemaps: sitemap indexes, sitemaps, or a robots.txt that names them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

SourceKind = Literal["lists", "feeds", "sitemaps"]
SOURCE_KINDS: tuple[SourceKind, ...] = ("lists", "feeds", "sitemaps")


@dataclass(frozen=True)
class Source:
    kind: SourceKind
    url: str


def chosen_kinds(spec: str | None) -> tuple[SourceKind, ...] | None:
    """`lists,feeds` -> ("lists", "feeds"); None or "" or "default" -> None (each outlet's default).
    Raises ValueError naming what is wrong."""
    if spec is None or spec.strip() in ("", "default"):
        return None
    if spec.strip() == "all":
        return SOURCE_KINDS
    kinds = [part.strip() for part in spec.split(",") if part.strip()]
    unknown = [kind for kind in kinds if kind not in SOURCE_KINDS]
    if unknown or not kinds:
        raise ValueError(f"unknown discovery source {', '.join(unknown) or spec!r}; choose from {', '.join(SOURCE_KINDS)}, all")
    return tuple(dict.fromkeys(cast("list[SourceKind]", kinds)))
