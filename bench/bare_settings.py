"""Plain Scrapy for the ceiling run of bench.crawl_bench: defaults, plus only what the comparison
needs to be fair (same concurrency, no delays, CONCURRENT_ITEMS=1 as headlines uses) and the final
stats file (for pages/s and peak RSS)."""

BOT_NAME = "bare"
ROBOTSTXT_OBEY = True
CONCURRENT_ITEMS = 1
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
EXTENSIONS = {"crawler.runtime.extensions.StatsFile": 500}
