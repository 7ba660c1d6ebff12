"""Why items are dropped. Each reason is its own class, so Scrapy's CoreStats counts
`item_dropped_reasons_count/<Reason>` and the log says which rule fired."""

from __future__ import annotations

from scrapy.exceptions import DropItem


class InvalidArticle(DropItem):
    """The item is not a usable story; logged at WARNING."""

    def __init__(self, message: str) -> None:
        super().__init__(message, log_level="WARNING")


class MissingIdentity(InvalidArticle):
    """No url, key or canonical URL: the item could not be stored under any identity."""


class ForeignHost(InvalidArticle):
    """The URL belongs to no registered outlet (an offsite redirect ended here)."""


class MissingTitle(InvalidArticle):
    pass


class MissingBody(InvalidArticle):
    pass


class GarbledText(InvalidArticle):
    """Decoding left replacement characters (U+FFFD) or GBK-as-UTF-8 mojibake in the text."""


class DuplicateInRun(DropItem):
    """The same page was already stored in this run; expected, logged at DEBUG."""

    def __init__(self, message: str) -> None:
        super().__init__(message, log_level="DEBUG")
