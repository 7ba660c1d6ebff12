"""Chinese surnames, to tell a bare name from other short text in parentheses.

A commentary in the Party press closes with its writer's name alone, `…实现“多赢”“共赢”。（钟才文）`,
where other stories close with `（完）`, `（待续）` or `（新华社）`. A name starts with a surname; the
list below holds the surnames of about 97 % of people in China (the 2020 census ranking, top 200,
and the compound surnames still in use), in simplified script; traditional forms come from OpenCC.
"""

from __future__ import annotations

from functools import cache

from crawler.helpers.text import to_traditional_variants

_SINGLE = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟"
    "姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文"
    "施辛柯庄樊牛涂殷葛童倪关舒耿邢鲁岳安欧卓宁祝齐鲍申柴左蓝符温翁焦纪单项苗庞骆梅阮凌甘霍谷包边窦盛裴季"
    "祁宫和游鞠储米滕卜巫冉路车伍詹裘褚连蒙荣皮明房郎毕费华解柏佟晏洪全鄢喻尚栾芦丛吉宗饶乐查景冷宿苟桂阎奚"
    "琚糜聂贝谈诸粟麦敖屈官池迟娄蒲訾隋苑鹿晋阳东兰燕秋芮闵仲寇卫凤臧仇邬靳索那衡冀支丰戚钮缪习"
)
_COMPOUND = (
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "东方",
    "皇甫",
    "令狐",
    "慕容",
    "司徒",
    "夏侯",
    "尉迟",
    "公孙",
    "长孙",
    "宇文",
    "轩辕",
    "端木",
    "独孤",
    "呼延",
    "南宫",
    "西门",
)


@cache
def _surnames() -> tuple[frozenset[str], frozenset[str]]:
    # OpenCC writes a lone 钟 as 鐘 (a bell); the surname is 鍾.
    single = {variant for char in _SINGLE for variant in to_traditional_variants(char)} | {"鍾"}
    compound = {variant for name in _COMPOUND for variant in to_traditional_variants(name)}
    return frozenset(single), frozenset(compound)


def starts_with_surname(text: str) -> bool:
    single, compound = _surnames()
    return text[:2] in compound or text[:1] in single


def simplified_surnames() -> tuple[str, tuple[str, ...]]:
    """The single-character surnames (one string) and the compound ones, in simplified script."""
    return _SINGLE, _COMPOUND
