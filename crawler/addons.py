"""Scrapy add-on applied before Scrapy logs its settings: wraps MONGO_URI so it never prints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.store.secrets import Secret

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


class HeadlinesAddon:
    def update_settings(self, settings: BaseSettings) -> None:
        uri = settings.get("MONGO_URI")
        if uri and not isinstance(uri, Secret):
            # Same priority as the value it replaces, so -s and the environment keep their order.
            settings.set("MONGO_URI", Secret(uri), priority=settings.getpriority("MONGO_URI") or "project")
