"""The HTTP API's routes (Starlette): the Open Inference Protocol under /v2, a plain
endpoint for image files at /api/classify, its OpenAPI document and Prometheus metrics.

The same routes serve beside the pages (`streamlit_app.py`'s `st.App`) and on their own
(`fashion_cnn.api.asgi:api`, for replicas behind a load balancer). Every error is the
protocol's `{"error": "one line"}`: 400 for a request it cannot read, 404 for an unknown
model, 405 for a method a path does not take, 408 for a body too slow to arrive, 413 for
one too large, 415 for a body in an encoding other than gzip or deflate (after these
three the connection closes, so the rest of the body is never read), 429 with Retry-After
when the model's queue is full, 503 while the models cannot load, and 500 (logged in full)
for a bug. Reading and writing large tensors runs in worker threads, so that the event
loop, which also serves the pages, never stalls on a large request. Any origin may call
the API from a browser (CORS): it holds no one's data and takes no credentials.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import math
import time
import zlib
from collections.abc import Awaitable, Callable, Sequence

import numpy as np
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from fashion_cnn.api import protocol
from fashion_cnn.api.batching import Overloaded
from fashion_cnn.api.metrics import ApiMetrics
from fashion_cnn.api.models import (
    DEFAULT_OUTPUTS,
    HINT,
    IMAGE,
    LABEL,
    PIXELS,
    VERDICT,
    VERSION,
    ModelStore,
    ServedModel,
)
from fashion_cnn.api.openapi import openapi_document
from fashion_cnn.common import config
from fashion_cnn.common.contract import FEATURES, PROBABILITIES, ModelFileError
from fashion_cnn.common.priority import PAGE_RUNS
from fashion_cnn.serving.predictor import Classification
from fashion_cnn.serving.preprocess import KINDS, decoded_pixels, read_upload

MAX_BODY = 20 * 1024 * 1024  # bytes: as the pages' upload limit
MAX_IMAGES = 1024  # per request, so one caller cannot fill the queue alone
MAX_FILES = 64  # image files per /api/classify request
MAX_REQUEST_PIXELS = 100_000_000  # decoded per request: a 40-megapixel PNG takes over 0.5 s
BODY_SECONDS = 30.0  # a body still arriving after this is dropped (408)
RETRY_AFTER = "1"  # seconds, with 429
OTHER_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")  # 405 where not taken
ENCODINGS = {"gzip": 31, "x-gzip": 31, "deflate": 15}  # Content-Encoding: zlib's window bits
CLOSE_AFTER = (408, 413, 415)  # the rest of such a body is never read: the connection closes
CORS = {  # on every answer: the same for any caller, so no cache need vary by Origin
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": f"{protocol.HEADER_LENGTH}, Retry-After",
}
OUTPUT_TYPES = {  # the outputs a request may ask for, by datatype
    PROBABILITIES: "FP32",
    FEATURES: "FP32",
    LABEL: "BYTES",
    VERDICT: "BYTES",
    HINT: "BYTES",
}
DEFAULT_WANTED = dict.fromkeys(DEFAULT_OUTPUTS)  # no binary_data flag: the request's default
CORS_HEADERS = [(k.lower().encode(), v.encode()) for k, v in CORS.items()]  # as sent
IN_THREAD_FROM = 16  # images: larger requests are read and answered in a worker thread
DECODERS = 2  # image files decoded at once over all requests: a 40-megapixel one is ~160 MB

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, message: str, **headers: str):
        super().__init__(message)
        self.status, self.headers = status, headers


def error(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status, headers=headers or None)


Endpoint = Callable[[Request], Awaitable[Response]]


def served_routes() -> list[BaseRoute]:
    """`api_routes` for a server's start: a bad setting ends the process with its one line
    (exit status 1), not a traceback."""
    try:
        return api_routes()
    except ValueError as exc:  # settings_from_environment: one line for people
        raise SystemExit(f"error: {exc}") from None


def api_routes() -> list[BaseRoute]:
    """Every route of the API, sharing one model store and one metrics registry."""
    metrics = ApiMetrics()
    store = ModelStore()
    store.on_batch = metrics.batch_images.observe
    metrics.queued.set_function(
        lambda: sum(m.batcher.queued for m in (store.served or {}).values())
    )
    api = Api(store, metrics)

    def route(path: str, endpoint: Endpoint, name: str, runs_model: bool = False) -> list[Route]:
        """The route (POST where it `runs_model`, else GET), and a 405 for its path's other
        methods: beside the pages, Streamlit would answer them with its HTML page. A route
        that runs the model lets a page's run go first (fashion_cnn.common.priority)."""
        methods = ["POST"] if runs_model else ["GET"]
        taken = {"POST"} if runs_model else {"GET", "HEAD"}  # Starlette adds HEAD to GET
        others = [m for m in OTHER_METHODS if m not in taken]
        if runs_model:
            endpoint = after_page_runs(endpoint)
        return [
            Route(path, api.measured(name, endpoint), methods=methods, name=name),
            Route(path, preflight(methods), methods=["OPTIONS"]),
            Route(path, api.measured(name, wrong_method(methods), timed=False), methods=others),
        ]

    both = ("/v2/models/{name}", "/v2/models/{name}/versions/{version}")
    return [  # the model's routes first: a request tries each route in turn (~1 µs each)
        *(r for p in both for r in route(f"{p}/infer", api.infer, "infer", runs_model=True)),
        *route("/api/classify", api.classify, "classify", runs_model=True),
        *route("/v2", api.server_metadata, "server_metadata"),
        *route("/v2/health/live", api.live, "live"),
        *route("/v2/health/ready", api.ready, "ready"),
        *(r for p in both for r in route(p, api.model_metadata, "model_metadata")),
        *(r for p in both for r in route(f"{p}/ready", api.model_ready, "model_ready")),
        *route("/api/openapi.json", api.openapi, "openapi"),
        *route("/metrics", api.metrics_endpoint, "metrics"),
        # Last: any other path under the API's prefixes gets the protocol's 404, not the
        # pages' HTML (Streamlit answers every unknown path with its page).
        *(
            Route(
                path,
                api.measured("unknown", unknown_path, timed=False),
                methods=[*OTHER_METHODS, "OPTIONS"],
            )
            for path in ("/api", "/v2/{rest:path}", "/api/{rest:path}")
        ),
    ]


