"""``tenon serve``: uvicorn over a listening socket Tenon binds itself, with any number of workers.

Why the socket is bound here: with ``--workers`` > 1 uvicorn binds the listener as
``socket.socket(family)``, i.e. with protocol 0. asyncio sets ``TCP_NODELAY`` only on sockets
whose protocol is ``IPPROTO_TCP``, and an accepted socket inherits the listener's, so every
accepted connection kept Nagle's algorithm on: each keep-alive response waited for the client's
delayed ACK (40 ms on Linux), and 2 workers were ~3x slower per request than 1 (uvicorn issue
#3149). Binding with ``IPPROTO_TCP`` gives every accepted connection ``TCP_NODELAY``, for one
worker and for many (the socket reaches spawned workers with its protocol intact).

Workers are stateless: each one checks the site's policy and plugin-set versions on its own
(:mod:`tenon.graphql.execution`), delivers the outbox with row locks (:func:`tenon.core.events.deliver_outbox`),
so any number of them may run behind one port or behind a load balancer on several machines.
"""

from __future__ import annotations

import socket
from typing import Any

APP = "tenon.graphql.app:app_from_env"


def bind_listener(host: str, port: int) -> socket.socket:
    """A TCP listening socket on ``host:port`` with protocol ``IPPROTO_TCP`` (see the module doc)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def serve(host: str, port: int, workers: int = 1, *, log_level: str = "info", **options: Any) -> None:
    """Run uvicorn with ``workers`` processes on a listener from :func:`bind_listener` (blocks).

    The site comes from ``$TENON_SITE`` (each worker opens it). ``options`` are passed to
    ``uvicorn.Config`` (``http="httptools"``, ``loop="uvloop"``, ``backlog`` ...).
    """
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(APP, factory=True, host=host, port=port, workers=workers, log_level=log_level,
                            **options)
    sock = bind_listener(host, port)
    try:
        if workers > 1:
            Multiprocess(config, sockets=[sock]).run()
        else:
            uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
