"""Per-page extraction time next to its floor (lxml.html.fromstring) and to trafilatura.

    python -m bench.extract_bench [--repeat 5] [--synthetic 200]

Two page sets, both raw bytes with their URL and Content-Type, as the crawler receives them:
  fixtures     every page in tests/fixtures (our pages modelled on the nine outlets' templates)
  synthetic    pages of the generated benchmark site (bench.sitegen: UTF-8, GBK, Big5 gateway copies)

For each page, each contender runs `--repeat` times and the fastest run counts (the least disturbed
by the machine). Printed per set: total milliseconds per page for

  lxml.html.fromstring   decode + parse only: the floor (target: headlines <= 2x)
  headlines parse_page   what the spider calls: routing, extraction, captions, bylines, dates
  trafilatura.extract    the best general-purpose extractor, same decoded text (target: headlines
                         >= 10x faster)

the generic extractor against the site layouts on the real pages of ../shared/corpus, with their
real URLs (target: generic within 3x of the layouts) and, outlet by outlet, each against the floor
(targets: layouts <= 4x, generic <= 8x), and, for pages of 10 000, 100 000 and 1 000 000 paragraphs (`--huge`), the seconds each takes: the
bound (crawler.extraction.decoding.MAX_ELEMENTS) refuses the two large ones after lxml's parse; without it the
time per paragraph stays flat, extraction being linear in the page's size.
"""

from __future__ import annotations

import argparse
import json
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import lxml.html
from scrapy.http import HtmlResponse

from bench.sitegen import VirtualSite
from crawler.parse import parse_page

if TYPE_CHECKING:
    from collections.abc import Callable

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
Page = tuple[str, bytes, dict[str, str]]


