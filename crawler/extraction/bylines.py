"""Byline grammar shared by all outlets: labelled info lines, body credit lines, datelines.

Labels are written in simplified Chinese and widened to traditional forms with `zh_variants`, so the
same grammar reads 责任编辑 on a simplified page and 責任編輯 through a Big5 gateway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from crawler.helpers.surnames import starts_with_surname
from crawler.helpers.text import clean_text, zh_variants
from crawler.items import Byline, Role

FieldKind = Literal["time", "updated", "source", "keywords", "ignore"] | Role


@dataclass(frozen=True)
class Field:
    kind: FieldKind
    label: str
    value: str


# Label -> what its value is. Longer labels first so 责任编辑 wins over 编辑 and 发布时间 over 时间.
_ZH_LABELS: dict[str, FieldKind] = {
    "发布时间": "time",
    "发稿时间": "time",
    "发表时间": "time",
    "更新时间": "updated",
    "最后更新": "updated",
    "时间": "time",
    "发布": "time",
    "日期": "time",
    "稿件来源": "source",
    "文章来源": "source",
    "新闻来源": "source",
    "来源": "source",
    "出处": "source",
    "作者": "author",
    "撰文": "author",
    "执笔": "author",
    "特约记者": "reporter",
    "本报记者": "reporter",
    "记者": "reporter",
    "通讯员": "correspondent",
    "责任编辑": "editor",
    "值班编辑": "editor",
    "网络编辑": "editor",
    "责编": "editor",
    "编辑": "editor",
    "主编": "editor",
    "审核": "editor",
    "出品": "editor",
    "监制": "editor",
    "策划": "editor",
    "校对": "editor",
    "摄影": "photographer",
    "摄像": "photographer",
    "图片": "photographer",
    "翻译": "translator",
    "编译": "translator",
    "译者": "translator",
    "特约评论员": "commentator",
    "评论员": "commentator",
    "关键词": "keywords",
    "关键字": "keywords",
    "分享到": "ignore",
    "分享": "ignore",
    "字号": "ignore",
    "字体": "ignore",
    "点击": "ignore",
    "浏览": "ignore",
}
_EN_LABELS: dict[str, FieldKind] = {
    "web editor": "editor",
    "chief editor": "editor",
    "editor": "editor",
    "source": "source",
    "reporter": "reporter",
    "writer": "author",
    "author": "author",
    "translator": "translator",
    "translated by": "translator",
    "photographer": "photographer",
    "photo": "photographer",
    "published": "time",
    "last updated": "updated",
    "updated": "updated",
    "date": "time",
}


def _label_alternation() -> tuple[str, dict[str, FieldKind]]:
    patterns: list[tuple[str, str]] = []  # (regex, simplified label)
    for label in _ZH_LABELS:
        patterns.append((zh_variants(label), label))
    for label in _EN_LABELS:
        patterns.append((re.escape(label).replace(r"\ ", r"\s+"), label))
    patterns.sort(key=lambda p: len(p[1]), reverse=True)
    groups = "|".join(f"(?P<l{i}>{regex})" for i, (regex, _) in enumerate(patterns))
    lookup = {f"l{i}": label for i, (_, label) in enumerate(patterns)}
    return groups, {**{k: (_ZH_LABELS | _EN_LABELS)[v] for k, v in lookup.items()}}


_LABEL_GROUPS, _GROUP_KIND = _label_alternation()
# A label is a field name only when a colon follows it; "记者王敬照" without a colon is a value.
_FIELD_RE = re.compile(rf"(?:^|(?<=[\s|丨│/\[\]【】()（）,，;；]))(?:{_LABEL_GROUPS})\s*[:：]", re.IGNORECASE)
_SEPARATORS = " \t|丨│/\\[]【】()（）,，;；:："


def parse_fields(text: str) -> list[Field]:
    """Split an info line such as `發佈時間:… | 來源:新華網 | 作者: | 責任編輯:曹川川` into fields.

    A value runs to the next label, so lines without separators (`作者: 甲 责任编辑: 乙`) work too.
    Empty values are kept: an empty 作者 field is information (there is no author).
    """
    matches = list(_FIELD_RE.finditer(text))
    fields: list[Field] = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        group = next(name for name, value in match.groupdict().items() if value is not None)
        value = clean_text(text[match.end() : end]).strip(_SEPARATORS)
        value = re.split(r"\s*[|丨│]\s*", value)[0].strip(_SEPARATORS)
        kind = _GROUP_KIND[group]
        value = _UI_TAIL.split(value)[0].strip(_SEPARATORS)
        if kind not in ("time", "updated"):
            # Lines without separators run a value into the date: "来源：人民日报 2024-05-13 08:49".
            value = _DATE_TAIL.split(value)[0].strip(_SEPARATORS)
        fields.append(Field(kind, clean_text(match[0]).rstrip(":："), value))
    return fields


# "新华社记者", "中国网记者", "本报记者", "中青报·中青网记者", "实习记者" before the names.
_REPORTER_PREFIX = re.compile(
    rf"^(?:(?P<org>[^\s，,、:：]{{1,12}}?))?(?:{zh_variants('特约')}|{zh_variants('实习')}|{zh_variants('首席')}|{zh_variants('驻')}\S{{1,6}})?"
    rf"(?:{zh_variants('记者')}|{zh_variants('通讯员')})\s*"
)
# Page furniture printed right after a value ("来源：求是网 参与互动", "来源：新华网 打印 字号"),
# including the follow-us row and the font-size buttons a line runs into ("新华网 关注新华网 微信 微博",
# "新华网 小 中 大"): the value ends where they start.
_UI_TAIL = re.compile(
    r"\s*(?:参与互动|打印|关闭|分享到?|收藏|纠错|字号|字体|评论|关注|微信|微博|Qzone)(?:\s|$)|\s+[小中大](?:\s|$)|\s+关注\S{0,10}|(?<=[网報报社])关注"
)
# Lines without separators run a name into the next field's date: "Editor: huaxia 2023-08-16 20:36".
# Not after 》: a magazine's issue (《求是》2025/11) is part of the source.
_DATE_TAIL = re.compile(r"(?<!》)\s*(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}")
# Before a second role word inside one value: "记者 甲 通讯员 乙", "记者 甲、实习记者 乙".
_ROLE_GROUP_SPLIT = re.compile(
    rf"[\s、，,]+(?=[^\s、，,]{{0,12}}?(?:{zh_variants('记者')}|{zh_variants('通讯员')})(?:\s|[\u3400-\u9fff]))"
)
_NAME_SPLIT = re.compile(r"\s*(?:[、，,；;／/&]|\band\b)\s*")
_TRAILING_ETC = re.compile(rf"\s*{zh_variants('等')}$")
_HAN_NAME = re.compile(r"^[\u3400-\u9fff·•]+$")


def split_names(value: str) -> list[str]:
    """`叶尔肯,高阳` -> two names; `王乐文 方 敏` -> 王乐文, 方敏 (two-character names are padded
    with a space to line up with three-character ones); English names keep their spaces."""
    names: list[str] = []
    for raw_piece in _NAME_SPLIT.split(clean_text(value)):
        piece = _TRAILING_ETC.sub("", raw_piece.strip(_SEPARATORS + "。."))
        if not piece:
            continue
        tokens = piece.split()
        if all(_HAN_NAME.match(t) for t in tokens):
            names.extend(_join_padded_han_names(tokens))
        else:
            names.append(natural_case(" ".join(tokens)))
    return [n for n in names if n]


def natural_case(name: str) -> str:
    """`ZOU HONG` -> `Zou Hong`: China Daily sets photo credits in capitals; the person's name is not.
    Only a name of two words or more, all in capitals (a single capitalised word may be an
    organisation: VCG, AFP)."""
    if " " in name and name.isupper() and re.fullmatch(r"[A-Z][A-Z .'’-]+", name):
        return name.title()
    return name


def _join_padded_han_names(tokens: list[str]) -> list[str]:
    # A single Han character is never a whole name: it is half of a padded two-character name
    # (`方 敏`) or a surname set apart from its given name (`琚 振华`).
    merged: list[str] = []
    pending = ""
    for token in tokens:
        if len(token) == 1:
            pending += token
            if len(pending) == 2:
                merged.append(pending)
                pending = ""
        elif pending and len(token) == 2:
            merged.append(pending + token)
            pending = ""
        else:
            if pending:
                merged.append(pending)
                pending = ""
            merged.append(token)
    if pending:
        merged.append(pending)
    return merged


_CORRESPONDENT = re.compile(zh_variants("通讯员"))
_COMMENTATOR_NAME = re.compile(rf"{zh_variants('评论员')}$|^{zh_variants('评论员')}")


def bylines_in(value: str, role: Role, lang: str | None) -> list[Byline]:
    """Bylines for a field value. A reporter prefix inside the value wins over the field's role, and
    one value may list several groups: `记者 孙金诚 通讯员 王 静` gives two reporters."""
    value = _DATE_TAIL.split(clean_text(value))[0]
    bylines: list[Byline] = []
    for group in _ROLE_GROUP_SPLIT.split(value):
        names, group_role = group, role
        prefix = _REPORTER_PREFIX.match(group)
        if prefix and prefix.end() < len(group):
            names = group[prefix.end() :]
            group_role = "correspondent" if _CORRESPONDENT.search(prefix[0]) else "reporter"
        for name in split_names(names):
            # 本报评论员, 新华社评论员, 求是网评论员: a commentary's collective pen name, whatever the label.
            name_role: Role = "commentator" if _COMMENTATOR_NAME.search(name) else group_role
            bylines.append(Byline(name=name, role=name_role, lang=lang))
    return bylines


# Whole paragraphs that are only a credit: （记者 张三）, 【责任编辑：刘峻凌】, (Web editor: A, B), 责编：X.
_BODY_CREDIT_RE = re.compile(
    # An outlet may stand before the label: 本报评论员：…, 新华社记者：…
    rf"^[（(【\[]?\s*(?:[\u3400-\u9fff·]{{1,8}}?)?(?:{_LABEL_GROUPS})\s*[:：︱丨|/]\s*(?P<value>[^)）】\]]*?)\s*[)）】\]]?$",
    re.IGNORECASE,
)
_BODY_REPORTER_RE = re.compile(
    rf"^[（(]\s*(?P<value>(?:\S{{0,12}}?)(?:{zh_variants('记者')}|{zh_variants('通讯员')})\s*[^)）]+)[)）]$"
)
_BODY_REPORTER_BARE_RE = re.compile(
    rf"^(?P<value>\S{{0,12}}?(?:{zh_variants('记者')}|{zh_variants('通讯员')})\s+"
    r"[\u3400-\u9fff·]{2,5}(?:[\s、，,]+[\u3400-\u9fff·]{1,5}){0,6})$"
)
_BARE_REPORTER_LABEL = re.compile(rf"^[（(]?[\u3400-\u9fff·]{{0,10}}(?:{zh_variants('记者')}|{zh_variants('评论员')})[)）]?$")
_SQUARE_AUTHOR = re.compile(r"^[■□●]\s*(?P<value>[\u3400-\u9fff·]{2,5}(?:[\s、]+[\u3400-\u9fff·]{2,5}){0,3})$")
_EN_BY_RE = re.compile(r"^By\s+(?P<value>[A-Z][\w.'’-]*(?:[\s,]+(?:and\s+)?[A-Z][\w.'’-]*){0,11})$")
_BODY_CREDIT_MAX = 60
# A team or desk named before the people: 栏目组, 编辑部, 工作室, 新媒体中心.
_TEAM_PREFIX = re.compile(r"^\S{2,16}?(?:栏目组|欄目組|编辑部|編輯部|工作室|团队|團隊|中心|小组|小組)\s+")


def _names_only(value: str) -> bool:
    if re.search(r"[。？！?!；;：:“”\"<>《》]", value):
        return False
    names = split_names(_REPORTER_PREFIX.sub("", value))
    return bool(names) and all(len(n) <= (6 if _HAN_NAME.match(n.replace(" ", "")) else 40) for n in names)


# "文/王敏 图/刘坤", "文｜王敏", "撰文：王敏 摄影：刘坤": who wrote the words, who took the pictures.
_WORDS_PICTURES = re.compile(
    rf"^(?:{zh_variants('文')}|{zh_variants('撰文')})\s*[/／|｜:：]\s*(?P<words>[^/／|｜:：]+?)"
    rf"(?:\s+(?:{zh_variants('图')}|{zh_variants('摄影')}|{zh_variants('图片')})\s*[/／|｜:：]\s*(?P<pictures>[^/／|｜:：]+?))?$"
)


def words_and_pictures_line(text: str, lang: str | None) -> list[Byline] | None:
    """Bylines for a `文/X 图/Y` line (X wrote, Y photographed), else None."""
    match = _WORDS_PICTURES.match(clean_text(text))
    if not match or len(text) > _BODY_CREDIT_MAX or not _names_only(match["words"]):
        return None
    bylines = bylines_in(match["words"], "author", lang)
    if match["pictures"] and _names_only(match["pictures"]):
        bylines += bylines_in(match["pictures"], "photographer", lang)
    return bylines


def body_credit_line(text: str, lang: str | None, by_role: Role = "reporter") -> list[Byline] | None:
    """Bylines when a body paragraph is nothing but a credit line, else None (keep the paragraph).
    `by_role` is what a "By A and B" line makes them: reporters on news pages, authors on opinion pages."""
    text = clean_text(text)
    if not text or len(text) > _BODY_CREDIT_MAX:
        return None
    if match := _BODY_CREDIT_RE.match(text):
        group = next(n for n, v in match.groupdict().items() if v is not None and n != "value")
        kind = _GROUP_KIND[group]
        # "记者：您怎么看？" opens an interview question; a credit holds names only.
        value = _TEAM_PREFIX.sub("", match["value"])  # 出品︱网易科学人栏目组 胖胖: the team, then the person
        if kind in ("time", "updated", "keywords", "ignore", "source") or not _names_only(value):
            return None
        return bylines_in(value, kind, lang)  # type: ignore[arg-type]
    if match := _BODY_REPORTER_RE.match(text):
        return bylines_in(match["value"], "reporter", lang)
    if match := _SQUARE_AUTHOR.match(text):  # "■王永文": PLA Daily's commentary byline
        return bylines_in(match["value"], "author", lang)
    if _BARE_REPORTER_LABEL.match(text):
        return []  # "新华社记者" alone: a credit line that names nobody
    if match := _BODY_REPORTER_BARE_RE.match(re.split(rf"\s+{zh_variants('来源')}\s*[:：]", text)[0]):
        return bylines_in(match["value"], "reporter", lang)
    if match := _EN_BY_RE.match(text):
        return bylines_in(match["value"], by_role, lang)
    return None


# 新华社北京6月4日电（记者 甲、乙） / 中国网5月13日讯（记者 甲）: reporters named in the dateline.
_DATELINE_RE = re.compile(
    rf"^\S{{1,24}}?(?:\d{{1,2}}{zh_variants('月')}\d{{1,2}}{zh_variants('日')})?(?:{zh_variants('电')}|{zh_variants('讯')})"
    rf"\s*[（(](?P<inner>[^)）]{{1,60}})[)）]"
)
# "…造福全人类。（记者宋晨、田中全）", "…英雄的城！（评论员 罗博 萧海川）": credits closing the last paragraph.
_TRAILING_CREDIT_RE = re.compile(
    rf"[（(]\s*(?P<label>{zh_variants('记者')}|{zh_variants('通讯员')}|{zh_variants('评论员')})\s*(?P<names>[^()（）]{{1,40}})[)）]$"
)


# "…实现“多赢”“共赢”。（钟才文）": a commentary in the Party press closes with its writer's name alone.
_TRAILING_NAME_RE = re.compile(r"(?<=\S)[（(](?P<names>[\u3400-\u9fff]{2,4}(?:[、，,\s]+[\u3400-\u9fff]{2,4}){0,3})[)）]$")


# End marks closing a story: （完）, (完), 【完】, （全文完）, ■, □.
_END_MARK = re.compile(rf"\s*(?:[（(【\[]\s*(?:{zh_variants('全文完')}|{zh_variants('完')})\s*[)）】\]]|[■□])\s*$")


def closing_credits(last_paragraph: str, lang: str | None) -> tuple[str, list[Byline]]:
    """The last paragraph without what closes it, and the bylines that closed it.

    `…造福全人类。（记者宋晨、田中全）（完）` -> `…造福全人类。` and two reporters: the writer's
    sign-off, the reporters' credit and the end mark are not the story's text.
    """
    rest = clean_text(last_paragraph)
    bylines: list[Byline] = []
    while True:
        if (stripped := _END_MARK.sub("", rest)) != rest:
            rest = stripped
        elif (match := _TRAILING_CREDIT_RE.search(rest)) and _names_only(match["names"]):
            role: Role = "commentator" if "评" in match["label"] else "reporter"
            group = match["names"] if role == "commentator" else f"{match['label']} {match['names']}"
            bylines = bylines_in(group, role, lang) + bylines
            rest = rest[: match.start()].rstrip()
        elif (match := _TRAILING_NAME_RE.search(rest)) and match.start() >= 10 and (names := _sign_off(match["names"])):
            bylines = [Byline(name=n, role="author", lang=lang) for n in names] + bylines
            rest = rest[: match.start()].rstrip()
        else:
            return rest, bylines


def _sign_off(text: str) -> list[str]:
    """Names in a closing (钟才文) or (钟声、任平): each a surname and a name; （完）, （待续）,
    （新华社）, （摘编） are closing words that are no one's name."""
    names = split_names(text)
    return names if names and all(len(n) <= 4 and starts_with_surname(n) for n in names) else []


