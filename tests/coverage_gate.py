"""`python -m tests.coverage_gate`: print the coverage table and fail when a module is below 90 %.

Run after `coverage run -m pytest` and `coverage combine` (make test does both). Every module of
crawler/, spiders/ and pipelines/ counts, including ones no test imports (they show 0 %).
"""

from __future__ import annotations

import sys
from pathlib import Path

import coverage

MINIMUM = 90.0
ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("crawler", "spiders", "pipelines")


def main() -> int:
    cov = coverage.Coverage()
    cov.load()
    total = cov.report(file=sys.stdout)
    below = []
    for path in sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py")):
        _, statements, _, missing, _ = cov.analysis2(str(path))
        if statements and (covered := 100.0 * (len(statements) - len(missing)) / len(statements)) < MINIMUM:
            below.append(f"{path.relative_to(ROOT)} {covered:.0f} %")
    print(f"coverage: {total:.1f} % in all; every module needs {MINIMUM:.0f} %")
    if below:
        print("below the minimum: " + ", ".join(below), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
