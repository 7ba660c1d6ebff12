"""Scrapy add-on applied before Scrapy logs its settings: wraps MONGO_URI and REDIS_URL so their
credentials never print, switches to the shared Redis scheduler when DISTRIBUTED=redis, and corrects
the level of the log records Scrapy writes for an outlet's failures (crawler.runtime.loglevels)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.runtime import distributed, loglevels
from crawler.store.secrets import Secret

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


class HeadlinesAddon:
    def update_settings(self, settings: BaseSettings) -> None:
        loglevels.install()
        for name in ("MONGO_URI", "REDIS_URL"):
            uri = settings.get(name)
            if uri and not isinstance(uri, Secret):
                # Same priority as the value it replaces, so -s and the environment keep their order.
                settings.set(name, Secret(uri), priority=settings.getpriority(name) or "project")
        distributed.configure(settings)