def after_page_runs(endpoint: Endpoint) -> Endpoint:
    """`endpoint`, once no page runs (or the longest wait has passed)."""

    async def waited(request: Request) -> Response:
        await PAGE_RUNS.idle()
        return await endpoint(request)

    return waited


async def unknown_path(request: Request) -> Response:
    """An API path that does not exist: 404 with the protocol's JSON error."""
    return error(404, f"{request.url.path} is not a route of this API (see /api/openapi.json)")


def allow(methods: Sequence[str]) -> str:
    """The Allow header of a path that takes `methods`: HEAD with GET, and OPTIONS."""
    return ", ".join([*methods, *(["HEAD"] if "GET" in methods else []), "OPTIONS"])


def preflight(allowed: Sequence[str]) -> Endpoint:
    """OPTIONS: the methods a path takes, and a browser's CORS preflight answered."""
    headers = {
        "Allow": allow(allowed),
        **CORS,
        "Access-Control-Allow-Methods": ", ".join(allowed),
        "Access-Control-Allow-Headers": (
            f"Content-Type, Content-Encoding, {protocol.HEADER_LENGTH}"
        ),
        "Access-Control-Max-Age": "86400",
    }

    async def endpoint(request: Request) -> Response:
        return Response(status_code=204, headers=headers)

    return endpoint


def wrong_method(allowed: Sequence[str]) -> Endpoint:
    """An endpoint that answers 405 with the methods its path takes."""
    takes, header = ", ".join(allowed), allow(allowed)

    async def endpoint(request: Request) -> Response:
        return error(405, f"{request.url.path} takes {takes}, not {request.method}", Allow=header)

    return endpoint


