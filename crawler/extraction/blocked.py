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

_WAF_MARKS = re.compile(
    rb"blocksrc\.haplat\.net|_bot_sbu|web application firewall|\bwaf\b|access denied|request blocked|"
    rb"attention required|errors\.edgesuite\.net|cf-error-details|"
    + "访问被拒绝|拒绝访问|网站防火墙|安全拦截|疑似黑客攻击|您的访问被阻断|访问受限".encode()
    + rb"|"
    + "訪問被拒絕|拒絕訪問".encode(),
    re.IGNORECASE,
)
_CHALLENGE_MARKS = re.compile(
    rb"acw_sc__v2|__jsl_clearance|challenge-platform|cf-chl|jschallenge|_wafchallengeid|\$_ts\s*=|_waf_[0-9a-f]{6,}|"
    rb"document\.cookie\s*=.{0,400}?(?:location\.(?:reload|href|replace)|window\.location)",
    re.IGNORECASE | re.DOTALL,
)
_CAPTCHA_MARKS = re.compile(
    rb"captcha|geetest|slider-?verify|nc_token|" + "验证码|滑动验证|人机验证|安全验证|驗證碼|滑動驗證".encode(),
    re.IGNORECASE,
)
NEAR_EMPTY_CHARS = 300
"""Visible characters below which a page is an interstitial, not a story or a list."""


def blocked_reason(status: int, body: bytes) -> BlockReason | None:
    if status == 429:
        return "rate_limited"
    if status == 412:
        return "js_challenge"
    if status not in (200, 202, 403, 503) or len(body) > 200_000:
        return None
    head = body[:65536]
    if status == 403 and _WAF_MARKS.search(head):
        return "waf"
    # A challenge or a captcha is an interstitial: a page that shows almost nothing (the marks are
    # looked for first, as reading the page's text costs a parse).
    reason: BlockReason | None = None
    if _CHALLENGE_MARKS.search(body):
        reason = "js_challenge"
    elif _CAPTCHA_MARKS.search(body):
        reason = "captcha"
    return reason if reason and _near_empty(body) else None


def _near_empty(body: bytes) -> bool:
    try:
        root = lxml.html.fromstring(body)
    except (etree.ParserError, ValueError):
        return True
    for node in root.xpath("//script | //style | //noscript"):
        if node is not root:
            node.drop_tree()
    if root.tag in ("script", "style", "noscript"):
        return True
    return len(re.sub(r"\s+", "", root.text_content())) < NEAR_EMPTY_CHARS
