"""What a change to a shared rule does to every page we have: `python -m tests.parse_diff`.

    python -m tests.parse_diff save /tmp/before.json   # before the change
    python -m tests.parse_diff /tmp/before.json        # after it: every field that moved, per page

Every fixture and every corpus page (../shared/corpus, when present) is parsed twice, by the
crawler and by the generic extractor alone. A rule written for one outlet should move only that
outlet's pages; anything else in the list is a side effect to read before committing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from crawler.ops.cli import result_document
from crawler.parse import parse_generic, parse_page
from tests.conftest import page_cases
from tests.test_corpus import load, manifest


def parse_everything() -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for case in page_cases():
        parsed[f"fixture:{case.id}"] = result_document(parse_page(case.meta["url"], case.body, case.headers()))
    for entry in manifest():
        url, body, headers = load(entry)
        parsed[f"corpus:{entry['file']}"] = result_document(parse_page(url, body, headers))
        parsed[f"generic:{entry['file']}"] = result_document(parse_generic(url, body, headers))
    return json.loads(json.dumps(parsed, ensure_ascii=False))  # as a saved file reads back


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    lines = []
    for page in sorted(before.keys() | after.keys()):
        old, new = before.get(page), after.get(page)
        if old is None or new is None:
            lines.append(f"{page}: {'new page' if old is None else 'gone'}")
            continue
        for field in sorted(old.keys() | new.keys()):
            if old.get(field) != new.get(field):
                shown = [json.dumps(v, ensure_ascii=False)[:200] for v in (old.get(field), new.get(field))]
                lines.append(f"{page} {field}: {shown[0]} -> {shown[1]}")
    return lines


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "save":
        parsed = parse_everything()
        Path(argv[1]).write_text(json.dumps(parsed, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        print(f"saved {len(parsed)} parses to {argv[1]}")
        return 0
    if len(argv) == 1:
        lines = differences(json.loads(Path(argv[0]).read_text(encoding="utf-8")), parse_everything())
        print("\n".join(lines) if lines else "no page changed")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
