"""Durations as people write them in settings: `3600`, `"90m"`, `"6h"`, `"2d"`."""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION = re.compile(r"^\s*(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>[smhd]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: object) -> timedelta:
    """`3600`, `"90m"`, `"6h"`, `"2d"` -> timedelta; 0 or empty means never."""
    if value in (None, "", 0, "0"):
        return timedelta(0)
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"not a duration: {value!r} (use seconds, or a number with s, m, h or d)")
    return timedelta(seconds=float(match["value"]) * _UNITS[match["unit"]])
