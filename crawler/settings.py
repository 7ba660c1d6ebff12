"""Scrapy settings for headlines. Every knob lives here; environment variables are read here only.

Settings are grouped; each group's switch comes first. Override any of them with `-s NAME=VALUE`.
"""

from __future__ import annotations

import os

from crawler.store.secrets import Secret

BOT_NAME = "headlines"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# --- Politeness: state-media sites are public infrastructure; crawl them gently and identifiably ---
ROBOTSTXT_OBEY = True
# robots.txt's Crawl-delay is honoured in full (People's asks for 120 s): a run that cannot finish
# under it reads fewer pages, never faster. Setting a number here caps it: an explicit override, logged
# and counted (politeness/crawl_delay_overridden/<host>) on every run that uses it.
HEADLINES_MAX_CRAWL_DELAY: float | None = None
# Identify the crawler and give site operators a way to reach whoever runs it.
HEADLINES_CONTACT = os.environ.get("HEADLINES_CONTACT", "set HEADLINES_CONTACT to an e-mail address")
USER_AGENT = f"headlines/0.1 (research archive of state-media headlines; +{HEADLINES_CONTACT})"
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_DELAY = 1.0
# The spider puts every request of an outlet (all its hosts and its Big5 gateway) into one download
# slot named after the outlet, so these limits are per outlet, not per host.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_SLOTS: dict[str, dict[str, float]] = {}
COOKIES_ENABLED = False

# Names that resolve to private, loopback or link-local addresses are refused (crawler/guard.py).
TWISTED_DNS_RESOLVER = "crawler.runtime.guard.PublicOnlyResolver"

# --- Robustness ---
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024  # an article page over 8 MiB is not an article page
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
REDIRECT_MAX_TIMES = 5

# --- The crawl ---
# In-run de-duplication, kept across a stop and its continuation only (see crawler/dupefilter.py).
DUPEFILTER_CLASS = "crawler.runtime.dupefilter.RunDupeFilter"
# How many pages of each headline list to read per run; cron runs need only the newest pages.
HEADLINES_MAX_LIST_PAGES = 5
# A story printed over more pages than this is stored with its first ones and a warning: a pager that
# never ends must not grow one item (and its stored document) without bound.
HEADLINES_MAX_STORY_PAGES = 20
# Per-site start pages, overriding the site module's: {"chinacomcn": ["http://…/node_1.htm"]}.
HEADLINES_START_URLS: dict[str, list[str]] = {}
# Links a feed, sitemap or JSON list dates older than this are not followed (counted in
# links/older_than_limit): sitemaps and JSON lists reach back years. 0: follow them all (a backfill).
HEADLINES_MAX_LINK_AGE = "30d"
# A feed, sitemap or JSON list whose newest entry is older than this is stale: reported in the run's
# health (sources/stale/<kind>), its links still read. 0: never judged stale.
HEADLINES_STALE_SOURCE_AFTER = "7d"
# Each response yields at most one item; Scrapy's default of 100 only costs scheduling work.
CONCURRENT_ITEMS = 1
# Scrapy reads a generator callback's source (inspect + ast) to warn about `return value`; its cache
# is keyed weakly on the bound method, which every request holds a fresh copy of, so it re-parses
# the spider's source over and over: ~3 % of a fast crawl's reactor time. tests/test_spider.py
# checks the callbacks instead (no generator of ours returns a value).
WARN_ON_GENERATOR_RETURN_VALUE = False

# --- Item pipelines: normalise -> validate -> deduplicate -> count field coverage -> store ---
ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.validate.ValidatePipeline": 200,
    "pipelines.dedup.DedupPipeline": 300,
    "pipelines.coverage.CoveragePipeline": 350,
    "pipelines.store.StorePipeline": 900,
}
VALIDATE_MIN_BODY_CHARS = 20

# --- Storage: MongoDB when MONGO_URI is set, else the embedded SQLite file ---
STORE_ENABLED = True  # -s STORE_ENABLED=0 for a feed-only run (-O items.jsonl)
# Wrapped so Scrapy's "Overridden settings" log line shows it redacted (see crawler/addons.py for -s).
MONGO_URI = Secret(os.environ.get("MONGO_URI", ""))
MONGO_DATABASE = os.environ.get("MONGO_DATABASE", "headlines")
MONGO_COLLECTION = "articles"  # also <collection>_urls and <collection>_hashes
MONGO_RUNS_COLLECTION = "runs"
MONGO_SERVER_TIMEOUT_MS = 5000
EMBEDDED_STORE_PATH = os.environ.get("EMBEDDED_STORE_PATH", "data/headlines.sqlite3")
STORE_BATCH_SIZE = 100
# A story's document is kept under this many bytes (MongoDB's limit is 16 MiB): its oldest revisions
# move to the <collection>_history collection (article_history table) first.
STORE_DOCUMENT_BUDGET = 8 * 1024 * 1024
STORE_FLUSH_SECONDS = 5.0
STORE_RETRY_TIMES = 5
STORE_RETRY_BACKOFF = 0.5  # seconds, doubled per attempt
# Clusters across outlets and zh<->en translation links, kept after each batch (crawler/linking/);
# `python -m crawler relink` rebuilds them.
STORE_LINKS = True
SPILL_DIR = "data/spill"