def fixture_pages() -> list[Page]:
    pages = []
    for meta_path in sorted(FIXTURES.glob("*/*.meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        html = meta_path.with_name(meta_path.name.removesuffix(".meta.json") + ".html")
        if not html.exists():  # robots.txt fixtures
            continue
        body = html.read_bytes()
        headers = {"Content-Type": meta["content_type"]} if meta.get("content_type") else {}
        pages.append((meta["url"], body, headers))
    return pages


def synthetic_pages(count: int) -> list[Page]:
    site = VirtualSite(count)
    pages = []
    for url in site.links[:count]:
        page = site.render(url)
        if page is not None:
            pages.append((page.url, page.body, {"Content-Type": page.content_type}))
    return pages


def decoded(page: Page) -> str:
    """The page as Scrapy decodes it (header, BOM, meta charset, gb2312 -> gb18030)."""
    url, body, headers = page
    return HtmlResponse(url, body=body, headers=headers).text


def _floor(page: Page) -> Any:
    return lxml.html.fromstring(decoded(page))


def fastest(work: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def measure(pages: list[Page], repeat: int) -> dict[str, float]:
    """Milliseconds per page for each contender, summed over the set and divided by its size."""
    import trafilatura  # imported here so that `--help` stays quick

    texts = [decoded(page) for page in pages]
    totals = {"lxml.html.fromstring": 0.0, "headlines parse_page": 0.0, "trafilatura.extract": 0.0}
    for page, text in zip(pages, texts, strict=True):
        url, body, headers = page
        totals["lxml.html.fromstring"] += fastest(partial(_floor, page), repeat)
        totals["headlines parse_page"] += fastest(partial(parse_page, url, body, headers), repeat)
        totals["trafilatura.extract"] += fastest(partial(trafilatura.extract, text, url=url), repeat)
    # Decoding is part of the floor and of ours; trafilatura gets the text ready-made.
    return {name: 1000 * total / len(pages) for name, total in totals.items()}


def report(name: str, pages: list[Page], repeat: int) -> None:
    ms = measure(pages, repeat)
    floor, ours, trafilatura = ms["lxml.html.fromstring"], ms["headlines parse_page"], ms["trafilatura.extract"]
    size = sum(len(page[1]) for page in pages) / len(pages) / 1024
    print(f"{name}: {len(pages)} pages, {size:.1f} KiB each on average")
    for contender, value in ms.items():
        print(f"  {contender:<24} {value:8.3f} ms/page")
    print(f"  headlines / floor        {ours / floor:8.1f}x  (target <= 2)")
    print(f"  trafilatura / headlines  {trafilatura / ours:8.1f}x  (target >= 10)")


def corpus_pages() -> list[Page]:
    """The real pages in ../shared/corpus with their real URLs (none when it is absent)."""
    from tests.test_corpus import load, manifest

    try:
        return [load(entry) for entry in manifest() if entry.get("page_kind") == "article"]
    except FileNotFoundError:
        return []


def report_generic(pages: list[Page], repeat: int) -> None:
    """The generic extractor against the site layouts on the same real pages (target: <= 3x)."""
    from crawler.parse import parse_generic

    if not pages:
        print("corpus: ../shared/corpus is not here; generic-path figures skipped")
        return
    layout = generic = 0.0
    rows = []
    # Pages a site layout reads: on the others parse_page is the generic extractor already.
    pages = [page for page in pages if getattr(getattr(parse_page(*page), "item", None), "parser", "generic") != "generic"]
    for url, body, headers in pages:
        ours = fastest(partial(parse_page, url, body, headers), repeat)
        fallback = fastest(partial(parse_generic, url, body, headers), repeat)
        layout, generic = layout + ours, generic + fallback
        rows.append((fallback / ours, url, 1000 * ours, 1000 * fallback))
    print(f"corpus: {len(pages)} real pages, the crawler's parse (site layouts) against the generic extractor alone")
    print(f"  {'parse_page':<24} {1000 * layout / len(pages):8.3f} ms/page")
    print(f"  {'parse_generic':<24} {1000 * generic / len(pages):8.3f} ms/page")
    print(f"  generic / layouts        {generic / layout:8.1f}x  (target <= 3)")
    worst = sorted(rows, reverse=True)[:3]
    for ratio, url, ours_ms, generic_ms in worst:
        print(f"    {ratio:5.1f}x  {ours_ms:6.2f} ms -> {generic_ms:6.2f} ms  {url}")


def report_outlets(pages: list[Page], repeat: int) -> None:
    """Per outlet, on the real pages: the crawler's parse and the generic extractor alone, each
    against the floor (targets: site layouts <= 4x, generic <= 8x)."""
    from urllib.parse import urlsplit

    from crawler.parse import parse_generic

    if not pages:
        return
    rows: dict[tuple[str, str], list[float]] = {}
    for page in pages:
        url, body, headers = page
        parser = getattr(getattr(parse_page(*page), "item", None), "parser", None) or "generic"
        path = "generic" if parser == "generic" else "layout"
        outlet = parser.split(":")[0] if path == "layout" else urlsplit(url).hostname or url
        floor = fastest(partial(_floor, page), repeat)
        ours = fastest(partial(parse_page, url, body, headers), repeat)
        generic = fastest(partial(parse_generic, url, body, headers), repeat)
        totals = rows.setdefault((path, outlet), [0.0, 0.0, 0.0, 0.0])
        for index, value in enumerate((floor, ours, generic, 1.0)):
            totals[index] += value
    print("corpus by outlet: ms per page; parse_page and parse_generic against the floor (targets: layouts <= 4x, generic <= 8x)")
    print(f"  {'path':<8} {'outlet':<22} {'pages':>5} {'floor':>7} {'parse':>7} {'ratio':>6} {'generic':>8} {'ratio':>6}")
    sums = {"layout": [0.0, 0.0, 0.0], "generic": [0.0, 0.0, 0.0]}
    for (path, outlet), (floor, ours, generic, count) in sorted(rows.items()):
        print(
            f"  {path:<8} {outlet:<22} {int(count):>5} {1000 * floor / count:7.2f} {1000 * ours / count:7.2f} {ours / floor:5.1f}x"
            f" {1000 * generic / count:8.2f} {generic / floor:5.1f}x"
        )
        for index, value in enumerate((floor, ours, generic)):
            sums[path][index] += value
    for path, (floor, ours, generic) in sums.items():
        if floor:
            print(f"  {path} pages, all outlets: parse / floor {ours / floor:.1f}x, generic / floor {generic / floor:.1f}x")


def huge_page(paragraphs: int) -> Page:
    """One article page with `paragraphs` paragraphs: what a hostile (or broken) server may send."""
    body = "".join(f"<p>第{n}段。国家主席习近平会见外宾。</p>" for n in range(paragraphs))
    html = f"<html><head><meta charset='utf-8'><title>长</title></head><body><h1>长</h1><div id='artibody'>{body}</div></body></html>"
    return ("http://news.china.com.cn/2025-06/05/content_1.htm", html.encode(), {"Content-Type": "text/html; charset=utf-8"})


def report_huge(sizes: list[int]) -> None:
    """Seconds per page against its paragraph count: with the default bound (a page past
    MAX_ELEMENTS is refused after the parse) and without it (every paragraph read)."""
    from crawler.extraction.decoding import MAX_ELEMENTS
    from crawler.parse import build_response as response_of
    from crawler.parse import parse_response

    print(f"huge pages: seconds per page (bound: {MAX_ELEMENTS} elements)")
    print(
        f"  {'paragraphs':>10}  {'MiB':>6}  {'lxml floor':>10}  {'bounded':>8}  {'outcome':<10}  {'unbounded':>9}  per paragraph"
    )
    for size in sizes:
        page = huge_page(size)
        floor = fastest(partial(_floor, page), 1)
        started = time.perf_counter()
        bounded = parse_response(response_of(*page))
        bounded_seconds = time.perf_counter() - started
        started = time.perf_counter()
        parse_response(response_of(*page), max_elements=10**9)
        unbounded = time.perf_counter() - started
        outcome = getattr(bounded, "code", bounded.kind)
        print(
            f"  {size:>10}  {len(page[1]) / 2**20:6.1f}  {floor:10.3f}  {bounded_seconds:8.3f}  {outcome:<10}  {unbounded:9.3f}"
            f"  {1e6 * unbounded / size:6.1f} µs"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs per page; the fastest counts")
    parser.add_argument("--synthetic", type=int, default=200, help="generated stories to measure")
    parser.add_argument("--huge", default="10000,100000,1000000", help="paragraph counts of the huge-page rows ('' for none)")
    args = parser.parse_args()
    report("fixtures", fixture_pages(), args.repeat)
    report("synthetic", synthetic_pages(args.synthetic), args.repeat)
    real = corpus_pages()
    report_generic(real, args.repeat)
    report_outlets(real, args.repeat)
    if args.huge:
        report_huge([int(n) for n in args.huge.split(",")])


if __name__ == "__main__":
    main()
