"""Log records Scrapy writes at a level that misstates them, corrected where they are made.

An ERROR line should mean that something in this crawler went wrong: cron reports a run with any
(crawler.ops.cron). Scrapy logs an outlet's failures at ERROR with full tracebacks: a page that still
failed after its retries ("Gave up retrying"), and a robots.txt it could not download. Those are
counted per outlet (site/<key>/errors/…) and judged by the run's health and verdict; in the log
they are warnings, one line each.
"""

from __future__ import annotations

import logging

from scrapy import exceptions
from twisted.internet.error import ConnectError
from twisted.internet.error import TimeoutError as TxTimeoutError
from twisted.web.client import ResponseFailed, ResponseNeverReceived

# Scrapy 2.19 wraps Twisted's connection errors in its own.
_SCRAPY_NETWORK_ERRORS = (
    "CannotResolveHostError",
    "DownloadConnectionRefusedError",
    "DownloadTimeoutError",
    "DownloadFailedError",
    "DownloadCancelledError",
    "ResponseDataLossError",
)
NETWORK_ERRORS: tuple[type[BaseException], ...] = (
    ConnectError,
    TxTimeoutError,
    ResponseNeverReceived,
    ResponseFailed,
    OSError,
    *(getattr(exceptions, name) for name in _SCRAPY_NETWORK_ERRORS if hasattr(exceptions, name)),
)


class _OutletFailuresAreWarnings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        network = bool(record.exc_info) and isinstance(record.exc_info[1], NETWORK_ERRORS)  # type: ignore[index]
        gave_up = record.getMessage().startswith("Gave up retrying")
        if record.levelno == logging.ERROR and (network or gave_up):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        if network:
            record.exc_info, record.exc_text = None, None  # the message says it all
        return True


_FILTER = _OutletFailuresAreWarnings()
LOGGERS = ("scrapy.downloadermiddlewares.robotstxt", "scrapy.downloadermiddlewares.retry")


def install() -> None:
    """Attach the filter (once) to the loggers whose records it corrects."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
