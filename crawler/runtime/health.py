"""Is this run healthy? Per outlet, its figures against the median of its recent runs.

A run is `degraded` when, for some outlet,
- no list page could be read (its start pages fail or no longer parse as lists);
- the article links found on its lists fall well below their median (the count that is comparable
  between runs: new stories per run swing between a backfill and a quiet hour, links do not);
- the share of fetched article pages that became articles (the yield) falls well below its median;
- a field's coverage (share of articles with a zh body, an editor, a credited caption, …) falls
  well below its median: the signature of a template change;
- most parsed pages were dropped, or most requests failed;
- the outlet refused us (a WAF page, a challenge, a captcha, a 429: blocked/<reason>);
- a feed, sitemap or JSON list read has stopped updating (sources/stale/<kind>).
The first and the last four need no history; the others wait for HEALTH_MIN_HISTORY earlier runs.
Pure functions over the `sites` part of run documents (crawler.runtime.extensions.per_site).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from statistics import median
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.items import Article


# Per-article fields: the share of articles that have them.
ARTICLE_FIELDS = (
    "title",
    "body_zh",
    "body_en",
    "photos",
    "editor",
    "reporter_or_author",
    "source",
    "published_at",
    "published_time",
    "site_parser",
)


def article_fields(item: Article) -> set[str]:
    roles = {b.role for b in item.bylines}
    present = {
        "title": any(item.title.values()),
        "body_zh": bool(item.body.get("zh")),
        "body_en": bool(item.body.get("en")),
        "photos": bool(item.photos),
        "editor": "editor" in roles,
        "reporter_or_author": bool(roles & {"reporter", "author", "commentator"}),
        "source": bool(item.source),
        "published_at": bool(item.published_at),
        "published_time": item.published_precision in ("second", "minute"),
        "site_parser": item.parser != "generic",
    }
    return {name for name, value in present.items() if value}


@dataclass(frozen=True)
class Thresholds:
    min_history: int = 3
    """Earlier finished runs needed before comparing with the median."""
    min_sample: int = 5
    """Fewer articles (or links, photos) than this are too few to judge a share."""
    links_ratio: float = 0.5
    """Links below this fraction of their median: degraded."""
    coverage_ratio: float = 0.5
    """A field's share below this fraction of its median share ..."""
    coverage_gap: float = 0.2
    """... and at least this many points below it: degraded."""
    failure_share: float = 0.5
    """Dropped pages or failed requests above this share: degraded."""


@dataclass(frozen=True)
class Finding:
    site: str
    check: str
    message: str
    value: float
    baseline: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def figure(node: dict[str, Any], *path: str) -> float:
    """A per-site figure by path (`figure(site, "store", "inserted")`); a subtree sums its leaves."""
    value: Any = node
    for part in path:
        if not isinstance(value, dict):
            return 0.0
        value = value.get(part, 0)
    if isinstance(value, dict):
        return float(sum(figure(value, key) for key in value))
    return float(value or 0)


def _share(node: dict[str, Any], numerator: tuple[str, ...], denominator: tuple[str, ...], min_sample: int) -> float | None:
    total = figure(node, *denominator)
    return figure(node, *numerator) / total if total >= min_sample else None


def _checks(site: dict[str, Any], t: Thresholds) -> dict[str, tuple[float | None, str]]:
    """Figures compared with history: name -> (value or None when too few to judge, kind)."""
    fetched = figure(site, "pages", "article") + figure(site, "pages", "other") + figure(site, "pages", "list_at_article_url")
    figures: dict[str, tuple[float | None, str]] = {
        "links": (figure(site, "links", "articles"), "count"),
        "article_yield": (figure(site, "articles") / fetched if fetched >= t.min_sample else None, "share"),
        "coverage/photos_credited": (_share(site, ("photos", "credited"), ("photos", "captioned"), t.min_sample), "share"),
    }
    for field in ARTICLE_FIELDS:
        figures[f"coverage/{field}"] = (_share(site, ("coverage", field), ("articles",), t.min_sample), "share")
    return figures


def assess(
    current: dict[str, Any], history: list[dict[str, Any]], sites: list[str], thresholds: Thresholds | None = None
) -> list[Finding]:
    """Findings for this run's per-site figures, given the per-site figures of earlier finished runs."""
    t = thresholds or Thresholds()
    findings: list[Finding] = []
    for key in sites:
        site = current.get(key, {})
        findings.extend(_immediate(key, site, t))
        past = [run[key] for run in history if key in run]
        if len(past) < t.min_history:
            continue
        now = _checks(site, t)
        before = [_checks(run, t) for run in past]
        for name, (value, kind) in now.items():
            baseline_values = [v for b in before if (v := b[name][0]) is not None]
            if value is None or len(baseline_values) < t.min_history:
                continue
            baseline = median(baseline_values)
            if finding := _compare(key, name, kind, value, baseline, t=t):
                findings.append(finding)
    return findings


def _immediate(key: str, site: dict[str, Any], t: Thresholds) -> list[Finding]:
    findings: list[Finding] = []
    if figure(site, "pages", "list") == 0:
        findings.append(Finding(key, "lists", "no list page could be read", 0.0))
    dropped = figure(site, "dropped")
    parsed = figure(site, "articles") + dropped
    if parsed >= t.min_sample and dropped / parsed > t.failure_share:
        findings.append(Finding(key, "drops", f"{dropped:.0f} of {parsed:.0f} parsed articles dropped", dropped / parsed))
    if blocked := site.get("blocked"):
        reasons = ", ".join(f"{reason} ({figure(blocked, reason):.0f})" for reason in sorted(blocked))
        findings.append(Finding(key, "blocked", f"the outlet refused us: {reasons}", figure(site, "blocked")))
    if stale := site.get("sources", {}).get("stale"):
        kinds = ", ".join(sorted(stale))
        findings.append(
            Finding(key, "stale_sources", f"stale {kinds}: newest entry older than HEADLINES_STALE_SOURCE_AFTER", figure(stale))
        )
    errors = figure(site, "errors")
    attempted = figure(site, "pages") + errors
    if attempted >= t.min_sample and errors / attempted > t.failure_share:
        findings.append(Finding(key, "errors", f"{errors:.0f} of {attempted:.0f} requests failed", errors / attempted))
    return findings


def _compare(key: str, name: str, kind: str, value: float, baseline: float, *, t: Thresholds) -> Finding | None:
    if kind == "count":
        if baseline >= t.min_sample and value < t.links_ratio * baseline:
            return Finding(key, name, f"{name}: {value:.0f} against a median of {baseline:.0f}", value, baseline)
        return None
    if baseline >= t.coverage_gap and value < t.coverage_ratio * baseline and baseline - value >= t.coverage_gap:
        return Finding(key, name, f"{name}: {value:.0%} against a median of {baseline:.0%}", value, baseline)
    return None


def summary(findings: list[Finding]) -> dict[str, Any]:
    return {"status": "degraded" if findings else "ok", "findings": [f.as_dict() for f in findings]}
