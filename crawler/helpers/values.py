"""Values read from pages' JSON (JSON-LD, JSON list feeds), checked for type where they are read.

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


def as_url(value: Any) -> str:
    """A link from a JSON value: a string that looks like one (absolute, or a path), else ""."""
    text = as_text(value).strip() if isinstance(value, str | list | dict) else ""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return ""  # a lone surrogate ("\ud800" in the JSON): no URL can hold it
    return text if text.startswith(("http://", "https://", "/", "./", "../")) or (text and "." in text.split("/")[0]) else ""
