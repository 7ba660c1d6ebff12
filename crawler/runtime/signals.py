"""Signals of this project (Scrapy signals are plain sentinel objects)."""

not_an_article = object()
"""An article URL's page is not an article (a video shell, a gallery, an error page). Arguments:
url, site, reason. The store remembers the URL so incremental runs do not fetch it again."""

story_removed = object()
"""A story's page answered 404/410. Arguments: url, site, status. The store pipeline records it as
`removed_at` on the stored story; it is not an item, so feeds and item counts never see it."""