class Api:
    def __init__(self, store: ModelStore, metrics: ApiMetrics):
        self.store, self.metrics = store, metrics
        self.decoding = asyncio.Semaphore(DECODERS)

    def measured(self, name: str, endpoint: Endpoint, timed: bool = True) -> Endpoint:
        """The endpoint with its errors answered as the protocol's JSON, counted, and
        timed unless it only turns a wrong method or path away."""

        async def handle(request: Request) -> Response:
            start = time.perf_counter()
            try:
                response = await endpoint(request)
            except ApiError as exc:
                response = error(exc.status, str(exc), **exc.headers)
            except protocol.ProtocolError as exc:
                response = error(400, str(exc))
            except Overloaded as exc:
                response = error(429, str(exc), **{"Retry-After": RETRY_AFTER})
            except ModelFileError as exc:
                response = error(503, f"the model is not available: {exc}")
            except Exception:  # a bug: logged in full, the caller gets one line
                log.exception("API error on %s", request.url.path)
                response = error(500, "internal error")
            seconds = time.perf_counter() - start if timed else None
            self.metrics.observe(name, response.status_code, seconds)
            if response.status_code in CLOSE_AFTER:
                response.headers["Connection"] = "close"
            response.raw_headers += CORS_HEADERS
            return response

        return handle

    async def served(self, request: Request) -> ServedModel:
        models = await self.store.models()
        name = request.path_params["name"]
        if name not in models:
            raise ApiError(404, f"unknown model {name!r}; models: {', '.join(models)}")
        version = request.path_params.get("version", VERSION)
        if version != VERSION:
            raise ApiError(404, f"model {name!r} has no version {version!r}; versions: {VERSION}")
        return models[name]

    async def server_metadata(self, request: Request) -> Response:
        return JSONResponse(
            {"name": "fashion-cnn-studio", "version": "1", "extensions": ["binary_tensor_data"]}
        )

    async def live(self, request: Request) -> Response:
        return Response(status_code=200)

    async def ready(self, request: Request) -> Response:
        """200 once every model has answered a one-image batch, now (ModelProcess.answering);
        503 (ModelFileError) where they cannot load or their process has just died."""
        for model in (await self.store.models()).values():
            await model.process.answering(model.name)
        return Response(status_code=200)

    async def model_metadata(self, request: Request) -> Response:
        return JSONResponse((await self.served(request)).metadata())

    async def model_ready(self, request: Request) -> Response:
        model = await self.served(request)
        await model.process.answering(model.name)
        return Response(status_code=200)

    async def openapi(self, request: Request) -> Response:
        try:  # the names served are the model parameter's choices
            names = list(await self.store.models())
        except ModelFileError:
            names = None
        return JSONResponse(openapi_document(names, MAX_FILES))

    async def metrics_endpoint(self, request: Request) -> Response:
        return Response(self.metrics.exposition(), media_type=self.metrics.content_type)

    async def infer(self, request: Request) -> Response:
        model = await self.served(request)
        body = await read_body(request)
        length = header_length(request)
        if len(body) > IN_THREAD_FROM * config.IMAGE_SIZE**2 * 4:  # a 16-image FP32 tensor
            parsed = await asyncio.to_thread(protocol.parse_request, body, length)
        else:
            parsed = protocol.parse_request(body, length)
        images, in_views = await self.model_inputs(parsed)
        results = await model.batcher.run(images, in_views)

        def answer() -> tuple[bytes, dict[str, str]]:
            tensors, binary = output_tensors(parsed, results)
            return protocol.encode_response(model.name, VERSION, parsed.id, tensors, binary)

        in_thread = len(results) >= IN_THREAD_FROM or FEATURES in (parsed.outputs or {})
        content, headers = await asyncio.to_thread(answer) if in_thread else answer()
        return Response(content, headers=headers)

    async def classify(self, request: Request) -> Response:
        """One JSON object per image file, as `python -m fashion_cnn predict --json`."""
        kind, top = checked_kind(request.query_params.get("kind", "auto")), query_top(request)
        files = await request_files(request)
        read = await self.read_images([data for _, data in files], kind)
        ok = [i for i, (pre, _) in enumerate(read) if pre is not None]
        if not ok:
            reasons = (f"{name}: {why}" for (name, _), (_, why) in zip(files, read, strict=True))
            raise ApiError(400, "; ".join(reasons))
        model = next(iter((await self.store.models()).values()))  # the bundled CNN: first
        images = np.stack([read[i][0].image for i in ok])
        results = await model.batcher.run(images, np.ones(len(ok), bool))  # uploads: in views
        by_index = dict(zip(ok, results, strict=True))
        answers = [
            {"file": name, **by_index[i].as_dict(top)}
            if i in by_index
            else {"file": name, "error": read[i][1]}
            for i, (name, _) in enumerate(files)
        ]
        return JSONResponse(answers)

    async def model_inputs(self, parsed: protocol.InferRequest) -> tuple[np.ndarray, np.ndarray]:
        """The images to classify (n, 28, 28), from `pixels` or `image`, and which are read
        in views: the files of `image` (Predictor.read), not `pixels` (the dataset's form)."""
        unknown = set(parsed.inputs) - {PIXELS, IMAGE}
        if unknown or len(parsed.inputs) != 1:
            raise ApiError(
                400, f"give one input, {PIXELS!r} or {IMAGE!r}; got {sorted(parsed.inputs)}"
            )
        name, tensor = next(iter(parsed.inputs.items()))
        if name == PIXELS:
            images = pixels(tensor)
            return images, np.zeros(len(images), bool)
        kind = checked_kind(tensor.parameters.get("kind", parsed.parameters.get("kind", "auto")))
        read = await self.read_images(await asyncio.to_thread(image_files, tensor), kind)
        for i, (_, problem) in enumerate(read):
            if problem:
                raise ApiError(400, f"image {i}: {problem}")
        return np.stack([pre.image for pre, _ in read]), np.ones(len(read), bool)

    async def read_images(self, files: list[bytes], kind: str) -> list:
        """Each file through the app's preprocessing, in a worker thread, a few at a time over
        all requests: (Preprocessed, None), or (None, a one-line reason); 413 where they
        would decode to more than MAX_REQUEST_PIXELS (`within_budget`)."""
        async with self.decoding:
            return await asyncio.to_thread(
                lambda: [read_upload(data, kind) for data in within_budget(files)]
            )


