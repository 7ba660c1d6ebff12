"""Is this response the outlet refusing us? A fixed vocabulary of reasons, from the response alone.

- `waf`: a 403 page from a web application firewall (People's answers bots with one that loads
  `blocksrc.haplat.net/_bot_sbu/…`);
- `js_challenge`: a 412, or a near-empty page whose script sets a cookie and reloads (the TRS
  "瑞数" challenge other gov sites use; `acw_sc__v2`, `__jsl_clearance`, Cloudflare's; a feed URL
  answering 200 with a "正在进行安全检测" page and a `_wafchallengeid` script, seen on another
  Chinese outlet in 2026);
- `captcha`: a near-empty page asking for a captcha or a slider;
- `rate_limited`: a 429.

A page is "near-empty" when it shows almost no text: a story that mentions a captcha is a story.
Nothing here tries to pass a challenge: a blocked outlet is reported, never evaded.
"""

from __future__ import annotations

import re
from typing import Literal

import lxml.html
from lxml import etree

BlockReason = Literal["waf", "js_challenge", "captcha", "rate_limited"]


class _Marks:
    """Words that mark a page, found in its ASCII-lowercased bytes: literals by `in` (a C scan of
    the bytes), patterns only on pages that hold their literal part. One case-insensitive regex of
    alternatives costs ~3 ms on a 100 KB page, more than parsing it; this, a tenth of that."""

    def __init__(self, literals: list[str], patterns: dict[str, str] | None = None) -> None:
        self.literals = [word.lower().encode() for word in literals]
        self.patterns = [(gate.encode(), re.compile(pattern.encode(), re.DOTALL)) for gate, pattern in (patterns or {}).items()]

    def found(self, lowered: bytes) -> bool:
        return any(word in lowered for word in self.literals) or any(
            gate in lowered and pattern.search(lowered) for gate, pattern in self.patterns
        )


_WAF_MARKS = _Marks(
    [
        *("blocksrc.haplat.net", "_bot_sbu", "web application firewall", "access denied", "request blocked"),
        *("attention required", "errors.edgesuite.net", "cf-error-details"),
        *(
            "访问被拒绝",
            "拒绝访问",
            "网站防火墙",
            "安全拦截",
            "疑似黑客攻击",
            "您的访问被阻断",
            "访问受限",
            "訪問被拒絕",
            "拒絕訪問",
        ),
    ],
    {"waf": r"\bwaf\b"},
)
_CHALLENGE_MARKS = _Marks(
    ["acw_sc__v2", "__jsl_clearance", "challenge-platform", "cf-chl", "jschallenge", "_wafchallengeid"],
    {
        "$_ts": r"\$_ts\s*=",
        "_waf_": r"_waf_[0-9a-f]{6,}",
        "document.cookie": r"document\.cookie\s*=.{0,400}?(?:location\.(?:reload|href|replace)|window\.location)",
    },
)
_CAPTCHA_MARKS = _Marks(
    ["captcha", "geetest", "nc_token", "验证码", "滑动验证", "人机验证", "安全验证", "驗證碼", "滑動驗證"],
    {"verify": r"slider-?verify"},
)
NEAR_EMPTY_CHARS = 300
"""Visible characters below which a page is an interstitial, not a story or a list."""


def blocked_reason(status: int, body: bytes, root: etree._Element | None = None) -> BlockReason | None:
    """Why this response is the outlet refusing us, if it is. `root` is the page's parsed tree
    when the caller has one: a page that shows text is then let go before any mark is looked for."""
    if status == 429:
        return "rate_limited"
    if status == 412:
        return "js_challenge"
    if status not in (200, 202, 403, 503) or len(body) > 200_000:
        return None
    if status == 403 and _WAF_MARKS.found(body[:65536].lower()):  # ASCII letters only, as the marks want
        return "waf"
    # A challenge or a captcha is an interstitial: a page that shows almost nothing.
    if root is not None:
        return _interstitial(body.lower()) if _near_empty(root) else None
    # Without a tree, the marks are looked for first: reading the page's text costs a parse.
    reason = _interstitial(body.lower())
    return reason if reason and _near_empty(_parsed(body)) else None


def _interstitial(lowered: bytes) -> BlockReason | None:
    if _CHALLENGE_MARKS.found(lowered):
        return "js_challenge"
    if _CAPTCHA_MARKS.found(lowered):
        return "captcha"
    return None


_HIDDEN = frozenset({"script", "style", "noscript"})


def _parsed(body: bytes) -> etree._Element | None:
    try:
        return lxml.html.fromstring(body)
    except (etree.ParserError, ValueError):
        return None


def _near_empty(root: etree._Element | None) -> bool:
    """Fewer than NEAR_EMPTY_CHARS visible characters: scripts, styles and what a `<noscript>`
    holds are not shown. It stops counting there, so a story is let go after its first lines."""
    if root is None:
        return True
    shown, pending = 0, [root]
    while pending:
        node = pending.pop()
        if isinstance(node.tag, str) and node.tag not in _HIDDEN:
            shown += len(_SPACE.sub("", node.text or ""))
            pending.extend(node)
        if node is not root and node.tail:
            shown += len(_SPACE.sub("", node.tail))
        if shown >= NEAR_EMPTY_CHARS:
            return False
    return True


_SPACE = re.compile(r"\s+")