# --- Incremental runs ---
INCREMENTAL_ENABLED = True  # stored article pages are not fetched again; list pages always are
RECHECK_AFTER = 0  # e.g. "6h": refetch stored stories last fetched that long ago (0: never)
RECHECK_WINDOW = "3d"  # ... but only stories first fetched within this window
MISSING_RETRY_AFTER = "1d"  # an article link that answered 404 is tried again after this
HEADLINES_MAX_RECHECKS = 5000  # stored stories a recheck run asks for again, listed or not
DOWNLOADER_MIDDLEWARES = {
    # First to see a request: only an outlet's own hosts are ever fetched (crawler/guard.py).
    "crawler.runtime.guard.OutletGuardMiddleware": 10,
    # Last to see a response: only pages that reached the spider are parsed in a worker.
    "crawler.runtime.offload.ExtractionOffloadMiddleware": 40,
    "crawler.runtime.middlewares.SkipStoredMiddleware": 50,
    # After it: only story pages that will be downloaded wait while the store is behind.
    "crawler.runtime.backpressure.StoreBackpressureMiddleware": 55,
    # robots.txt, Crawl-delay included (Scrapy's own middleware ignores it).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.runtime.politeness.PoliteRobotsTxtMiddleware": 100,
    # Before Scrapy's RedirectMiddleware (600) in response order: a loop is an error, not a silent drop,
    # and a redirect off the outlet is refused and counted (crawler/guard.py).
    "crawler.runtime.middlewares.RedirectLoopMiddleware": 650,
    # A story's URL redirected to a home or list page: removed, not followed (crawler/middlewares.py).
    "crawler.runtime.middlewares.RedirectedStoryMiddleware": 640,
    "crawler.runtime.guard.RedirectGuardMiddleware": 660,
    # Next to the downloader: sees every exchange as it happened (3xx, 5xx, compressed bodies).
    "crawler.runtime.warc.WarcArchiveMiddleware": 880,
}
ADDONS = {"crawler.runtime.addons.HeadlinesAddon": 0}
# `scrapy crawl` with exit statuses that say whether the run achieved anything (crawler/commands/crawl.py).
COMMANDS_MODULE = "crawler.runtime.commands"
# Worker processes that parse pages (crawler/offload.py); 0 parses on the reactor thread. Worth it
# when the crawl is CPU-bound (backfills, benchmarks), not behind politeness delays.
EXTRACT_PROCESSES = int(os.environ.get("EXTRACT_PROCESSES", "0"))

# --- Archive: every request and response as WARC (replayable: -a replay=FILE, python -m crawler reparse) ---
WARC_ENABLED = True
WARC_DIR = os.environ.get("WARC_DIR", "data/warc")
WARC_MAX_BYTES = 256 * 1024 * 1024  # a new file after this many (compressed) bytes
WARC_GZIP_LEVEL = 6  # zlib level per record (warcio's own 9 costs several times the CPU for ~3 % less)

# --- Distributed mode (crawler/distributed.py): workers share a scrapy-redis queue and seen-set ---
DISTRIBUTED = os.environ.get("DISTRIBUTED", "")  # "redis" to switch it on
REDIS_URL = Secret(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
DISTRIBUTED_RUN = os.environ.get("DISTRIBUTED_RUN", "")  # workers with the same run share one crawl; default: the UTC hour
DISTRIBUTED_IDLE_SECONDS = 10.0  # a worker stops when the queue stayed empty and no worker was busy this long
DISTRIBUTED_BUSY_TIMEOUT = 120.0  # a worker silent this long (dead) no longer keeps the others waiting
DISTRIBUTED_POLL_SECONDS = 1.0  # an idle worker looks at the shared queue this often (Scrapy alone: every 5 s)
DISTRIBUTED_KEY_TTL = 2 * 86400  # seconds the run's Redis keys live after its last activity

# --- Monitoring: each run is compared with the median of the outlet's recent runs (crawler/health.py) ---
HEALTH_HISTORY_RUNS = 24  # a day of hourly runs
HEALTH_MIN_HISTORY = 3  # earlier runs needed before counts and field coverage are compared

# --- Output and logs ---
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOG_FORMATTER = "crawler.runtime.logformatter.HeadlinesLogFormatter"
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy 2.19 opens a code-executing HTTP listener by default; a cron crawler needs none

# --- Extensions ---
EXTENSIONS = {
    "crawler.runtime.extensions.RunVerdict": 490,  # failed / stopped / finished, and why (crawler/outcome.py)
    "crawler.runtime.extensions.StatsFile": 500,
    "crawler.runtime.extensions.RunRecorder": 510,
    "crawler.runtime.jobdir.JobDirGuard": 520,  # a killed run's torn disk queue is not resumed
    "crawler.runtime.extensions.GarbageCollectorTuning": 530,
}
GC_GEN0_THRESHOLD = 10_000  # see GarbageCollectorTuning; 0 keeps Python's 700
STATS_FILE = os.environ.get("STATS_FILE", "")  # final stats as JSON, when set
