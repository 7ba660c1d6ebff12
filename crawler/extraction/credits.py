"""Photo credits at the end of captions, in the conventions state media use.

新华社记者 黄敬文 摄 · 新华社发（张三 摄） · 山东女子学院供图 · (Xinhua/Huang Jingwen) ·
[Photo by Liao Jiaxin/China.org.cn] · [Photo/Xinhua] · …/VCG Photo. Credits are suffixes, so every
pattern is anchored at the end of the caption.
"""

from __future__ import annotations

import re

from crawler.extraction.bylines import split_names
from crawler.helpers.text import clean_text, zh_variants
from crawler.items import Credit

_SHE = zh_variants("摄")
_REPORTER = f"(?:{zh_variants('特约')}|{zh_variants('实习')})?(?:{zh_variants('记者')}|{zh_variants('通讯员')})"
_NAMES = r"(?P<names>[\u3400-\u9fff·A-Za-z][\u3400-\u9fff·A-Za-z\s、，,]{0,40}?)"
# An organisation starts after punctuation or a space: 新华社, 中国网, 本报, 中青报·中青网.
_ORG = r"(?:(?:^|(?<=[。！？，,；;:：\s（(]))(?P<org>[\u3400-\u9fff·A-Za-z0-9]{2,10}?))"
_OPEN, _CLOSE = r"[（(]", r"[）)]"

# Strong patterns: enough on their own to call a paragraph a caption.
_STRONG: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        # 新华社记者 黄敬文 摄 / （新华社记者 黄敬文 摄）/ 本报记者 张三摄
        rf"{_OPEN}?\s*{_ORG}?{_REPORTER}\s*{_NAMES}\s*{_SHE}(?:{zh_variants('影')})?\s*{_CLOSE}?$",
        # 新华社发（张三 摄）
        rf"{_ORG}{zh_variants('发')}\s*{_OPEN}\s*{_NAMES}\s*{_SHE}\s*{_CLOSE}$",
        # （张三 摄） in brackets
        rf"{_OPEN}\s*{_NAMES}\s*{_SHE}\s*{_CLOSE}$",
        # 新华社发 / （新华社发）
        rf"(?:^|[。！？\s]){_OPEN}?{_ORG}{zh_variants('发')}\s*{_CLOSE}?$",
        # 图片来源：新华社 / 摄影：张三
        rf"{_OPEN}?\s*{zh_variants('图片来源')}\s*[:：]\s*(?P<org>[^）)]{{2,30}}?)\s*{_CLOSE}?$",
        rf"{_OPEN}?\s*(?:{zh_variants('摄影')}|{zh_variants('图')})\s*[:：/]\s*{_NAMES}\s*{_CLOSE}?$",
        # 山东女子学院供图
        rf"(?:^|[。！？\s（(]){_ORG}{zh_variants('供图')}\s*{_CLOSE}?$",
        # (People's Daily Online/courtesy of the National Forestry and Grassland Administration):
        # the photo comes from the organisation named after "courtesy of".
        r"\([A-Z][\w.'’ -]{1,40}?\s*/\s*courtesy of\s+(?:the\s+)?(?P<org>[^()]{2,80}?)\)$",
        # (Photo by Li He/Xinhua) before (Org/Name): the order of the two parts differs
        r"\(\s*Photos?\s+by\s+(?P<names>[^)/]{2,60}?)(?:\s*/\s*(?P<org>[^)]{2,40}?))?\s*\)$",
        # (Xinhua/Huang Jingwen)
        r"\((?!Photo)(?P<org>[A-Z][\w.'’ -]{1,40}?)\s*/\s*(?P<names>[A-Z][^()/]{1,60}?)\)$",
        # [Photo by Liao Jiaxin/China.org.cn], [Photo by Su Zhigang/For chinadaily.com.cn]
        r"\[\s*Photos?\s+by\s+(?P<names>[^/\]]{2,60}?)\s*/\s*(?:For\s+)?(?P<org>[^\]]{2,40}?)\s*\]$",
        r"\[\s*Photos?\s+by\s+(?P<names>[^/\]]{2,60}?)\s*\]$",
        # [Photo/Xinhua], [Photo/VCG]
        r"\[\s*Photos?\s*/\s*(?P<org>[^\]]{2,40}?)\s*\]$",
        # (Photo: Xinhua); "(Photo by Li Tao)" is read by the pattern above
        r"\(\s*Photos?\s*:\s*(?P<org>[^)]{2,40}?)\s*\)$",
        # China Daily: "… LIU CHAOFU/FOR CHINA DAILY", "… ZHANG WEI/CHINA DAILY"
        r"(?:^|[.\s])(?P<names>[A-Z][A-Z'-]+(?: [A-Z][A-Z'-]+){0,3})\s*/\s*(?:FOR\s+)?(?P<org>CHINA DAILY|XINHUA|CHINADAILY\.COM\.CN)$",
        # Global Times: "… Photo: Xinhua", "Photo: Cui Meng/GT", "Photos: Courtesy of the museum"
        r"(?:^|(?<=\s))Photos?\s*:\s*(?P<free>[^:]{2,80}?)\.?$",
        # CGTN: "… /VCG Photo"
        r"/\s*(?P<org>[A-Z][\w.]{1,20})\s+Photos?$",
    )
)
# Weak patterns: a credit only when the paragraph already sits under an image.
_WEAK: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        # 黄敬文 摄 / 张三/摄 (a space or slash before 摄 separates it from words such as 拍摄)
        rf"(?:^|[。！？\s]){_NAMES}\s*(?:\s|/){_SHE}$",
        # [China Daily], (Xinhua)
        r"\[(?P<org>[A-Z][\w.' ]{1,30})\]$",
        r"\((?P<org>Xinhua|CGTN|China Daily|VCG|AFP|Reuters|AP)\)$",
    )
)


