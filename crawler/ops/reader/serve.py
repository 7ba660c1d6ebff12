"""`python -m crawler serve`: the reader on loopback by default, served by uvicorn."""

from __future__ import annotations

import ipaddress
import logging
import socket
from typing import TYPE_CHECKING

import uvicorn

from crawler.ops.reader.app import create_app

if TYPE_CHECKING:
    from crawler.store import Store

logger = logging.getLogger("crawler.reader")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: whatever it resolves to, it was asked for on purpose


def serve(store: Store, host: str, port: int) -> int:
    """Serve until interrupted; 0 then, 1 (with one line on stderr) when the port cannot be had."""
    if not is_loopback(host):
        # The reader has no login: anyone who can reach this address can read the whole archive.
        logger.warning("the reader listens on %s, not on loopback: anyone who can reach it can read the archive", host)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as listener:
        try:
            # Bind first, so a port in use is one clear line rather than a server that never starts.
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((host, port))
        except OSError as error:
            logger.error("cannot listen on %s:%d: %s", host, port, error.strerror or error)
            return 1
        app = create_app(store)
        shown = f"[{host}]" if family == socket.AF_INET6 else host
        where = f"http://{shown}:{listener.getsockname()[1]}/"
        logger.info("the reader is at %s over the %s (Ctrl-C stops it)", where, store.describe())
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
        try:
            server.run(sockets=[listener])
        except KeyboardInterrupt:
            # uvicorn shuts down on Ctrl-C, then raises it again for the caller: the way to stop it.
            logger.info("the reader stopped")
    return 0
