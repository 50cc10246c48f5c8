"""waitress as ``guidegen serve`` runs it (and the tests): its bounds, and refusals that close their connection.

A desk must stay up when a page elsewhere (or a script) opens connections and keeps them: at most
``CONNECTION_LIMIT`` at once, an idle one dropped after ``CHANNEL_TIMEOUT`` seconds (looked for every
``CLEANUP_INTERVAL``), and every refusal (a foreign ``Host``, a forged form, a cap: any status from 400 up) sent
with ``Connection: close`` and the connection closed, so refused requests cannot hold the connection slots.

A WSGI application may not send ``Connection`` itself (PEP 3333: a hop-by-hop header; waitress refuses it), so
the server's own response does: its channels make tasks that close after a status of 400 or more.
"""

from __future__ import annotations

from typing import Any

from waitress.channel import HTTPChannel
from waitress.server import create_server
from waitress.task import WSGITask

THREADS = 8
CONNECTION_LIMIT = 200  # waitress's default is 100
CHANNEL_TIMEOUT = 20  # seconds an idle connection is kept (waitress's default is 120)
CLEANUP_INTERVAL = 5  # seconds between looks for idle connections (default 30)
MAX_BODY_BYTES = 65_536  # waitress refuses larger bodies before reading them


def waitress_options() -> dict[str, Any]:
    """waitress's adjustments for the desk (names as waitress documents them)."""
    return {"threads": THREADS, "ident": "guidegen", "max_request_body_size": MAX_BODY_BYTES,
            "max_request_header_size": 65_536, "expose_tracebacks": False, "connection_limit": CONNECTION_LIMIT,
            "channel_timeout": CHANNEL_TIMEOUT, "cleanup_interval": CLEANUP_INTERVAL}


class _RefusalClosesTask(WSGITask):
    """A request whose answer is a refusal (status >= 400) closes its connection: ``Connection: close``."""

    def build_response_header(self) -> bytes:
        if self.status[:1] in ("4", "5"):
            self.set_close_on_finish()
        header: bytes = super().build_response_header()
        return header


class _DeskChannel(HTTPChannel):
    task_class = _RefusalClosesTask


def desk_server(app: Any, *, host: str, port: int, sockets: dict[int, Any] | None = None,
                **overrides: Any) -> Any:
    """A waitress server for ``app`` on ``host``:``port`` (``run()`` serves); ``overrides`` change adjustments."""
    socket_map: dict[int, Any] = {} if sockets is None else sockets
    server = create_server(app, host=host, port=port, map=socket_map, **{**waitress_options(), **overrides})
    for listener in (server, *socket_map.values()):  # one listener per address ("localhost": IPv4 and IPv6)
        if hasattr(listener, "channel_class"):
            listener.channel_class = _DeskChannel
    return server