_ZH_DATELINE = re.compile(
    rf"^(?P<line>\S{{0,16}}?(?:\d{{1,2}}{zh_variants('月')}\d{{1,2}}{zh_variants('日')})?(?:{zh_variants('电')}|{zh_variants('讯')})"
    rf"(?:\s*[（(][^)）]{{1,60}}[)）])?)"
)
_EN_AGENCY = r"\((?:Xinhua|CGTN|Chinadaily\.com\.cn|China Daily|CNS|People's Daily Online|ECNS|Global Times)\)"
# "BEIJING, June 15 (Xinhua) --", "UNITED NATIONS, (Xinhua) --", and without the agency "BEIJING, Feb. 18 --".
_EN_DATELINE = re.compile(
    r"^(?P<line>[A-Z][A-Z .,'/-]{1,60}?,\s+"
    rf"(?:(?:[A-Z][a-z]{{2,8}}\.?\s+\d{{1,2}}\s+)?{_EN_AGENCY}\s*(?:--|—|–|-)|[A-Z][a-z]{{2,8}}\.?\s+\d{{1,2}}\s*(?:--|—|–)))"
)


def find_dateline(first_paragraph: str) -> str | None:
    """新华社北京6月4日电（记者 甲）, 本报讯（记者 乙）, BEIJING, June 15 (Xinhua) -- as printed."""
    text = clean_text(first_paragraph)
    zh = _ZH_DATELINE.match(text)
    # A dateline names a day or the outlet's own 讯; "记者近日从…获悉" opens with neither.
    if zh and (re.search(r"\d", zh["line"]) or re.search(f"{zh_variants('讯')}", zh["line"])) and len(zh["line"]) < len(text):
        return zh["line"]
    en = _EN_DATELINE.match(text)
    return en["line"] if en else None


def dateline_bylines(first_paragraph: str, lang: str | None) -> list[Byline]:
    match = _DATELINE_RE.match(clean_text(first_paragraph))
    if not match:
        return []
    inner = match["inner"]
    if not re.search(f"{zh_variants('记者')}|{zh_variants('通讯员')}", inner):
        return []
    bylines: list[Byline] = []
    # "记者 甲 通讯员 乙" lists two groups.
    for part in re.split(rf"\s+(?=(?:{zh_variants('通讯员')}|{zh_variants('记者')}))", inner):
        bylines.extend(bylines_in(part, "reporter", lang))
    return bylines


def dedupe(bylines: list[Byline]) -> list[Byline]:
    """One byline per (name, role). A plain `author` is dropped when the same person is also named
    with a more precise role (`作者︱张泉` beside a dateline `（记者 张泉）`): it says nothing more."""
    precise = {b.name for b in bylines if b.role in ("reporter", "commentator")}
    seen: set[tuple[str, str]] = set()
    unique: list[Byline] = []
    for byline in bylines:
        if byline.role == "author" and byline.name in precise:
            continue
        if (byline.name, byline.role) not in seen:
            seen.add((byline.name, byline.role))
            unique.append(byline)
    return unique
