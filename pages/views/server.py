"""The one server of the pages and the API, as `streamlit run` serves it: connections that
answer without Nagle's delay (the rest of its set-up: fashion_cnn.serving.process), and
word of when a page's run has been sent to its browser (`run_delivered`), which the API's
requests wait for (fashion_cnn.common.priority).

Streamlit 1.67 binds its listening socket itself, with protocol 0, and asyncio turns
Nagle's algorithm off only on sockets made with IPPROTO_TCP: on `make run`'s connections it
stayed on, and an answer written in two parts waited for the client's delayed ACK, about
40 ms, on every API call and page message after a connection's first. The app is imported
after the socket is bound, so the fix is asyncio's check, for every TCP socket.
"""

from __future__ import annotations

import asyncio.base_events
import socket
import weakref
from collections.abc import Callable

from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx


def set_nodelay(sock: socket.socket) -> None:
    """asyncio's own, for TCP sockets made with protocol 0 as well."""
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def answer_without_delay() -> None:
    """Every TCP connection this process's event loops take from now on answers at once."""
    asyncio.base_events._set_nodelay = set_nodelay


def run_delivered() -> Callable[[], bool] | None:
    """For the script run under way: whether its session has sent every message of it to
    the browser's connection since (Streamlit's own account, `AppSession.is_settled`: its
    run chain over and each message it queued written). None outside a run of the server,
    or where this Streamlit has no such account (the API then waits a fixed time)."""
    try:
        ctx = get_script_run_ctx()
        if ctx is None or not Runtime.exists():
            return None
        session = Runtime.instance().get_app_session(ctx.session_id)
        if session is None:
            return None
        # Streamlit asks for this on its event loop; here, in the session's own run, its
        # runner exists, so this only makes the unset event that the run's end will set.
        session.track_settling()
    except (AttributeError, RuntimeError):  # another Streamlit: its pages must still run
        return None
    held = weakref.ref(session)  # a closed session is not kept for this

    def delivered() -> bool:
        alive = held()
        return alive is None or alive.is_settled

    return delivered
