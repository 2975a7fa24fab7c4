"""The API without the pages, for replicas behind any HTTP load balancer:

    uvicorn fashion_cnn.api.asgi:api --host 0.0.0.0 --port 8000 --workers 4

Stateless: each worker process loads the bundled models from model/ on its first request.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from fashion_cnn.api.routes import served_routes
from fashion_cnn.serving.process import one_blas_thread, spare_startup_objects


async def protocol_error(request: Request, exc: HTTPException) -> JSONResponse:
    """An unknown path or method, answered as the protocol's errors are."""
    return JSONResponse({"error": exc.detail}, exc.status_code, headers=exc.headers)


one_blas_thread()
api = Starlette(routes=served_routes(), exception_handlers={HTTPException: protocol_error})
spare_startup_objects()
