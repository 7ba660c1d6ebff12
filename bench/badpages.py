"""A generated corpus of bad input at article URLs: what a crawler meets when sites misbehave.

`generate(folder)` writes a replay folder (the layout bench.faultserver serves) with a list page
linking every page below at a China.com.cn article URL, and returns one `BadPage` per page with what
must become of it:

- "stored": a good story, possibly repaired (lying charset, mixed encodings), must be stored;
- "not_stored": not a story (soft 404, login wall, binary, empty, non-article, server errors,
  redirect loops, oversized bodies, dropped connections) must never be stored;
- "either": damaged (truncated, malformed): stored or dropped, but counted and never garbled.

`python -m bench.badpages FOLDER` writes it from the command line.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import opencc

from bench.sitegen import article_html

LIST_URL = "http://news.china.com.cn/node_9100001.htm"
Expect = Literal["stored", "not_stored", "either"]


@dataclass(frozen=True)
class BadPage:
    url: str
    kind: str
    expect: Expect


def _url(index: int) -> str:
    return f"http://news.china.com.cn/2025-07/{1 + index % 28:02d}/content_{130000000 + index}.htm"


class _Writer:
    def __init__(self, folder: Path, seed: int) -> None:
        self.folder = folder
        self.rng = random.Random(seed)
        self.pages: list[BadPage] = []
        self.seed = seed

    def add(self, kind: str, expect: Expect, body: bytes, meta: dict[str, Any]) -> None:
        index = len(self.pages)
        url = meta.pop("url", None) or _url(index)
        self.pages.append(BadPage(url, kind, expect))
        (self.folder / f"b{index}.html").write_bytes(body)
        content_type = meta.pop("content_type", "text/html; charset=utf-8")
        (self.folder / f"b{index}.meta.json").write_text(
            json.dumps({"url": url, "content_type": content_type, **meta}, ensure_ascii=False), encoding="utf-8"
        )

    def good(self, index: int, charset: str = "utf-8") -> str:
        return article_html(1000 + index, self.seed, charset)


def _soft_404(title: str, text: str) -> bytes:
    return f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><div class='artCon' id='artiContent'><p>{text}</p></div></body></html>".encode()


def generate(folder: Path, seed: int = 3) -> list[BadPage]:
    folder.mkdir(parents=True, exist_ok=True)
    w = _Writer(folder, seed)
    rng = w.rng
    to_big5 = opencc.OpenCC("s2t.json")

    for i in range(30):  # cut off mid-transfer
        data = w.good(i).encode()
        w.add("truncated", "either", data[: int(len(data) * (0.15 + 0.8 * i / 30))], {})
    for i in range(10):  # GBK bytes, the header says UTF-8
        w.add("gbk_labelled_utf8", "stored", w.good(100 + i, "gbk").encode("gbk"), {"content_type": "text/html; charset=utf-8"})
    for i in range(10):  # UTF-8 bytes, the header and meta say GBK
        html = w.good(110 + i, "gbk")
        w.add("utf8_labelled_gbk", "stored", html.encode(), {"content_type": "text/html; charset=gbk"})
    for i in range(10):  # a Big5 conversion that kept the original's UTF-8 label
        html = to_big5.convert(w.good(120 + i))
        w.add("big5_labelled_utf8", "stored", html.encode("big5", errors="xmlcharrefreplace"), {"content_type": "text/html"})
    for i in range(10):  # GBK with no charset anywhere
        html = w.good(130 + i, "gbk").replace('<meta http-equiv="Content-Type" content="text/html; charset=gbk" />', "")
        w.add("gbk_no_charset", "stored", html.encode("gbk"), {"content_type": "text/html"})
    for i in range(5):
        html = w.good(140 + i).replace('<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />', "")
        w.add("utf8_no_charset", "stored", html.encode(), {"content_type": "text/html"})
    for i in range(10):  # a GBK page with one paragraph pasted in as UTF-8
        html = w.good(150 + i, "gbk")
        data = html.encode("gbk").replace(
            "<!--enpcontent-->".encode("gbk"), b"<!--enpcontent--><p>" + "更正：本文第三段数据已更新。".encode() + b"</p>"
        )
        w.add("mixed_encoding", "stored", data, {"content_type": "text/html; charset=gbk"})
    for i in range(5):  # served as UTF-8 text that was already mojibake upstream
        html = w.good(160 + i).encode().decode("gb18030", errors="replace")
        w.add("double_encoded", "either", html.encode(), {})
    for _ in range(5):
        w.add("binary_png", "not_stored", b"\x89PNG\r\n\x1a\n" + rng.randbytes(3000), {"content_type": "text/html"})
    for _ in range(5):
        w.add("binary_pdf", "not_stored", b"%PDF-1.4\n" + rng.randbytes(3000), {"content_type": "application/pdf"})
    for i in range(5):
        w.add("binary_noise", "not_stored", rng.randbytes(2000 + i), {"content_type": "text/html; charset=utf-8"})
    for _ in range(5):
        w.add("empty", "not_stored", b"", {})
    for i in range(5):
        w.add("whitespace", "not_stored", b" \n\t\r\n " * (i + 1), {})
    for _ in range(5):
        w.add("empty_document", "not_stored", b"<html><head></head><body></body></html>", {})
    for _ in range(10):
        w.add("oversized", "not_stored", b"", {"stream_bytes": 3_000_000})
    for i in range(5):  # A -> B -> A
        a, b = _url(10_000 + 2 * i), _url(10_001 + 2 * i)
        w.add("redirect_loop", "not_stored", b"", {"url": a, "redirect": b})
        (folder / f"loop{i}.html").write_bytes(b"")
        (folder / f"loop{i}.meta.json").write_text(json.dumps({"url": b, "redirect": a}), encoding="utf-8")
    for i in range(5):  # a chain longer than REDIRECT_MAX_TIMES
        chain = [_url(20_000 + 10 * i + n) for n in range(9)]
        w.add("redirect_chain", "not_stored", b"", {"url": chain[0], "redirect": chain[1]})
        for n in range(1, 8):
            (folder / f"chain{i}_{n}.html").write_bytes(b"")
            (folder / f"chain{i}_{n}.meta.json").write_text(
                json.dumps({"url": chain[n], "redirect": chain[n + 1]}), encoding="utf-8"
            )
    for status in (401, 403):
        for _ in range(5):
            w.add(f"login_{status}", "not_stored", b"<html><body><form>login</form></body></html>", {"status": status})
    for _ in range(5):
        body = "<html><head><meta charset='utf-8'><title>用户登录</title></head><body><form action='/login'>请登录后查看全文 <input name='u'><input type='password' name='p'></form></body></html>"
        w.add("login_wall_200", "not_stored", body.encode(), {})
    for _ in range(10):
        w.add("soft_404", "not_stored", _soft_404("404 页面不存在", "对不起，您访问的页面不存在"), {})
    for _ in range(5):
        w.add("soft_404_expired", "not_stored", _soft_404("提示信息", "该页面已删除或过期"), {})
    for _ in range(5):  # a channel page at an article URL
        links = "".join(f'<li><a href="{_url(50_000 + n)}">标题{n}</a></li>' for n in range(30))
        w.add(
            "list_at_article_url",
            "not_stored",
            f"<html><head><meta charset='utf-8'><title>要闻</title></head><body><ul>{links}</ul></body></html>".encode(),
            {},
        )
    for _ in range(5):
        body = "<html><head><meta charset='utf-8'><title>视频</title></head><body><div id='player'><video src='x.mp4'></video></div></body></html>"
        w.add("video_only", "not_stored", body.encode(), {})
    for _ in range(5):
        nav = "".join(f"<a href='http://www.china.com.cn/{n}'>频道{n}</a>" for n in range(40))
        w.add(
            "navigation_only",
            "not_stored",
            f"<html><head><meta charset='utf-8'><title>中国网</title></head><body>{nav}</body></html>".encode(),
            {},
        )
    for status in (500, 503):
        for _ in range(5):
            w.add(f"server_{status}", "not_stored", b"<html><body>error</body></html>", {"status": status})
    for _ in range(5):
        w.add("dropped_connection", "not_stored", b"", {"drop": True})
    for i in range(4):
        w.add("unclosed_comment", "either", ("<!-- " + w.good(200 + i)).encode(), {})
    for i in range(4):
        w.add("deep_nesting", "either", ("<div>" * 5000 + w.good(210 + i) + "</div>" * 10).encode(), {})
    for i in range(4):
        html = w.good(220 + i)
        w.add("nul_bytes", "either", html.encode().replace(b"</p>", b"\x00</p>"), {})
    for _ in range(4):
        w.add(
            "script_only",
            "not_stored",
            b"<html><head><script>document.write('<p>' + 'x'.repeat(500))</script></head><body></body></html>",
            {},
        )
    for i in range(4):
        w.add("tag_soup", "either", b"<html><p><b><i>" + w.good(230 + i).encode()[::3] + b"</b></p></html>", {})
    for i in range(10):  # the control group
        w.add("good", "stored", w.good(300 + i).encode(), {})

    links = "".join(f'<li><a href="{page.url}">第{n}条</a></li>' for n, page in enumerate(w.pages))
    (folder / "list.html").write_bytes(
        f'<html><head><meta charset="utf-8"><title>要闻</title></head><body><div class="Headlines"><ul>{links}</ul></div></body></html>'.encode()
    )
    (folder / "list.meta.json").write_text(
        json.dumps({"url": LIST_URL, "content_type": "text/html; charset=utf-8"}), encoding="utf-8"
    )
    return w.pages


if __name__ == "__main__":
    print(len(generate(Path(sys.argv[1]))))
