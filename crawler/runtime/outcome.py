"""Did a crawl achieve anything? One verdict, from its close reason and its stats, for every reader.

The run recorder stores it (`status`, `cause`), `scrapy crawl` turns it into the exit status and
the last line on stderr, and cron prints its cause. A run that read no list page of any selected
outlet (no network, every start page gone or blocked), stopped because the store or the disk
failed, or ended for a reason Scrapy gives only on errors, is `failed` and says why in one line
that also says what to do. Pure: a mapping of stats in, a verdict out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

Status = Literal["finished", "stopped", "failed"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# Close reasons of a run that ended as asked: all its work done, or stopped by the operator or a
# limit the operator set (cron's --max-runtime is CLOSESPIDER_TIMEOUT).
FINISHED_REASONS = frozenset({"finished"})
STOPPED_REASONS = frozenset({"shutdown", "closespider_timeout", "closespider_itemcount", "closespider_pagecount"})
STORE_UNAVAILABLE = "store_unavailable"
CAUSE_STAT = "run/cause"
STATUS_STAT = "run/status"

# What an error stat means to the person reading the last line, and what to do about it.
_ERROR_HINTS = {
    "CannotResolveHostError": "DNS lookup failed: no network?",
    "DNSLookupError": "DNS lookup failed: no network?",
    "DownloadConnectionRefusedError": "connections refused: is a proxy or firewall in the way?",
    "ConnectionRefusedError": "connections refused: is a proxy or firewall in the way?",
    "DownloadTimeoutError": "requests timed out: slow or no network?",
    "TimeoutError": "requests timed out: slow or no network?",
    "TCPTimedOutError": "requests timed out: slow or no network?",
    "ResponseNeverReceived": "connections dropped before an answer",
    "DownloadFailedError": "downloads failed",
    "http_403": "HTTP 403: the outlets refuse this crawler (blocked?)",
    "http_404": "HTTP 404: have the start pages moved?",
    "forbidden_by_robots_txt": "robots.txt forbids the start pages",
}


@dataclass(frozen=True)
class RunOutcome:
    status: Status
    cause: str | None = None
    """One line: what went wrong and what to do; None when nothing did."""

    @property
    def exit_code(self) -> int:
        return EXIT_FAILED if self.status == "failed" else EXIT_OK


def _site_figure(stats: Mapping[str, object], site: str, *path: str) -> int:
    prefix = "/".join(("site", site, *path))
    total = 0
    for name, value in stats.items():
        if (name == prefix or name.startswith(prefix + "/")) and isinstance(value, int | float):
            total += int(value)
    return total


def dominant_error(stats: Mapping[str, object], sites: Iterable[str]) -> str | None:
    """The commonest request failure of the selected outlets, as a reader would put it."""
    counts: Counter[str] = Counter()
    for name, value in stats.items():
        parts = name.split("/")
        if len(parts) == 4 and parts[0] == "site" and parts[1] in sites and parts[2] in ("errors", "ignored", "blocked"):
            counts[parts[3]] += int(value) if isinstance(value, int | float) else 0
    if not counts:
        return None
    name, _ = counts.most_common(1)[0]
    return _ERROR_HINTS.get(name, name.replace("_", " "))


def assess(reason: str | None, stats: Mapping[str, object], sites: Iterable[str], *, reparse: bool = False) -> RunOutcome:
    """The verdict on one run of `scrapy crawl headlines` over `sites` (their keys)."""
    keys = list(sites)
    recorded = stats.get(CAUSE_STAT)
    if reason == STORE_UNAVAILABLE:
        return RunOutcome(
            "failed", str(recorded or "the store is unavailable; check MONGO_URI, or unset it for the embedded store")
        )
    if reason is None:
        return RunOutcome("failed", "the crawl could not start; the log says why")
    if reason not in FINISHED_REASONS | STOPPED_REASONS:
        detail = f": {recorded}" if recorded else ""
        return RunOutcome("failed", f"the crawl stopped on an error ({reason}){detail}; see the log")
    if reparse:
        if not stats.get("reparse/stories_in_archive"):
            return RunOutcome("failed", "the archive holds no story of the selected outlets; check the WARC files and --site")
    elif not any(_site_figure(stats, key, "pages", "list") + _site_figure(stats, key, "pages", "article") for key in keys):
        error = dominant_error(stats, keys)
        because = f" ({error})" if error else ""
        return RunOutcome("failed", f"no list page could be read for any outlet{because}")
    if reason in STOPPED_REASONS:
        return RunOutcome("stopped", f"the crawl was stopped before it finished ({reason}); the next run continues")
    return RunOutcome("finished")
