"""Being refused, recognised (crawler/extraction/blocked.py): a reason, never a story or a crash."""

from __future__ import annotations

import pytest

from crawler.extraction.blocked import blocked_reason
from crawler.extraction.results import OtherResult
from crawler.parse import build_response, parse_response
from tests.conftest import FIXTURES, Case

WAF = Case(FIXTURES / "people/blocked_waf")
STORY = "<p>" + "国务院常务会议研究部署夏粮收购工作，要求各地切实保障农民售粮顺畅。" * 20 + "</p>"


def page(body: str, title: str = "") -> bytes:
    return f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}</body></html>".encode()


def test_peoples_waf_page_is_blocked_waf() -> None:
    assert WAF.meta["status"] == 403
    assert blocked_reason(403, WAF.body) == "waf"


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (429, b"Too Many Requests", "rate_limited"),
        (412, page("<script>var $_ts=window['$_ts'];</script>"), "js_challenge"),
        (412, b"", "js_challenge"),
        (403, page("<h1>Access Denied</h1><p>Reference #18.5f3c</p>", "Access Denied"), "waf"),
        (403, page("<p>您的访问被阻断，请联系网站管理员</p>"), "waf"),
        (403, page("<p>Forbidden</p>"), None),  # a 403 that says nothing of a firewall is an HTTP error
        (200, page("<script>document.cookie='acw_sc__v2=5f3c;path=/';location.reload();</script>"), "js_challenge"),
        (
            200,
            page(
                "<p>正在进行安全检测</p><script>var _wafchallengeid='f3a9';setTimeout(function(){location.href=location.href},1000)</script>"
            ),
            "js_challenge",
        ),
        (
            503,
            page("<div id='cf-chl-widget'></div><script src='/cdn-cgi/challenge-platform/h/g/orchestrate/jsch/v1'></script>"),
            "js_challenge",
        ),
        (200, page("<div class='geetest_holder'></div><p>请完成下方验证码</p>"), "captcha"),
        (200, page("<p>请拖动滑块完成滑动验证</p>"), "captcha"),
        # Stories that mention captchas, cookies and reloads are stories.
        (200, page(STORY + "<p>网络诈骗分子常以“验证码”为名骗取信息。</p>"), None),
        (200, page(STORY + "<script>document.cookie='a=1';window.location.hash='#top';</script>"), None),
        (200, page("<p>短页面</p>"), None),  # near-empty but without a challenge or captcha mark
        (404, page("<p>Access Denied</p>"), None),
        (500, b"", None),
        # What a <noscript> holds is not shown where scripts run: still a challenge page.
        (
            200,
            page(
                "<noscript><p>" + "请开启浏览器的JavaScript功能后刷新页面。" * 30 + "</p></noscript><script>var $_ts={};</script>"
            ),
            "js_challenge",
        ),
        # Text in tails and nested inline elements is shown: a story.
        (200, page("<div><b>稿</b>" + "国务院常务会议研究部署夏粮收购工作。" * 20 + "<br/>尾</div><p>验证码</p>"), None),
    ],
)
@pytest.mark.parametrize("parsed", [False, True], ids=["bytes", "tree"])
def test_reasons(status: int, body: bytes, reason: str | None, parsed: bool) -> None:
    """Told from the bytes alone (the probe), and from the tree the parser has built (the crawl)."""
    root = build_response("http://politics.people.com.cn/", body).selector.root if parsed and body else None
    assert blocked_reason(status, body, root) == reason


def test_a_challenge_served_as_an_article_page_is_counted_as_blocked_not_parsed() -> None:
    body = page("<script>document.cookie='__jsl_clearance=1;path=/';window.location.href=window.location.href;</script>")
    result = parse_response(build_response("http://politics.people.com.cn/n1/2025/0605/c1001-40493001.html", body))
    assert isinstance(result, OtherResult)
    assert (result.code, result.blocked) == ("blocked_js_challenge", "js_challenge")
    assert "refused" in result.reason


def test_an_ordinary_other_page_is_not_blocked() -> None:
    assert OtherResult("soft 404", "soft_404").blocked is None
