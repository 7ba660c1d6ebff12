"""URL identity: gateway unwrapping, canonical form, stable keys.

A canonical URL is an identity, never a URL to request: the scheme is always https, `www.` is
dropped, tracking parameters and fragments go, and each site may rewrite its path (page suffixes,
extensions). Fetching always uses the URL as linked.
"""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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


_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")


def _decode_unreserved(path: str) -> str:
    """`%2D` -> `-` (RFC 3986 §6.2.2.2: the same URL); other escapes kept, in upper case."""

    def one(match: re.Match[str]) -> str:
        char = chr(int(match[1], 16))
        return char if char in _UNRESERVED else f"%{match[1].upper()}"

    return _PERCENT.sub(one, path)


def remove_dot_segments(path: str) -> str:
    """`/a/./b/../c` -> `/a/c` (RFC 3986 §5.2.4): the path a server answers for."""
    output: list[str] = []
    for segment in path.split("/")[1:] if path.startswith("/") else path.split("/"):
        if segment == "..":
            if output:
                output.pop()
        elif segment != ".":
            output.append(segment)
    trailing = path.endswith(("/.", "/..")) and output and output[-1] != ""
    return "/" + "/".join(output) + ("/" if trailing else "")


def canonical_url(url: str, rewrite_path: PathRewrite | None = None) -> str:
    parts = urlsplit(unwrap_gateway(url.strip()))
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = remove_dot_segments(_decode_unreserved(parts.path or "/"))
    path = re.sub(r"/{2,}", "/", path)
    if rewrite_path:
        path = rewrite_path(path)
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in TRACKING_PARAMS)
    return urlunsplit(("https", host, path, urlencode(query), ""))


def url_key(canonical: str) -> str:
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()
