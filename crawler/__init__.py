"""headlines: a Scrapy crawler for Chinese state media (see README.md)."""
