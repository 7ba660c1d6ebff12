"""Rewrite expected outputs from the current parser: `python -m tests.regen chinacomcn/<stem> ...`.

Never run it blind: read the diff (`git diff tests/fixtures`) and check every changed value against
the page before committing. With no argument it lists the cases.
"""

from __future__ import annotations

import json
import sys

from crawler.ops.cli import result_document
from crawler.parse import parse_response
from tests.conftest import FIXTURES, Case, page_cases


def main(argv: list[str]) -> int:
    if not argv:
        for case in page_cases():
            print(case.id)
        return 0
    for name in argv:
        case = Case(FIXTURES / name)
        document = result_document(parse_response(case.response()))
        case.expected_path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {case.expected_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
