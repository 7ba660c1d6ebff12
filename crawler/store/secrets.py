"""Keep credentials out of logs: redacted URIs and a str that never prints itself."""

from __future__ import annotations

import re

_SCHEME = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
# URI options that carry a secret (MongoDB's TLS key password, AWS session tokens; redis-py's password).
_SECRET_OPTIONS = re.compile(
    r"(?P<name>[?&;](?:tlsCertificateKeyFilePassword|sslPEMKeyPassword|sslClientCertificateKeyPassword|password|"
    r"authMechanismProperties|awsSessionToken|secret|token)=)[^&;#]*",
    re.IGNORECASE,
)


def redact(uri: str) -> str:
    """`mongodb://user:secret@host/db` -> `mongodb://***@host/db`, whatever the password holds.

    The user information runs to the *last* `@`: a password with an unescaped `@` or `/` (a
    malformed URI, which the driver then rejects) still never prints. Secret-bearing options in
    the query (`?tlsCertificateKeyFilePassword=…`) are masked too."""
    text = str.__str__(uri) if isinstance(uri, str) else str(uri)
    if match := _SCHEME.match(text):
        rest = match["rest"]
        if "@" in rest:
            rest = "***@" + rest.rsplit("@", 1)[1]
        text = match["scheme"] + rest
    return _SECRET_OPTIONS.sub(lambda m: f"{m['name']}***", text)


class Secret(str):
    """A setting value whose repr is redacted. Scrapy logs overridden settings with pprint (repr),
    so MONGO_URI is wrapped in this before that log line is written."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(redact(str.__str__(self)))
