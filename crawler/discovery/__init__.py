"""Where stories are listed, other than in HTML: feeds, sitemaps, JSON lists, robots.txt.

Pure readers, (url, bytes) -> links with their dates, on well-kept libraries (feedparser; Scrapy's
sitemap utilities), with no site knowledge: the site module keeps the links that are its articles.
"""
