"""The API's OpenAPI 3.0 document, served at /api/openapi.json."""

from __future__ import annotations

import base64
import io
from functools import cache

from PIL import Image, ImageDraw

from fashion_cnn.api.protocol import BYTES, HEADER_LENGTH
from fashion_cnn.common import config
from fashion_cnn.serving.preprocess import FORMATS
from fashion_cnn.serving.verdict import KINDS

ERROR = {"$ref": "#/components/responses/Error"}
ERRORS = {str(code): ERROR for code in (400, 404, 405, 408, 413, 415, 429, 503)}
INPUT_TYPES = ["UINT8", "FP32", BYTES]  # pixels: UINT8 or FP32; image: BYTES
OUTPUT_TYPES = ["FP32", BYTES]
IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif", "image/bmp")
MODEL_NAME = {
    "name": "name",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "fashion_cnn (the bundled CNN) or drawings_cnn (the CNN for drawings)",
}
VERSION = {"name": "version", "in": "path", "required": True, "schema": {"type": "string"}}
EMPTY_OK = {"200": {"description": "Yes"}}


def openapi_document(models: list[str] | None = None, max_files: int = 64) -> dict:
    """The document; `models`, the names served, go in as the model parameter's choices,
    and `max_files`, the most files /api/classify takes a request."""
    name = {**MODEL_NAME, "schema": {"type": "string", "enum": models}} if models else MODEL_NAME
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Fashion-MNIST CNN Studio API",
            "version": "1",
            "description": (
                "Classify garment pictures with the bundled CNN. /api/classify takes image "
                "files; /v2 speaks the Open Inference Protocol (KServe v2) with the binary "
                "tensor data extension, for Triton's and KServe's clients."
            ),
        },
        "paths": {
            "/api/classify": {"post": classify_operation(max_files)},
            "/v2": get("Server metadata", {"$ref": "#/components/schemas/ServerMetadata"}),
            "/v2/health/live": {"get": {"summary": "The server is up", "responses": EMPTY_OK}},
            "/v2/health/ready": {
                "get": {
                    "summary": "The models are loaded and their process answers",
                    "responses": {**EMPTY_OK, "503": ERROR},
                }
            },
            **model_paths("/v2/models/{name}", [name]),
            **model_paths("/v2/models/{name}/versions/{version}", [name, VERSION]),
            "/metrics": {
                "get": {
                    "summary": "Prometheus metrics",
                    "responses": {"200": {"description": "Metrics in Prometheus' text format"}},
                }
            },
        },
        "components": {"schemas": schemas(), "responses": {"Error": error_response()}},
    }


def model_paths(base: str, parameters: list[dict]) -> dict:
    return {
        base: {
            "get": {
                "summary": "A model's inputs and outputs",
                "parameters": parameters,
                "responses": {"200": json_body({"type": "object"}), "404": ERROR, "503": ERROR},
            }
        },
        f"{base}/ready": {
            "get": {
                "summary": "The model is loaded and its process answers",
                "parameters": parameters,
                "responses": {**EMPTY_OK, "404": ERROR, "503": ERROR},
            }
        },
        f"{base}/infer": {"post": infer_operation(parameters)},
    }


def get(summary: str, schema: dict) -> dict:
    return {"get": {"summary": summary, "responses": {"200": json_body(schema)}}}


def json_body(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error_response() -> dict:
    return json_body(
        {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {"type": "string"}},
        },
        "A one-line reason (429 comes with Retry-After)",
    )


def classify_operation(max_files: int) -> dict:
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "summary": "Classify image files",
        "description": (
            f"One or more image files ({FORMATS}) as a multipart form, or one "
            "image as the body. Each is read as the app reads an upload. One JSON object "
            "per file, as `python -m fashion_cnn predict --json` prints it."
        ),
        "parameters": [
            {
                "name": "kind",
                "in": "query",
                "schema": {"type": "string", "enum": ["auto", "photo", "drawing"]},
            },
            {
                "name": "top",
                "in": "query",
                "schema": {"type": "integer", "minimum": 1, "maximum": config.NUM_CLASSES},
            },
            {"name": "name", "in": "query", "schema": {"type": "string"}},
        ],
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {
                                "type": "array",
                                "minItems": 1,
                                "maxItems": max_files,
                                "items": {"type": "string", "format": "binary"},
                            }
                        },
                    }
                },
                **dict.fromkeys(IMAGE_TYPES, binary),
                "application/octet-stream": binary,
            },
        },
        "responses": {
            "200": json_body({"type": "array", "items": {"$ref": "#/components/schemas/Answer"}}),
            **ERRORS,
        },
    }