def within_budget(files: list[bytes]) -> list[bytes]:
    """`files`, unless together they would decode to more than MAX_REQUEST_PIXELS (413):
    their headers say, before any is decoded. Pillow reads headers in Python, so this runs
    in a worker thread too."""
    megapixels = math.ceil(sum(map(decoded_pixels, files)) / 1e6)
    if megapixels > MAX_REQUEST_PIXELS // 1_000_000:
        raise ApiError(
            413,
            f"the images hold {megapixels} megapixels as decoded; up to "
            f"{MAX_REQUEST_PIXELS // 1_000_000} a request: send them in several",
        )
    return files


async def read_body(request: Request) -> bytes:
    """The whole body, refused (413) as soon as it is known to be too large: from its
    Content-Length before reading any of it, else once the bytes read pass the limit."""
    length = request.headers.get("content-length")
    if length is not None and whole_number(length, "Content-Length") > MAX_BODY:
        raise ApiError(413, f"the body is over the limit of {MAX_BODY // 2**20} MB")
    encoding = request.headers.get("content-encoding", "").strip().lower() or "identity"
    if encoding != "identity" and encoding not in ENCODINGS:
        raise ApiError(
            415,
            f"Content-Encoding {encoding[:20]!r} is not taken: send gzip, deflate or none",
            **{"Accept-Encoding": "gzip, deflate"},
        )
    chunks, size, more = [], 0, True
    try:  # ASGI's messages as they come: Request.stream's generator costs µs a request
        async with asyncio.timeout(BODY_SECONDS):  # no task per request, as wait_for makes
            while more:
                message = await request.receive()
                if message["type"] == "http.disconnect":  # nobody reads the answer
                    raise ApiError(400, "the connection closed before the body arrived")
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                if size > MAX_BODY:
                    raise ApiError(413, f"the body is over the limit of {MAX_BODY // 2**20} MB")
                more = message.get("more_body", False)
    except TimeoutError:
        raise ApiError(408, f"the body did not arrive within {BODY_SECONDS:.0f} s") from None
    body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if encoding == "identity":
        return body
    # In a worker thread, however small: 21 kB of deflate data inflate to 20 MB.
    return await asyncio.to_thread(decompressed, body, encoding)


