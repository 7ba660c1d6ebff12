"""`python -m crawler <command>`: offline tools around the crawler.

parse   one saved page -> one JSON document on stdout (article item, list links, or why neither)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from crawler.extract import parse_page
from crawler.merge import merge_pages
from crawler.serialize import to_jsonable
from crawler.sites.base import ArticleResult, ListResult, OtherResult


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    return Path(path).read_bytes()


def result_document(result: ArticleResult | ListResult | OtherResult) -> dict[str, Any]:
    if isinstance(result, ArticleResult):
        return {"kind": "article", **to_jsonable(result.item)}
    if isinstance(result, ListResult):
        return {"kind": "list", "articles": result.articles, "next": result.next}
    return {"kind": "other", "reason": result.reason}


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m crawler", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)

    parse = commands.add_parser("parse", help="parse one saved page offline and print JSON")
    parse.add_argument("file", help="saved page (raw bytes as served), or - for stdin")
    parse.add_argument("--url", required=True, help="the URL the page was fetched from")
    parse.add_argument("--content-type", help='the HTTP Content-Type header, e.g. "text/html; charset=gbk"')
    parse.add_argument("--site", help="site key, when the URL's host does not say")
    parse.add_argument("--page", action="append", metavar="URL=FILE", help="a further page of the same story, merged in order")
    parse.add_argument("--pretty", action="store_true", help="indent the JSON")
    parse.set_defaults(func=cmd_parse)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))
