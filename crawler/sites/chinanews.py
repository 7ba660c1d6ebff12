"""中国新闻网 China News Service: www.chinanews.com.cn / www.chinanews.com.

Facts used (../shared/corpus/REPORT.md): articles are `/<channel>/YYYY/MM-DD/<id>.shtml`; the title
is `div.left h1` (or `.content_left_title`), a hidden `#BaiduSpider` block repeats the fields, the
visible line is `div.left-time .left-t` "2020年07月04日 12:10 来源：求是网" (ideographic spaces between
the fields), the body `div.left_zw`, and the editor "【编辑:陈海峰】" closes it.

Discovery (DISCOVERY.md): `scroll-news/news1.html` (RSSHub), RSS `rss/scroll-news.xml` and
`rss/china.xml` (live in 2026 by other projects' reports, items dated 2026-09-27); photo stories
`tp/hd2011/…` are stories, video pages `shipin/…` are not. From other projects' code only.
"""

from __future__ import annotations

import re

from crawler.extraction.layout import ArticleLayout
from crawler.sites.base import StandardSite

# Stories /<channel>/YYYY/MM-DD/<id>.shtml, photo stories /tp/hd2011/YYYY/MM-DD/<id>.shtml (their
# captions are the text); video pages /shipin/… show a player and a line, not a story.
ARTICLE_RE = re.compile(r"/(?:[a-z]+|tp/hd\d{4})/\d{4}/\d{2}-\d{2}/\d+\.shtml$", re.IGNORECASE)
VIDEO_RE = re.compile(r"^/shipin/", re.IGNORECASE)
LIST_RE = re.compile(r"^/(?:[a-z-]+/)*(?:[a-z]+\d*\.s?html|index\.s?html)?$")
_TITLE_SUFFIX = re.compile(r"\s*-\s*(?:中新网|中國新聞網|中国新闻网)\s*$")


class ChinaNewsArticle(ArticleLayout):
    name = "ChinaNewsArticle"
    title_suffix = _TITLE_SUFFIX
    title_css = (".content_left_title", "div.left h1", "h1")
    info_css = ("div.left-time .left-t", ".content_left_time", "div.left-time")
    # The hidden #BaiduSpider block repeats the time with seconds; the visible line stops at minutes.
    time_css = ("#pubtime_baidu",)
    body_css = ("div.left_zw", ".content_desc", "#cont_1_1_2")
    skip_css = ("#BaiduSpider", ".adInContent", ".adEditor", "#function_code_page", ".channel", "table.adInContent")
    credit_css = (".adEditor .left_name", ".left_name")
    breadcrumb_css = ("#nav", ".nav_navcon")

    match_css = ("div.left_zw, .content_desc",)


class ChinaNews(StandardSite):
    key = "chinanews"
    name = "中国新闻网 China News Service"
    credited_as = ("中国新闻网", "中國新聞網", "中新网", "中新網", "中新社", "China News Service")
    languages = ("zh-Hans",)
    domains = ("chinanews.com.cn", "chinanews.com")
    headline_urls = ("https://www.chinanews.com.cn/", "https://www.chinanews.com.cn/scroll-news/news1.html")
    # Live in 2026 (items dated 2026-09-27; "30 items a time").
    feed_urls = ("https://www.chinanews.com.cn/rss/scroll-news.xml", "https://www.chinanews.com.cn/rss/china.xml")
    discover = ("lists", "feeds")
    video_path = VIDEO_RE
    article_path = ARTICLE_RE
    list_path = LIST_RE
    layouts = (ChinaNewsArticle,)
    list_scope_css = (".content_list", ".dd_bt", ".new_right_content", ".xwzxdd-dbt", "body")
    list_pager_css = (".pagebox a", "#pagediv a")

    def list_page_number(self, url: str) -> int:
        # The scroll list pages as news2.html (and, on some mirrors, news1-2.html).
        if match := re.search(r"/news(\d+)(?:-(\d+))?\.s?html$", self.path_of(url)):
            return int(match[2] or match[1])
        return super().list_page_number(url)

    def canonical_url(self, url: str) -> str:
        # chinanews.com and chinanews.com.cn serve the same stories.
        return super().canonical_url(url).replace("://chinanews.com/", "://chinanews.com.cn/")
