from __future__ import annotations

import pytest

from crawler.helpers.dates import find_best_time, find_time


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("發佈時間:2025-06-05 09:19:14 | 來源:新華網", "2025-06-05T09:19:14+08:00", "second"),
        ("2024-05-13 13:48", "2024-05-13T13:48:00+08:00", "minute"),
        ("2024年04月24日23:52 | 来源：新华网", "2024-04-24T23:52:00+08:00", "minute"),
        ("2026年5月3日 8:05", "2026-05-03T08:05:00+08:00", "minute"),
        ("(Xinhua) 16:40, June 19, 2023", "2023-06-19T16:40:00+08:00", "minute"),
        ("Published: Jul 06, 2026 01:40 PM", "2026-07-06T13:40:00+08:00", "minute"),
        ("Xinhua | May 24, 2024", "2024-05-24T00:00:00+08:00", "day"),
        ("2019-03-11T10:18:00+08:00", "2019-03-11T10:18:00+08:00", "second"),
        ("2019-03-11T02:18:00Z", "2019-03-11T02:18:00+00:00", "second"),
        ("2007-08-20-23:59:59", "2007-08-20T23:59:59+08:00", "second"),  # gov.cn firstpublishedtime
        ("2024-05-13 13:48:13:671", "2024-05-13T13:48:13+08:00", "second"),  # ENP CMS property
        ("CGTN 10-Dec-2025 09:41", "2025-12-10T09:41:00+08:00", "minute"),  # CGTN day-first
        ("Updated 21:47, 09-Jun-2025", "2025-06-09T21:47:00+08:00", "minute"),
        ("Updated 9 December 2025", "2025-12-09T00:00:00+08:00", "day"),
    ],
)
def test_find_time(text: str, iso: str, precision: str) -> None:
    found = find_time(text)
    assert found is not None
    assert found.value.isoformat() == iso
    assert found.precision == precision
    assert found.raw in text


@pytest.mark.parametrize("text", ["2024-13-45", "no date here", "第15次访问", "", "31-Feb-2025", "12 Mayors 2024"])
def test_no_time(text: str) -> None:
    assert find_time(text) is None


def test_best_time_prefers_the_text_that_shows_the_time() -> None:
    # <meta publishdate> gives a day; the visible line gives the minute: never a silent 00:00.
    best = find_best_time(["2024-04-24", "2024年04月24日23:52"])
    assert best is not None
    assert best.value.isoformat() == "2024-04-24T23:52:00+08:00"


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["2024-04-24 23:52", "2024-04-24 23:52:07"], "2024-04-24T23:52:07+08:00"),  # agrees: refined
        (["2024-04-24 23:52", "2024-04-23 09:10:07"], "2024-04-24T23:52:00+08:00"),  # another day
        (["2024-04-24 23:52", "2024-04-24 23:53:07"], "2024-04-24T23:52:00+08:00"),  # another minute
        (["2024-04-24", "2024-04-25 08:00"], "2024-04-24T00:00:00+08:00"),  # a later day is not a refinement
        (["", "无日期", "2024-04-24 23:52"], "2024-04-24T23:52:00+08:00"),
    ],
)
def test_best_time_is_refined_only_by_a_copy_that_agrees(texts: list[str], expected: str) -> None:
    best = find_best_time(texts)
    assert best is not None
    assert best.value.isoformat() == expected
