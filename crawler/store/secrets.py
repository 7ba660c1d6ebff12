"""Keep credentials out of logs: redacted URIs and a str that never prints itself."""

from __future__ import annotations

import re

_USERINFO = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<userinfo>[^@/]*)@", re.IGNORECASE)


def redact(uri: str) -> str:
    """`mongodb://user:secret@host/db` -> `mongodb://***@host/db`."""
    return _USERINFO.sub(lambda m: f"{m['scheme']}***@", str(uri))


class Secret(str):
    """A setting value whose repr is redacted. Scrapy logs overridden settings with pprint (repr),
    so MONGO_URI is wrapped in this before that log line is written."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(redact(str.__str__(self)))
