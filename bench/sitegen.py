"""A synthetic China.com.cn-style site for load, outage and benchmark runs.

`generate(folder, articles=N)` writes a replay folder (NAME.html + NAME.meta.json, the layout of
tests/fixtures): a 要闻-style list `http://news.china.com.cn/node_9000001.htm` paginated with
#autopage, and N articles in the channel template (info line, enpcontent, enpproperty). Every 5th
story is bilingual, every 7th is served as GBK, every 10th is also linked through the Big5 gateway
(Big5 bytes), and most carry a captioned photo. Text is deterministic for a given seed.

`python -m bench.sitegen FOLDER N` writes one from the command line.
"""

from __future__ import annotations

import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import opencc

START_URL = "http://news.china.com.cn/node_9000001.htm"
GATEWAY = "http://big5.china.com.cn/gate/big5/"
_HANZI = (
    "国家主席习近平会见总统推动两国关系合作发展经济社会建设改革开放科技创新人民群众生活水平提高城市乡村振兴"
    "文化旅游教育卫生健康生态环境保护能源交通基础设施农业粮食安全市场企业投资贸易服务消费增长政策措施部门"
)
_WORDS = [
    "China",
    "cooperation",
    "development",
    "economy",
    "trade",
    "growth",
    "people",
    "city",
    "province",
    "policy",
    "reform",
    "innovation",
]


def _zh_sentence(rng: random.Random) -> str:
    return "".join(rng.choice(_HANZI) for _ in range(rng.randint(18, 40))) + "。"


def _en_sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(10, 22))]
    return " ".join(words).capitalize() + "."


def article_url(index: int, gateway: bool = False) -> str:
    url = f"http://news.china.com.cn/2025-06/{1 + index % 28:02d}/content_{120000000 + index}.htm"
    return GATEWAY + url.removeprefix("http://") if gateway else url


def article_html(index: int, seed: int, charset: str) -> str:
    rng = random.Random(seed * 1_000_003 + index)
    title = "".join(rng.choice(_HANZI) for _ in range(rng.randint(10, 22)))
    paragraphs = ["".join(_zh_sentence(rng) for _ in range(rng.randint(3, 6))) for _ in range(rng.randint(6, 10))]
    body = [f"<p>\u3000\u3000{p}</p>" for p in paragraphs]
    if index % 4:
        body.insert(1, f'<p style="text-align: center;"><img src="../../attachement/jpg/site1000/2025/{index}.jpg" /></p>')
        body.insert(
            2,
            f'<p style="text-align: center;">{_zh_sentence(rng)}新华社记者 {rng.choice("王李张刘陈")}{rng.choice("明华强军伟")} 摄</p>',
        )
    if index % 5 == 0:
        body.append(f"<p><strong>{' '.join(rng.choice(_WORDS) for _ in range(6)).capitalize()}</strong></p>")
        body += [f"<p>{' '.join(_en_sentence(rng) for _ in range(4))}</p>" for _ in range(4)]
    published = f"2025-06-{1 + index % 28:02d} {index % 24:02d}:{index % 60:02d}:{(index * 7) % 60:02d}"
    prop = f"<!--enpproperty <articleid>{120000000 + index}</articleid><date>{published}:000</date><author></author><sourcename>新华网</sourcename><liability>编辑{index % 50}</liability>/enpproperty-->"
    return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}" />
<title>{title}_中国网</title>
</head>
<body>
<div class="top"><a href="http://www.china.com.cn/">中国网首页</a></div>
<div class="crumbs">当前位置：<a href="http://www.china.com.cn/">首页</a> &gt; <a href="{START_URL}">要闻</a></div>
<h1 class="artTitle">{title}</h1>
<div class="artInfo">发布时间：{published} 丨 来源：新华网 丨 作者： 丨 责任编辑：编辑{index % 50}</div>
<div class="artCon" id="artiContent">
<!--enpcontent-->{"".join(body)}<!--/enpcontent-->{prop}
</div>
<div class="footer">版权所有 中国互联网新闻中心</div>
</body>
</html>
"""


def list_html(page: int, pages: int, urls: list[str]) -> str:
    items = "\n".join(f'<li><a href="{u}">第{page}页新闻</a><span>2025-06-01</span></li>' for u in urls)
    pager = " ".join(
        f"<span>{n}</span>" if n == page else f'<a href="node_9000001{"" if n == 1 else f"_{n}"}.htm">{n}</a>'
        for n in range(max(1, page - 5), min(pages, page + 5) + 1)
    )
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>要闻_中国网</title></head>
<body><div class="main"><div class="Headlines"><ul>
{items}
</ul></div><div id="autopage"><center>{pager}</center></div></div></body></html>
"""


