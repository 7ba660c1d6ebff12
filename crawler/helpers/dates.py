"""Publish times as printed by Chinese state media, in Chinese and English, to tz-aware datetimes.

Pages print Beijing time without an offset. China has had no daylight saving since 1991, so a fixed
UTC+08:00 is exact and needs no tz database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Literal

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")

Precision = Literal["second", "minute", "day"]

_TIME = r"(?P<H>\d{1,2})\s*[:：时時]\s*(?P<M>\d{2})(?:\s*[:：分]\s*(?P<S>\d{2}))?(?:[:.]\d{1,6})?\s*(?P<ampm>[AaPp][Mm])?"
_CJK_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})(?!\d)\s*日?"
    rf"(?:(?:[\sT,，]*|-){_TIME}(?P<tz>Z|[+-]\d{{2}}:?\d{{2}})?)?"
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_NAME = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_EN_DATE = re.compile(
    rf"(?:(?P<lead>{_TIME.replace('P<', 'P<l')})\s*,?\s*)?"
    rf"\b{_MONTH_NAME}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}})"
    rf"(?:[\s,]+{_TIME})?",
    re.IGNORECASE,
)

# Day first, as CGTN prints it: "Updated 21:47, 09-Jun-2025", "10-Dec-2025 09:41", "9 December 2025".
_EN_DAY_FIRST = re.compile(
    rf"(?:(?P<lead>{_TIME.replace('P<', 'P<l')})\s*,?\s*)?\b(?P<d>\d{{1,2}})(?:-|\s+){_MONTH_NAME}(?:-|,?\s+)(?P<y>(?:19|20)\d{{2}})(?:[\s,]+{_TIME})?",
    re.IGNORECASE,
)


@dataclass(frozen=True, kw_only=True)
class FoundTime:
    value: datetime
    """Timezone-aware; Beijing time unless the text carried an offset."""
    raw: str
    """The text the time was read from, as printed."""
    precision: Precision


def _hour(hour: str, ampm: str | None) -> int:
    value = int(hour)
    if ampm:
        value %= 12
        if ampm.lower() == "pm":
            value += 12
    return value


def _leading_time_first(groups: dict[str, str | None]) -> dict[str, str | None]:
    """Use the time printed before the date ("16:40, June 19, 2023") when there is one."""
    if groups.get("lH") is not None:
        return {"H": groups["lH"], "M": groups["lM"], "S": groups["lS"], "ampm": groups["lampm"]}
    return groups


def _build(year: str, month: int, day: str, *, parts: dict[str, str | None], tz: str | None, raw: str) -> FoundTime | None:
    hour, minute, second = parts.get("H"), parts.get("M"), parts.get("S")
    try:
        if hour is None or minute is None:
            value = datetime(int(year), month, int(day), tzinfo=BEIJING)
            precision: Precision = "day"
        else:
            value = datetime(
                int(year),
                month,
                int(day),
                _hour(hour, parts.get("ampm")),
                int(minute),
                int(second or 0),
                tzinfo=BEIJING,
            )
            precision = "second" if second is not None else "minute"
    except ValueError:
        return None
    if tz:
        offset = datetime.strptime(tz.replace(":", ""), "%z").tzinfo if tz != "Z" else UTC
        value = value.replace(tzinfo=offset)
    return FoundTime(value=value, raw=raw.strip(" ,，"), precision=precision)


def find_time(text: str) -> FoundTime | None:
    """The first date (with its time, when printed) in `text`, or None."""
    candidates: list[tuple[int, FoundTime]] = []
    for match in _CJK_DATE.finditer(text):
        found = _build(match["y"], int(match["m"]), match["d"], parts=match.groupdict(), tz=match["tz"], raw=match[0])
        if found:
            candidates.append((match.start(), found))
            break
    for match in _EN_DATE.finditer(text):
        groups = _leading_time_first(match.groupdict())
        found = _build(match["y"], _MONTHS[match["mon"].lower()], match["d"], parts=groups, tz=None, raw=match[0])
        if found:
            candidates.append((match.start(), found))
            break
    for match in _EN_DAY_FIRST.finditer(text):
        groups = _leading_time_first(match.groupdict())
        found = _build(match["y"], _MONTHS[match["mon"].lower()], match["d"], parts=groups, tz=None, raw=match[0])
        if found:
            candidates.append((match.start(), found))
            break
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[0])[1]


def find_best_time(texts: list[str]) -> FoundTime | None:
    """The first time found among candidate texts, made more precise by a later candidate that
    agrees with it: `2024-04-24` then `2024年04月24日23:52` gives 23:52. A later candidate naming
    another moment (a record created the evening before, a modified time) is ignored."""
    order = {"second": 2, "minute": 1, "day": 0}
    best: FoundTime | None = None
    for text in texts:
        found = find_time(text)
        if found is None:
            continue
        if best is None or (
            order[found.precision] > order[best.precision] and _truncated(found.value, best.precision) == best.value
        ):
            best = found
    return best


def _truncated(value: datetime, precision: Precision) -> datetime:
    if precision == "day":
        return value.replace(hour=0, minute=0, second=0, microsecond=0)
    if precision == "minute":
        return value.replace(second=0, microsecond=0)
    return value


# The day in a story's URL: /20230115/, /2024-05/13/, /n1/2024/0424/, /202405/13/, /2026/09-27/,
# /2025-06-09/.
_URL_DATES = (
    re.compile(r"/(?P<y>20\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)/"),
    re.compile(r"/(?P<y>20\d{2})-(?P<m>[01]\d)/(?P<d>[0-3]\d)/"),
    re.compile(r"/(?P<y>20\d{2})/(?P<m>[01]\d)(?P<d>[0-3]\d)/"),
    re.compile(r"/(?P<y>20\d{2})(?P<m>[01]\d)/(?P<d>[0-3]\d)/"),
    re.compile(r"/(?P<y>20\d{2})/(?P<m>[01]\d)-(?P<d>[0-3]\d)/"),
    re.compile(r"/(?P<y>20\d{2})-(?P<m>[01]\d)-(?P<d>[0-3]\d)/"),
)


def date_in_url(path: str) -> FoundTime | None:
    """The publication day a URL path carries, Beijing time, or None."""
    for pattern in _URL_DATES:
        if match := pattern.search(path):
            found = find_time(f"{match['y']}-{match['m']}-{match['d']}")
            if found is not None:
                return FoundTime(value=found.value, raw=match[0], precision="day")
    return None
