"""`python -m crawler new-site`: a new outlet's files, registered, and a test that fails until filled in."""

from __future__ import annotations

import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from crawler.ops.scaffold import ScaffoldError, new_site
from tests.conftest import ROOT, subprocess_env

if TYPE_CHECKING:
    from pathlib import Path

_NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "data", "__pycache__", ".*_cache", "out", "fixtures")


def test_a_new_outlet_is_registered_and_its_test_says_what_to_fill_in(tmp_path: Path) -> None:
    copy = tmp_path / "checkout"
    shutil.copytree(ROOT, copy, ignore=_NOT_COPIED)
    written = new_site("demo", ["www.demo.example"], "演示网 Demo", ["zh-Hans"], [], root=copy)
    assert [p.relative_to(copy).as_posix() for p in written] == [
        "crawler/sites/demo.py", "crawler/sites/__init__.py", "tests/fixtures/demo", "tests/test_site_demo.py",
    ]  # fmt: skip
    env = subprocess_env({"PYTHONPATH": str(copy)})
    listed = subprocess.run(
        [sys.executable, "-m", "crawler", "sites"], cwd=copy, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert listed.returncode == 0, listed.stderr
    assert "demo         演示网 Demo  [zh-Hans]" in listed.stdout and "https://www.demo.example/" in listed.stdout
    for tool in (["ruff", "check", "crawler/sites"], ["mypy", "crawler/sites/demo.py"]):
        done = subprocess.run(
            [str(ROOT / ".venv" / "bin" / tool[0]), *tool[1:]], cwd=copy, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr
    test = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_site_demo.py"],
        cwd=copy, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert test.returncode == 1
    assert "write real article URLs of the outlet in ARTICLE_URLS" in test.stdout
    with pytest.raises(ScaffoldError, match=r"crawler/sites/demo\.py exists already"):
        new_site("demo", ["demo.example"], "", [], [], root=copy)


@pytest.mark.parametrize(("key", "hosts", "message"), [("Demo", ["d.example"], "lower-case"), ("demo", [], "--host")])
def test_a_bad_key_or_no_host_is_refused(key: str, hosts: list[str], message: str) -> None:
    with pytest.raises(ScaffoldError, match=message):
        new_site(key, hosts, "", [], [], root=ROOT)
