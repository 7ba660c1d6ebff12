"""The Scrapy components of a crawl: middlewares, extensions, the add-on, the journal, the archive,
replay, distributed mode, the run's verdict and health. Never imports crawler.ops."""
