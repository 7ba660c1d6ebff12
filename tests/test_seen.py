"""A run's memory of what it has seen, kept as digests (crawler.helpers.seen)."""

from __future__ import annotations

from crawler.helpers.seen import SeenDigests


def test_each_tuple_is_new_once_and_parts_do_not_run_together() -> None:
    seen = SeenDigests()
    assert seen.first_time("chinacomcn:1", "http://news.china.com.cn/a.htm")
    assert not seen.first_time("chinacomcn:1", "http://news.china.com.cn/a.htm")
    assert seen.first_time("chinacomcn:1", "http://big5.china.com.cn/gate/big5/news.china.com.cn/a.htm")
    assert seen.first_time("ab", "c") and seen.first_time("a", "bc")  # not one string "abc"
    assert seen.first_time("網際網路", "")  # any text, traditional included
    assert not seen.first_time("網際網路", "")
    assert len(seen) == 5
