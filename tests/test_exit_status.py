"""`scrapy crawl headlines` says, by its exit status and its last line, whether it achieved anything.

Each failure a user can meet is run as they would meet it: a subprocess in a scratch folder. The last
line on stderr names the cause and what to do; a user's mistake prints no traceback and no noise
after it; a run that did nothing is recorded as failed, never as finished.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.runtime.outcome import EXIT_FAILED, EXIT_OK, EXIT_USAGE, RunOutcome, assess
from crawler.sites import SITES
from crawler.store import EmbeddedStore
from tests.conftest import FIXTURES, subprocess_env
from tests.servers import free_port

SITE = FIXTURES / "chinacomcn"
KNOWN = ", ".join(sorted(SITES))  # every registered outlet, in order
NOISE = ("Traceback", "Task exception was never retrieved", "cannot record the run", "AssertionError")


def scrapy_crawl(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", "headlines", *args]
    command += ["-s", f"EMBEDDED_STORE_PATH={tmp_path / 'store.sqlite3'}", "-s", f"WARC_DIR={tmp_path / 'warc'}"]
    return subprocess.run(
        command, cwd=tmp_path, env=subprocess_env(env), capture_output=True, text=True, timeout=180, check=False
    )


def runs(tmp_path: Path) -> list[dict[str, object]]:
    store = EmbeddedStore(tmp_path / "store.sqlite3")
    store.open()
    try:
        return list(store.runs())
    finally:
        store.close()


def test_an_unknown_site_key_is_one_line_and_status_2(tmp_path: Path) -> None:
    done = scrapy_crawl(tmp_path, "-a", "site=chinacomcn,nosuch")
    assert done.returncode == EXIT_USAGE
    assert done.stderr.splitlines() == [f"error: unknown site 'nosuch'; known: {KNOWN}; `python -m crawler sites` lists them"]
    assert not (tmp_path / "store.sqlite3").exists(), "nothing may start for a usage error"


def test_an_unknown_discovery_source_is_one_line_and_status_2(tmp_path: Path) -> None:
    done = scrapy_crawl(tmp_path, "-a", "discover=lists,rss")
    assert done.returncode == EXIT_USAGE
    assert done.stderr.splitlines() == ["error: unknown discovery source 'rss'; choose from lists, feeds, sitemaps, all"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["-a", "replay=nothing-here"],
            "error: replay source not found: nothing-here; give a folder of saved pages or WARC files",
        ),
        (["-a", "reparse=1"], "error: reparse needs replay=ARCHIVE: it reads stories from an archive, never from the network"),
        (["-a", "max_pages=none"], "error: max_pages must be a whole number above 0, not 'none'"),
    ],
)
def test_bad_arguments_are_one_line_and_status_2(tmp_path: Path, arguments: list[str], message: str) -> None:
    done = scrapy_crawl(tmp_path, *arguments)
    assert (done.returncode, done.stderr.splitlines()) == (EXIT_USAGE, [message])


def test_a_crawl_that_reads_no_list_page_fails_and_is_recorded_as_failed(tmp_path: Path) -> None:
    empty = tmp_path / "empty-archive"
    empty.mkdir()
    done = scrapy_crawl(tmp_path, "-a", "site=chinacomcn", "-a", f"replay={empty}")
    assert done.returncode == EXIT_FAILED
    cause = "no list page could be read for any outlet (HTTP 404: have the start pages moved?)"
    assert done.stderr.splitlines()[-1] == f"error: {cause}"
    assert not any(noise in done.stderr for noise in NOISE), done.stderr[-3000:]
    (run,) = runs(tmp_path)
    assert (run["status"], run["cause"], run["finish_reason"]) == ("failed", cause, "finished")


def test_an_unreachable_store_is_one_clear_line_without_follow_on_noise(tmp_path: Path) -> None:
    uri = f"mongodb://headlines:s3cret-passw0rd@127.0.0.1:{free_port()}/"
    started = time.monotonic()
    done = scrapy_crawl(tmp_path, "-a", f"replay={SITE}", "-s", "MONGO_SERVER_TIMEOUT_MS=500", env={"MONGO_URI": uri})
    assert time.monotonic() - started < 60
    assert done.returncode == EXIT_FAILED
    last = done.stderr.splitlines()[-1]
    assert last.startswith("error: the store is unavailable (cannot use MongoDB mongodb://***@127.0.0.1:")
    assert last.endswith("Connection refused); check MONGO_URI, or unset it to store into the embedded store")
    assert not any(noise in done.stderr for noise in NOISE), done.stderr[-3000:]
    assert "s3cret-passw0rd" not in done.stderr + done.stdout


def test_a_finished_replay_exits_0_with_nothing_after_the_log(tmp_path: Path) -> None:
    done = scrapy_crawl(tmp_path, "-a", "site=chinacomcn", "-a", f"replay={SITE}")
    assert done.returncode == EXIT_OK, done.stderr[-3000:]
    assert done.stderr.splitlines()[-1].endswith("Spider closed (finished)")
    (run,) = runs(tmp_path)
    assert (run["status"], run["cause"]) == ("finished", None)


def test_a_reparse_of_an_archive_without_stories_fails(tmp_path: Path) -> None:
    empty = tmp_path / "empty-archive"
    empty.mkdir()
    done = scrapy_crawl(tmp_path, "-a", f"replay={empty}", "-a", "reparse=1")
    assert done.returncode == EXIT_FAILED
    assert done.stderr.splitlines()[-1] == (
        "error: the archive holds no story of the selected outlets; check the WARC files and --site"
    )


# -- the verdict itself ---------------------------------------------------------------------------


def test_the_verdict_reads_the_close_reason_and_what_was_read() -> None:
    read = {"site/xinhua/pages/list": 2, "site/xinhua/pages/article": 5}
    assert assess("finished", read, ["xinhua"]) == RunOutcome("finished")
    assert assess("closespider_timeout", read, ["xinhua"]).status == "stopped"
    assert assess("shutdown", read, ["xinhua"]).exit_code == EXIT_OK
    # Only other pages (a start page that is not a list) is nothing read.
    nothing = {"site/xinhua/pages/other/not_a_list": 3, "site/xinhua/errors/CannotResolveHostError": 4,
               "site/xinhua/errors/http_500": 1, "site/people/errors/http_403": 9}  # fmt: skip
    outcome = assess("finished", nothing, ["xinhua"])
    assert outcome == RunOutcome("failed", "no list page could be read for any outlet (DNS lookup failed: no network?)")
    assert outcome.exit_code == EXIT_FAILED
    # A shutdown before anything was read achieved nothing either.
    assert assess("shutdown", {}, ["xinhua"]).cause == "no list page could be read for any outlet"
    assert assess("cancelled", read, ["xinhua"]) == RunOutcome("failed", "the crawl stopped on an error (cancelled); see the log")
    assert assess("disk_full", {**read, "run/cause": "cannot write data/spill"}, ["xinhua"]).cause == (
        "the crawl stopped on an error (disk_full): cannot write data/spill; see the log"
    )
    assert assess("store_unavailable", {"run/cause": "the store is unavailable (x)"}, ["xinhua"]) == RunOutcome(
        "failed", "the store is unavailable (x)"
    )
    assert assess("finished", {"reparse/stories_in_archive": 3}, ["xinhua"], reparse=True).status == "finished"


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("RECHECK_AFTER=soon", "error: RECHECK_AFTER: not a duration: 'soon' (use seconds, or a number with s, m, h or d)"),
        ("STORE_BATCH_SIZE=0", "error: STORE_BATCH_SIZE must be 1 or more, not 0"),
        ("DOWNLOAD_DELAY=fast", "error: DOWNLOAD_DELAY must be a number, not 'fast'"),
        ("HEADLINES_MAX_CRAWL_DELAY=-1", "error: HEADLINES_MAX_CRAWL_DELAY must not be negative, not -1.0"),
        ("HEADLINES_MAX_CRAWL_DELAY=soon", "error: HEADLINES_MAX_CRAWL_DELAY must be a number of seconds, not 'soon'"),
        ("HEADLINES_MAX_LINK_AGE=a month", "error: HEADLINES_MAX_LINK_AGE: not a duration: 'a month' (use seconds, or a number with s, m, h or d)"),
        ("DISTRIBUTED=kafka", "error: DISTRIBUTED='kafka': the only distributed mode is 'redis' (or leave it unset)"),
        ('HEADLINES_START_URLS={"xinhau": []}', f"error: HEADLINES_START_URLS: unknown site 'xinhau'; known: {KNOWN}"),
        ('HEADLINES_START_URLS={"xinhua": "https://www.news.cn/"}',
         "error: HEADLINES_START_URLS['xinhua'] must be a list of http(s) URLs"),
    ],
)  # fmt: skip
def test_a_setting_no_crawl_can_run_with_is_one_line_and_status_2(tmp_path: Path, setting: str, message: str) -> None:
    done = scrapy_crawl(tmp_path, "-s", setting)
    assert (done.returncode, done.stderr.splitlines()) == (EXIT_USAGE, [message])


def test_a_mongo_uri_that_cannot_be_parsed_is_one_line_without_its_password(tmp_path: Path) -> None:
    done = scrapy_crawl(tmp_path, "-s", "MONGO_URI=mongodb://archive:pass/word@db.example:27017/")
    assert done.returncode == EXIT_USAGE
    (line,) = done.stderr.splitlines()
    assert line.startswith("error: MONGO_URI mongodb://***@db.example:27017/ is not a MongoDB URI: ")
    assert line.endswith("percent-encode reserved characters (: / ? # [ ] @) in the user name and password")
    assert "pass" not in line.replace("password", "")


def test_a_wrong_spider_name_or_none_is_status_2(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "headline"], cwd=tmp_path, env=subprocess_env(), capture_output=True,
        text=True, timeout=60, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stderr.splitlines()[-1]) == (
        EXIT_USAGE,
        "error: no spider named 'headline'; this project's spider is headlines",
    )
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl"], cwd=tmp_path, env=subprocess_env(), capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == EXIT_USAGE
    assert done.stderr.splitlines()[-1].endswith("error: give one spider: scrapy crawl headlines")


def test_a_crawl_that_cannot_start_fails_with_its_last_line_saying_so(tmp_path: Path) -> None:
    done = scrapy_crawl(tmp_path, "-a", f"replay={SITE}", "-s", 'ITEM_PIPELINES={"pipelines.nosuch.Pipeline": 1}')
    assert done.returncode == EXIT_FAILED
    assert done.stderr.splitlines()[-1] == "error: the crawl could not start; the log says why"
    assert "No module named 'pipelines.nosuch'" in done.stderr


def test_a_crawl_with_no_way_out_fails_in_one_summary_line_without_tracebacks(tmp_path: Path) -> None:
    # Every connection refused (a proxy that is not there): what a crawl on a machine without
    # network meets. robots.txt failures are logged in one line each, not with 40-line tracebacks.
    closed = f"http://127.0.0.1:{free_port()}"
    done = scrapy_crawl(tmp_path, "-a", "site=qiushi", "-s", "RETRY_TIMES=0", env={"http_proxy": closed, "https_proxy": closed})
    assert done.returncode == EXIT_FAILED
    cause = "no list page could be read for any outlet (connections refused: is a proxy or firewall in the way?)"
    assert done.stderr.splitlines()[-1] == f"error: {cause}"
    assert not any(noise in done.stderr for noise in NOISE), done.stderr[-3000:]
    assert "Error downloading" in done.stderr  # the robots.txt failure is there, in one line