def decompressed(body: bytes, encoding: str) -> bytes:
    """A body sent gzip- or deflate-compressed (as tritonclient's request_compression_
    algorithm sends it), member after member as gzip allows, refused (413) once it grows
    past the limit: a zip bomb stops there."""
    parts, size, rest = [], 0, body
    while rest:
        inflater = zlib.decompressobj(ENCODINGS[encoding])
        try:
            part = inflater.decompress(rest, MAX_BODY + 1 - size)
        except zlib.error:
            raise ApiError(400, f"the body is not valid {encoding} data") from None
        size += len(part)
        if size > MAX_BODY or inflater.unconsumed_tail:
            raise ApiError(413, f"the body is over the limit of {MAX_BODY // 2**20} MB inflated")
        if not inflater.eof:
            raise ApiError(400, f"the {encoding} data of the body is cut short")
        parts.append(part)
        rest = inflater.unused_data
        if rest and encoding == "deflate":  # one stream; gzip may hold several members
            raise ApiError(400, f"{len(rest)} bytes follow the body's deflate data")
    return b"".join(parts)


def whole_number(text: str, name: str) -> int:
    """A header's or parameter's value as a whole number (400 when it is not one)."""
    if not (text.isascii() and text.isdigit()):  # isdigit alone takes "²", which int refuses
        raise ApiError(400, f"{name} must be a whole number, not {text[:20]!r}")
    return int(text)


def header_length(request: Request) -> int | None:
    value = request.headers.get(protocol.HEADER_LENGTH)
    return None if value is None else whole_number(value, protocol.HEADER_LENGTH)


def checked_kind(kind) -> str:
    if not isinstance(kind, str) or kind not in KINDS:
        raise ApiError(400, f"kind must be one of {', '.join(KINDS)}, not {protocol.quoted(kind)}")
    return kind


def pixels(tensor: protocol.Tensor) -> np.ndarray:
    size = config.IMAGE_SIZE
    if tensor.datatype not in ("UINT8", "FP32"):
        raise ApiError(400, f"{PIXELS} must be UINT8 or FP32, not {tensor.datatype}")
    if len(tensor.shape) != 4 or tensor.shape[1:] != (size, size, 1):
        raise ApiError(
            400, f"{PIXELS} must have shape [n, {size}, {size}, 1]: {list(tensor.shape)}"
        )
    count_ok(tensor.shape[0])
    images = np.asarray(tensor.data, np.float32).reshape(-1, size, size)
    if tensor.datatype == "UINT8":  # 0-255 by its type
        return images
    if not np.isfinite(images).all() or images.min() < 0 or images.max() > 255:
        raise ApiError(400, f"{PIXELS} must lie in 0-255 (a light garment on black)")
    if tensor.datatype == "FP32" and 0 < images.max() <= 1:  # a Keras habit: read as black
        raise ApiError(400, f"{PIXELS} are all 1 or less: send 0-255, not 0-1")
    return images


