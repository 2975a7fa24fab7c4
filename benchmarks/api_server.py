"""The app's one server (the pages and the API, as `make run` serves them) plus a no-op
POST route, the baseline of benchmarks.api_load:

    streamlit run benchmarks/api_server.py --server.port PORT

(`streamlit run`, not uvicorn: Streamlit's own server settings, such as no access log.)
"""

from __future__ import annotations

import streamlit as st
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from fashion_cnn.api.routes import api_routes
from fashion_cnn.common import config
from fashion_cnn.serving.process import one_blas_thread, spare_startup_objects
from pages.views.server import answer_without_delay


async def noop(request: Request) -> JSONResponse:
    """Reads the body and answers a small JSON object: the HTTP work of a request alone."""
    await request.body()
    return JSONResponse({"ok": True})


answer_without_delay()  # as streamlit_app.py does
one_blas_thread()
app = st.App(
    config.PROJECT_ROOT / "streamlit_app.py",
    routes=[Route("/noop", noop, methods=["POST"]), *api_routes()],
)
spare_startup_objects()