# Agencies and outlets credited by name alone after "Photo:", as opposed to a photographer's name.
_AGENCIES = re.compile(
    r"^(?:Xinhua|VCG|IC|AFP|AP|Reuters|CNS|CFP|GT|Global Times|China Daily|CGTN|People's Daily|Visual China Group|"
    r"Getty Images|Screenshot.*|Web|Internet|Weibo|Sina Weibo|handout)$",
    re.IGNORECASE,
)


def _free_credit(text: str) -> Credit:
    """Sort "Photo: …" free text into names and organisation."""
    text = clean_text(text)
    if courtesy := re.match(r"^Courtesy of\s+(?:the\s+)?(?P<org>.+)$", text, re.IGNORECASE):
        return Credit(org=courtesy["org"])
    if "/" in text:
        names, _, org = text.rpartition("/")
        return Credit(names=split_names(names), org=clean_text(org) or None)
    if _AGENCIES.match(text):
        return Credit(org=text)
    return Credit(names=split_names(text))


def _credit(match: re.Match[str]) -> Credit:
    groups = match.groupdict()
    if groups.get("free"):
        return _free_credit(groups["free"])
    org = clean_text(groups.get("org") or "") or None
    names = split_names(groups.get("names") or "")
    if org and org in {"图", "圖"}:
        org = None
    return Credit(names=names, org=org)


# Every pattern above ends in one of these, within the caption's last few dozen characters: most
# body paragraphs end "。" and are turned away before twenty regexes run on them.
_CREDIT_ENDING = re.compile(r"[摄攝影)）\]】发發图圖]\s*$|来源|來源|摄影|攝影|[图圖]\s*[:：/]|Photo|PHOTO|/")


# Every pattern matches fewer characters than this (their parts are bounded, and cleaned text has
# no runs of spaces), so a long paragraph is searched in its tail only: each pattern, unanchored at
# its start, otherwise tries every position of the paragraph. The tail starts with a character no
# pattern takes, so `^` and look-behinds cannot match at the cut.
_TAIL = 300


def find_credit(caption: str, *, under_image: bool) -> Credit | None:
    """The credit at the end of a caption, or None when it carries none."""
    text = clean_text(caption)
    if not _CREDIT_ENDING.search(text[-120:]):
        return None
    if len(text) > _TAIL:
        text = "\x00" + text[-_TAIL:]
    for pattern in _STRONG:
        if match := pattern.search(text):
            return _credit(match)
    if under_image:
        for pattern in _WEAK:
            if match := pattern.search(text):
                return _credit(match)
    return None


def is_credit_caption(text: str) -> bool:
    """True when a paragraph ends in a credit strong enough to call it a caption without an image."""
    return find_credit(text, under_image=False) is not None
