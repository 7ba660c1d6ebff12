"""Values read from pages' JSON (JSON-LD), checked for type where they are read.

A field that should hold a string may hold a number, a list or an object on a real page (or a
hostile one). What the parsers need is a string or nothing; a wrong type is never a TypeError.
"""

from __future__ import annotations

from typing import Any


def as_text(value: Any) -> str:
    """The string a JSON value stands for: itself; the first string in a list; an object's
    `@value` or `name`; a number as written. Anything else is ""."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return next((text for item in value if (text := as_text(item))), "")
    if isinstance(value, dict):
        return as_text(value.get("@value") or value.get("name"))
    return ""
