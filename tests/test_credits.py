from __future__ import annotations

import pytest

from crawler.extraction.credits import find_credit


@pytest.mark.parametrize(
    ("caption", "names", "org"),
    [
        ("6月4日上午,國家主席習近平在北京中南海會見白俄羅斯總統盧卡申科。新華社記者 黃敬文 攝", ["黃敬文"], "新華社"),
        ("… in Beijing, capital of China, June 4, 2025. (Xinhua/Huang Jingwen)", ["Huang Jingwen"], "Xinhua"),
        ("这是5月20日拍摄的景色。新华社发（张三 摄）", ["张三"], "新华社"),
        ("这是景色。新华社发", [], "新华社"),
        ("图为会场。（新华社记者 甲、乙 摄）", ["甲", "乙"], "新华社"),
        ("图为某法院诉讼服务中心。本报记者 张 喆摄", ["张喆"], "本报"),
        ("学生们在上课。山东女子学院供图", [], "山东女子学院"),
        ("Yan Yongyi at his offices. [Photo by Liao Jiaxin/China.org.cn]", ["Liao Jiaxin"], "China.org.cn"),
        ("A view. [Photo by Su Zhigang/For chinadaily.com.cn]", ["Su Zhigang"], "chinadaily.com.cn"),
        ("A view of the port. [Photo/Xinhua]", [], "Xinhua"),
        ("A farmer drives a harvester, June 3, 2025. (Photo by Li He/Xinhua)", ["Li He"], "Xinhua"),
        ("Players celebrate. /VCG Photo", [], "VCG"),
        ("图为……（图片来源：新华社）", [], "新华社"),
        ("Xi meets Lukashenko in Beijing on June 4, 2025. Photo: Xinhua", [], "Xinhua"),
        ("A drone show over the river. Photo: Cui Meng/GT", ["Cui Meng"], "GT"),
        ("The restored hall. Photos: Courtesy of the Palace Museum", [], "Palace Museum"),
        ("Farmers at work. Photo: Li Hao", ["Li Hao"], None),
    ],
)
def test_credits(caption: str, names: list[str], org: str | None) -> None:
    credit = find_credit(caption, under_image=False)
    assert credit is not None
    assert credit.names == names
    assert credit.org == org


def test_weak_credits_need_an_image_above() -> None:
    # "李四 摄" could end an ordinary sentence; only under an image is it a credit.
    assert find_credit("图为会场。 李四 摄", under_image=False) is None
    credit = find_credit("图为会场。 李四 摄", under_image=True)
    assert credit is not None
    assert credit.names == ["李四"]


@pytest.mark.parametrize("text", ["他们正在进行拍摄", "记者在现场拍摄了大量照片。", "The delegation arrived in Beijing."])
def test_ordinary_text_has_no_credit(text: str) -> None:
    assert find_credit(text, under_image=False) is None
