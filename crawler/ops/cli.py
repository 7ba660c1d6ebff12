"""`python -m crawler <command>`: offline tools around the crawler.

sites          the outlets `scrapy crawl headlines -a site=KEY` can select, with their headline pages
parse          one saved page -> one JSON document on stdout (article item, list links, or why neither)
export         every stored story (or run) as JSON Lines, from MongoDB or the embedded store
replay-spill   store the items an outage left in a spill file
cron           one scheduled crawl: lock, log file, resumable job, exit status from the run's health
report         the last runs per outlet as a table; --html writes a page with charts
reparse        re-extract the stories in WARC files with today's parsers and store them (no network)
migrate-keys   re-key a store to today's identity rules (after an upgrade that changes KEY_VERSION)
new-site       the files of a new outlet to fill in (docs/adding-an-outlet.md)
probe          each outlet's sources fetched once: what they give, what is blocked or dead (network)
clusters       who carried a story: clusters of one story across outlets, origin first, with the edits
pairs          zh<->en translation links, with their confidence and evidence
relink         rebuild clusters and translation links from the stored stories

Store commands use the crawl's settings: MONGO_URI (environment or -s) selects MongoDB, else the
embedded store at EMBEDDED_STORE_PATH.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pymongo.errors import PyMongoError
from scrapy.utils.project import get_project_settings

from crawler.extraction.merge import merge_pages
from crawler.extraction.results import ArticleResult, ListResult, OtherResult
from crawler.helpers.durations import parse_duration
from crawler.helpers.urls import KEY_VERSION
from crawler.items import to_jsonable
from crawler.ops import cron as cron_module
from crawler.parse import parse_page
from crawler.store import Store, StoreUnavailable, WriteReport, open_store
from crawler.store.writing import write_items

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapy.settings import Settings

T = TypeVar("T")


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    return Path(path).read_bytes()


def result_document(result: ArticleResult | ListResult | OtherResult) -> dict[str, Any]:
    if isinstance(result, ArticleResult):
        return {"kind": "article", **to_jsonable(result.item), "more_pages": result.more_pages}
    if isinstance(result, ListResult):
        document: dict[str, Any] = {"kind": "list", "articles": result.articles, "next": result.next}
        if result.listed_in != "html":  # what a feed, sitemap or JSON list adds
            document |= {"listed_in": result.listed_in, "published": result.published, "newest": result.newest}
            if result.alternates:
                document["alternates"] = result.alternates
        return document
    return {"kind": "other", "reason": result.reason}


def cmd_sites(args: argparse.Namespace) -> int:
    from crawler.discovery.sources import SOURCE_KINDS
    from crawler.sites import SITES

    if args.markdown:
        print("| key | outlet | languages | sources (read by default in bold) |")
        print("|---|---|---|---|")
        for site in SITES.values():
            groups = []
            for kind in SOURCE_KINDS:
                urls = [source.url for source in site.sources((kind,))]
                if urls:
                    label = f"**{kind}**" if kind in site.discover else kind
                    groups.append(f"{label}: " + "<br>".join(f"`{url}`" for url in urls))
            print(f"| `{site.key}` | {site.name} | {', '.join(site.languages)} | {'<br>'.join(groups)} |")
        return 0
    for site in SITES.values():
        print(f"{site.key:<12} {site.name}  [{', '.join(site.languages)}]  default: {','.join(site.discover)}")
        for source in site.sources(SOURCE_KINDS):
            print(f"{'':<12} {source.kind:<9} {source.url}")
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    headers = {"Content-Type": args.content_type} if args.content_type else {}
    try:
        body = _read(args.file)
        result = parse_page(args.url, body, headers, site=args.site)
        if isinstance(result, ArticleResult) and args.page:
            pages = [result]
            for url, path in (spec.split("=", 1) for spec in args.page):
                more = parse_page(url, _read(path), headers, site=args.site)
                if not isinstance(more, ArticleResult):
                    print(f"error: {path} is not an article page ({result_document(more)})", file=sys.stderr)
                    return 1
                pages.append(more)
            result = ArticleResult(item=merge_pages([p.item for p in pages]), more_pages=[])
        elif isinstance(result, ArticleResult) and result.more_pages:
            result.item.warnings.append(
                f"pages: {len(result.more_pages)} more page(s) not merged (pass --page URL=FILE): {', '.join(result.more_pages)}"
            )
    except OSError as error:
        print(f"error: cannot read {error.filename or args.file}: {error.strerror}", file=sys.stderr)
        return 2
    except ValueError as error:  # unknown --site, malformed --page
        print(f"error: {error}", file=sys.stderr)
        return 2
    json.dump(result_document(result), sys.stdout, ensure_ascii=False, indent=2 if args.pretty else None)
    sys.stdout.write("\n")
    return 0


def _settings(pairs: list[str] | None) -> Settings:
    settings = get_project_settings()
    for pair in pairs or []:
        name, _, value = pair.partition("=")
        settings.set(name, value, priority="cmdline")
    return settings


def _open(settings: Settings) -> Store | None:
    try:
        return open_store(settings)
    except StoreUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return None


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def cmd_export(args: argparse.Namespace) -> int:
    store = _open(_settings(args.set))
    if store is None:
        return 2
    count = 0
    with contextlib.ExitStack() as stack:
        stack.callback(store.close)
        output = stack.enter_context(Path(args.output).open("w", encoding="utf-8")) if args.output else sys.stdout
        for doc in store.runs() if args.runs else store.documents():
            output.write(json.dumps(doc, ensure_ascii=False, default=_json_default, sort_keys=True) + "\n")
            count += 1
    print(f"exported {count} {'runs' if args.runs else 'stories'} from the {store.describe()}", file=sys.stderr)
    return 0


def cmd_replay_spill(args: argparse.Namespace) -> int:
    store = _open(_settings(args.set))
    if store is None:
        return 2
    status = 0
    try:
        for name in args.files:
            path = Path(name)
            lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            # Quarantine files wrap each record with the reason the store gave ({"reason", "record"}).
            records = [line["record"] if set(line) == {"reason", "record"} else line for line in lines]
            report = WriteReport()
            for start in range(0, len(records), 100):
                report.merge(write_items(store, records[start : start + 100], datetime.now(UTC)))
            from crawler.linking.maintain import Linker  # ~0.9 s of imports other commands need not pay

            Linker(store).link(report.changed)
            summary = ", ".join(f"{outcome} {n}" for outcome, n in sorted(_by_outcome(report).items())) or "nothing"
            print(f"{path}: {len(records)} records: {summary}", file=sys.stderr)
            path.rename(path.with_name(path.name + ".replayed"))
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        status = 2
    except (StoreUnavailable, PyMongoError, sqlite3.Error) as error:
        print(f"error: the store failed, the spill file is kept: {error}", file=sys.stderr)
        status = 1
    finally:
        store.close()
    return status


def _by_outcome(report: WriteReport) -> dict[str, int]:
    totals: dict[str, int] = {}
    for (_, outcome), count in report.outcomes.items():
        totals[outcome] = totals.get(outcome, 0) + count
    return totals


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m crawler", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)

    listing = commands.add_parser("sites", help="list the outlets and their headline pages")
    listing.add_argument("--markdown", action="store_true", help="print the README's outlet table")
    listing.set_defaults(func=cmd_sites)

    parse = commands.add_parser("parse", help="parse one saved page offline and print JSON")
    parse.add_argument("file", help="saved page (raw bytes as served), or - for stdin")
    parse.add_argument("--url", required=True, help="the URL the page was fetched from")
    parse.add_argument("--content-type", help='the HTTP Content-Type header, e.g. "text/html; charset=gbk"')
    parse.add_argument("--site", help="site key, when the URL's host does not say")
    parse.add_argument("--page", action="append", metavar="URL=FILE", help="a further page of the same story, merged in order")
    parse.add_argument("--pretty", action="store_true", help="indent the JSON")
    parse.set_defaults(func=cmd_parse)

    export = commands.add_parser("export", help="dump the store to JSON Lines")
    export.add_argument("--output", "-o", help="file to write (default: stdout)")
    export.add_argument("--runs", action="store_true", help="export the runs collection instead of the stories")
    export.add_argument("--set", "-s", action="append", metavar="NAME=VALUE", help="a setting, as for scrapy crawl")
    export.set_defaults(func=cmd_export)

    replay = commands.add_parser("replay-spill", help="store the items an outage left in spill files")
    replay.add_argument("files", nargs="+", help="spill files (data/spill/spill-*.jsonl)")
    replay.add_argument("--set", "-s", action="append", metavar="NAME=VALUE", help="a setting, as for scrapy crawl")
    replay.set_defaults(func=cmd_replay_spill)
    cron = commands.add_parser("cron", help="one scheduled crawl (for crontab)", description=cron_module.__doc__,
                               formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    cron_module.add_arguments(cron)
    cron.set_defaults(func=cron_module.run)

    reparse = commands.add_parser("reparse", help="re-extract stories from WARC archives and store them")
    reparse.add_argument("warcs", nargs="+", help="WARC files or folders of them (data/warc)")
    reparse.add_argument("--site", default="all", help="outlets to re-extract (default: all)")
    reparse.add_argument("--set", "-s", action="append", metavar="NAME=VALUE", help="a setting, as for scrapy crawl")
    reparse.set_defaults(func=cmd_reparse)

    scaffold = commands.add_parser("new-site", help="write a new outlet's module, registration, fixtures folder and test")
    scaffold.add_argument("key", help="the outlet's key, lower case: gmw")
    scaffold.add_argument("--host", action="append", required=True, help="a host (registrable domain) of the outlet; repeatable")
    scaffold.add_argument("--name", default="", help='the outlet as people name it: "光明网 Guangming Online"')
    scaffold.add_argument("--language", action="append", default=[], help="a language tag it publishes in (default zh-Hans)")
    scaffold.add_argument("--start", action="append", default=[], help="a headline page to start from; repeatable")
    scaffold.set_defaults(func=cmd_new_site)

    migrate = commands.add_parser("migrate-keys", help="re-key a store to today's identity rules (KEY_VERSION)")
    migrate.add_argument("--dry-run", action="store_true", help="count what would change, change nothing")
    migrate.add_argument("--set", "-s", action="append", metavar="NAME=VALUE", help="a setting, as for scrapy crawl")
    migrate.set_defaults(func=cmd_migrate_keys)

    probe = commands.add_parser("probe", help="fetch each outlet's sources once and say what they give")
    probe.add_argument("--site", default="all", help="all (default) or comma-separated site keys")
    probe.add_argument("--replay", help="answer from saved pages or WARC files instead of the network")
    probe.add_argument("--json", action="store_true", help="one JSON record per source instead of the table")
    probe.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="a Scrapy setting (repeatable)")
    probe.set_defaults(func=cmd_probe)
    report = commands.add_parser("report", help="recent runs per outlet, as a table and an HTML page")
    report.add_argument("--runs", type=int, default=48, help="how many recent runs (default: 48)")
    report.add_argument("--html", metavar="FILE", help="also write an HTML report with charts")
    report.add_argument("--set", "-s", action="append", metavar="NAME=VALUE", help="a setting, as for scrapy crawl")
    report.set_defaults(func=cmd_report)

    clusters = commands.add_parser("clusters", help="clusters of one story across outlets: origin, copies, edits")
    clusters.add_argument("--site", help="only clusters with a story from this outlet")
    clusters.add_argument("--since", help="only clusters with a story first seen this recently (7d, 12h)")
    clusters.add_argument("--min-size", type=int, default=2, help="at least this many stories (default: 2)")
    clusters.add_argument("--json", action="store_true", help="one JSON record per cluster")
    clusters.add_argument("--set", "-s", action="append", metavar="NAME=VALUE", help="a setting, as for scrapy crawl")
    clusters.set_defaults(func=cmd_clusters)
    pairs = commands.add_parser("pairs", help="zh<->en translation links with their confidence")
    pairs.add_argument("--since", help="only pairs with a story first seen this recently (7d, 12h)")
    pairs.add_argument("--json", action="store_true", help="one JSON record per pair")
    pairs.add_argument("--set", "-s", action="append", metavar="NAME=VALUE", help="a setting, as for scrapy crawl")
    pairs.set_defaults(func=cmd_pairs)
    relink = commands.add_parser("relink", help="rebuild clusters and translation links from the stored stories")
    relink.add_argument("--set", "-s", action="append", metavar="NAME=VALUE", help="a setting, as for scrapy crawl")
    relink.set_defaults(func=cmd_relink)

    serve = commands.add_parser("serve", help="browse and search the store in a web browser (read-only)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8080, help="port (default: 8080)")
    serve.add_argument("--set", "-s", action="append", metavar="NAME=VALUE", help="a setting, as for scrapy crawl")
    serve.set_defaults(func=cmd_serve)
    reindex = commands.add_parser("reindex", help="build the reader's list and search index for stories stored before it")
    reindex.add_argument("--all", action="store_true", help="rebuild every entry, not only the missing or outdated ones")
    reindex.add_argument("--set", "-s", action="append", metavar="NAME=VALUE", help="a setting, as for scrapy crawl")
    reindex.set_defaults(func=cmd_reindex)
    return parser


def _since(value: str | None) -> timedelta | None:
    return parse_duration(value) if value else None


def _from_store(args: argparse.Namespace, read: Callable[[Store], T]) -> T | None:
    """`read` on the store the settings name, closed afterwards; None when it cannot be opened
    (the error is printed)."""
    store = _open(_settings(args.set))
    if store is None:
        return None
    try:
        return read(store)
    finally:
        store.close()


def _print(records: list[dict[str, Any]], lines: list[str], as_json: bool, summary: str) -> None:
    for line in [json.dumps(r, ensure_ascii=False, default=_json_default) for r in records] if as_json else lines:
        print(line)
    print(summary, file=sys.stderr)


def cmd_clusters(args: argparse.Namespace) -> int:
    from crawler.ops import links

    found = _from_store(args, lambda s: links.clusters(s, site=args.site, since=_since(args.since), min_size=args.min_size))
    if found is None:
        return 2
    _print(found, links.cluster_lines(found), args.json, f"{len(found)} clusters")
    return 0


def cmd_pairs(args: argparse.Namespace) -> int:
    from crawler.ops import links

    found = _from_store(args, lambda s: links.pairs(s, since=_since(args.since)))
    if found is None:
        return 2
    _print(found, links.pair_lines(found), args.json, f"{len(found)} translation pairs")
    return 0


def cmd_relink(args: argparse.Namespace) -> int:
    from crawler.ops import links

    report = _from_store(args, links.relink)
    if report is None:
        return 2
    print(json.dumps(dict(sorted(report.counts.items()))))
    return 0


def cmd_probe(args: argparse.Namespace) -> int:
    import os

    from crawler import sites
    from crawler.ops import probe

    try:
        sites.chosen(args.site)
    except ValueError as error:
        print(f"error: {error}; `python -m crawler sites` lists them", file=sys.stderr)
        return 2
    missing = [part for part in (args.replay or "").split(os.pathsep) if part and not Path(part).exists()]
    if missing:
        print(f"error: replay source not found: {missing[0]}", file=sys.stderr)
        return 2
    return probe.main(args.site, args.replay, args.json, args.set or [])


def cmd_reparse(args: argparse.Namespace) -> int:
    """A crawl over the archive: same spider, same pipelines (revisions apply), no network."""
    import os
    import subprocess
    import tempfile

    for path in args.warcs:
        if not Path(path).exists():
            print(f"error: {path} does not exist", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory() as scratch:
        stats_file = Path(scratch) / "stats.json"
        command = [sys.executable, "-m", "scrapy", "crawl", "headlines", "-a", f"site={args.site}", "-a", "reparse=1"]
        command += ["-a", f"replay={os.pathsep.join(str(Path(p).resolve()) for p in args.warcs)}"]
        command += ["-s", f"STATS_FILE={stats_file}"]
        for pair in args.set or []:
            command += ["-s", pair]
        done = subprocess.run(command, env=cron_module.crawl_environment(), check=False)
        if not stats_file.exists():
            print(f"error: the reparse crawl failed (exit status {done.returncode})", file=sys.stderr)
            return 2
        stats = json.loads(stats_file.read_text(encoding="utf-8"))
    store = {k.split("/", 1)[1]: v for k, v in stats.items() if k.startswith("store/") and isinstance(v, int)}
    summary = {
        "stories_in_archive": stats.get("reparse/stories_in_archive", 0),
        "items": stats.get("item_scraped_count", 0),
        "dropped": stats.get("item_dropped_count", 0),
        "store": store,
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if done.returncode == 0 else 2


def cmd_new_site(args: argparse.Namespace) -> int:
    from crawler.ops.scaffold import PROJECT, ScaffoldError, new_site

    try:
        written = new_site(args.key, args.host, args.name, args.language, args.start)
    except ScaffoldError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path.relative_to(PROJECT)}")
    print("next: docs/adding-an-outlet.md, step 3")
    return 0


def cmd_migrate_keys(args: argparse.Namespace) -> int:
    from crawler.ops.migrate import migrate_keys

    store = _open(_settings(args.set))
    if store is None:
        return 2
    try:
        counts = migrate_keys(store, dry_run=args.dry_run)
    finally:
        store.close()
    print(json.dumps({"key_version": KEY_VERSION, "dry_run": args.dry_run, **counts}, ensure_ascii=False))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from crawler.ops.report import causes, html_report, rows, text_table

    store = _open(_settings(args.set))
    if store is None:
        return 2
    try:
        runs = store.recent_runs(args.runs)
    finally:
        store.close()
    print(text_table(rows(runs)))
    if notes := causes(runs):
        print("\n" + "\n".join(notes))
    if args.html:
        Path(args.html).write_text(html_report(runs), encoding="utf-8")
        print(f"wrote {args.html}", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from crawler.ops.reader.serve import serve  # the web stack only when serving

    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    store = _open(_settings(args.set))
    if store is None:
        return 2
    try:
        return serve(store, args.host, args.port)
    finally:
        store.close()


def cmd_reindex(args: argparse.Namespace) -> int:
    written = _from_store(args, lambda store: (store.reindex(everything=args.all), store.catalog_size()))
    if written is None:
        return 2
    count, (stories, current) = written
    print(f"indexed {count} stories; {current} of {stories} stored stories are in the reader's index")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))
