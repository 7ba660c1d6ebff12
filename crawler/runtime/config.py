"""Settings a user sets (-s NAME=VALUE, the environment) checked before a crawl starts.

A wrong value is a user's mistake: it gets one line that names the setting and what it takes,
from the crawl command (crawler/commands/crawl.py), instead of a traceback from whichever
component first reads it, halfway through start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.helpers.durations import parse_duration

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

DURATIONS = ("RECHECK_AFTER", "RECHECK_WINDOW", "MISSING_RETRY_AFTER", "HEADLINES_MAX_LINK_AGE", "HEADLINES_STALE_SOURCE_AFTER")
WHOLE_NUMBERS = {
    # name: smallest allowed
    "HEADLINES_MAX_LIST_PAGES": 1,
    "HEADLINES_MAX_STORY_PAGES": 1,
    "HEADLINES_MAX_RECHECKS": 0,
    "STORE_BATCH_SIZE": 1,
    "STORE_DOCUMENT_BUDGET": 65536,
    "STORE_RETRY_TIMES": 0,
    "EXTRACT_PROCESSES": 0,
    "WARC_MAX_BYTES": 1,
    "WARC_GZIP_LEVEL": 0,
    "HEALTH_HISTORY_RUNS": 1,
    "HEALTH_MIN_HISTORY": 0,
    "GC_GEN0_THRESHOLD": 0,
    "MONGO_SERVER_TIMEOUT_MS": 1,
    "CONCURRENT_REQUESTS": 1,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    "DOWNLOAD_TIMEOUT": 1,
    "DOWNLOAD_MAXSIZE": 0,
    "RETRY_TIMES": 0,
}
NUMBERS = (
    "DOWNLOAD_DELAY",
    "STORE_FLUSH_SECONDS",
    "STORE_RETRY_BACKOFF",
    "DISTRIBUTED_IDLE_SECONDS",
    "DISTRIBUTED_BUSY_TIMEOUT",
    "DISTRIBUTED_POLL_SECONDS",
    "DISTRIBUTED_KEY_TTL",
)
DISTRIBUTED_MODES = ("", "0", "off", "none", "false", "redis")


class SettingError(ValueError):
    """A setting's value no crawl can run with; the message names the setting and what it takes."""


def check_settings(settings: BaseSettings) -> None:
    """Raise SettingError for the first setting whose value cannot work."""
    for name in DURATIONS:
        try:
            parse_duration(settings.get(name))
        except ValueError as error:
            raise SettingError(f"{name}: {error}") from None
    for name, smallest in WHOLE_NUMBERS.items():
        value = settings.get(name)
        try:
            number = settings.getint(name)
        except (TypeError, ValueError):
            raise SettingError(f"{name} must be a whole number, not {value!r}") from None
        if number < smallest:
            raise SettingError(f"{name} must be {smallest} or more, not {number}")
    for name in NUMBERS:
        try:
            amount = settings.getfloat(name)
        except (TypeError, ValueError):
            raise SettingError(f"{name} must be a number, not {settings.get(name)!r}") from None
        if amount < 0:
            raise SettingError(f"{name} must not be negative, not {amount}")
    if settings.get("HEADLINES_MAX_CRAWL_DELAY") not in (None, ""):
        try:
            cap = settings.getfloat("HEADLINES_MAX_CRAWL_DELAY")
        except (TypeError, ValueError):
            raise SettingError(
                f"HEADLINES_MAX_CRAWL_DELAY must be a number of seconds, not {settings.get('HEADLINES_MAX_CRAWL_DELAY')!r}"
            ) from None
        if cap < 0:
            raise SettingError(f"HEADLINES_MAX_CRAWL_DELAY must not be negative, not {cap}")
    mode = str(settings.get("DISTRIBUTED") or "").lower()
    if mode not in DISTRIBUTED_MODES:
        raise SettingError(f"DISTRIBUTED={mode!r}: the only distributed mode is 'redis' (or leave it unset)")
    _check_start_urls(settings)
    _check_mongo_uri(settings.get("MONGO_URI"))


def _check_start_urls(settings: BaseSettings) -> None:
    from crawler import sites

    try:
        overrides: dict[str, Any] = settings.getdict("HEADLINES_START_URLS")
    except (TypeError, ValueError):
        raise SettingError('HEADLINES_START_URLS must be JSON: {"site key": ["http://…", …]}') from None
    for key, urls in overrides.items():
        try:
            sites.get(key)
        except ValueError as error:
            raise SettingError(f"HEADLINES_START_URLS: {error}") from None
        if not isinstance(urls, list) or not all(isinstance(u, str) and u.startswith(("http://", "https://")) for u in urls):
            raise SettingError(f"HEADLINES_START_URLS[{key!r}] must be a list of http(s) URLs")


def _check_mongo_uri(uri: object) -> None:
    """A MONGO_URI that cannot even be parsed (a reserved character in the password, a wrong
    scheme), said without the password; reachability is the store's to report."""
    if not uri:
        return
    from pymongo.errors import InvalidURI
    from pymongo.uri_parser import parse_uri

    from crawler.store.secrets import redact

    text = str.__str__(uri) if isinstance(uri, str) else str(uri)
    if text.startswith("mongodb+srv://"):
        return  # parsing an SRV URI looks its hosts up in DNS: the store's connection reports it
    try:
        parse_uri(text, validate=True, warn=False, connect_timeout=None)
    except (InvalidURI, ValueError) as error:
        message = str(error).replace(text, redact(text))
        hint = "; percent-encode reserved characters (: / ? # [ ] @) in the user name and password"
        raise SettingError(f"MONGO_URI {redact(text)} is not a MongoDB URI: {message}{hint}") from None
