"""Pure extraction: (url, raw bytes, headers) -> article, list or other. No crawler, no network.

The layout machinery site modules declare their templates with, the generic extractor, and the
shared readers of blocks, bylines, credits, dates and captions. Imports only crawler.helpers and
crawler.items.
"""
