"""URL identity: gateway unwrapping, one normalisation, the canonical form, stable versioned keys.

One canonicaliser, built on w3lib's: `normalized_url` says when two URLs fetch the same page,
`canonical_url` when two pages are one story (never a URL to request: the scheme is always https,
`www.` is dropped, tracking parameters and fragments go, and each outlet may rewrite its path).
Fetching always uses the URL as linked.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url

TRACKING_PARAMS = frozenset(
    {"from", "spm", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "f", "share", "isappinstalled"}
)
# big5.china.com.cn/gate/big5/<host>/<path>, big5.www.gov.cn/gate/big5/…, big5.xinhuanet.com/gate/big5/…:
# the same traditional-Chinese proxy product on several state sites.
_GATEWAY = re.compile(r"^(?:https?:)?//(?P<gateway>big5\.[^/]+)/gate/big5/(?P<inner>.+)$", re.IGNORECASE)

PathRewrite = Callable[[str], str]


def unwrap_gateway(url: str) -> str:
    """The original URL behind a Big5 gateway URL; other URLs are returned unchanged."""
    match = _GATEWAY.match(url.strip())
    if not match:
        return url
    inner = match["inner"]
    if re.match(r"^https?://", inner, re.IGNORECASE):
        return inner
    return "http://" + inner


def gateway_host(url: str) -> str | None:
    match = _GATEWAY.match(url.strip())
    return match["gateway"].lower() if match else None


def host_of(url: str) -> str:
    """Lower-case host of the original URL (gateway unwrapped), without `www.`."""
    host = (urlsplit(unwrap_gateway(url)).hostname or "").lower()
    return host.removeprefix("www.")


def host_in(host: str, domains: tuple[str, ...] | list[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


KEY_VERSION = 3
"""Version of the identity rules (canonical_url and the outlets' own rewrites): stored in every
document as `key_version`. Any change that gives a stored story another key bumps it, and
`python -m crawler migrate-keys` re-keys a store to it.

1: until 2026-12: the path as linked;
2: the URL normalised as servers read it (w3lib: RFC 3986 escapes, dot segments, sorted query);
3: an outlet's CMS id is the story on every host that serves it (Site.story_id_path)."""


def normalized_url(url: str) -> str:
    """The URL as a server reads it: percent-escapes normalised (`%2D` is `-`), dot segments
    resolved (`/02/../01/` is `/01/`), query sorted, fragment dropped (w3lib's canonicalize_url).
    Two URLs equal under this fetch the same page: replay lookups and redirect loops use it."""
    return canonicalize_url(url.strip(), keep_fragments=False)


def canonical_url(url: str, rewrite_path: PathRewrite | None = None) -> str:
    """The story's identity URL: the normalised URL with the gateway unwrapped, https, no `www.`,
    no tracking parameters, and the outlet's own path rewrite (extensions, mirror prefixes)."""
    parts = urlsplit(normalized_url(unwrap_gateway(url)))
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if rewrite_path:
        path = rewrite_path(path)
    query = "&".join(p for p in parts.query.split("&") if p and p.split("=", 1)[0].lower() not in TRACKING_PARAMS)
    return urlunsplit(("https", host, path, query, ""))


def url_key(canonical: str) -> str:
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()
