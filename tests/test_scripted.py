"""A story carried only as script data (CGTN's data-json pages), and titles that carry their outlet."""

from __future__ import annotations

import html
import json

import pytest

from tests.pages import STORY_ZH, UNKNOWN_URL, parsed, roles, unknown

URL = "https://news.cgtn.com/news/2025-12-12/China-s-grain-output-hits-record-1b2c3d4e5f/index.html"
PARAGRAPHS = [
    "China's grain output hit a record of 706.5 million tonnes this year, the National Bureau of Statistics said on Friday.",
    "Output rose by 1.3 percent from last year, with summer and autumn harvests both up.",
    "The bureau said better seeds and more machines in the fields drove the gains across major producing provinces.",
]
CAPTION = "Farmers harvest rice in Yichun, Heilongjiang Province, October 9, 2025. /CFP"


def cgtn_page(data: dict[str, object]) -> bytes:
    attribute = html.escape(json.dumps(data), quote=True)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>China's grain output hits record - CGTN</title></head>
<body><div class="news-crumb"><a href="https://www.cgtn.com/">Home</a> <a href="https://www.cgtn.com/china">China</a></div>
<div id="cmsMainContent" class="m-content"></div>
<div class="news-data" data-json="{attribute}"></div>
<script src="https://ui.cgtn.com/static/js/news.js"></script></body></html>""".encode()


VARIANTS = {
    "html": {
        "news": {
            "title": "China's grain output hits record",
            "content": "<p>"
            + "</p><p>".join(PARAGRAPHS[:2])
            + f'</p><div class="cmsImage"><img src="https://news.cgtn.com/a.jpg"></div><div class="imageCaption">{CAPTION}</div><p>{PARAGRAPHS[2]}</p>',
            "publishTime": 1765512000000,
            "editor": "Li Yang",
        }
    },
    "blocks": {
        "data": {
            "headline": "China's grain output hits record",
            "paragraphs": [
                PARAGRAPHS[0],
                PARAGRAPHS[1],
                {"imageUrl": "https://news.cgtn.com/a.jpg", "caption": CAPTION},
                {"text": PARAGRAPHS[2]},
            ],
            "publishTime": "2025-12-12 12:00",
            "editors": ["Li Yang"],
        }
    },
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_story_drawn_by_script_is_read_from_its_data(variant: str) -> None:
    item = parsed(URL, cgtn_page(VARIANTS[variant]))
    assert item.title == {"en": "China's grain output hits record"}
    assert item.body == {"en": PARAGRAPHS}
    assert [(p.url, p.caption) for p in item.photos] == [("https://news.cgtn.com/a.jpg", CAPTION)]
    assert item.published_at in ("2025-12-12T04:00:00+00:00", "2025-12-12T12:00:00+08:00")
    assert ("Li Yang", "editor") in roles(item)
    assert "body: read from the page's data-json (the page draws the story by script)" in item.warnings


def test_data_that_holds_no_story_is_not_a_story() -> None:
    page = cgtn_page({"config": {"title": "Player", "autoplay": True}})
    from crawler.extraction.results import OtherResult
    from crawler.parse import build_response, parse_response

    result = parse_response(build_response(URL, page, {"Content-Type": "text/html"}))
    assert isinstance(result, OtherResult)


@pytest.mark.parametrize(
    ("page_title", "og_title"),
    [
        ("夏粮收购工作有序开展_要闻频道_某某网", ""),
        ("夏粮收购工作有序开展 - 时政频道 - 某某网", ""),
        ("夏粮收购工作有序开展", "夏粮收购工作有序开展_要闻频道_某某网"),
    ],
)
def test_a_title_from_the_page_head_loses_the_outlet_and_channel(page_title: str, og_title: str) -> None:
    head = f'<meta property="og:title" content="{og_title}">' if og_title else ""
    body = STORY_ZH
    page = unknown(body, "", head=head, page_title=page_title).replace(b"<h1></h1>", b"")
    item = parsed(UNKNOWN_URL, page)
    assert item.title == {"zh": "夏粮收购工作有序开展"}
