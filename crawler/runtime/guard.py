"""Never fetch what is not an outlet: every request, redirects and robots.txt included, goes to a
host of the outlet it was made for, and never to a private, loopback or link-local address.

Scrapy's offsite filter lets through any request with `dont_filter=True` (start pages carry it, and
the redirects they lead to inherit it), so a headline page redirecting to
`http://169.254.169.254/latest/meta-data/` (cloud metadata) or `http://127.0.0.1:8080/admin` would be
fetched and archived. Two checks close that:

- `OutletGuardMiddleware` (downloader middleware, first in line): the URL's host must belong to the
  outlet (`Site.allowed_domains`), and be a name, not an IP address. A refused redirect is counted as
  `site/<key>/ignored/offsite_redirect`, any other refused request as `site/<key>/ignored/offsite`.
- `PublicOnlyResolver` (TWISTED_DNS_RESOLVER): an outlet's name that resolves to a private,
  loopback, link-local or reserved address (a poisoned or split-horizon DNS) is refused before a
  connection is made. The configured proxies are exempt: an operator may run one on a private network.
"""

from __future__ import annotations

import ipaddress
import logging
import urllib.request
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from crawler import sites
from crawler.helpers.urls import host_in, unwrap_gateway

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)


class RefusedRequest(IgnoreRequest):
    """A request to a host that is not the outlet's; `code` is its stat name."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def refusal(url: str, allowed: Sequence[str]) -> str | None:
    """Why `url` must not be fetched for an outlet whose hosts are `allowed`, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"scheme {parts.scheme!r} is not http(s)"
    host = (parts.hostname or "").lower()
    if not host:
        return "no host"
    if _is_address(host):
        return f"{host} is an address, not an outlet's host"
    inner = (urlsplit(unwrap_gateway(url)).hostname or "").lower()
    if not host_in(host, tuple(allowed)) or not host_in(inner, tuple(allowed)):
        return f"{host} is not a host of the outlet"
    return None


class OutletGuardMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OutletGuardMiddleware:
        return cls(crawler)

    def _allowed(self, request: Request) -> tuple[str, list[str]]:
        key = request.cb_kwargs.get("site")
        if key:
            try:
                return key, list(sites.get(key).allowed_domains())
            except ValueError:
                pass
        # robots.txt and other requests Scrapy makes itself: the crawl's outlets.
        spider = getattr(self.crawler, "spider", None)
        owner = sites.for_url(request.url)
        return (owner.key if owner else "unknown"), list(getattr(spider, "allowed_domains", None) or [])

    def process_request(self, request: Request) -> None:
        key, allowed = self._allowed(request)
        reason = refusal(request.url, allowed)
        if reason is None:
            return
        redirected = bool(request.meta.get("redirect_urls"))
        code = "offsite_redirect" if redirected else "offsite"
        self.crawler.stats.inc_value(f"site/{key}/ignored/{code}")
        came_from = f" (redirected from {request.meta['redirect_urls'][-1]})" if redirected else ""
        logger.warning("refused %s%s: %s", request.url, came_from, reason)
        raise RefusedRequest(code, reason)


class RedirectGuardMiddleware(OutletGuardMiddleware):
    """Judges a redirect where it is answered, before Scrapy's RedirectMiddleware builds the next
    request (which Scrapy's own offsite filter might drop uncounted, or let through when the
    request was a start page): one rule and one count for every refused redirect."""

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        key, allowed = self._allowed(request)
        reason = refusal(target, allowed)
        if reason is None:
            return response
        self.crawler.stats.inc_value(f"site/{key}/ignored/offsite_redirect")
        logger.warning("refused %s (redirected from %s): %s", target, request.url, reason)
        raise RefusedRequest("offsite_redirect", reason)

    def process_request(self, request: Request) -> None:
        return None  # requests are OutletGuardMiddleware's


def _proxy_hosts() -> frozenset[str]:
    return frozenset(host for url in urllib.request.getproxies().values() if (host := urlsplit(url).hostname))


def public_address(name: str, address: str, exempt: frozenset[str] = frozenset()) -> str:
    """`address` when `name` may be reached at it; DNSLookupError when it is not a public address."""
    if name in exempt or _is_address(name):
        return address  # a proxy the operator set, or a literal (outlet URLs never are: the guard refuses them)
    ip = ipaddress.ip_address(address)
    if not ip.is_global or ip.is_multicast:
        raise DNSLookupError(f"{name} resolves to {address}, which is not a public address: refused")
    return address


class PublicOnlyResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing names that resolve to non-public addresses."""

    def __init__(self, reactor: Any, cache_size: int, timeout: float) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.exempt = _proxy_hosts()

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:  # Twisted's name
        deferred: Deferred[str] = super().getHostByName(name, timeout)
        deferred.addCallback(lambda address: public_address(name, address, self.exempt))
        return deferred
