"""The write-ahead journal survives its process being killed outright, record by record."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.runtime import journal
from tests.conftest import subprocess_env

# Appends N records, then the process kills itself with SIGKILL: no buffer is flushed at exit.
_KILLED_WRITER = """
import os, signal, sys
from crawler.runtime.journal import Journal
log = Journal(sys.argv[1], "killed")
log.open()
for n in range(int(sys.argv[2])):
    log.append({"type": "article", "key": f"k{n}", "title": {"zh": "标题" * 50}})
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("count", [1, 7, 250])
def test_every_record_appended_before_a_sigkill_is_in_the_journal(tmp_path: Path, count: int) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_WRITER, str(tmp_path), str(count)], env=subprocess_env(), capture_output=True, check=False
    )
    assert done.returncode == -signal.SIGKILL
    (path,) = tmp_path.glob("journal-*.jsonl")
    assert [record["key"] for record in journal.read(path)] == [f"k{n}" for n in range(count)]
    # Nobody holds the dead writer's journal: the next crawl claims it for recovery.
    claimed = journal.claim_orphans(tmp_path)
    assert [p for p, _ in claimed] == [path]
    for claimed_path, handle in claimed:
        journal.release(handle, claimed_path, delete=True)
    assert not path.exists()


def test_reset_keeps_exactly_the_records_still_pending(tmp_path: Path) -> None:
    """`reset` rewrites the pending records from the lines appended (not encoding them again),
    and encodes a record it was never given; a record's line is its own, whatever ids Python reuses."""
    log = journal.Journal(tmp_path, "reset")
    log.open()
    records = [{"type": "article", "key": f"k{n}", "title": {"zh": "标题"}} for n in range(5)]
    for record in records:
        log.append(record)
    never_appended = {"type": "removal", "url": "http://news.china.com.cn/x.htm", "status": 404}
    log.reset([records[3], never_appended, records[1]])
    assert journal.read(log.path) == [records[3], never_appended, records[1]]
    del records[:3]  # k0..k2 stored and gone: their ids may be handed to new records
    fresh = [{"type": "article", "key": f"new{n}"} for n in range(50)]
    log.reset([*fresh, records[0]])
    assert journal.read(log.path) == [*fresh, records[0]]
    log.reset([])
    assert journal.read(log.path) == []
    log.close()
