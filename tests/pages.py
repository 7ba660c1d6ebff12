"""Pages written for the extraction-rule tests: one story's parts dropped into a template.

Templates (modelled on the real ones, as the fixtures are): a news.cn detail2020 page, a China Daily
English page, a page of an outlet with no module (the generic extractor's), Chinese or English.
"""

from __future__ import annotations

from crawler.extraction.results import ArticleResult
from crawler.items import Article
from crawler.parse import build_response, parse_response

XINHUA_URL = "https://www.news.cn/politics/20250605/0a1b2c3d4e5f60718293a4b5c6d7e8f9/c.html"
CHINADAILY_URL = "https://www.chinadaily.com.cn/a/202506/05/WS6840a1b2a31082fc043c6af7.html"
UNKNOWN_URL = "https://www.example-daily.cn/news/2025-06/05/content_1234567.htm"


def xinhua(body: str, title: str = "夏粮收购工作有序开展", source: str = "新华网") -> bytes:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}-新华网</title></head><body>
<div class="header"><div class="header-cont"><div class="header-time"><span class="year"><em>2025</em></span>
<span class="day"><em>06</em>/<em>05</em></span><span class="time">09:20:11</span></div>
<div class="source">来源：{source}</div><div class="head-line"><h1><span class="title">{title}</span></h1></div></div></div>
<div class="main"><div id="detail">{body}<div id="articleEdit"><span class="editor">【责任编辑：王宁】</span></div></div></div>
</body></html>""".encode()


def chinadaily(
    body: str,
    title: str = "Rural revitalization gets more support",
    info: str = "By Wang Xiaoyu and Li Lei | China Daily | Published: 2025-06-05 09:08",
    crumbs: str = "China",
) -> bytes:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title} - Chinadaily.com.cn</title></head><body>
<div class="da-bre"><a href="https://www.chinadaily.com.cn/">Home</a> / <a href="https://www.chinadaily.com.cn/x">{crumbs}</a></div>
<div class="main_art"><div class="lft_art"><h1>{title}</h1><div class="info"><span class="info_l">{info}</span></div>
<div id="Content">{body}</div></div></div></body></html>""".encode()


def unknown(
    body: str, title: str, head: str = "", info: str = "2025-06-05 09:20　来源：新华网", page_title: str | None = None
) -> bytes:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{page_title or title + "_要闻频道_某某网"}</title>{head}</head><body>
<div class="nav"><a href="/">首页</a> <a href="/news/">新闻</a> <a href="/about/">关于我们</a></div>
<div class="article"><h1>{title}</h1><div class="info">{info}</div>
<div class="content">{body}</div></div>
<div class="footer"><p>网站地图 | 联系我们 | 版权所有 某某网</p></div></body></html>""".encode()


def parsed(url: str, page: bytes) -> Article:
    result = parse_response(build_response(url, page, {"Content-Type": "text/html; charset=utf-8"}))
    assert isinstance(result, ArticleResult), result
    return result.item


def roles(item: Article) -> list[tuple[str, str]]:
    return [(b.name, b.role) for b in item.bylines]


STORY_ZH = "".join(
    f"<p>{text}</p>"
    for text in (
        "新华社北京6月5日电 记者从国家粮食和物资储备局获悉，全国夏粮收购工作正在有序开展，主产区累计收购小麦已超过两千万吨。",
        "据介绍，今年小麦品质总体较好，各地粮食部门加强收购组织，引导多元市场主体积极入市，保障农民售粮顺畅。",
        "下一步，相关部门将继续做好收购资金保障和仓容准备，严防“卖粮难”，切实保护种粮农民利益。",
    )
)
STORY_EN = "".join(
    f"<p>{text}</p>"
    for text in (
        "China will step up support for rural revitalization this year, officials said on Wednesday.",
        "More funds will go to irrigation, seed breeding and cold-chain logistics, according to the plan.",
        "Local governments are asked to report their progress every quarter, the ministry said.",
    )
)
