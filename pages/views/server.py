"""The one server of the pages and the API, as `streamlit run` serves it: connections that
answer without Nagle's delay (the rest of its set-up: fashion_cnn.serving.process).

Streamlit 1.67 binds its listening socket itself, with protocol 0, and asyncio turns
Nagle's algorithm off only on sockets made with IPPROTO_TCP: on `make run`'s connections it
stayed on, and an answer written in two parts waited for the client's delayed ACK, about
40 ms, on every API call and page message after a connection's first. The app is imported
after the socket is bound, so the fix is asyncio's check, for every TCP socket.
"""

from __future__ import annotations

import asyncio.base_events
import socket


def set_nodelay(sock: socket.socket) -> None:
    """asyncio's own, for TCP sockets made with protocol 0 as well."""
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def answer_without_delay() -> None:
    """Every TCP connection this process's event loops take from now on answers at once."""
    asyncio.base_events._set_nodelay = set_nodelay
