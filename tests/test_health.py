"""Run health: an outlet's figures against the median of its recent runs (crawler.runtime.health)."""

from __future__ import annotations

import random
from typing import Any

from crawler.runtime.health import Thresholds, assess, summary


def site_figures(*, articles: int = 40, links: int = 60, zh: float = 1.0, editor: float = 0.9, credited: float = 0.8,
                 dropped: int = 0, errors: int = 0, lists: int = 3) -> dict[str, Any]:  # fmt: skip
    return {
        "pages": {"list": lists, "article": articles + dropped},
        "links": {"articles": links},
        "articles": articles,
        "coverage": {
            "title": articles,
            "body_zh": round(articles * zh),
            "editor": round(articles * editor),
            "published_time": articles,
            "site_parser": articles,
        },
        "photos": {"captioned": 30, "credited": round(30 * credited)},
        "dropped": {"MissingBody": dropped} if dropped else {},
        "errors": {"http_500": errors} if errors else {},
    }


def history(runs: int = 10, seed: int = 1) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [
        {"xinhua": site_figures(articles=rng.randint(30, 50), links=rng.randint(55, 70), editor=rng.uniform(0.85, 0.95))}
        for _ in range(runs)
    ]


def checks(findings: list[Any]) -> set[str]:
    return {f.check for f in findings}


def test_ordinary_variation_is_healthy() -> None:
    for seed in range(20):
        current = history(1, seed=100 + seed)[0]
        assert assess(current, history(), ["xinhua"]) == [], seed


def test_a_template_change_that_empties_bodies_is_degraded() -> None:
    findings = assess({"xinhua": site_figures(zh=0.1)}, history(), ["xinhua"])
    assert checks(findings) == {"coverage/body_zh"}
    assert findings[0].baseline == 1.0
    assert summary(findings)["status"] == "degraded"


def test_editors_that_vanish_are_noticed() -> None:
    assert checks(assess({"xinhua": site_figures(editor=0.0)}, history(), ["xinhua"])) == {"coverage/editor"}


def test_credits_that_stop_parsing_are_noticed() -> None:
    assert checks(assess({"xinhua": site_figures(credited=0.1)}, history(), ["xinhua"])) == {"coverage/photos_credited"}


def test_lists_that_lose_their_links_are_noticed() -> None:
    assert "links" in checks(assess({"xinhua": site_figures(links=8, articles=5)}, history(), ["xinhua"]))


def test_without_history_only_outright_failures_count() -> None:
    assert assess({"xinhua": site_figures(zh=0.0)}, [], ["xinhua"]) == []
    assert checks(assess({"xinhua": site_figures(lists=0)}, [], ["xinhua"])) == {"lists"}
    assert checks(assess({"xinhua": site_figures(articles=4, dropped=16)}, [], ["xinhua"])) == {"drops"}
    assert checks(assess({"xinhua": site_figures(articles=1, errors=30)}, [], ["xinhua"])) == {"errors"}
    # An outlet that produced no figures at all was not read: its lists failed.
    assert checks(assess({}, [], ["xinhua"])) == {"lists"}


def test_a_quiet_hour_is_not_a_failure_but_pages_that_stop_parsing_are() -> None:
    # Incremental runs: few new stories is normal while the lists still carry their links ...
    assert assess({"xinhua": site_figures(articles=2, links=60)}, history(), ["xinhua"]) == []
    # ... but fetched article pages that no longer become articles are a template change.
    broken = site_figures(articles=2, links=60)
    broken["pages"]["other"] = {"no_article_body": 18}
    assert checks(assess({"xinhua": broken}, history(), ["xinhua"])) == {"article_yield"}


def test_history_threshold_is_respected() -> None:
    few = history(2)
    assert assess({"xinhua": site_figures(zh=0.0)}, few, ["xinhua"]) == []
    assert assess({"xinhua": site_figures(zh=0.0)}, few, ["xinhua"], Thresholds(min_history=2)) != []
