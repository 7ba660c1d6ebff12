"""The web reader: `python -m crawler serve` browses and searches either store, read-only.

Starlette routes (app.py) over the store's catalog (crawler.store.catalog) and documents; Jinja2
templates with autoescaping; no scripts in the pages, and a content security policy that forbids
them, so a stored `<script>` can neither run as markup nor be loaded."""
