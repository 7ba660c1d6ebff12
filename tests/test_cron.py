"""`python -m crawler cron` as crontab runs it: quiet when healthy, loud and non-zero when not,
never two at once; and `python -m crawler report` over what the runs recorded."""

from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path

from bench.faultserver import SiteServer
from bench.sitegen import START_URL, generate
from crawler.ops.cron import EXIT_DEGRADED, EXIT_FAILED, EXIT_LOCKED, EXIT_OK, verdict
from tests.live import FAST, live_env


def cron(tmp_path: Path, server: SiteServer, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "crawler", "cron", "--data", str(tmp_path / "data"), "--max-runtime", "5m", "--"]
    command += ["-a", "site=chinacomcn", "-s", f'HEADLINES_START_URLS={{"chinacomcn": ["{START_URL}"]}}']
    command += ["-s", f"EMBEDDED_STORE_PATH={tmp_path / 'store.sqlite3'}", "-s", f"SPILL_DIR={tmp_path / 'spill'}"]
    command += ["-s", f"WARC_DIR={tmp_path / 'warc'}", "-s", "HEALTH_MIN_HISTORY=2", *FAST, *extra]
    return subprocess.run(command, cwd=tmp_path, env=live_env(server), capture_output=True, text=True, timeout=300, check=False)


def report(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "crawler", "report", "-s", f"EMBEDDED_STORE_PATH={tmp_path / 'store.sqlite3'}", *extra]
    return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)


def test_healthy_runs_are_quiet_a_broken_site_is_reported_and_runs_never_overlap(tmp_path: Path) -> None:
    generate(tmp_path / "site", articles=30)
    with SiteServer.from_folder(tmp_path / "site") as server:
        for _ in range(3):
            done = cron(tmp_path, server)
            assert done.returncode == EXIT_OK, done.stderr
            assert done.stdout == "" and done.stderr == "", "a healthy run must print nothing (cron mails output)"

        # The channel page is redesigned: the list no longer yields article links.
        listing = tmp_path / "site" / "list1.html"
        listing.write_bytes(listing.read_bytes().replace(b"<li><a href=", b"<li><a data-href="))
        server.pages = type(server).from_folder(tmp_path / "site").pages
        broken = cron(tmp_path, server)
        assert broken.returncode == EXIT_DEGRADED, broken.stderr
        assert "degraded:" in broken.stderr and "chinacomcn: links: 0 against a median of 33" in broken.stderr

        # A run still holding the lock keeps the next one out.
        lock_path = tmp_path / "data" / "cron.lock"
        with lock_path.open("a") as held:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            locked = cron(tmp_path, server)
        assert locked.returncode == EXIT_LOCKED
        assert "another crawl holds" in locked.stderr

    logs = sorted((tmp_path / "data" / "logs").glob("run-*.log"))
    assert len(logs) == 4, "one log file per run"
    assert all(log.with_suffix(".stats.json").exists() for log in logs)

    table = report(tmp_path, "--html", str(tmp_path / "report.html"))
    assert table.returncode == 0, table.stderr
    rows, _, notes = table.stdout.partition("\n\n")
    lines = rows.splitlines()
    assert lines[0].split()[:4] == ["run", "started", "outlet", "health"]
    assert [line.split()[4] for line in lines[2:]] == ["DEGRADED", "ok", "ok", "ok"]  # newest first
    assert notes.splitlines() == [f"{lines[2].split()[0]} DEGRADED: chinacomcn: links: 0 against a median of 33"]
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 2  # stories per day, and coverage for the one outlet
    assert "<polyline" in page and '<tr class="degraded">' in page
    assert page.index("<table>") < page.index("<svg"), "the table comes first"


def test_a_run_that_reads_nothing_fails_with_its_cause_first_and_stands_out_in_the_report(tmp_path: Path) -> None:
    generate(tmp_path / "site", articles=5)
    with SiteServer.from_folder(tmp_path / "site") as server:
        gone = "http://news.china.com.cn/node_404.htm"  # every start page answers 404
        failed = cron(tmp_path, server, "-s", f'HEADLINES_START_URLS={{"chinacomcn": ["{gone}"]}}')
    assert failed.returncode == EXIT_FAILED
    first, *rest = failed.stderr.splitlines()
    assert first == "failed: no list page could be read for any outlet (HTTP 404: have the start pages moved?)"
    assert rest[-1].startswith("log: ")
    table = report(tmp_path)
    rows, _, notes = table.stdout.partition("\n\n")
    assert [line.split()[4] for line in rows.splitlines()[2:]] == ["FAILED"]
    assert notes.strip().endswith("FAILED: " + first.removeprefix("failed: "))


