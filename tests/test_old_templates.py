"""2000s pages: GB2312 bytes, a <meta> that lies about them, Word-pasted markup, <font> soup, text
between <br>s, the headline in bold type. The generic extractor reads them as it reads new pages."""

from __future__ import annotations

import pytest

from tests.pages import parsed, roles

PARAGRAPHS = [
    "新华社北京10月11日电（记者 王敬中）今年我国粮食生产再获丰收，全年粮食总产量预计超过9400亿斤。",
    "农业部有关负责人说，今年粮食增产的主要原因是国家支农政策力度加大，农民种粮积极性提高。",
    "据介绍，今年全国粮食播种面积比上年增加2000多万亩，单产水平也有所提高。",
]


def page_2005(meta_charset: str, word_markup: bool, image: bool) -> str:
    first, second, third = PARAGRAPHS
    second_html = (
        f"<font face=\"宋体\"><span lang=EN-US style='font-family:宋体;mso-bidi-font-size:12.0pt'>　　{second}<o:p></o:p></span></font>"
        if word_markup
        else f'<font face="宋体">　　{second}</font>'
    )
    picture = (
        '<table align="center"><tr><td><img src="/photo/2005-10/12/xin_3510021209443.jpg"></td></tr>'
        '<tr><td align="center"><font size="2">10月10日，河南农民在收获玉米。新华社记者 李文 摄</font></td></tr></table>'
        if image
        else ""
    )
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset={meta_charset}">
<title>我国粮食生产再获丰收--新华网</title></head>
<body bgcolor="#FFFFFF"><table width="760" border="0"><tr><td>
<font face="宋体" size="4"><b>我国粮食生产再获丰收</b></font><br>
<font size="2" color="#666666">2005年10月12日 09:35:10　来源：新华网</font><br>
<table><tr><td class="p1"><font face="宋体">　　{first}</font><br><br>{picture}
{second_html}<br><br>
<font face="宋体">　　{third}</font><br><br>
<font color=#0000ff>【责任编辑：张三】</font></td></tr></table>
</td></tr></table></body></html>"""


@pytest.mark.parametrize("meta_charset", ["gb2312", "utf-8", "iso-8859-1"])
@pytest.mark.parametrize("word_markup", [False, True])
@pytest.mark.parametrize("image", [False, True])
@pytest.mark.parametrize(
    "url",
    [
        "http://news.xinhuanet.com/newscenter/2005-10/12/content_3606200.htm",
        "http://www.example-old.cn/news/2005-10/12/content_3606200.htm",
    ],
)
def test_a_2005_page_in_gb2312(meta_charset: str, word_markup: bool, image: bool, url: str) -> None:
    item = parsed(url, page_2005(meta_charset, word_markup, image).encode("gb2312"))
    assert item.title == {"zh": "我国粮食生产再获丰收"}
    assert item.body == {"zh": PARAGRAPHS}
    assert (item.source, item.published_at) == ("新华网", "2005-10-12T09:35:10+08:00")
    assert ("王敬中", "reporter") in roles(item) and ("张三", "editor") in roles(item)
    assert "\ufffd" not in str(item)
    if image:
        assert [(p.caption, p.credit.names if p.credit else None) for p in item.photos] == [
            ("10月10日，河南农民在收获玉米。新华社记者 李文 摄", ["李文"])
        ]
