"""`python -m crawler cron`: one scheduled crawl, safe to start every hour.

- Takes an exclusive lock (flock on data/cron.lock) so runs never overlap; a run that finds the lock
  taken exits at once with status 75 (EX_TEMPFAIL) and says which process holds it.
- Runs `scrapy crawl headlines` with a log file per run (data/logs/), the final stats beside it,
  a job directory (data/job) so a run that was stopped resumes its queue, and CLOSESPIDER_TIMEOUT
  so a run ends (gracefully, resumably) before the next one is due.
- Prints nothing when the run is healthy (cron mails any output). Otherwise it prints why, the
  first cause first, and exits 1 when the run is degraded (crawler.runtime.health) and 2 when it failed
  (the run's verdict, crawler.runtime.outcome: nothing read, store unavailable, stopped on an error; or it
  crashed before writing stats).
- Keeps the logs of the last --keep-logs runs.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from crawler.helpers.durations import parse_duration

PROJECT = Path(__file__).resolve().parents[1]

EXIT_OK, EXIT_DEGRADED, EXIT_FAILED, EXIT_LOCKED = 0, 1, 2, 75


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default="data", help="folder for the lock, logs and job directory (default: data)")
    parser.add_argument("--max-runtime", default="50m", help="stop the crawl gracefully after this long (default: 50m)")
    parser.add_argument("--keep-logs", type=int, default=24 * 14, help="log files of this many runs are kept (default: 336)")
    parser.add_argument("scrapy_args", nargs=argparse.REMAINDER, help="passed to scrapy crawl, after --, e.g. -- -a site=xinhua")


def crawl_environment() -> dict[str, str]:
    """The environment for a `scrapy crawl` child run in the caller's working directory: relative
    paths (--data, data/headlines.sqlite3, data/warc) mean the same to both processes, and the
    project is found by its settings module rather than by a scrapy.cfg in that directory."""
    env = dict(os.environ)
    env.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT), env.get("PYTHONPATH", "")) if p)
    return env


def _lock(path: Path) -> IO[str] | None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()} {datetime.now(UTC).isoformat()}\n")
    handle.flush()
    return handle


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip() or "unknown"
    except OSError:
        return "unknown"


def _prune(logs: Path, keep: int) -> None:
    runs = sorted(logs.glob("run-*.log"))
    for old in runs[: max(0, len(runs) - keep)]:
        old.unlink(missing_ok=True)
        old.with_suffix(".stats.json").unlink(missing_ok=True)


def _last_line(text: str) -> str | None:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1].removeprefix("error: ") if lines else None


def first_error(log: Path) -> str | None:
    """The first ERROR line of a run's log, without its time stamp."""
    try:
        with log.open(encoding="utf-8", errors="replace") as lines:
            for line in lines:
                if "] ERROR: " in line:
                    return line.split("] ERROR: ", 1)[1].strip()
    except OSError:
        return None
    return None


def verdict(
    returncode: int, stats: dict[str, Any] | None, stderr: str = "", first_error: str | None = None
) -> tuple[int, list[str]]:
    """Exit status and the lines to print, from the crawl's exit code, final stats and stderr
    (whose last line is the crawl's own verdict when it failed). The first line is the cause."""
    if stats is None:
        # The crawl ended before it could write stats: a usage error, or a crash.
        cause = _last_line(stderr) or f"the crawl wrote no stats (exit status {returncode})"
        return EXIT_FAILED, [f"failed: {cause}"]
    reason = stats.get("finish_reason")
    if stats.get("run/status") == "failed":
        return EXIT_FAILED, [f"failed: {stats.get('run/cause') or reason}"]
    if returncode != 0 or reason not in ("finished", "closespider_timeout"):
        cause = stats.get("run/cause") or _last_line(stderr) or f"finish reason {reason}"
        return EXIT_FAILED, [f"failed: {cause} (exit status {returncode})"]
    lines = [str(line) for line in stats.get("health/findings") or []]
    if reason == "closespider_timeout":
        lines.append("the crawl hit --max-runtime and stopped early; the next run resumes its queue")
    if stats.get("jobdir/unclean_queue_discarded"):
        # The killed run could not say so itself (SIGKILL, OOM, reboot): this run does.
        lines.append(
            "the previous crawl was killed before it closed; this run read the lists again and stored"
            f" {stats.get('store/recovered_from_journal', 0)} stories from its journal"
        )
    if stats.get("store/spilled"):
        lines.append(
            f"{stats['store/spilled']} items were spilled: python -m crawler replay-spill {stats.get('store/spill_file')}"
        )
    if stats.get("store/quarantined"):
        lines.append(f"{stats['store/quarantined']} stories could not be stored; each is kept, with why, in a quarantine file")
    if errors := stats.get("log_count/ERROR", 0):
        lines.append(f"{errors} ERROR line(s) in the log" + (f"; the first: {first_error}" if first_error else ""))
    if stats.get("health/status") == "degraded" or lines:
        return EXIT_DEGRADED, ["degraded:", *lines]
    return EXIT_OK, []


def run(args: argparse.Namespace) -> int:
    data = Path(args.data).resolve()
    lock_path = data / "cron.lock"
    lock = _lock(lock_path)
    if lock is None:
        print(f"another crawl holds {lock_path} ({_holder(lock_path)}); not starting", file=sys.stderr)
        return EXIT_LOCKED
    try:
        logs = data / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
        log_file, stats_file = logs / f"run-{stamp}.log", logs / f"run-{stamp}.stats.json"
        passthrough = [a for a in args.scrapy_args if a != "--"]
        command = [
            sys.executable, "-m", "scrapy", "crawl", "headlines",
            "-s", f"LOG_FILE={log_file}",
            "-s", f"STATS_FILE={stats_file}",
            "-s", f"JOBDIR={data / 'job'}",
            "-s", f"CLOSESPIDER_TIMEOUT={int(parse_duration(args.max_runtime).total_seconds())}",
            *passthrough,
        ]  # fmt: skip
        # The log goes to its file; what the crawl prints (its verdict line when it fails) is kept
        # for the verdict here, so that a healthy run prints nothing.
        completed = subprocess.run(command, env=crawl_environment(), check=False, capture_output=True, text=True)
        stats = json.loads(stats_file.read_text(encoding="utf-8")) if stats_file.exists() else None
        status, lines = verdict(completed.returncode, stats, completed.stderr, first_error(log_file))
        if lines:
            print("\n".join([*lines, f"log: {log_file}"]), file=sys.stderr)
        _prune(logs, args.keep_logs)
        return status
    finally:
        lock.close()
