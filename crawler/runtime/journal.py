"""Write-ahead journal of the items the store pipeline holds in memory.

The store pipeline writes in batches, so at any moment up to a batch of parsed stories exists only
in memory. A crawl killed with SIGKILL (an OOM killer, a reboot of the container, `kill -9` from an
impatient operator) would lose them, and an incremental rerun would not fetch them again if their
pages had dropped off the lists. Each record is therefore appended to a journal file first; once a
batch is durably in the store (or in a spill file) the journal is rewritten without it.

Each running crawl holds an exclusive `flock` on its journal. A journal nobody holds belongs to a
crawl that died: the next crawl stores its records (through the same idempotent rules) and deletes
it. Writes are flushed to the OS after each record, which survives the death of the process; a
torn last line (killed mid-write) is skipped.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from pathlib import Path
from typing import IO, Any

logger = logging.getLogger(__name__)

PATTERN = "journal-*.jsonl"


class Journal:
    def __init__(self, directory: str | Path, run_id: str) -> None:
        self.path = Path(directory) / f"journal-{run_id}.jsonl"
        self._file: IO[str] | None = None
        # Each record's line as appended, by the record's identity (the record is held too, so its
        # id cannot be reused meanwhile): `reset` rewrites the records still pending without
        # encoding them again, which cost as much as appending them.
        self._lines: dict[int, tuple[dict[str, Any], str]] = {}

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Read-write, not append mode: in append mode every write goes to the end whatever the
        # position, and `reset` would add the pending records again instead of rewriting the file.
        self.path.touch()
        self._file = self.path.open("r+", encoding="utf-8")
        fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._file.seek(0, os.SEEK_END)

    def append(self, record: dict[str, Any]) -> None:
        assert self._file is not None, "journal not open"
        line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
        self._lines[id(record)] = (record, line)
        self._file.write(line)
        self._file.flush()

    def reset(self, records: list[dict[str, Any]]) -> None:
        """Keep only `records`: those not yet durably stored.

        They are written over the start of the file and the rest is cut off afterwards: overwriting
        blocks the file already has needs no new space, so this works on a full disk, where
        truncating first and then failing to write would lose the records from the journal."""
        assert self._file is not None, "journal not open"
        kept: dict[int, tuple[dict[str, Any], str]] = {}
        lines = []
        for record in records:
            known = self._lines.get(id(record))
            line = known[1] if known and known[0] is record else json.dumps(record, ensure_ascii=False, default=str) + "\n"
            kept[id(record)] = (record, line)
            lines.append(line)
        self._lines = kept
        self._file.seek(0)
        self._file.writelines(lines)
        self._file.flush()
        self._file.truncate()

    def keep(self) -> None:
        """Close the journal without deleting it: what it holds was not stored. With its lock
        released it is an orphan, which the next crawl claims and stores first."""
        if self._file is None:
            return
        with contextlib.suppress(OSError):  # a full disk: what is on it stays, torn lines are skipped on reading
            self._file.close()
        self._file = None

    def close(self) -> None:
        """Delete the journal: everything in it reached the store or a spill file."""
        if self._file is None:
            return
        self.path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # deleted already: a failing last flush loses nothing
            self._file.close()
        self._file = None


def claim_orphans(directory: str | Path) -> list[tuple[Path, IO[str]]]:
    """Journals no running crawl holds (left by crawls that died), each locked for recovery so two
    starting crawls do not both replay it. Release each with `release`."""
    claimed: list[tuple[Path, IO[str]]] = []
    for path in sorted(Path(directory).glob(PATTERN)):
        try:
            handle = path.open("r", encoding="utf-8")
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()  # a live crawl holds it
            continue
        claimed.append((path, handle))
    return claimed


def read(path: Path) -> list[dict[str, Any]]:
    """The whole records of a journal. A line torn by a crash or a full disk (cut mid-record, even
    mid-character) is skipped and logged, never a reason to refuse to start."""
    return read_counting(path)[0]


def read_counting(path: Path) -> tuple[list[dict[str, Any]], int]:
    """The whole records of a journal, and how many torn lines were skipped."""
    records: list[dict[str, Any]] = []
    torn = 0
    with path.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                torn += 1
                logger.warning(
                    "journal %s: line %d is torn (written when the crawl died or the disk filled); skipped", path, number
                )
                continue
            if isinstance(record, dict):
                records.append(record)
            else:
                torn += 1
    return records, torn


def release(handle: IO[str], path: Path, *, delete: bool) -> None:
    if delete:
        path.unlink(missing_ok=True)
    handle.close()