def _write(folder: Path, name: str, url: str, body: bytes, content_type: str) -> None:
    (folder / f"{name}.html").write_bytes(body)
    (folder / f"{name}.meta.json").write_text(json.dumps({"url": url, "content_type": content_type}), encoding="utf-8")


@dataclass
class SitePage:
    url: str
    body: bytes
    content_type: str

    @property
    def meta(self) -> dict[str, Any]:
        return {"url": self.url, "content_type": self.content_type}


_BIG5 = opencc.OpenCC("s2t.json")


class VirtualSite:
    """The same site without files: pages are rendered when asked for, so a 100k-story site costs
    no disk. `get(host + path)` is what bench.faultserver asks for."""

    def __init__(self, articles: int, per_page: int = 40, seed: int = 1) -> None:
        self.articles, self.per_page, self.seed = articles, per_page, seed
        self.links: list[str] = []
        for index in range(articles):
            self.links.append(article_url(index))
            if index % 10 == 9:
                self.links.append(article_url(index, gateway=True))
        self.pages = max(1, -(-len(self.links) // per_page))

    def __len__(self) -> int:
        return len(self.links) + self.pages + 1

    def render(self, url: str) -> SitePage | None:
        if url.endswith("/robots.txt"):
            return SitePage(url, b"User-agent: *\nAllow: /\n", "text/plain") if "news.china.com.cn" in url else None
        if match := re.search(r"/node_9000001(?:_(\d+))?\.htm$", url):
            page = int(match[1] or 1)
            if page > self.pages:
                return None
            chunk = self.links[(page - 1) * self.per_page : page * self.per_page]
            return SitePage(url, list_html(page, self.pages, chunk).encode("utf-8"), "text/html; charset=utf-8")
        if not (match := re.search(r"/content_(\d+)\.htm$", url)):
            return None
        index = int(match[1]) - 120000000
        if not 0 <= index < self.articles or url != article_url(index, gateway=url.startswith(GATEWAY)):
            return None
        charset = "gbk" if index % 7 == 3 else "utf-8"
        html = article_html(index, self.seed, charset)
        if url.startswith(GATEWAY):
            if index % 10 != 9:
                return None
            gate = _BIG5.convert(html).replace(f"charset={charset}", "charset=big5")
            return SitePage(url, gate.encode("big5", errors="xmlcharrefreplace"), "text/html")
        return SitePage(url, html.encode(charset), f"text/html; charset={charset}")

    def get(self, key: str) -> SitePage | None:
        """A page by `host/path` (bench.faultserver's key), or None."""
        return self.render(f"http://{key}")


def generate(folder: Path, articles: int, per_page: int = 40, seed: int = 1) -> list[str]:
    """Write the site; return the article URLs (gateway copies included) a full crawl must store."""
    folder.mkdir(parents=True, exist_ok=True)
    site = VirtualSite(articles, per_page, seed)
    for url in site.links:
        page = site.render(url)
        assert page is not None
        index = int(url.rsplit("_", 1)[1].removesuffix(".htm")) - 120000000
        _write(folder, f"g{index}" if url.startswith(GATEWAY) else f"a{index}", url, page.body, page.content_type)
    for number in range(1, site.pages + 1):
        url = START_URL if number == 1 else START_URL.replace(".htm", f"_{number}.htm")
        page = site.render(url)
        assert page is not None
        _write(folder, f"list{number}", url, page.body, page.content_type)
    (folder / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    (folder / "robots.meta.json").write_text(
        json.dumps({"url": "http://news.china.com.cn/robots.txt", "content_type": "text/plain"})
    )
    return site.links


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]))
