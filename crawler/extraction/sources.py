"""The source line: which outlets a story says it came from, each as printed.

`人民日报客户端 人民网` names two, `光明网-《光明日报》` and `人民网－人民日报` two, `《求是》2025/11` one magazine with its
issue, `新华社` one. A line is split only when every part it would give names an outlet, so a
name with a space in it (`China Daily`, `Xinhua News Agency`) stays whole.
"""

from __future__ import annotations

import re

from crawler.helpers.text import clean_text

# What an outlet's name ends with: 网, 报, 社, 台, 客户端, 杂志…, or 《…》 with its issue. A channel (人民网-文化频道)
# is part of its outlet, not another one.
_OUTLET = re.compile(
    r"^(?:《[^《》]{1,20}》(?:\s*\d{4}\s*[/年.-]\s*\d{1,2}\s*期?)?|"
    r".{1,20}?(?:网|網|报|報|社|台|客户端|客戶端|新闻|新聞|杂志|雜誌|周刊|週刊|时报|時報|日报|日報|晚报|晚報|海外版|APP|App|号|號|"
    r"政府|部|委|局|院|办|辦|中心|在线|在線))$"
)
# Between two outlets: spaces, 、，, a bar, or a dash right after an outlet's name.
_BETWEEN = re.compile(r"\s*[、，,|｜/]\s*|\s+|(?<=[网網报報社台端])[-—–－](?=\S)")


def named_sources(value: str | None) -> list[str]:
    """Every outlet a source value names, in order, each as printed."""
    text = clean_text(value or "")
    if not text:
        return []
    parts = [p for p in _BETWEEN.split(text) if p]
    if len(parts) > 1 and all(_OUTLET.match(p) for p in parts):
        return list(dict.fromkeys(parts))
    return [text]