def infer_operation(parameters: list[dict]) -> dict:
    return {
        "summary": "Run a model (Open Inference Protocol)",
        "description": (
            "Inputs: `pixels` (UINT8 or FP32, shape [n, 28, 28, 1], 0-255, a light garment "
            "on black, as the dataset) or `image` (BYTES, shape [n]: image files, base64 in "
            "JSON; parameter `kind`: auto, photo or drawing). Outputs: `probabilities` (FP32 "
            "[n, 10]), `label`, `verdict` (by default) and `hint` (BYTES [n]), `features` "
            "(FP32 [n, C]). Binary tensor data: send `Inference-Header-Content-Length` and "
            "`binary_data_size` per input; ask for binary outputs with `binary_data`. A body "
            "may come gzip- or deflate-compressed (Content-Encoding)."
        ),
        "parameters": [
            *parameters,
            {
                "name": HEADER_LENGTH,
                "in": "header",
                "schema": {"type": "integer", "minimum": 1},
                "description": "With binary tensor data: the length of the JSON that comes first",
            },
        ],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/InferRequest"},
                    "example": infer_example(),
                },
                "application/octet-stream": {
                    "schema": {"type": "string", "format": "binary"},
                    "description": "The JSON request, then each input's binary tensor data",
                },
            },
        },
        "responses": {
            "200": {
                "description": "The outputs: JSON, or JSON then binary tensor data",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/InferResponse"}},
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                },
            },
            **ERRORS,
        },
    }


@cache
def infer_example() -> dict:
    """A request that works as written: a drawn pair of trousers, as a PNG file."""
    picture = Image.new("L", (56, 56), 255)
    draw = ImageDraw.Draw(picture)
    draw.polygon([(16, 4), (40, 4), (44, 52), (32, 52), (28, 16), (24, 52), (12, 52)], fill=0)
    png = io.BytesIO()
    picture.save(png, "PNG")
    data = base64.b64encode(png.getvalue()).decode()
    return {
        "id": "trousers-1",
        "inputs": [
            {
                "name": "image",
                "datatype": BYTES,
                "shape": [1],
                "parameters": {"kind": "drawing"},
                "data": [data],
            }
        ],
        "outputs": [{"name": "label"}, {"name": "verdict"}],
    }


def tensor(datatypes: list[str]) -> dict:
    """A tensor's JSON: its data may instead come as binary data (`binary_data_size`)."""
    return {
        "type": "object",
        "required": ["name", "shape", "datatype"],
        "properties": {
            "name": {"type": "string"},
            "shape": {"type": "array", "items": {"type": "integer", "minimum": 0}},
            "datatype": {"type": "string", "enum": datatypes},
            "parameters": {"type": "object"},
            "data": {"type": "array"},
        },
    }


def schemas() -> dict:
    return {
        "ServerMetadata": {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "version": {"type": "string"},
                "extensions": {"type": "array", "items": {"type": "string"}},
            },
        },
        "InferRequest": {
            "type": "object",
            "required": ["inputs"],
            "properties": {
                "id": {"type": "string"},
                "parameters": {"type": "object"},
                "inputs": {  # one: pixels or image
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 1,
                    "items": tensor(INPUT_TYPES),
                },
                "outputs": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {
                            "name": {"type": "string"},
                            "parameters": {"type": "object"},
                        },
                    },
                },
            },
        },
        "InferResponse": {
            "type": "object",
            "required": ["model_name", "outputs"],
            "properties": {
                "model_name": {"type": "string"},
                "model_version": {"type": "string"},
                "id": {"type": "string"},
                "outputs": {"type": "array", "items": tensor(OUTPUT_TYPES)},
            },
        },
        "Answer": {
            "type": "object",
            "required": ["file"],
            "properties": {
                "file": {"type": "string"},
                "class_index": {
                    "type": "integer",
                    "description": "the class's number in the dataset (0-9), not the file's",
                },
                "label": {"type": "string"},
                "confidence": {"type": "number"},
                "verdict": {"type": "string", "enum": list(KINDS)},
                "hint": {"type": "string", "nullable": True},
                "top": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "label": {"type": "string"},
                            "probability": {"type": "number"},
                        },
                    },
                },
                "error": {"type": "string"},
            },
        },
    }
