"""Lines in a story's body that are not its text, by what they are.

- page furniture, dropped: share and print links, pagers, print-edition tags, newsletter, app and
  follow-us prompts, QR-code lines, "Read more:" links, opinion-page disclaimers and contribution
  footers, map scales and stray image labels;
- other titles, kept apart: 原标题：… (the title at the outlet the story was copied from),
  "Newspaper headline: …" (the print edition's);
- notes about the writers, kept apart: （作者：某某 某大学教授）, （作者系…）, and an opinion piece's
  closing tagline ("X is a writer based in Beijing.", "The author is a professor at …").

Each rule is a way state media print their pages, written once for every outlet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.helpers.text import clean_text, zh_variants
from crawler.items import Byline

_ZH = zh_variants
# Paragraphs that are page furniture, not text.
SHARED_BOILERPLATE: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"^[【\[]?(?:{_ZH('纠错')}|{_ZH('打印')}|{_ZH('关闭')}|{_ZH('关闭窗口')}|{_ZH('返回顶部')})[】\]]?$",
        rf"^{_ZH('分享让更多人看到')}$",
        rf"^{_ZH('分享到')}\s*[:：]?.{{0,20}}$",
        rf"^{_ZH('扫一扫')}.{{0,30}}$",
        rf"^{_ZH('点击进入')}.{{0,40}}$",
        rf"^{_ZH('字号')}\s*[:：].{{0,10}}$",
        r"^(?:Print|Close|Share|E-mail|Comments?|Adjust font size:?)(?:\s*\|?\s*(?:Print|Close|Share|E-mail|Comments?))*$",
        r"^\[?(?:Editor'?s? ?)?\]?$",
        # The print-edition tag closing a story from a newspaper: 《人民日报》（2025年06月12日 03版）,
        # 《光明日报》（2025年06月12日 01版）, 《 人民日报海外版 》（ 2024年05月13日 第 01 版）.
        r"^《\s*[^《》]{1,12}[报報版]\s*》.{0,30}版\s*[)）]?$",
        # Pagers printed as text: |<<1234下一页>>|, 【1】【2】, [1] [2] [3], 上一页 1 2 下一页
        r"^[|\s]*(?:<<|>>|\||上一页|下一页|上一頁|下一頁|首页|尾页|【?\d{1,2}】?|\[\d{1,2}\]|\s)+$",
        # A like counter, a gallery label, a breadcrumb left in the text.
        r"^\+\d{1,3}$",
        rf"^{_ZH('图集')}$",
        r"^(?:Home|首页|首頁)\s*(?:>>|>|»|›)\s*.{0,60}$",
        # The outlet's app, accounts and QR codes.
        rf"^(?:{_ZH('下载')}|{_ZH('打开')}|{_ZH('安装')}).{{0,16}}(?:{_ZH('客户端')}|APP|App)\b.{{0,40}}$",
        rf"^(?:{_ZH('扫码')}|{_ZH('扫描')}|{_ZH('长按')}|{_ZH('识别')}).{{0,24}}(?:{_ZH('二维码')}|{_ZH('关注')}|{_ZH('下载')}).{{0,40}}$",
        rf"^(?:{_ZH('欢迎关注')}|{_ZH('关注')}|{_ZH('更多精彩')}).{{0,24}}(?:{_ZH('公众号')}|{_ZH('微信')}|{_ZH('微博')}|{_ZH('客户端')}|{_ZH('视频号')}|{_ZH('抖音')}).{{0,40}}$",
        rf"^.{{0,24}}{_ZH('二维码')}.{{0,24}}$",
        rf"^(?:{_ZH('延伸阅读')}|{_ZH('相关阅读')}|{_ZH('相关新闻')}|{_ZH('推荐阅读')}|{_ZH('相关链接')})\s*[:：]?.{{0,60}}$",
        # Opinion pages' disclaimers and calls for contributions.
        rf"^[【\[]?(?:{_ZH('免责声明')}|{_ZH('声明')})[】\]]?\s*[:：].{{0,200}}$",
        rf"^{_ZH('本文')}(?:{_ZH('仅')})?{_ZH('代表作者')}.{{0,60}}$",
        r"^(?:The )?(?:views|opinions) (?:expressed |presented )?(?:here |herein |in (?:this|the) (?:article|story|column|piece) )?(?:are|do not|don't|does not|doesn't|belong) .{0,240}$",
        r"^(?:This|The) (?:article|story|column|piece) (?:reflects|represents|is) (?:solely )?the (?:author|writer)'?s?'? (?:own )?(?:views|opinions?).{0,200}$",
        r"^If you (?:would like|wish|want) to contribute.{0,300}$",
        # Newsletters, apps, social accounts, further reading.
        r"^(?:Subscribe|Sign up|Register)\b.{0,120}\b(?:newsletter|updates|alerts)\b.{0,120}$",
        r"^(?:Download|Get|Install) (?:the |our )?.{0,40}\bapps?\b.{0,120}$",
        r"^Follow (?:us|[\w .'-]{1,40}) on (?:Twitter|X|Facebook|Instagram|WeChat|Weibo|YouTube|TikTok|LinkedIn|Telegram)\b.{0,120}$",
        r"^(?:Read|See) (?:more|also)\s*[:：>].{0,200}$",
        r"^(?:Related|Recommended)(?: (?:stories|articles|news|reading))?\s*[:：]?\s*$",
        # "Pictures from the internet": a note on the images, not the story's text.
        rf"^(?:{_ZH('图片')}|{_ZH('配图')})(?:{_ZH('均')})?(?:{_ZH('来自')}|{_ZH('来源于')}|{_ZH('来源')}|{_ZH('源自')}){_ZH('网络')}[。.]?$",
        # A map's scale and approval number, left as paragraphs under the map.
        rf"^(?:{_ZH('审图号')}|Map approval No\.?)\s*[:：].{{0,40}}$",
        r"^0(?:\s+\d{1,5}){1,4}\s*(?:km|公里|千米|miles?)$",
    )
)
# Short labels under an image: a caption when an image waits for one, else nothing of the text.
IMAGE_LABEL = re.compile(
    rf"^(?:{_ZH('资料图片')}|{_ZH('资料图')}|{_ZH('资料照片')}|{_ZH('视频截图')}|{_ZH('截图')}|{_ZH('示意图')}|{_ZH('效果图')}|"
    rf"(?:{_ZH('图片来源')}|{_ZH('图源')})\s*[:：].{{1,30}}|File photo|Photo\s*[:：].{{1,40}}|\(?(?:File photo|Screenshot)\)?)$",
    re.IGNORECASE,
)

_OTHER_TITLES = (
    (
        "original",
        re.compile(rf"^[【\[]?(?:{_ZH('原标题')}|{_ZH('原题')}|{_ZH('原文标题')})[】\]]?\s*[:：]\s*(?P<title>.{{2,120}})$"),
    ),
    ("print", re.compile(r"^(?:Newspaper|Print) headline\s*[:：]\s*(?P<title>.{2,200})$", re.IGNORECASE)),
)


def other_title(text: str) -> tuple[str, str] | None:
    """("original", title) for 原标题：…, ("print", title) for "Newspaper headline: …", else None."""
    for kind, pattern in _OTHER_TITLES:
        if match := pattern.match(text):
            return kind, clean_text(match["title"])
    return None


@dataclass
class AuthorNote:
    text: str
    """The line as printed."""
    bylines: list[Byline] = field(default_factory=list)


# （作者：李明 北京大学教授）, (作者系中国社会科学院研究员), 作者：王敏，中央党校教授,
# (作者：方敏北京大学经济学院教授): the name may run into the institution.
_ZH_AFFILIATION = re.compile(
    rf"^[（(]?\s*{_ZH('作者')}(?:(?:{_ZH('系')}|{_ZH('为')}|{_ZH('是')}).{{2,140}}|\s*[:：]\s*(?P<rest>.{{2,140}}))$"
)
_ONLY_NAMES = re.compile(r"[\u3400-\u9fff·]{2,5}(?:[\s、，,]+[\u3400-\u9fff·]{2,5}){0,5}")
_NAMES_THEN_POST = re.compile(r"^(?P<names>[\u3400-\u9fff·]{2,5}(?:[、，,][\u3400-\u9fff·]{2,5}){0,3})[\s，,、]")
# Where an institution's name begins: a name runs up to it when nothing separates them.
_INSTITUTION = re.compile(
    "|".join(
        _ZH(word)
        for word in ("中国", "中央", "中共", "国家", "国务院", "全国", "北京", "清华", "复旦", "南开", "浙江", "武汉", "南京", "上海",
                     "大学", "学院", "研究", "党校", "科学院", "社科院", "委员会", "协会", "省", "市")
    )
)  # fmt: skip


def _affiliated_names(rest: str) -> list[str]:
    if match := _NAMES_THEN_POST.match(rest):
        return re.split(r"[、，,]", match["names"])
    institution = _INSTITUTION.search(rest)
    if institution and 2 <= institution.start() <= 4:
        return [rest[: institution.start()]]
    return []


# "Zhang Wei is a writer based in Beijing." "The author is a senior fellow at …"
_EN_TAGLINE = re.compile(
    r"^(?:(?P<the>The (?:author|writer)s? (?:is|are))|(?P<name>[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){1,3}) (?:is|was) (?:a|an|the))\b"
    r".{5,300}$"
)
_TAGLINE_WORDS = re.compile(
    r"\b(?:writer|columnist|commentator|professor|researcher|fellow|scholar|analyst|director|editor|journalist|based in|"
    r"lecturer|expert|president|chairman|dean|observer|contributor)\b",
    re.IGNORECASE,
)


def affiliation_note(text: str, lang: str | None) -> AuthorNote | None:
    """A paragraph that says who wrote the piece and what they are: a note, and the author."""
    if len(text) > 160:
        return None
    if match := _ZH_AFFILIATION.match(text):
        if match["rest"] and _ONLY_NAMES.fullmatch(match["rest"].rstrip(")）")):
            return None  # 作者：张三: a credit line with no affiliation (crawler/extraction/bylines.py)
        names = _affiliated_names(match["rest"]) if match["rest"] else []
        return AuthorNote(text, [Byline(name=n, role="author", lang=lang) for n in names])
    return None


def tagline_note(text: str, lang: str | None) -> AuthorNote | None:
    """An English closing line about the writer (only a line naming a job, a post or a place)."""
    if lang != "en" or len(text) > 320 or not (match := _EN_TAGLINE.match(text)) or not _TAGLINE_WORDS.search(text):
        return None
    return AuthorNote(text, [Byline(name=match["name"], role="author", lang=lang)] if match["name"] else [])
