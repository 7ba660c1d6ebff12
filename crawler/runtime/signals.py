"""Signals of this project (Scrapy signals are plain sentinel objects)."""

not_an_article = object()
"""An article URL's page is not an article (a video shell, a gallery, an error page). Arguments:
url, site, reason. The store remembers the URL so incremental runs do not fetch it again."""

story_removed = object()
"""A story's page is gone: it answered 404/410, redirected to a home or list page, or served an
error page as 200. Arguments: url, site, status, reason (crawler.items.Removal). The store pipeline records it as
`removed_at` on the stored story; it is not an item, so feeds and item counts never see it."""