def image_files(tensor: protocol.Tensor) -> list[bytes]:
    """The files of an `image` input: as they are in binary data, base64 in JSON."""
    if (
        tensor.datatype != protocol.BYTES
        or tensor.shape[:1] == ()
        or tensor.shape[1:] not in ((), (1,))
    ):
        raise ApiError(400, f"{IMAGE} must be BYTES of shape [n] or [n, 1]: image files")
    count_ok(len(tensor.data))
    if tensor.parameters.get("binary_data_size") is not None:
        return list(tensor.data)
    try:  # JSON carries text: files come base64-encoded
        return [base64.b64decode(item, validate=True) for item in tensor.data]
    except (binascii.Error, ValueError):
        raise ApiError(400, f"{IMAGE} in JSON must be base64-encoded files") from None


def count_ok(count: int) -> None:
    if not 1 <= count <= MAX_IMAGES:
        raise ApiError(413 if count else 400, f"send 1 to {MAX_IMAGES} images, not {count}")


def output_data(name: str, results: list[Classification]) -> np.ndarray | list[bytes]:
    """One output's values for every result (np.array of a list of rows: a seventh of
    np.stack's time on one row, and this runs once per request)."""
    if name == PROBABILITIES:
        return np.array([r.probabilities for r in results])
    if name == FEATURES:
        return np.array([r.features for r in results])
    if name == LABEL:
        return [r.label.encode() for r in results]
    if name == VERDICT:
        return [r.verdict.kind.encode() for r in results]
    return [(r.hint or "").encode() for r in results]


def output_tensors(
    parsed: protocol.InferRequest, results: list[Classification]
) -> tuple[list[protocol.Tensor], set[str]]:
    """The requested outputs (by default probabilities, label and verdict), and which of
    them go as binary data."""
    wanted = parsed.outputs or DEFAULT_WANTED
    unknown = sorted(set(wanted) - OUTPUT_TYPES.keys())
    if unknown:
        raise ApiError(400, f"unknown outputs {unknown}; outputs: {', '.join(OUTPUT_TYPES)}")
    if parsed.output_parameters - {"binary_data"}:
        names = sorted(parsed.output_parameters - {"binary_data"})
        raise ApiError(400, f"output parameters {names} are not supported here")
    tensors = []
    for name in wanted:
        data = output_data(name, results)
        shape = data.shape if isinstance(data, np.ndarray) else (len(results),)
        tensors.append(protocol.Tensor(name, OUTPUT_TYPES[name], shape, data))
    binary = {
        name for name, flag in wanted.items() if (parsed.binary_output if flag is None else flag)
    }
    return tensors, binary


def query_top(request: Request) -> int:
    """How many classes each answer lists (`?top=`, 3 by default)."""
    text = request.query_params.get("top", "3")
    top = int(text) if text.isascii() and text.isdigit() else 0  # "-1", "x": as out of range
    if not 1 <= top <= config.NUM_CLASSES:
        limit = f"from 1 to {config.NUM_CLASSES}"
        raise ApiError(400, f"top must be a whole number {limit}, not {text[:20]!r}")
    return top


async def request_files(request: Request) -> list[tuple[str, bytes]]:
    """(name, bytes) of each image: the files of a multipart form, or the raw body."""
    body = await read_body(request)
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        if not body:
            raise ApiError(400, "send image files: a multipart form, or an image as the body")
        return [(request.query_params.get("name") or "upload", body)]

    async def replay() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(request.scope, replay).form(max_files=MAX_FILES, max_fields=MAX_FILES)
    except Exception as exc:  # python-multipart's and Starlette's own errors, one line
        detail = str(getattr(exc, "detail", None) or exc).rstrip(".")  # not "400: ..."
        if detail.startswith("Too many"):
            raise ApiError(400, f"too many parts: up to {MAX_FILES} files a request") from None
        raise ApiError(400, f"the multipart form cannot be read: {detail}") from None
    try:  # closing the form deletes the temporary files of large parts
        uploads = [v for _, v in form.multi_items() if isinstance(v, UploadFile)]
        if not uploads:
            raise ApiError(400, "the form holds no file")
        return [(u.filename or "upload", await u.read()) for u in uploads]
    finally:
        await form.close()
