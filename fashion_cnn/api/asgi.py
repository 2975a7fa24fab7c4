"""The API without the pages, for replicas behind any HTTP load balancer:

    uvicorn fashion_cnn.api.asgi:api --host 0.0.0.0 --port 8000 --workers 4

Stateless: each worker process loads the bundled models from model/ on its first request.
"""

from __future__ import annotations

from starlette.applications import Starlette

from fashion_cnn.api.routes import api_routes

api = Starlette(routes=api_routes())
