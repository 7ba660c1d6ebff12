"""Project commands for `scrapy` (COMMANDS_MODULE): `crawl` with honest exit statuses."""