def test_a_usage_error_reaches_crons_output_as_its_cause(tmp_path: Path) -> None:
    generate(tmp_path / "site", articles=1)
    with SiteServer.from_folder(tmp_path / "site") as server:
        done = cron(tmp_path, server, "-a", "site=nosuch")
    assert done.returncode == EXIT_FAILED
    assert done.stderr.splitlines()[0].startswith("failed: unknown site 'nosuch'; known: cgtn, chinacomcn")
    assert report(tmp_path).stdout.strip() == "no runs recorded yet"  # it never started


def test_verdict_maps_runs_to_exit_statuses() -> None:
    healthy = {"finish_reason": "finished", "health/status": "ok", "health/findings": []}
    assert verdict(0, healthy) == (EXIT_OK, [])
    status, lines = verdict(
        0, {**healthy, "health/status": "degraded", "health/findings": ["xinhua: links: 0 against a median of 40"]}
    )
    assert status == EXIT_DEGRADED and "xinhua: links: 0 against a median of 40" in lines
    assert verdict(0, {**healthy, "finish_reason": "closespider_timeout"})[0] == EXIT_DEGRADED
    assert verdict(0, {**healthy, "store/spilled": 3, "store/spill_file": "s.jsonl"})[0] == EXIT_DEGRADED
    status, lines = verdict(0, {**healthy, "jobdir/unclean_queue_discarded": 1, "store/recovered_from_journal": 7})
    assert status == EXIT_DEGRADED
    assert "previous crawl was killed" in lines[1] and "stored 7 stories from its journal" in lines[1]
    assert verdict(1, healthy)[0] == EXIT_FAILED
    assert verdict(0, {**healthy, "finish_reason": "shutdown"})[0] == EXIT_FAILED
    assert verdict(0, None) == (EXIT_FAILED, ["failed: the crawl wrote no stats (exit status 0)"])
    assert verdict(2, None, "some warning\nerror: unknown site 'x'\n") == (EXIT_FAILED, ["failed: unknown site 'x'"])
    failed = {**healthy, "run/status": "failed", "run/cause": "no list page could be read for any outlet"}
    assert verdict(1, failed) == (EXIT_FAILED, ["failed: no list page could be read for any outlet"])


def test_the_report_shows_every_run_and_marks_what_was_not_fine() -> None:
    from crawler.ops.report import causes, rows

    def run(run_id: str, status: str, **extra: object) -> dict[str, object]:
        return {"_id": run_id, "started_at": f"2026-11-0{run_id[-1]}T00:00:00+00:00", "status": status, **extra}

    site = {"pages": {"list": 2}, "links": {"articles": 9}}
    runs = [
        run("r5", "running"),  # killed before it recorded its end
        run("r4", "stopped", sites={"xinhua": site}, cause="the crawl was stopped before it finished (shutdown)"),
        run("r3", "failed", cause="the store is unavailable (x)"),  # failed at start: no outlet reached
        run("r2", "finished", sites={"xinhua": site, "people": site},
            health={"findings": [{"site": "people", "message": "links: 0 against a median of 30"}]}),
        run("r1", "finished", sites={"xinhua": site}),
    ]  # fmt: skip
    table = rows(runs)
    assert [(r["run"], r["outlet"], r["health"]) for r in table] == [
        ("r5", "-", "RUNNING?"),
        ("r4", "xinhua", "STOPPED"),
        ("r3", "-", "FAILED"),
        ("r2", "people", "DEGRADED"),
        ("r2", "xinhua", "ok"),
        ("r1", "xinhua", "ok"),
    ]
    assert causes(runs) == [
        "r5 RUNNING?: no end recorded (still running, or killed)",
        "r4 STOPPED: the crawl was stopped before it finished (shutdown)",
        "r3 FAILED: the store is unavailable (x)",
        "r2 DEGRADED: people: links: 0 against a median of 30",
    ]
